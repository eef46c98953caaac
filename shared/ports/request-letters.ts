import type { AuditEntry } from './audit.js';

/** An agency's request letter (surat permohonan): one PDF, stored once, linked from every user it covers. */
export interface RequestLetterRecord {
  letterId: string;
  tenantId: string;
  /** Under the KYC prefix of the photo bucket: the same encryption, retention and grants as the photos. */
  objectKey: string;
  uploadedBy: string;
  uploadedAt: string;
  size: number;
  pages: number;
  /** Hex SHA-256 of the file, so a copy produced later can be matched to what was filed. */
  sha256: string;
}

export interface RequestLetterStore {
  /** Records the letter and its audit entry together; the file is already stored. */
  saveLetter(letter: RequestLetterRecord, audit: AuditEntry): Promise<void>;
  findLetter(letterId: string): Promise<RequestLetterRecord | undefined>;
}

/** The letters' files. AWS: S3 (the photo bucket); locally: s3rver. */
export interface LetterFileStore {
  putPdf(objectKey: string, bytes: Uint8Array): Promise<void>;
  /** A short-lived link to the file (the console's download). */
  presignDownload(objectKey: string, expiresInSeconds: number): Promise<string>;
}

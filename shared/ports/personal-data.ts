import type { OtpDevice } from './accounts.js';
import type { AuditEntry } from './audit.js';
import type { CertificateRecord } from './certificates.js';
import type { DataChangeRequest } from './data-changes.js';
import type { PhotoRecord } from './photos.js';
import type { SignedHashBatch, SigningBatch } from './signatures.js';
import type { UserRecord } from './users.js';

/** Everything the table holds about one person (UU PDP's right of access), secrets aside. */
export interface PersonalHoldings {
  user: UserRecord;
  devices: Omit<OtpDevice, 'sealedSecret' | 'lastTimeStep'>[];
  photos: PhotoRecord[];
  certificates: CertificateRecord[];
  signatures: (SigningBatch | SignedHashBatch)[];
  dataChanges: DataChangeRequest[];
  /** Every audit entry about the person, oldest first. */
  audit: AuditEntry[];
}

/** What an erasure writes: the person's record reduced to what must stay, and why. */
export interface Erasure {
  /** The erased record (status ERASED, one version above the one read). */
  user: UserRecord;
  audit: AuditEntry;
  /** The claim on the address is given up at once: someone else may use it. */
  email?: string;
  /** The NIK's keyed-index claim stays until this time (the retention policy), then expires. */
  nikClaim?: { nikIndex: string; keepUntil: string };
}

export interface PersonalDataStore {
  collect(userId: string): Promise<PersonalHoldings | undefined>;
  /**
   * Deletes every item of the person's but the audit trail and the certificates (public, and
   * evidence of what was signed), and writes the erased record. Safe to run again: an erasure
   * that stopped half-way is finished by the next.
   */
  erase(erasure: Erasure): Promise<void>;
}

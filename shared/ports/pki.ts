import type { RevocationEntry } from './certificates.js';

/** The CRL last published: which object holds it, and which revocations it covers. */
export interface PublishedCrl {
  crlNumber: number;
  /** The revision of the revocation list it was built from. */
  revision: number;
  thisUpdate: string;
  nextUpdate: string;
  objectKey: string;
  entries: number;
  bytes: number;
}

export interface CrlState {
  /** Bumped by every revocation, in the revocation's own transaction. */
  revision: number;
  published?: PublishedCrl;
}

/** A TSA certificate as stored: one per TSA key, never replaced (a new key gets a new one). */
export interface StoredTsaCertificate {
  pem: string;
  serialNumber: string;
}

/** The CA's own records: its certificate, its revocation list and the CRLs made from it. */
export interface PkiStore {
  findCaCertificate(): Promise<string | undefined>;
  /** Stores the CA certificate unless one exists; false when another was stored first. */
  saveCaCertificate(pem: string, at: string): Promise<boolean>;
  /** The TSA certificate of the TSA key whose SubjectPublicKeyInfo hashes (SHA-256, hex) to keyHash. */
  findTsaCertificate(keyHash: string): Promise<string | undefined>;
  /** Stores the TSA certificate of that key unless one exists; false when another was stored first. */
  saveTsaCertificate(keyHash: string, certificate: StoredTsaCertificate, at: string): Promise<boolean>;
  /** The serial numbers of every TSA certificate the CA issued (OCSP answers them good). */
  tsaSerialNumbers(): Promise<string[]>;
  /** The service's seal certificate of the seal key whose SubjectPublicKeyInfo hashes to keyHash. */
  findSealCertificate(keyHash: string): Promise<string | undefined>;
  /** Stores the seal certificate of that key unless one exists; false when another was stored first. */
  saveSealCertificate(keyHash: string, certificate: StoredTsaCertificate, at: string): Promise<boolean>;
  /** The serial numbers of every seal certificate the CA issued (OCSP answers them good). */
  sealSerialNumbers(): Promise<string[]>;
  crlState(): Promise<CrlState>;
  /** A new CRL number (strictly increasing) and the revision it will cover at least. */
  nextCrlNumber(): Promise<{ crlNumber: number; revision: number }>;
  /** Every revocation entry, in one consistent read of the CA's partition. */
  listRevocations(): Promise<RevocationEntry[]>;
  /** Points to the new CRL unless a higher number is published already; false then. */
  publishCrl(crl: PublishedCrl): Promise<boolean>;
}

/** Binary artifacts the CA publishes (CRLs). AWS: S3; locally: s3rver. */
export interface BlobStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}

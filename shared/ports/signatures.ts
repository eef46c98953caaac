import type { SignatureLevel } from '../domain/signing.js';

/** One signed document of a request: what the service keeps after the PDF itself is gone (24 h). */
export interface SignedDocument {
  /** `<batchId>.<index>`: one GetItem finds it. */
  documentId: string;
  name: string;
  /** SHA-256 (hex) of the PDF as received and as signed. */
  originalSha256: string;
  signedSha256: string;
  /** Where the signed PDF is kept for 24 hours. */
  objectKey: string;
}

/** One signing request: one authorisation, its documents, and what it was signed with. */
export interface SigningBatch {
  batchId: string;
  tenantId: string;
  /** The signer. */
  userId: string;
  /** The integrator key that asked, when not the signer in person. */
  requestedBy?: string;
  certificateSerial: string;
  level: SignatureLevel;
  signedAt: string;
  documents: SignedDocument[];
}

/** One request's signed hashes (for clients that build their own CMS): what was signed, by whom. */
export interface SignedHashBatch {
  batchId: string;
  tenantId: string;
  userId: string;
  requestedBy?: string;
  certificateSerial: string;
  signedAt: string;
  /** The hashes as received (hex), in order. */
  hashes: string[];
}

export interface SignatureLedger {
  /**
   * Records the batch and counts its documents in the tenant's usage, in one transaction. False
   * when a batch with this id exists already (the same idempotency key: nothing is counted twice).
   */
  record(batch: SigningBatch): Promise<boolean>;
  findBatch(batchId: string): Promise<SigningBatch | undefined>;
  /** Records signed hashes and counts them in the tenant's usage, in one transaction. */
  recordHashes(batch: SignedHashBatch): Promise<void>;
}

/** Where signed PDFs are kept for their 24 hours (an S3 prefix with a lifecycle rule). */
export interface DocumentStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}

import type { CertificateStatus, RevocationReason } from '../domain/certificates.js';
import type { UsageCount } from '../domain/usage.js';
import type { SealedSigningKey } from '../crypto/key-custody.js';
import type { AttemptLeases } from './attempts.js';
import type { Role } from '../domain/user.js';
import type { DataChangeWrite } from './data-changes.js';
import type { LinkTokenRecord } from './links.js';
import type { OutboxMessage } from './outbox.js';
import type { AuditEntry } from './users.js';

export type { CertificateStatus, RevocationReason };

/** A fresh selfie confirmed on a set-passphrase or reset-passphrase link, kept as evidence. */
export interface ConfirmedSelfie {
  photoId: string;
  objectKey: string;
  width: number;
  height: number;
  confirmedAt: string;
}

export interface CertificateRecord {
  serialNumber: string;
  userId: string;
  tenantId: string;
  email: string;
  fullName: string;
  /** The subject as text (CN, OU, O, C). */
  subject: string;
  status: CertificateStatus;
  notBefore: string;
  notAfter: string;
  pem: string;
  /** The holder's PKCS#10 request (proof of possession), kept with the certificate. */
  csrPem: string;
  keyId: string;
  issuedAt: string;
  /** How it came: the first certificate, a renewal, a passphrase reset, a new request. */
  issuance: { kind: IssuanceKind; tokenHash: string; replaces?: string };
  agreement: { version: string; acceptedAt: string; sourceIp: string };
  selfie: ConfirmedSelfie;
  revocation?: { at: string; reason: RevocationReason; actorId: string; actorRole: Role | 'SYSTEM' };
  /** The certificate that replaced this one (renewal). */
  renewedBy?: string;
  expiredAt?: string;
  version: number;
}

export type IssuanceKind = 'FIRST' | 'RENEWAL' | 'RESET' | 'NEW_REQUEST';

/**
 * The user's one signing key: the key of their current certificate, sealed under the passphrase
 * and the KMS data key. There is at most one per user, so a second ISSUED certificate cannot be
 * made by two links racing: issuing is conditional on this item.
 */
export interface SigningKeyRecord {
  userId: string;
  keyId: string;
  serialNumber: string;
  sealed: SealedSigningKey;
  createdAt: string;
  updatedAt: string;
  /** Consecutive wrong passphrases; a right one resets it. */
  failedPassphrases: number;
  /** Set by the failure that reaches the limit; only a passphrase reset (a new key) clears it. */
  lockedAt?: string;
  version: number;
}

export interface RevocationEntry {
  serialNumber: string;
  revokedAt: string;
  reason: RevocationReason;
  notAfter: string;
}

/**
 * One certificate change, committed atomically with the records around it (link, key, CRL
 * entry, audit, e-mail, usage). The store turns a failed guard into the matching error.
 */
export interface CertificateChange {
  userId: string;
  /** The link this change uses up (TOKEN_USED if used meanwhile); the serial is recorded on it. */
  consumeToken?: { token: LinkTokenRecord; serialNumber?: string };
  /** A new certificate and its key. The key replaces the one holding `replacesSerial`, or none. */
  issue?: { certificate: CertificateRecord; key: SigningKeyRecord; replacesSerial?: string };
  /** Certificates changed on the version read (revoked, renewed, expired). */
  updates?: readonly CertificateRecord[];
  /** Each goes on the CRL (and bumps its revision). */
  revocations?: readonly RevocationEntry[];
  /** Deletes the user's signing key if it still belongs to this certificate. */
  dropKeyOf?: string;
  /** The same key sealed anew (passphrase change), conditional on the version read. */
  resealKey?: SigningKeyRecord;
  tokens?: readonly LinkTokenRecord[];
  audit: AuditEntry;
  messages?: readonly OutboxMessage[];
  /** Billing event counted in the same transaction. */
  usage?: UsageCount;
  /** A data change (Perubahan Data) and the profile it changes, written with what it does to the certificate. */
  dataChange?: DataChangeWrite;
}

export interface CertificateStore {
  /** Strongly consistent: OCSP and revocation must see the latest status. */
  findCertificate(serialNumber: string): Promise<CertificateRecord | undefined>;
  /** The user's certificates, newest first. */
  listUserCertificates(userId: string): Promise<CertificateRecord[]>;
  findSigningKey(userId: string): Promise<SigningKeyRecord | undefined>;
  /**
   * Holds a link while its certificate is being made, so two requests racing on one link cannot
   * both get the CA to sign; false while another holds it. The hold lapses at `until`.
   */
  holdLink(token: LinkTokenRecord, now: string, until: string): Promise<boolean>;
  /** Lets go of a hold this caller took (`until` as given to holdLink), when making the certificate failed. */
  releaseLink(token: LinkTokenRecord, until: string): Promise<void>;
  /** Records the fresh selfie on the link (while the link is unused). */
  saveLinkSelfie(token: LinkTokenRecord, selfie: ConfirmedSelfie): Promise<void>;
  commit(change: CertificateChange): Promise<void>;
  /**
   * The passphrase attempt lease of this key: one passphrase tried at a time, only while the key is
   * unlocked and below MAX_PASSPHRASE_FAILURES; a wrong one counted, a right one clears the count
   * (refused with KEY_LOCKED if the key was locked meanwhile).
   */
  passphraseAttempts(key: SigningKeyRecord): AttemptLeases;
  /** Locks the key unless locked already; true for the one caller that locked it. */
  lockKey(key: SigningKeyRecord, at: string, extra: { audit: AuditEntry; message: OutboxMessage }): Promise<boolean>;
}

/** What the daily job needs: certificates by expiry day, in a query per day. */
export interface ExpiringCertificates {
  /** Live (ISSUED or SUSPENDED) certificates whose notAfter falls on the UTC day (YYYY-MM-DD). */
  listExpiringOn(day: string): Promise<CertificateRecord[]>;
  /** ISSUED/SUSPENDED → EXPIRED, and the key dropped; false when it had changed meanwhile. */
  markExpired(certificate: CertificateRecord, at: string): Promise<boolean>;
  /** Queues a message once: a message id already queued is left alone. */
  enqueueOnce(message: OutboxMessage): Promise<boolean>;
  /** The last UTC day (YYYY-MM-DD) the job completed, if it ever did. */
  lastCompletedDay(): Promise<string | undefined>;
  recordCompletedDay(day: string): Promise<void>;
}

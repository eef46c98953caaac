import type { PendingDevice } from './accounts.js';
import type { ConfirmedSelfie } from './certificates.js';
import type { TokenPurpose } from '../domain/tokens.js';

export interface LinkTokenRecord {
  tokenHash: string;
  purpose: TokenPurpose;
  userId: string;
  tenantId: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  revokedAt?: string;
  /** The request a link belongs to (OTP-device links). */
  requestId?: string;
  /** The authenticator secret offered on this link's page, kept until the first code confirms it. */
  pendingDevice?: PendingDevice;
  /** What a set-passphrase link issues (the approval's first one says nothing: FIRST). */
  issuanceKind?: 'FIRST' | 'RENEWAL' | 'NEW_REQUEST';
  /** The certificate a renewal, change-passphrase or reset-passphrase link acts on. */
  certificateSerial?: string;
  /** The fresh selfie confirmed on a set-passphrase or reset-passphrase link. */
  freshSelfie?: ConfirmedSelfie;
  /** While a certificate is being made through this link, no other request may use it. */
  heldUntil?: string;
  /** The certificate this link issued (a retry answers with it). */
  issuedSerial?: string;
}

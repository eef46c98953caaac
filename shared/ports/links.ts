import type { PendingDevice } from './accounts.js';
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
}

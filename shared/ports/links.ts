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
}

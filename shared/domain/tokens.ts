import { createHash, randomBytes } from 'node:crypto';

/** What a link token may be used for; a token works for its own purpose only. */
export const tokenPurposes = [
  'activate', 'account-setup', 'enroll', 'reset-password', 'change-passphrase', 'reset-passphrase', 'otp-device',
  'data-change', 'confirm-email',
] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

/** 256 bits from the CSPRNG, base64url: unguessable, URL-safe, and never stored as such. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this digest is stored, so a table leak does not hand out working links. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens are exactly 43 base64url characters; anything else is unknown without a lookup. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function linkUrl(webBaseUrl: string, purpose: TokenPurpose, token: string): string {
  return `${webBaseUrl.replace(/\/+$/, '')}/${purpose}/${token}`;
}

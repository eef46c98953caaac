import { AppError } from './domain/errors.js';
import { hashToken, isWellFormedToken, linkUrl, newLinkToken, type TokenPurpose } from './domain/tokens.js';
import type { LinkTokenRecord } from './ports/links.js';
import type { UserDirectory, UserRecord } from './ports/users.js';

const replacedLink = () => new AppError('TOKEN_EXPIRED', [], {
  detail: {
    id: 'Tautan ini sudah diganti dengan tautan yang lebih baru. Gunakan tautan pada e-mail terakhir.',
    en: 'This link was replaced by a newer one. Use the link in the latest e-mail.',
  },
});

/**
 * The token behind a link, if it may still be used for `purpose`. Unknown (or for another
 * purpose) is 404; replaced or past its time is TOKEN_EXPIRED; consumed is TOKEN_USED.
 */
export async function usableToken(
  users: Pick<UserDirectory, 'findToken'>,
  rawToken: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<LinkTokenRecord> {
  const token = isWellFormedToken(rawToken) ? await users.findToken(hashToken(rawToken)) : undefined;
  if (!token || token.purpose !== purpose) throw new AppError('TOKEN_NOT_FOUND');
  if (token.usedAt) throw new AppError('TOKEN_USED');
  if (token.revokedAt) throw replacedLink();
  if (new Date(token.expiresAt) <= now) throw new AppError('TOKEN_EXPIRED');
  return token;
}

/**
 * A usable link and its user. Links made before the user's links were revoked (an account marked
 * compromised) are expired, wherever they are stored.
 */
export async function usableLink(
  users: Pick<UserDirectory, 'findToken' | 'findUser'>,
  rawToken: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<{ token: LinkTokenRecord; user: UserRecord }> {
  const token = await usableToken(users, rawToken, purpose, now);
  const user = await users.findUser(token.userId);
  if (!user) throw new AppError('TOKEN_NOT_FOUND');
  if (user.linksRevokedAt && token.createdAt <= user.linksRevokedAt) throw new AppError('TOKEN_EXPIRED');
  const replaced = user.linksReplaced?.[purpose];
  if (replaced && token.tokenHash !== replaced.keep && token.createdAt <= replaced.at) throw replacedLink();
  return { token, user };
}

/** A fresh single-use link for the user: the record to store (hash only) and the URL to e-mail. */
export function newLink(
  webBaseUrl: string,
  user: Pick<UserRecord, 'userId' | 'tenantId'>,
  purpose: TokenPurpose,
  validForMs: number,
  now: Date,
): { token: LinkTokenRecord; link: string } {
  const raw = newLinkToken();
  const token: LinkTokenRecord = {
    tokenHash: hashToken(raw),
    purpose,
    userId: user.userId,
    tenantId: user.tenantId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + validForMs).toISOString(),
  };
  return { token, link: linkUrl(webBaseUrl, purpose, raw) };
}

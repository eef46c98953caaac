import type { TokenPurpose } from '../../../shared/domain/tokens.js';
import { newLink } from '../../../shared/links.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { CertificatesDeps } from './deps.js';
import { displayName } from './views.js';

/** A set-passphrase link lives as long as the one sent at approval. */
export const ENROLL_LINK_MS = 7 * 86_400_000;

/** A fresh link of the holder's: the token to store (hash only) and its e-mail. */
export async function linkFor(
  deps: Pick<CertificatesDeps, 'settings'>,
  user: UserRecord,
  purpose: TokenPurpose,
  validForMs: number,
  extra: Pick<LinkTokenRecord, 'issuanceKind' | 'certificateSerial'>,
  compose: (link: string, token: LinkTokenRecord) => ReturnType<CertificatesDeps['composer']['compose']>,
  now: Date,
) {
  const { token, link } = newLink(deps.settings.webBaseUrl, user, purpose, validForMs, now);
  const stored: LinkTokenRecord = { ...token, ...extra };
  return { token: stored, message: await compose(link, stored) };
}

/**
 * A set-passphrase link for a new certificate, for a change that leaves the person without one
 * (an approved data change), or sent again while the person has none (`kind` FIRST or
 * NEW_REQUEST): the token and its "[TTE] Set Passphrase" e-mail, sent to `to` (the address the
 * person confirmed last).
 */
export function newCertificateLink(
  deps: Pick<CertificatesDeps, 'settings' | 'composer'>,
  user: UserRecord,
  to: string,
  now: Date,
  kind: 'FIRST' | 'NEW_REQUEST' | 'DATA_CHANGE' = 'DATA_CHANGE',
) {
  return linkFor(deps, user, 'enroll', ENROLL_LINK_MS, { issuanceKind: kind === 'FIRST' ? 'FIRST' : 'NEW_REQUEST' }, (link, token) =>
    deps.composer.compose('setPassphrase', to, { fullName: displayName(user), expiresAt: token.expiresAt, kind }, { link }), now);
}

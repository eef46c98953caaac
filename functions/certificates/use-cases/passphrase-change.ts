import { sealSigningKey, signingKeyContext } from '../../../shared/crypto/key-custody.js';
import { AppError } from '../../../shared/domain/errors.js';
import { usableLink } from '../../../shared/links.js';
import { unlockSigningKey } from '../../../shared/signing-keys.js';
import type { CertificatesDeps } from './deps.js';
import { auditEntry, displayName } from './views.js';

async function changeLink(deps: CertificatesDeps, rawToken: string, now: Date) {
  const { token, user } = await usableLink(deps.users, rawToken, 'change-passphrase', now);
  const key = await deps.certificates.findSigningKey(user.userId);
  if (!key || key.serialNumber !== token.certificateSerial) throw new AppError('CERTIFICATE_NOT_ACTIVE');
  // A link asked for before a data change suspended the certificate waits for the decision too.
  if ((await deps.certificates.findCertificate(key.serialNumber))?.status === 'SUSPENDED') throw new AppError('CERTIFICATE_SUSPENDED');
  return { token, user, key };
}

/** The change-passphrase page: whose certificate, and whether the key can still be opened. */
export async function getPassphraseChange(deps: CertificatesDeps, input: { token: string }) {
  const { token, user, key } = await changeLink(deps, input.token, deps.clock.now());
  return { fullName: displayName(user), email: user.email, serialNumber: key.serialNumber, keyLocked: Boolean(key.lockedAt), expiresAt: token.expiresAt };
}

/**
 * A new passphrase for the same key.
 * 1. The current passphrase opens the key; a wrong one counts toward the lock (and the link stays
 *    usable for another try).
 * 2. The same PKCS#8 is sealed under the new passphrase (new salt) and stored on the version read,
 *    with the link used up, the failure count cleared, audit and a confirmation e-mail.
 */
export async function changePassphrase(deps: CertificatesDeps, input: { token: string; currentPassphrase: string; newPassphrase: string }): Promise<void> {
  const now = deps.clock.now();
  const { token, user, key } = await changeLink(deps, input.token, now);
  const holder = { userId: user.userId, tenantId: user.tenantId, email: user.email, fullName: displayName(user), role: user.role };
  const pkcs8 = await unlockSigningKey(deps, holder, key, input.currentPassphrase);
  let sealed;
  try {
    sealed = await sealSigningKey(deps.keyWrapper, pkcs8, input.newPassphrase, signingKeyContext(user.userId, key.keyId));
  } finally {
    pkcs8.fill(0);
  }
  const at = now.toISOString();
  await deps.certificates.commit({
    userId: user.userId,
    consumeToken: { token },
    resealKey: { ...key, sealed, failedPassphrases: 0, updatedAt: at, version: key.version + 1 },
    audit: auditEntry(deps, now, { actorId: user.userId, role: user.role }, 'PASSPHRASE_CHANGED', user, { reason: key.serialNumber }),
    messages: [await deps.composer.compose('passphraseChanged', user.email, { fullName: holder.fullName, change: 'CHANGED', serialNumber: key.serialNumber, changedAt: at }, {})],
  });
}

import { openSigningKey, signingKeyContext } from './crypto/key-custody.js';
import { MAX_PASSPHRASE_FAILURES } from './domain/certificates.js';
import { AppError } from './domain/errors.js';
import { auditEntry } from './audit.js';
import type { MessageComposer } from './outbox.js';
import type { CertificateStore, SigningKeyRecord } from './ports/certificates.js';
import type { KeyWrapper } from './ports/key-wrapper.js';
import type { Clock, IdGenerator } from './ports/runtime.js';
import type { Role } from './domain/user.js';

export interface UnlockDeps {
  certificates: Pick<CertificateStore, 'recordPassphraseFailure' | 'lockKey' | 'clearPassphraseFailures'>;
  keyWrapper: KeyWrapper;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Opens the holder's signing key with their passphrase: the only way to the key, for a passphrase
 * change here and for signing later.
 * - A locked key answers KEY_LOCKED without trying the passphrase.
 * - A wrong passphrase is counted (exactly, however many race); the fifth in a row locks the key,
 *   e-mails the holder once and answers KEY_LOCKED; the others PASSPHRASE_INVALID.
 * - A right passphrase clears the count.
 * The caller owns the returned PKCS#8 and should zero it when done.
 */
export async function unlockSigningKey(deps: UnlockDeps, holder: { userId: string; tenantId: string; email: string; fullName: string; role: Role }, key: SigningKeyRecord, passphrase: string): Promise<Uint8Array> {
  if (key.lockedAt) throw new AppError('KEY_LOCKED');
  const opened = await openSigningKey(deps.keyWrapper, key.sealed, passphrase, signingKeyContext(key.userId, key.keyId));
  if (opened !== 'WRONG_PASSPHRASE') {
    if (key.failedPassphrases > 0) await deps.certificates.clearPassphraseFailures(key);
    return opened;
  }
  const failures = await deps.certificates.recordPassphraseFailure(key);
  if (failures < MAX_PASSPHRASE_FAILURES) {
    throw new AppError('PASSPHRASE_INVALID', [], { extensions: { attemptsLeft: MAX_PASSPHRASE_FAILURES - failures } });
  }
  const at = deps.clock.now().toISOString();
  await deps.certificates.lockKey(key, at, {
    audit: auditEntry(deps, new Date(at), { actorId: holder.userId, role: holder.role }, 'SIGNING_KEY_LOCKED', holder),
    message: await deps.composer.compose('signingKeyLocked', holder.email, { fullName: holder.fullName, lockedAt: at }, {}),
  });
  throw new AppError('KEY_LOCKED');
}

import { openSigningKey, signingKeyContext } from './crypto/key-custody.js';
import { MAX_PASSPHRASE_FAILURES } from './domain/certificates.js';
import { AppError } from './domain/errors.js';
import { auditEntry } from './audit.js';
import { tryUnderLease, type AttemptDeps } from './attempt-gate.js';
import type { MessageComposer } from './outbox.js';
import type { CertificateStore, SigningKeyRecord } from './ports/certificates.js';
import type { KeyWrapper } from './ports/key-wrapper.js';
import type { Clock, IdGenerator } from './ports/runtime.js';
import type { Role } from './domain/user.js';

export interface UnlockDeps extends AttemptDeps {
  certificates: Pick<CertificateStore, 'passphraseAttempts' | 'lockKey'>;
  keyWrapper: KeyWrapper;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Opens the holder's signing key with their passphrase: the only way to the key, for a passphrase
 * change here and for signing later.
 * - One passphrase is tried at a time per key, under the key's attempt lease (shared/attempt-gate.ts):
 *   tries that find it held wait (jittered, up to 8 s) and then answer ATTEMPT_IN_PROGRESS (503,
 *   Retry-After). So requests racing with the right passphrase all get the key, one after another,
 *   and no more than MAX_PASSPHRASE_FAILURES wrong ones are ever tried per lock.
 * - A locked key (or one whose fifth failure is counted) answers KEY_LOCKED without trying anything.
 * - A wrong passphrase is counted; the fifth in a row locks the key, e-mails the holder once and
 *   answers KEY_LOCKED; the others PASSPHRASE_INVALID with the attempts left.
 * - A right passphrase clears the count; a try the key service could not make counts nothing.
 * The caller owns the returned PKCS#8 and should zero it when done.
 */
export async function unlockSigningKey(deps: UnlockDeps, holder: { userId: string; tenantId: string; email: string; fullName: string; role: Role }, key: SigningKeyRecord, passphrase: string): Promise<Uint8Array> {
  if (key.lockedAt) throw new AppError('KEY_LOCKED');
  const context = signingKeyContext(key.userId, key.keyId);
  const tried = await tryUnderLease<Uint8Array>(deps.certificates.passphraseAttempts(key), deps, async (stillHeld) => {
    // The guess is tested by the KDF after the unwrap: only while the lease surely outlasts it.
    const wrapper: KeyWrapper = {
      wrap: (...args) => deps.keyWrapper.wrap(...args),
      unwrap: async (...args) => {
        const inner = await deps.keyWrapper.unwrap(...args);
        stillHeld();
        return inner;
      },
    };
    const opened = await openSigningKey(wrapper, key.sealed, passphrase, context);
    return opened === 'WRONG_PASSPHRASE' ? { right: false } : { right: true, value: opened };
  }, (pkcs8) => pkcs8.fill(0));
  if (tried.outcome === 'RIGHT') return tried.value;
  if (tried.outcome === 'REFUSED') {
    if (tried.refusal.reason === 'GONE') throw new AppError('CONFLICT');
    // The failure that reached the limit was counted but its lock never written (that try died): write it now.
    if (!tried.refusal.lockWritten) await lock(deps, holder, key);
    throw new AppError('KEY_LOCKED');
  }
  if (tried.failures < MAX_PASSPHRASE_FAILURES) {
    throw new AppError('PASSPHRASE_INVALID', [], { extensions: { attemptsLeft: MAX_PASSPHRASE_FAILURES - tried.failures } });
  }
  await lock(deps, holder, key);
  throw new AppError('KEY_LOCKED');
}

/** Locks the key; the one caller that locks it audits it and e-mails the holder. */
async function lock(deps: UnlockDeps, holder: { userId: string; tenantId: string; email: string; fullName: string; role: Role }, key: SigningKeyRecord): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.certificates.lockKey(key, at, {
    audit: auditEntry(deps, new Date(at), { actorId: holder.userId, role: holder.role }, 'SIGNING_KEY_LOCKED', holder),
    message: await deps.composer.compose('signingKeyLocked', holder.email, { fullName: holder.fullName, lockedAt: at }, {}),
  });
}

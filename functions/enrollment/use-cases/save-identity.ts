import { nikSealingContext, parseNik } from '../../../shared/domain/identity.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { ActivationStore } from '../../../shared/ports/activation.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import type { Pseudonymizer } from '../../../shared/ports/pseudonymizer.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import type { Sealer } from '../../../shared/ports/sealer.js';
import { usableToken } from '../../../shared/links.js';

export interface SaveIdentityDeps {
  users: Pick<UserDirectory, 'findToken'>;
  activation: Pick<ActivationStore, 'saveIdentity'>;
  sealer: Sealer;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
}

/**
 * Activation step: full name as on the KTP and the NIK.
 * 1. The NIK must be plausible (province, birth date); the route already checked its form.
 * 2. It is sealed for this user and indexed by HMAC: the table never holds it in the clear,
 *    and one NIK belongs to one account.
 * 3. One guarded write (the NIP's birth date, if given, must match).
 */
export async function saveIdentity(deps: SaveIdentityDeps, input: { token: string; fullName: string; nik: string }) {
  const now = deps.clock.now();
  const token = await usableToken(deps.users, input.token, 'activate', now);
  const facts = parseNik(input.nik, now);
  if (!facts) throw new AppError('VALIDATION_FAILED', [{ field: 'nik', code: 'NIK_INVALID' }]);
  const [nikSealed, nikIndex] = await Promise.all([
    deps.sealer.seal(input.nik, nikSealingContext(token.userId)),
    deps.pseudonymizer.index(input.nik, 'nik'),
  ]);
  await deps.activation.saveIdentity(token, {
    fullName: input.fullName,
    nikSealed,
    nikIndex,
    nikLast4: input.nik.slice(-4),
    birthDate: facts.birthDate,
    gender: facts.gender,
  }, now.toISOString());
  return { fullName: input.fullName, nik: `************${input.nik.slice(-4)}`, birthDate: facts.birthDate };
}

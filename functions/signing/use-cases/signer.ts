import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { CertificateRecord, CertificateStore } from '../../../shared/ports/certificates.js';
import type { Pseudonymizer } from '../../../shared/ports/pseudonymizer.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';

/** Whom an integrator signs for: one of its tenant's people, by NIK or by e-mail. */
export type SignerReference = { nik: string } | { email: string };

export interface SignerDeps {
  users: Pick<UserDirectory, 'findUser' | 'findUserIdByEmail' | 'findUserIdByNikIndex'>;
  pseudonymizer: Pseudonymizer;
}

/**
 * One of the tenant's people, by NIK or e-mail. Someone of another tenant is as unknown as nobody,
 * so a key cannot probe who exists elsewhere.
 */
async function findPerson(deps: SignerDeps, tenantId: string, reference: SignerReference): Promise<UserRecord | undefined> {
  const nikIndex = 'nik' in reference ? await deps.pseudonymizer.index(reference.nik, 'nik') : undefined;
  const userId = nikIndex ? await deps.users.findUserIdByNikIndex(nikIndex) : await deps.users.findUserIdByEmail((reference as { email: string }).email);
  const user = userId ? await deps.users.findUser(userId) : undefined;
  // A NIK claim outlives a corrected typo until it is released: the profile must still hold it.
  if (!user || user.tenantId !== tenantId || (nikIndex && user.identity?.nikIndex !== nikIndex)) return undefined;
  return user;
}

/** The person a request signs as: a person signs as themselves only; an integrator names one of its tenant's people. */
export async function resolveSigner(deps: SignerDeps, actor: Actor, signer: SignerReference | undefined): Promise<Actor> {
  if (actor.role !== 'INTEGRATOR') {
    if (signer) throw new AppError('VALIDATION_FAILED', [{ field: 'signer', code: 'UNKNOWN_FIELD' }]);
    return actor;
  }
  if (!signer) throw new AppError('VALIDATION_FAILED', [{ field: 'signer', code: 'REQUIRED' }]);
  const user = await findPerson(deps, actor.tenantId, signer);
  if (!user) throw new AppError('SIGNER_NOT_ELIGIBLE', [], { extensions: { reason: 'NOT_REGISTERED' } });
  return { actorId: user.userId, role: user.role, tenantId: user.tenantId };
}

/** Where one of the tenant's people stands, for an integrator's status check: their account and certificates. */
export async function signerStanding(
  deps: SignerDeps & { certificates: Pick<CertificateStore, 'listUserCertificates'> },
  actor: Actor,
  reference: SignerReference,
): Promise<{ user: UserRecord; certificates: CertificateRecord[] } | undefined> {
  const user = await findPerson(deps, actor.tenantId, reference);
  return user && { user, certificates: await deps.certificates.listUserCertificates(user.userId) };
}

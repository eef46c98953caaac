import { auditEntry } from '../../../shared/audit.js';
import { hasEnded } from '../../../shared/domain/certificates.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { UserStatus } from '../../../shared/domain/user.js';
import { userPhotoFolder } from '../../../shared/domain/photo-ids.js';
import type { PersonalDataStore } from '../../../shared/ports/personal-data.js';
import type { PhotoStore } from '../../../shared/ports/photos.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import { isVisibleTo } from '../../../shared/tenant-users.js';

export interface EraseUserDeps {
  personalData: PersonalDataStore;
  photos: Pick<PhotoStore, 'removeAll'>;
  clock: Clock;
  ids: IdGenerator;
  settings: { erasedNikClaimDays: number };
}

// A decision pending on the application: the workflow still holds it, so it is decided first.
const undecided: readonly UserStatus[] = ['SUBMITTED', 'AWAITING_REVIEW'];

/**
 * Erases a person's data at an operator's request (UU PDP), once nothing needs it any longer.
 * 1. Only when no certificate of theirs is still valid (ISSUED or SUSPENDED): a live certificate
 *    must be revoked first, so no signature can be made with an identity that is gone.
 * 2. Photos first, every version: if the table write then fails, a retry finds nothing to restore.
 * 3. Everything else but the audit trail and the certificates (public, the evidence of what was
 *    signed) is deleted; the record keeps only ids, tenant, role and times, status ERASED; the
 *    e-mail address is released; the NIK's keyed-index claim expires after the policy's days.
 * Running it again finishes an erasure that stopped half-way and changes nothing after that.
 */
export async function eraseUser(deps: EraseUserDeps, input: { actor: Actor; userId: string }) {
  const holdings = await deps.personalData.collect(input.userId);
  if (!holdings || !isVisibleTo(holdings.user, input.actor)) throw new AppError('USER_NOT_FOUND');
  const { user, certificates } = holdings;
  const now = deps.clock.now();
  const live = certificates.some((certificate) => (certificate.status === 'ISSUED' || certificate.status === 'SUSPENDED') && !hasEnded(certificate.notAfter, now));
  if (user.status !== 'ERASED' && (live || undecided.includes(user.status))) throw new AppError('ERASURE_NOT_ALLOWED');

  await deps.photos.removeAll(userPhotoFolder(user));
  const erasedAt = user.status === 'ERASED' ? user.updatedAt : now.toISOString();
  const erased: UserRecord = {
    userId: user.userId,
    tenantId: user.tenantId,
    role: user.role,
    fullName: '',
    email: '',
    status: 'ERASED',
    createdAt: user.createdAt,
    createdBy: user.createdBy,
    updatedAt: erasedAt,
    version: user.version + 1,
  };
  const keepUntil = new Date(now.getTime() + deps.settings.erasedNikClaimDays * 86_400_000).toISOString();
  await deps.personalData.erase({
    user: erased,
    audit: auditEntry(deps, now, input.actor, user.status === 'ERASED' ? 'ERASURE_COMPLETED_AGAIN' : 'USER_ERASED', user, { status: 'ERASED' }),
    ...(user.email ? { email: user.email } : {}),
    ...(user.identity ? { nikClaim: { nikIndex: user.identity.nikIndex, keepUntil } } : {}),
  });
  return { userId: user.userId, status: 'ERASED' as const, erasedAt };
}

import { AppError } from '../../../shared/domain/errors.js';
import type { Actor, UserDirectory } from '../../../shared/ports/directory.js';
import { isVisibleTo } from './tenant-user.js';

/** One user of the verifier's tenant with the history of what happened to them. */
export async function getUser(users: Pick<UserDirectory, 'findUserWithHistory'>, input: { actor: Actor; userId: string }) {
  const found = await users.findUserWithHistory(input.userId);
  if (!found || !isVisibleTo(found.user, input.actor)) throw new AppError('USER_NOT_FOUND');
  const { user, history } = found;
  return {
    userId: user.userId,
    tenantId: user.tenantId,
    fullName: user.fullName,
    email: user.email,
    ...(user.phone ? { phone: user.phone } : {}),
    status: user.status,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    ...(user.activationExpiresAt ? { activationExpiresAt: user.activationExpiresAt } : {}),
    history: history.map(({ at, action, actorRole, status, reason }) => ({
      at, action, actorRole, ...(status ? { status } : {}), ...(reason ? { reason } : {}),
    })),
  };
}

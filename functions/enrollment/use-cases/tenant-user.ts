import { AppError } from '../../../shared/domain/errors.js';
import type { Actor, UserDirectory, UserRecord } from '../../../shared/ports/directory.js';

/** A verifier sees the employees of their own tenant only. */
export function isVisibleTo(user: UserRecord, actor: Actor): boolean {
  return user.tenantId === actor.tenantId && user.role === 'USER';
}

/** Another tenant's user is as unknown as a missing one: 404, never 403. */
export async function findTenantUser(users: Pick<UserDirectory, 'findUser'>, actor: Actor, userId: string): Promise<UserRecord> {
  const user = await users.findUser(userId);
  if (!user || !isVisibleTo(user, actor)) throw new AppError('USER_NOT_FOUND');
  return user;
}

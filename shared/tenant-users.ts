import type { Actor } from './domain/actor.js';
import { AppError } from './domain/errors.js';
import type { UserDirectory, UserRecord } from './ports/users.js';

/** A verifier sees the employees of their own tenant only; an operator sees every tenant's. */
export function isVisibleTo(user: UserRecord, actor: Actor): boolean {
  return user.role === 'USER' && (actor.role === 'OPERATOR' || user.tenantId === actor.tenantId);
}

/** Another tenant's user is as unknown as a missing one: 404, never 403. */
export async function findTenantUser(users: Pick<UserDirectory, 'findUser'>, actor: Actor, userId: string): Promise<UserRecord> {
  const user = await users.findUser(userId);
  if (!user || !isVisibleTo(user, actor)) throw new AppError('USER_NOT_FOUND');
  return user;
}

/** The name a person goes by here: as on their KTP once activated, as registered before. */
export const displayName = (user: Pick<UserRecord, 'fullName' | 'identity'>) => user.identity?.fullName ?? user.fullName;

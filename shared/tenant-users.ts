import type { Actor } from './domain/actor.js';
import { AppError } from './domain/errors.js';
import type { UserDirectory, UserRecord } from './ports/users.js';

/** A verifier sees the employees of their own tenant only; an operator sees every tenant's. */
export function isVisibleTo(user: UserRecord, actor: Actor): boolean {
  return user.role === 'USER' && (actor.role === 'OPERATOR' || user.tenantId === actor.tenantId);
}

/**
 * Who may disable (or restore) an account: an employee as above; a staff account (a verifier, an
 * operator) only an operator. A verifier manages the tenant's employees, not colleagues: one
 * verifier turning off the others (or a stolen verifier session turning off the rest) would leave
 * a tenant with no one to approve anything, so staff answer as unknown to verifiers.
 */
export function isManageableBy(user: UserRecord, actor: Actor): boolean {
  return user.role === 'USER' ? isVisibleTo(user, actor) : actor.role === 'OPERATOR';
}

/** A staff account's role (they are restored by an operator, not by a selfie request); undefined for anyone else. */
export const staffRoleOf = (user: Pick<UserRecord, 'role'>): 'VERIFIER' | 'OPERATOR' | undefined =>
  (user.role === 'VERIFIER' || user.role === 'OPERATOR' ? user.role : undefined);

/** The account an actor may disable or restore; anything else (other tenants', colleagues') is 404. */
export async function findManageableUser(users: Pick<UserDirectory, 'findUser'>, actor: Actor, userId: string): Promise<UserRecord> {
  const user = await users.findUser(userId);
  if (!user || !isManageableBy(user, actor)) throw new AppError('USER_NOT_FOUND');
  return user;
}

/** Another tenant's user is as unknown as a missing one: 404, never 403. */
export async function findTenantUser(users: Pick<UserDirectory, 'findUser'>, actor: Actor, userId: string): Promise<UserRecord> {
  const user = await users.findUser(userId);
  if (!user || !isVisibleTo(user, actor)) throw new AppError('USER_NOT_FOUND');
  return user;
}

/** The name a person goes by here: as on their KTP once activated, as registered before. */
export const displayName = (user: Pick<UserRecord, 'fullName' | 'identity'>) => user.identity?.fullName ?? user.fullName;

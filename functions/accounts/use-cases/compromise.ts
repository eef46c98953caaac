import type { AuditActor } from '../../../shared/audit.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import { normaliseEmail, type UserStatus } from '../../../shared/domain/user.js';
import type { TenantRegistry } from '../../../shared/ports/tenants.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import { findManageableUser, staffRoleOf } from '../../../shared/tenant-users.js';
import type { AccountsDeps } from './deps.js';
import { commitEndingSessions } from './end-sessions.js';
import { auditEntry, displayName } from './guards.js';

// An account can be compromised once it has credentials, or a setup link that may have leaked.
const compromisable: readonly UserStatus[] = ['APPROVED', 'ACTIVE'];

type DisableDeps = Pick<AccountsDeps, 'accounts' | 'sessions' | 'composer' | 'clock' | 'ids'> & { users: Pick<UserDirectory, 'findUser'> };

/**
 * An operator (any tenant) or the tenant's verifier marks an employee's account compromised; an
 * operator also disables a verifier or another operator this way (a verifier who left, stolen
 * credentials). Staff are unknown (404) to verifiers (`isManageableBy`); an operator may not
 * disable themself (CANNOT_DISABLE_SELF), and the operator doing it must still be ACTIVE when it
 * commits, so two operators disabling each other cannot both succeed and one always remains.
 */
export async function markCompromised(deps: DisableDeps, input: { actor: Actor; userId: string; reason: string }) {
  const user = await findManageableUser(deps.users, input.actor, input.userId);
  if (user.role !== 'USER' && user.userId === input.actor.actorId) throw new AppError('CANNOT_DISABLE_SELF');
  return disableAccount(deps, { actor: input.actor, user, reason: input.reason, ...(user.role === 'OPERATOR' ? { keeper: input.actor.actorId } : {}) });
}

/**
 * Break glass: whoever deploys the service disables an operator (admin task `disableOperator`),
 * never the last active one: another operator found ACTIVE must still be so when it commits
 * (LAST_OPERATOR otherwise). An address that is not an operator's is USER_NOT_FOUND.
 */
export async function disableOperator(
  deps: DisableDeps & { users: Pick<UserDirectory, 'findUserIdByEmail'>; registry: Pick<TenantRegistry, 'listVerifiers'> },
  input: { actor: AuditActor; email: string; reason: string; platformTenantId: string },
) {
  const userId = await deps.users.findUserIdByEmail(normaliseEmail(input.email));
  const user = userId ? await deps.users.findUser(userId) : undefined;
  if (!user || user.role !== 'OPERATOR') throw new AppError('USER_NOT_FOUND');
  // Operators are in the platform's staff index; the index may lag, the check in the commit does not.
  const others = (await deps.registry.listVerifiers(input.platformTenantId)).filter((other) => other.userId !== user.userId && other.status === 'ACTIVE');
  const keeper = others[0]?.userId;
  if (!keeper && compromisable.includes(user.status)) throw new AppError('LAST_OPERATOR');
  return disableAccount(deps, { actor: input.actor, user, reason: input.reason, ...(keeper ? { keeper } : {}) });
}

/**
 * One transaction: the user DISABLED with the reason, every link made until now revoked, every
 * session ended (none can slip in: commitEndingSessions), audit and "[TTE] Akun Dinonaktifkan".
 * Login then answers ACCOUNT_DISABLED. An employee comes back through a reset-authenticator
 * request a verifier approves; staff through an operator (reactivateStaff).
 */
async function disableAccount(deps: DisableDeps, input: { actor: AuditActor; user: UserRecord; reason: string; keeper?: string }) {
  const { user, actor } = input;
  if (user.status === 'DISABLED') throw new AppError('ACCOUNT_ALREADY_DISABLED');
  if (!compromisable.includes(user.status)) throw new AppError('ACCOUNT_NOT_ACTIVE');
  const now = deps.clock.now();
  const at = now.toISOString();
  const staffRole = staffRoleOf(user);
  await commitEndingSessions(deps, user.userId, async ({ endSessions, sessionsStartedSeen }) => ({
    userId: user.userId,
    user: {
      next: { ...user, status: 'DISABLED', linksRevokedAt: at, disabled: { reason: input.reason, actorId: actor.actorId, at }, updatedAt: at, version: user.version + 1 },
      fromStatuses: [user.status],
    },
    endSessions,
    sessionsStartedSeen,
    ...(input.keeper ? { keepActive: input.keeper } : {}),
    audit: auditEntry(deps, now, actor, staffRole ? 'STAFF_DISABLED' : 'ACCOUNT_MARKED_COMPROMISED', user, { status: 'DISABLED', reason: input.reason }),
    messages: [await deps.composer.compose('accountDisabled', user.email, { fullName: displayName(user), reason: input.reason, disabledAt: at, ...(staffRole ? { staffRole } : {}) }, {})],
  }));
  return { status: 'DISABLED' as const };
}

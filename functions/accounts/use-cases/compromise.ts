import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { UserStatus } from '../../../shared/domain/user.js';
import { findTenantUser } from '../../../shared/tenant-users.js';
import type { AccountsDeps } from './deps.js';
import { auditEntry, displayName } from './guards.js';

// An account can be compromised once it has credentials, or a setup link that may have leaked.
const compromisable: readonly UserStatus[] = ['APPROVED', 'ACTIVE'];

/**
 * An operator (any tenant) or the tenant's verifier marks an account compromised.
 * One transaction: the user DISABLED with the reason, every link made until now revoked, every
 * session ended, audit and "[TTE] Akun Dinonaktifkan". Login then answers ACCOUNT_DISABLED;
 * the way back is a reset-authenticator request a verifier approves.
 */
export async function markCompromised(deps: AccountsDeps, input: { actor: Actor; userId: string; reason: string }) {
  const now = deps.clock.now();
  const user = await findTenantUser(deps.users, input.actor, input.userId);
  if (user.status === 'DISABLED') throw new AppError('ACCOUNT_ALREADY_DISABLED');
  if (!compromisable.includes(user.status)) throw new AppError('ACCOUNT_NOT_ACTIVE');
  const sessions = await deps.sessions.listUserSessions(user.userId);
  const at = now.toISOString();
  await deps.accounts.commit({
    userId: user.userId,
    user: {
      next: {
        ...user, status: 'DISABLED', linksRevokedAt: at, disabled: { reason: input.reason, actorId: input.actor.actorId, at }, updatedAt: at, version: user.version + 1,
      },
      fromStatuses: [user.status],
    },
    endSessions: sessions,
    audit: auditEntry(deps, now, input.actor, 'ACCOUNT_MARKED_COMPROMISED', user, { status: 'DISABLED', reason: input.reason }),
    messages: [await deps.composer.compose('accountDisabled', user.email, { fullName: displayName(user), reason: input.reason, disabledAt: at }, {})],
  });
  return { status: 'DISABLED' as const };
}

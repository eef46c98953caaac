import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import { newLink } from '../../../shared/links.js';
import { findManageableUser, staffRoleOf } from '../../../shared/tenant-users.js';
import type { AccountsDeps } from './deps.js';
import { auditEntry, displayName } from './guards.js';

// As long as a staff invitation's account-setup link.
const ACCOUNT_SETUP_MS = 72 * 3600_000;

/**
 * An operator restores a disabled verifier or operator: a new account-setup link (72 hours) to
 * the official address, through which the person sets a new password and a new authenticator
 * (the old ones stay void, they may be what leaked); the account is ACTIVE once that is done
 * (`completeAccountSetup`, audited ACCOUNT_REACTIVATED). Sending again replaces the earlier link.
 * An employee comes back through a reset-authenticator request with a fresh selfie that a
 * verifier approves (REACTIVATION_BY_REQUEST); staff are unknown to verifiers (404).
 */
export async function reactivateStaff(
  deps: Pick<AccountsDeps, 'users' | 'accounts' | 'composer' | 'clock' | 'ids' | 'settings'>,
  input: { actor: Actor; userId: string },
): Promise<{ status: 'DISABLED'; accountSetupExpiresAt: string }> {
  const user = await findManageableUser(deps.users, input.actor, input.userId);
  const staffRole = staffRoleOf(user);
  if (!staffRole) throw new AppError('REACTIVATION_BY_REQUEST');
  if (user.status !== 'DISABLED') throw new AppError('ACCOUNT_NOT_DISABLED');
  const now = deps.clock.now();
  const at = now.toISOString();
  const { token, link } = newLink(deps.settings.webBaseUrl, user, 'account-setup', ACCOUNT_SETUP_MS, now);
  await deps.accounts.commit({
    userId: user.userId,
    tokens: [token],
    user: {
      next: { ...user, linksReplaced: { ...user.linksReplaced, 'account-setup': { at, keep: token.tokenHash } }, updatedAt: at, version: user.version + 1 },
      fromStatuses: ['DISABLED'],
    },
    audit: auditEntry(deps, now, input.actor, 'STAFF_REACTIVATION_SENT', user, { status: 'DISABLED' }),
    messages: [await deps.composer.compose('accountReactivation', user.email, { fullName: displayName(user), username: user.email, expiresAt: token.expiresAt, staffRole }, { link })],
  });
  return { status: 'DISABLED', accountSetupExpiresAt: token.expiresAt };
}

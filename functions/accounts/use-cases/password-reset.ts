import { AppError } from '../../../shared/domain/errors.js';
import { meetsCredentialPolicy } from '../../../shared/domain/credential-policy.js';
import { normaliseEmail } from '../../../shared/domain/user.js';
import { newLink, usableLink } from '../../../shared/links.js';
import type { AccountsDeps } from './deps.js';
import { commitEndingSessions } from './end-sessions.js';
import { assertNotLocked, auditEntry, displayName, holdUntilFloor, matchOtp, self } from './guards.js';

const RESET_LINK_MS = 3600_000;
// Requests for the same account within a minute send no second e-mail (double clicks, retries).
const RESEND_AFTER_MS = 60_000;

/**
 * "Forgot password": a reset-password link (1 hour) to an active account's address. The answer
 * and its timing are the same whether or not the address has an account.
 */
export async function requestPasswordReset(deps: AccountsDeps, input: { email: string }): Promise<void> {
  const started = Date.now();
  try {
    const now = deps.clock.now();
    const userId = await deps.users.findUserIdByEmail(normaliseEmail(input.email));
    const user = userId ? await deps.users.findUser(userId) : undefined;
    if (!user || user.status !== 'ACTIVE') return;
    const notBefore = new Date(now.getTime() - RESEND_AFTER_MS).toISOString();
    if (!(await deps.accounts.claimRequestSlot(user.userId, 'passwordResetRequestedAt', now.toISOString(), notBefore))) return;
    const { token, link } = newLink(deps.settings.webBaseUrl, user, 'reset-password', RESET_LINK_MS, now);
    await deps.accounts.commit({
      userId: user.userId,
      tokens: [token],
      audit: auditEntry(deps, now, self(user), 'PASSWORD_RESET_REQUESTED', user),
      messages: [await deps.composer.compose('passwordResetLink', user.email, { fullName: displayName(user), expiresAt: token.expiresAt }, { link })],
    });
  } finally {
    await holdUntilFloor(started, deps.settings.publicRequestFloorMs);
  }
}

/**
 * A new password through the reset link.
 * 1. The link is usable; the new password meets the policy; a current code from one of the
 *    user's devices proves it is them (an OTP lock blocks this; a password lock does not: this
 *    is how a locked-out person gets back in).
 * 2. One transaction: link used up, new password, counters and lock cleared, the code's time
 *    step recorded, every session ended (a login racing it gets none: commitEndingSessions),
 *    audit and "[TTE] Pembaruan Kata Sandi".
 */
export async function resetPassword(deps: AccountsDeps, input: { token: string; otp: string; newPassword: string; deviceId?: string }): Promise<void> {
  const now = deps.clock.now();
  const { token, user } = await usableLink(deps.users, input.token, 'reset-password', now);
  if (user.status !== 'ACTIVE') throw new AppError('TOKEN_EXPIRED');
  const account = await deps.accounts.loadAccount(user.userId);
  const credential = account.credential;
  if (!credential) throw new AppError('TOKEN_EXPIRED');
  assertNotLocked(credential, now, 'otp');
  if (!meetsCredentialPolicy(input.newPassword)) throw new AppError('VALIDATION_FAILED', [{ field: 'newPassword', code: 'PASSWORD_POLICY' }]);
  const { device, timeStep } = await matchOtp(deps, user, account.devices, input.otp, now, input.deviceId);
  const passwordHash = await deps.passwords.hash(input.newPassword);
  const at = now.toISOString();
  await commitEndingSessions(deps, user.userId, async ({ endSessions, sessionsStartedSeen }) => ({
    userId: user.userId,
    consumeToken: token,
    credential: {
      expectedVersion: credential.version,
      password: { passwordHash, changedAt: at },
      clear: ['failedPasswords', 'failedOtps', 'lockedUntil', 'lockCause'],
    },
    acceptedOtp: { device, timeStep, at },
    endSessions,
    sessionsStartedSeen,
    audit: auditEntry(deps, now, self(user), 'PASSWORD_RESET', user),
    messages: [await deps.composer.compose('passwordChanged', user.email, { fullName: displayName(user), change: 'RESET', changedAt: at }, {})],
  }));
}

import { AppError } from '../../../shared/domain/errors.js';
import { checkOtp } from '../../../shared/domain/otp.js';
import { meetsCredentialPolicy } from '../../../shared/domain/credential-policy.js';
import type { UserStatus } from '../../../shared/domain/user.js';
import { usableLink } from '../../../shared/links.js';
import type { Credential, OtpDevice } from '../../../shared/ports/accounts.js';
import type { AccountsDeps } from './deps.js';
import { auditEntry, displayName, self } from './guards.js';
import { offerForLink, openPending } from './authenticator-offer.js';

// Approved applicants set up their account; a disabled one whose reactivation a verifier approved
// sets it up again (the link is only made then, and older links stopped working when it was disabled).
const settingUp: readonly UserStatus[] = ['APPROVED', 'DISABLED'];

async function setupLink(deps: AccountsDeps, rawToken: string, now: Date) {
  const link = await usableLink(deps.users, rawToken, 'account-setup', now);
  if (!settingUp.includes(link.user.status)) throw new AppError('TOKEN_USED');
  return link;
}

/** The account-setup page: who, and the authenticator secret (the same one until setup completes). */
export async function getAccountSetup(deps: AccountsDeps, input: { token: string }) {
  const now = deps.clock.now();
  const { token, user } = await setupLink(deps, input.token, now);
  return {
    email: user.email,
    fullName: displayName(user),
    reactivation: user.status === 'DISABLED',
    otp: await offerForLink(deps, token, user, now),
  };
}

/**
 * Completes account setup.
 * 1. The link is usable, the page was opened (its secret exists), the password meets the policy,
 *    and the code is right for that secret.
 * 2. One transaction: the link used up, the password (argon2id) and the device written over any
 *    earlier ones (reactivation replaces them all), the user ACTIVE, sessions of a disabled
 *    account ended, audit, and the e-mails "[TTE] Pembaruan Kata Sandi" and "… Perangkat OTP".
 */
export async function completeAccountSetup(deps: AccountsDeps, input: { token: string; password: string; deviceName: string; otp: string }) {
  const now = deps.clock.now();
  const { token, user } = await setupLink(deps, input.token, now);
  const pending = token.pendingDevice;
  if (!pending) throw new AppError('DEVICE_SETUP_NOT_FOUND');
  if (!meetsCredentialPolicy(input.password)) throw new AppError('VALIDATION_FAILED', [{ field: 'password', code: 'PASSWORD_POLICY' }]);
  const check = await checkOtp(await openPending(deps, user.userId, pending), input.otp, now);
  if (!check.valid) throw new AppError('INVALID_OTP');

  const [passwordHash, account, sessions] = await Promise.all([
    deps.passwords.hash(input.password),
    deps.accounts.loadAccount(user.userId),
    user.status === 'DISABLED' ? deps.sessions.listUserSessions(user.userId) : Promise.resolve([]),
  ]);
  const at = now.toISOString();
  const reactivation = user.status === 'DISABLED';
  const credential: Credential = { userId: user.userId, passwordHash, passwordChangedAt: at, version: (account.credential?.version ?? 0) + 1 };
  const device: OtpDevice = {
    userId: user.userId, deviceId: pending.deviceId, name: input.deviceName, sealedSecret: pending.sealedSecret, createdAt: at, lastTimeStep: check.timeStep,
  };
  const fullName = displayName(user);
  const { disabled: _disabled, ...rest } = user;
  await deps.accounts.commit({
    userId: user.userId,
    consumeToken: token,
    credential: { replace: credential },
    addDevices: [device],
    removeDevices: account.devices,
    user: { next: { ...rest, status: 'ACTIVE', updatedAt: at, version: user.version + 1 }, fromStatuses: [user.status] },
    endSessions: sessions,
    audit: auditEntry(deps, now, self(user), reactivation ? 'ACCOUNT_REACTIVATED' : 'ACCOUNT_SET_UP', user, { status: 'ACTIVE' }),
    messages: [
      await deps.composer.compose('passwordChanged', user.email, { fullName, change: reactivation ? 'REACTIVATION' : 'SETUP', changedAt: at }, {}),
      await deps.composer.compose('otpDeviceChanged', user.email, {
        fullName, change: account.devices.length > 0 ? 'REPLACED' : 'ADDED', deviceName: input.deviceName, removedDeviceName: '', changedAt: at,
      }, {}),
    ],
  });
}

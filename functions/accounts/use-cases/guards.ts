import { AppError } from '../../../shared/domain/errors.js';
import { formatJakartaTime } from '../../../shared/domain/jakarta-time.js';
import { isExhausted, lockEnd, lockedUntil, lockoutPolicy, type FailureKind, type LockState } from '../../../shared/domain/lockout.js';
import { checkOtp, otpSecretSealingContext } from '../../../shared/domain/otp.js';
import { auditEntry } from '../../../shared/audit.js';
import { displayName } from '../../../shared/tenant-users.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { OtpDevice } from '../../../shared/ports/accounts.js';
import type { AccountsDeps } from './deps.js';

/** ACCOUNT_LOCKED, saying until when (in the detail for people, `lockedUntil` for programs). */
export function accountLocked(until: Date): AppError {
  const iso = until.toISOString();
  return new AppError('ACCOUNT_LOCKED', [], {
    detail: {
      id: `Akun dikunci sementara karena terlalu banyak percobaan yang salah. Coba lagi setelah ${formatJakartaTime(iso)}.`,
      en: `The account is locked after too many failed attempts. Try again after ${iso}.`,
    },
    extensions: { lockedUntil: iso },
  });
}

/** Refuses while the account is locked. `onlyCause` limits it to one kind of lock. */
export function assertNotLocked(state: LockState, now: Date, onlyCause?: FailureKind): void {
  if (onlyCause) {
    const counter = onlyCause === 'password' ? state.failedPasswords : state.failedOtps;
    const byCause = state.lockCause === onlyCause && state.lockedUntil && new Date(state.lockedUntil) > now;
    if (byCause || isExhausted(counter, now)) throw accountLocked(lockedUntil(state, now) ?? lockEnd(now));
    return;
  }
  const until = lockedUntil(state, now);
  if (until) throw accountLocked(until);
}

/**
 * Counts a failed password or OTP. The failure that reaches the limit locks the account, e-mails
 * the user (once, however many failures race) and is answered ACCOUNT_LOCKED; the others `failure`.
 */
export async function countFailure(deps: Pick<AccountsDeps, 'lockouts' | 'composer' | 'ids'>, user: UserRecord, kind: FailureKind, now: Date, failure: AppError): Promise<never> {
  const counter = await deps.lockouts.recordFailure(user.userId, kind, now);
  if (counter.count < lockoutPolicy.maxFailures) throw failure;
  const until = lockEnd(now);
  const message = await deps.composer.compose('accountLocked', user.email, {
    fullName: displayName(user), cause: kind === 'password' ? 'PASSWORD' : 'OTP', lockedUntil: until.toISOString(),
  }, {});
  const audit = auditEntry(deps, now, self(user), kind === 'password' ? 'LOCKED_FAILED_PASSWORDS' : 'LOCKED_FAILED_OTPS', user);
  await deps.lockouts.lock(user.userId, { until: until.toISOString(), cause: kind }, now, { audit, message });
  throw accountLocked(until);
}

/**
 * Finds the device whose current code this is (the one named, or any of the user's). A wrong
 * code, or one already used, counts as a failed OTP.
 */
export async function matchOtp(
  deps: Pick<AccountsDeps, 'lockouts' | 'composer' | 'ids' | 'sealer'>,
  user: UserRecord,
  devices: readonly OtpDevice[],
  code: string,
  now: Date,
  deviceId?: string,
): Promise<{ device: OtpDevice; timeStep: number }> {
  const candidates = deviceId === undefined ? devices : devices.filter((device) => device.deviceId === deviceId);
  if (deviceId !== undefined && candidates.length === 0) throw new AppError('DEVICE_NOT_FOUND');
  let reused = false;
  for (const device of candidates) {
    const secret = await deps.sealer.open(device.sealedSecret, otpSecretSealingContext(user.userId, device.deviceId));
    const check = await checkOtp(secret, code, now, device.lastTimeStep);
    if (check.valid) return { device, timeStep: check.timeStep };
    reused ||= check.reused;
  }
  return countFailure(deps, user, 'otp', now, new AppError(reused ? 'OTP_ALREADY_USED' : 'INVALID_OTP'));
}

export { auditEntry } from '../../../shared/audit.js';

/** The user acting on their own account. */
export const self = (user: UserRecord) => ({ actorId: user.userId, role: user.role });

export { displayName } from '../../../shared/tenant-users.js';

/** The deployed floor of the public "send me a link" requests (and self-applications). */
export const PUBLIC_REQUEST_FLOOR_MS = 400;

/** Waits until the floor has passed since `startedMs`: equal timing whatever the outcome. */
export async function holdUntilFloor(startedMs: number, floorMs: number): Promise<void> {
  const wait = startedMs + floorMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

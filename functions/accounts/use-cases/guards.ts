import { AppError } from '../../../shared/domain/errors.js';
import { formatJakartaTime } from '../../../shared/domain/jakarta-time.js';
import { isExhausted, lockEnd, lockedUntil, lockoutPolicy, type FailureKind, type LockState } from '../../../shared/domain/lockout.js';
import { checkOtp, otpSecretSealingContext } from '../../../shared/domain/otp.js';
import { auditEntry } from '../../../shared/audit.js';
import { tryUnderLease, type AttemptTest, type AttemptWait } from '../../../shared/attempt-gate.js';
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

/** Writes the lock; the one caller that writes it audits it and e-mails the user. Returns the lock's end. */
async function lockAccount(deps: Pick<AccountsDeps, 'lockouts' | 'composer' | 'ids'>, user: UserRecord, kind: FailureKind, now: Date): Promise<Date> {
  const until = lockEnd(now);
  const message = await deps.composer.compose('accountLocked', user.email, {
    fullName: displayName(user), cause: kind === 'password' ? 'PASSWORD' : 'OTP', lockedUntil: until.toISOString(),
  }, {});
  const audit = auditEntry(deps, now, self(user), kind === 'password' ? 'LOCKED_FAILED_PASSWORDS' : 'LOCKED_FAILED_OTPS', user);
  await deps.lockouts.lock(user.userId, { until: until.toISOString(), cause: kind }, now, { audit, message });
  return until;
}

export type CredentialTryDeps = Pick<AccountsDeps, 'lockouts' | 'composer' | 'ids' | 'clock'> & { attemptWait?: AttemptWait };

/** How a password or OTP try ended, when the secret was not right. */
export interface CredentialRefusal {
  right: false;
  /** Nothing was tested: this kind is locked (or the credential is gone). */
  refused: boolean;
  /** Set when the account is (now) locked for this kind: until when. */
  lockedUntil?: Date;
}

/**
 * Tests a password or an OTP code under the account's attempt lease for that kind
 * (shared/attempt-gate.ts): one at a time per account and kind, tries beyond it wait (up to 8 s,
 * then ATTEMPT_IN_PROGRESS), so at most lockoutPolicy.maxFailures wrong ones are ever tested per
 * lock however many race. A wrong one is counted; the one that reaches the limit locks the account
 * and e-mails the user once. While this kind is locked nothing is tested (`refused`).
 */
export async function tryCredential<T>(
  deps: CredentialTryDeps,
  user: UserRecord,
  kind: FailureKind,
  now: Date,
  test: AttemptTest<T>,
): Promise<{ right: true; value: T } | CredentialRefusal> {
  const tried = await tryUnderLease(deps.lockouts.attempts(user.userId, kind), deps, test);
  if (tried.outcome === 'RIGHT') return { right: true, value: tried.value };
  if (tried.outcome === 'WRONG') {
    return tried.failures < lockoutPolicy.maxFailures ? { right: false, refused: false } : { right: false, refused: false, lockedUntil: await lockAccount(deps, user, kind, now) };
  }
  const { refusal } = tried;
  if (refusal.reason === 'GONE') return { right: false, refused: true };
  // The failure that reached the limit was counted but its lock never written (that try died): write it now.
  if (!refusal.lockWritten) return { right: false, refused: true, lockedUntil: await lockAccount(deps, user, kind, now) };
  return { right: false, refused: true, lockedUntil: refusal.lockedUntil ? new Date(refusal.lockedUntil) : lockEnd(now) };
}

/**
 * Finds the device whose current code this is (the one named, or any of the user's), under the
 * account's OTP attempt lease. A wrong code, or one already used, counts as a failed OTP; the one
 * that reaches the limit, and any code while the OTP lock is in force, answers ACCOUNT_LOCKED.
 */
export async function matchOtp(
  deps: Pick<AccountsDeps, 'lockouts' | 'composer' | 'ids' | 'sealer' | 'clock'> & { attemptWait?: AttemptWait },
  user: UserRecord,
  devices: readonly OtpDevice[],
  code: string,
  now: Date,
  deviceId?: string,
): Promise<{ device: OtpDevice; timeStep: number }> {
  const candidates = deviceId === undefined ? devices : devices.filter((device) => device.deviceId === deviceId);
  if (deviceId !== undefined && candidates.length === 0) throw new AppError('DEVICE_NOT_FOUND');
  let reused = false;
  const tried = await tryCredential<{ device: OtpDevice; timeStep: number }>(deps, user, 'otp', now, async (stillHeld) => {
    for (const device of candidates) {
      const secret = await deps.sealer.open(device.sealedSecret, otpSecretSealingContext(user.userId, device.deviceId));
      stillHeld();
      const check = await checkOtp(secret, code, now, device.lastTimeStep);
      if (check.valid) return { right: true, value: { device, timeStep: check.timeStep } };
      reused ||= check.reused;
    }
    return { right: false };
  });
  if (tried.right) return tried.value;
  if (tried.lockedUntil) throw accountLocked(tried.lockedUntil);
  throw new AppError(reused ? 'OTP_ALREADY_USED' : 'INVALID_OTP');
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

/**
 * Lockouts: five failed passwords, or five failed OTP codes, within 15 minutes lock the account
 * for 15 minutes. Counting is the store's job (atomic); these rules say what the counts mean.
 */
export const lockoutPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;

export type FailureKind = 'password' | 'otp';

/** Failed attempts since the window opened. */
export interface FailureCounter {
  count: number;
  windowStart: string;
}

export interface LockState {
  failedPasswords?: FailureCounter;
  failedOtps?: FailureCounter;
  lockedUntil?: string;
  /** What the lock in force was for: a password reset lifts a password lock, not an OTP one. */
  lockCause?: FailureKind;
}

/** The start of the oldest window still open at `now`: counters that started earlier are stale. */
export function windowFloor(now: Date): string {
  return new Date(now.getTime() - lockoutPolicy.windowMs).toISOString();
}

export function counterOf(state: LockState, kind: FailureKind): FailureCounter | undefined {
  return kind === 'password' ? state.failedPasswords : state.failedOtps;
}

/** True when the counter has reached the limit inside its window. */
export function isExhausted(counter: FailureCounter | undefined, now: Date): boolean {
  return counter !== undefined && counter.count >= lockoutPolicy.maxFailures && counter.windowStart > windowFloor(now);
}

/**
 * Until when the account is locked, if it is. A counter at the limit whose lock was not written
 * yet (the request that reached it failed before locking) locks too, from its window's end.
 */
export function lockedUntil(state: LockState, now: Date): Date | undefined {
  const candidates: Date[] = [];
  if (state.lockedUntil && new Date(state.lockedUntil) > now) candidates.push(new Date(state.lockedUntil));
  for (const counter of [state.failedPasswords, state.failedOtps]) {
    if (isExhausted(counter, now)) candidates.push(new Date(new Date(counter!.windowStart).getTime() + lockoutPolicy.windowMs));
  }
  return candidates.length ? new Date(Math.max(...candidates.map((date) => date.getTime()))) : undefined;
}

/** When a lock that starts now ends. */
export function lockEnd(now: Date): Date {
  return new Date(now.getTime() + lockoutPolicy.lockMs);
}

import { describe, expect, it } from 'vitest';
import {
  counterOf, isExhausted, lockEnd, lockedUntil, lockoutPolicy, windowFloor, type FailureCounter, type LockState,
} from '../../shared/domain/lockout.js';

const NOW = new Date('2026-11-22T03:00:00.000Z');
const MINUTE = 60_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const counter = (count: number, windowStartOffsetMs: number): FailureCounter => ({ count, windowStart: at(windowStartOffsetMs) });

describe('lockout policy', () => {
  it('is five failures in a 15-minute window, locking for 15 minutes', () => {
    expect(lockoutPolicy).toEqual({ maxFailures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE });
  });

  it('windowFloor is 15 minutes before now, as an ISO string comparable with stored window starts', () => {
    expect(windowFloor(NOW)).toBe('2026-11-22T02:45:00.000Z');
  });

  it('lockEnd is 15 minutes after now', () => {
    expect(lockEnd(NOW)).toEqual(new Date('2026-11-22T03:15:00.000Z'));
  });

  it('counterOf reads the counter of the kind asked for', () => {
    const state: LockState = { failedPasswords: counter(1, -MINUTE), failedOtps: counter(2, -MINUTE) };
    expect(counterOf(state, 'password')).toBe(state.failedPasswords);
    expect(counterOf(state, 'otp')).toBe(state.failedOtps);
    expect(counterOf({}, 'otp')).toBeUndefined();
  });
});

describe('isExhausted', () => {
  it.each([
    ['no counter', undefined, false],
    ['4 failures in an open window', counter(4, -MINUTE), false],
    ['5 failures in an open window', counter(5, -MINUTE), true],
    ['more than 5 failures (counted while racing)', counter(9, -MINUTE), true],
    ['5 failures, window opened 1 ms inside the 15 minutes', counter(5, -15 * MINUTE + 1), true],
    ['5 failures, window opened exactly 15 minutes ago (closed)', counter(5, -15 * MINUTE), false],
    ['5 failures in a window that closed long ago', counter(5, -60 * MINUTE), false],
  ])('%s → %s', (_case, value, expected) => {
    expect(isExhausted(value, NOW)).toBe(expected);
  });
});

describe('lockedUntil', () => {
  it.each<[string, LockState, string | undefined]>([
    ['a fresh account', {}, undefined],
    ['a lock in force', { lockedUntil: at(10 * MINUTE), lockCause: 'password' }, at(10 * MINUTE)],
    ['a lock ending exactly now', { lockedUntil: at(0) }, undefined],
    ['a lock that ended', { lockedUntil: at(-1) }, undefined],
    ['4 failed passwords', { failedPasswords: counter(4, -MINUTE) }, undefined],
    // The request that reached the limit may have failed before writing the lock: still locked,
    // until the window that counted the failures ends.
    ['5 failed passwords, no lock written', { failedPasswords: counter(5, -MINUTE) }, at(14 * MINUTE)],
    ['5 failed OTPs, no lock written', { failedOtps: counter(5, -2 * MINUTE) }, at(13 * MINUTE)],
    ['5 failed passwords in a closed window', { failedPasswords: counter(5, -15 * MINUTE) }, undefined],
    ['a stale lock beside stale counters', { lockedUntil: at(-1), failedOtps: counter(5, -20 * MINUTE) }, undefined],
  ])('%s', (_case, state, expected) => {
    expect(lockedUntil(state, NOW)?.toISOString()).toBe(expected);
  });

  it('takes the latest end when a written lock and an exhausted counter disagree', () => {
    const lockFirst: LockState = { lockedUntil: at(14 * MINUTE + 30_000), failedOtps: counter(5, -5 * MINUTE) };
    expect(lockedUntil(lockFirst, NOW)?.toISOString()).toBe(at(14 * MINUTE + 30_000));
    const counterLater: LockState = { lockedUntil: at(2 * MINUTE), failedPasswords: counter(5, -MINUTE), failedOtps: counter(6, -3 * MINUTE) };
    expect(lockedUntil(counterLater, NOW)?.toISOString()).toBe(at(14 * MINUTE));
  });

  it('a lock written at the fifth failure holds for the whole lock period, then lifts', () => {
    const failedAt = new Date(NOW.getTime() + 14 * MINUTE);
    const state: LockState = { failedPasswords: counter(5, 0), lockedUntil: lockEnd(failedAt).toISOString(), lockCause: 'password' };
    const oneMsBefore = new Date(lockEnd(failedAt).getTime() - 1);
    expect(lockedUntil(state, oneMsBefore)).toEqual(lockEnd(failedAt));
    expect(lockedUntil(state, lockEnd(failedAt))).toBeUndefined();
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ATTEMPT_LEASE_MS, attemptWait, tryUnderLease } from '../../shared/attempt-gate.js';
import { AppError } from '../../shared/domain/errors.js';
import type { Admission, AttemptLease, AttemptLeases, AttemptOutcome } from '../../shared/ports/attempts.js';
import { randomIds } from '../../shared/ports/runtime.js';

const MAX = 5;

/** One subject's lease in memory, with the rules the DynamoDB stores follow (one conditional write each). */
class MemoryLeases implements AttemptLeases {
  lease?: AttemptLease;
  failures = 0;
  locked = false;
  takes = 0;
  readonly settled: AttemptOutcome[] = [];

  async take(lease: AttemptLease, now: Date): Promise<Admission> {
    this.takes += 1;
    if (this.locked || this.failures >= MAX) return { admitted: false, reason: 'LOCKED', lockWritten: this.locked };
    if (this.lease && this.lease.until > now.toISOString()) return { admitted: false, reason: 'BUSY', leaseUntil: this.lease.until };
    this.lease = lease;
    return { admitted: true, failures: this.failures };
  }

  async settle(lease: AttemptLease, outcome: AttemptOutcome): Promise<number> {
    this.settled.push(outcome);
    if (outcome === 'WRONG') this.failures += 1;
    if (outcome === 'RIGHT') this.failures = 0;
    if (this.failures >= MAX) this.locked = true;
    if (this.lease?.leaseId === lease.leaseId) this.lease = undefined;
    return this.failures;
  }
}

const fixedClock = (at = new Date('2026-12-05T03:00:00.000Z')) => ({ now: () => at });

describe('tryUnderLease', () => {
  it('lets twenty tries sent at once through one after another within the default wait (100 ms each, as the KDF on a Lambda)', async () => {
    const leases = new MemoryLeases();
    let running = 0;
    let mostAtOnce = 0;
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => tryUnderLease(leases, { clock: fixedClock(), ids: randomIds }, async (stillHeld) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(100);
      stillHeld();
      running -= 1;
      return { right: true, value: index };
    })));
    expect(results.map((result) => result.outcome)).toEqual(Array.from({ length: 20 }, () => 'RIGHT'));
    expect(mostAtOnce).toBe(1);
    expect(performance.now() - started).toBeLessThan(attemptWait.maxWaitMs);
    expect(leases.lease).toBeUndefined();
  });

  it('tests exactly five of twenty wrong guesses racing; the others are refused without testing', async () => {
    const leases = new MemoryLeases();
    let tested = 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => tryUnderLease(leases, { clock: fixedClock(), ids: randomIds }, async () => {
      tested += 1;
      await sleep(5);
      return { right: false };
    })));
    expect(tested).toBe(MAX);
    expect(results.filter((result) => result.outcome === 'WRONG').map((result) => result.outcome === 'WRONG' && result.failures).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((result) => result.outcome === 'REFUSED')).toHaveLength(15);
  });

  it('waits for a lease it cannot get with jittered backoff, then answers ATTEMPT_IN_PROGRESS (503) with the lease\'s time left as Retry-After', async () => {
    const leases = new MemoryLeases();
    const now = new Date('2026-12-05T03:00:00.000Z');
    leases.lease = { leaseId: 'crashed', until: new Date(now.getTime() + 9_500).toISOString() };
    let tested = false;
    const started = performance.now();
    const error = await tryUnderLease(leases, { clock: fixedClock(now), ids: randomIds, attemptWait: { maxWaitMs: 400, firstDelayMs: 10, maxDelayMs: 80 } }, async () => {
      tested = true;
      return { right: true, value: 1 };
    }).catch((caught: unknown) => caught);
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'ATTEMPT_IN_PROGRESS', status: 503, extensions: { retryAfterSeconds: 10 }, headers: { 'retry-after': '10' } });
    expect(waited).toBeGreaterThanOrEqual(395);
    expect(waited).toBeLessThan(1_000);
    expect(tested).toBe(false);
    // Backoff, not a busy loop: 10, 20, 40, 80, 80... ms (halved at most by the jitter).
    expect(leases.takes).toBeGreaterThan(3);
    expect(leases.takes).toBeLessThan(20);
  });

  it('takes a lease that lapsed (its try died) without waiting for anyone', async () => {
    const leases = new MemoryLeases();
    const now = new Date('2026-12-05T03:00:00.000Z');
    leases.lease = { leaseId: 'crashed', until: new Date(now.getTime() - 1).toISOString() };
    const result = await tryUnderLease(leases, { clock: fixedClock(now), ids: randomIds }, async () => ({ right: true, value: 'key' }));
    expect(result).toEqual({ outcome: 'RIGHT', value: 'key' });
    expect(leases.takes).toBe(1);
  });

  it('gives the lease back uncounted when the test throws, and passes the error on', async () => {
    const leases = new MemoryLeases();
    const outage = new Error('KMS unavailable');
    await expect(tryUnderLease(leases, { clock: fixedClock(), ids: randomIds }, async () => {
      throw outage;
    })).rejects.toBe(outage);
    expect(leases.settled).toEqual(['UNTRIED']);
    expect(leases.failures).toBe(0);
    expect(leases.lease).toBeUndefined();
  });

  it('does not let a try test once less than the margin of its lease is left', async () => {
    const leases = new MemoryLeases();
    let at = new Date('2026-12-05T03:00:00.000Z');
    const clock = { now: () => at };
    let tested = false;
    await expect(tryUnderLease(leases, { clock, ids: randomIds }, async (stillHeld) => {
      at = new Date(at.getTime() + ATTEMPT_LEASE_MS - 4_000);
      stillHeld();
      tested = true;
      return { right: false };
    })).rejects.toMatchObject({ code: 'ATTEMPT_IN_PROGRESS' });
    expect(tested).toBe(false);
    expect(leases.failures).toBe(0);
  });

  it('wipes a right value it cannot hand out because settling failed', async () => {
    const leases = new MemoryLeases();
    leases.settle = async () => {
      throw new AppError('KEY_LOCKED');
    };
    const secret = new Uint8Array([1, 2, 3]);
    await expect(tryUnderLease(leases, { clock: fixedClock(), ids: randomIds }, async () => ({ right: true, value: secret }), (value) => value.fill(0)))
      .rejects.toMatchObject({ code: 'KEY_LOCKED' });
    expect([...secret]).toEqual([0, 0, 0]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from './domain/errors.js';
import type { Admission, AttemptLease, AttemptLeases } from './ports/attempts.js';
import type { Clock, IdGenerator } from './ports/runtime.js';

/**
 * How long a try holds its subject. It must outlast any try that is still testing (a try tests
 * only while TEST_MARGIN_MS of it remain, and the test itself is one argon2id run or one HMAC,
 * well under a second), and it is how long a try killed mid-way (a Lambda timeout or crash)
 * keeps others waiting: 15 s is above the slowest KMS unwrap seen under throttling and short
 * enough that a client retrying after the answer's Retry-After gets in.
 */
export const ATTEMPT_LEASE_MS = 15_000;
/** A try whose lease has less than this left when it is about to test does not test. */
export const TEST_MARGIN_MS = 5_000;

/** How long a try waits for the lease before answering ATTEMPT_IN_PROGRESS (real time, jittered backoff). */
export interface AttemptWait {
  maxWaitMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const attemptWait: AttemptWait = { maxWaitMs: 8_000, firstDelayMs: 20, maxDelayMs: 400 };

export interface AttemptDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Tests shorten the wait; production uses `attemptWait`. */
  attemptWait?: AttemptWait;
}

export type Refusal = Extract<Admission, { reason: 'LOCKED' | 'GONE' }>;

export type Tried<T> =
  | { outcome: 'RIGHT'; value: T }
  | { outcome: 'WRONG'; failures: number }
  | { outcome: 'REFUSED'; refusal: Refusal };

/** The test a try runs once admitted; `stillHeld()` throws when the lease is too close to its end to test. */
export type AttemptTest<T> = (stillHeld: () => void) => Promise<{ right: true; value: T } | { right: false }>;

/**
 * Tests one guess under the subject's lease: waits (bounded) for the lease, runs the test, and
 * settles. A locked or replaced subject is refused without testing anything. A test that throws
 * (a key service outage) gives the lease back uncounted. `discard` wipes a RIGHT value that cannot
 * be handed out because settling failed (a lock that landed after the lease was lost).
 */
export async function tryUnderLease<T>(leases: AttemptLeases, deps: AttemptDeps, test: AttemptTest<T>, discard?: (value: T) => void): Promise<Tried<T>> {
  const admitted = await admit(leases, deps);
  if ('refusal' in admitted) return { outcome: 'REFUSED', refusal: admitted.refusal };
  const { lease } = admitted;
  const stillHeld = () => {
    if (deps.clock.now().getTime() > new Date(lease.until).getTime() - TEST_MARGIN_MS) throw inProgress(1);
  };
  let result: Awaited<ReturnType<AttemptTest<T>>>;
  try {
    result = await test(stillHeld);
  } catch (error) {
    await leases.settle(lease, 'UNTRIED', deps.clock.now()).catch(() => undefined);
    throw error;
  }
  if (!result.right) return { outcome: 'WRONG', failures: await leases.settle(lease, 'WRONG', deps.clock.now()) };
  try {
    await leases.settle(lease, 'RIGHT', deps.clock.now());
  } catch (error) {
    discard?.(result.value);
    throw error;
  }
  return { outcome: 'RIGHT', value: result.value };
}

async function admit(leases: AttemptLeases, deps: AttemptDeps): Promise<{ lease: AttemptLease } | { refusal: Refusal }> {
  const wait = deps.attemptWait ?? attemptWait;
  // Real time, not the clock port: the wait is spent for real even when a test holds the clock still.
  const started = performance.now();
  let delay = wait.firstDelayMs;
  for (;;) {
    const now = deps.clock.now();
    const lease: AttemptLease = { leaseId: deps.ids.newId(), until: new Date(now.getTime() + ATTEMPT_LEASE_MS).toISOString() };
    const admission = await leases.take(lease, now);
    if (admission.admitted) return { lease };
    if (admission.reason !== 'BUSY') return { refusal: admission };
    const left = wait.maxWaitMs - (performance.now() - started);
    if (left <= 0) throw inProgress(Math.ceil((new Date(admission.leaseUntil).getTime() - now.getTime()) / 1000));
    // Full jitter: tries that collided once do not collide again in step.
    await sleep(Math.min(left, delay * (0.5 + Math.random() / 2)));
    delay = Math.min(delay * 2, wait.maxDelayMs);
  }
}

/** The retryable answer: the lease in force ends within `seconds` (1 to 15). */
function inProgress(seconds: number): AppError {
  const retryAfter = Math.min(Math.max(seconds, 1), ATTEMPT_LEASE_MS / 1000);
  return new AppError('ATTEMPT_IN_PROGRESS', [], {
    extensions: { retryAfterSeconds: retryAfter },
    headers: { 'retry-after': String(retryAfter) },
  });
}

/**
 * One secret tried at a time per subject (a signing key's passphrase, an account's password, an
 * account's OTP codes). A try first takes the subject's lease, and only then tests its guess; it
 * settles by counting the failure (or clearing it) and dropping the lease in one write. So
 * however many requests race, each guess tested was admitted while the subject was unlocked and
 * saw every failure counted before it: the limit holds exactly.
 */

/** A try's hold on its subject. It lapses at `until` by itself, so a try that died frees it. */
export interface AttemptLease {
  leaseId: string;
  until: string;
}

/** What the try found: RIGHT or WRONG after testing its guess; UNTRIED when it could not test it. */
export type AttemptOutcome = 'RIGHT' | 'WRONG' | 'UNTRIED';

export type Admission =
  /** The lease is this try's; `failures` is the count it starts from (read in the same write). */
  | { admitted: true; failures: number }
  /** Another try holds a live lease until `leaseUntil`. */
  | { admitted: false; reason: 'BUSY'; leaseUntil: string }
  /**
   * No try is allowed: locked (until `lockedUntil` when the lock ends by itself), or the failures
   * reached the limit and the lock was not written yet (`lockWritten` false: its writer died).
   */
  | { admitted: false; reason: 'LOCKED'; lockWritten: boolean; lockedUntil?: string }
  /** The subject is gone or was replaced since it was read. */
  | { admitted: false; reason: 'GONE' };

/** The lease of one subject, bound to it by the store (`passphraseAttempts(key)`, `attempts(userId, kind)`). */
export interface AttemptLeases {
  /** Takes the lease when none is live and the subject admits tries; one conditional write. */
  take(lease: AttemptLease, now: Date): Promise<Admission>;
  /**
   * Ends the try in one conditional write: a WRONG guess is counted (still counted if the lease
   * was lost meanwhile), a RIGHT one clears or keeps the count as the subject's rules say, and the
   * lease is dropped if it is still this try's. Returns the failures counted after it.
   */
  settle(lease: AttemptLease, outcome: AttemptOutcome, now: Date): Promise<number>;
}

import type { DailyUsage, UsageEvent } from '../domain/usage.js';

export type { DailyUsage, UsageEvent } from '../domain/usage.js';

/**
 * Counts work that has no record of its own to write beside its count (a verification for an
 * integrator); work that writes a record counts in that record's transaction instead.
 */
export interface UsageCounter {
  count(tenantId: string, event: UsageEvent, at: Date, quantity?: number): Promise<void>;
}

/** The per-day counters of one tenant: one Query over a day range, never a scan. */
export interface UsageReader {
  /** Every non-zero counter with `fromDay <= day <= toDay` (WIB yyyy-mm-dd), by day then event. */
  dailyUsage(tenantId: string, fromDay: string, toDay: string): Promise<DailyUsage[]>;
}

import { jakartaDay } from './jakarta-time.js';

/**
 * The metered events (API.md "Operator, tenants and pay-per-use"): each is counted exactly once,
 * in the DynamoDB transaction of the work it bills, on a per-tenant, per-day counter.
 */
export const usageEvents = ['USER_APPROVED', 'CERTIFICATE_ISSUED', 'DOCUMENT_SIGNED', 'HASH_SIGNED', 'VERIFICATION', 'EMAIL_SENT'] as const;
export type UsageEvent = (typeof usageEvents)[number];

/** One tenant's count of one event on one day. */
export interface DailyUsage {
  /** yyyy-mm-dd in Western Indonesia Time: the agencies' day and month, not UTC's. */
  day: string;
  event: UsageEvent;
  count: number;
}

/** A counter's day: the WIB calendar day of the work, the agencies' day and month. */
export const usageDay = jakartaDay;

/** A metered event that a change commits together with its own writes. */
export interface UsageCount {
  tenantId: string;
  event: UsageEvent;
  /** When the work happened (ISO); its WIB day is the counter's. */
  at: string;
  quantity?: number;
}

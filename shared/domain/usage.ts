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

const WIB_OFFSET_MS = 7 * 3600_000;

/**
 * The WIB calendar day an instant falls on. Indonesia has kept UTC+7 without daylight saving
 * since 1964, so a fixed offset is exact and cheaper than Intl in the write path.
 */
export function usageDay(at: Date | string): string {
  return new Date(new Date(at).getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** A metered event that a change commits together with its own writes. */
export interface UsageCount {
  tenantId: string;
  event: UsageEvent;
  /** When the work happened (ISO); its WIB day is the counter's. */
  at: string;
  quantity?: number;
}

/** The metered events (API.md "Operator, tenants and pay-per-use"). */
export type UsageEvent = 'USER_APPROVED' | 'CERTIFICATE_ISSUED' | 'DOCUMENT_SIGNED' | 'HASH_SIGNED' | 'VERIFICATION' | 'EMAIL_SENT';

/**
 * Counts work that has no record of its own to write beside its count (a verification for an
 * integrator); work that writes a record counts in that record's transaction instead.
 */
export interface UsageCounter {
  count(tenantId: string, event: UsageEvent, at: Date, quantity?: number): Promise<void>;
}

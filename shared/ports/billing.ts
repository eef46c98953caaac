import type { PriceVersion, Statement } from '../domain/billing.js';
import type { OutboxMessage } from './outbox.js';
import type { AuditEntry } from './audit.js';

export type { PriceVersion, Statement } from '../domain/billing.js';

/** The global price list: every version ever set, a handful of small items in one partition. */
export interface PriceListStore {
  /** Every stored version (one Query). */
  listPriceVersions(): Promise<PriceVersion[]>;
  /** Stores the version (replacing one of the same day) with its audit entry, in one transaction. */
  putPriceVersion(version: PriceVersion, audit: AuditEntry): Promise<void>;
}

/** Frozen monthly statements, one per tenant and past month, and the month-end job's progress. */
export interface StatementStore {
  findStatement(tenantId: string, period: string): Promise<Statement | undefined>;
  /**
   * Stores a closed month's statement unless one is stored already (conditional put) and returns
   * the stored one: whoever froze it first, every later read gets the same.
   */
  freezeStatement(tenantId: string, statement: Statement): Promise<Statement>;
  /**
   * Queues the statement e-mail and marks the statement e-mailed, in one transaction; false (and
   * nothing written) when it was e-mailed already.
   */
  markStatementEmailed(tenantId: string, period: string, message: OutboxMessage): Promise<boolean>;
  /** The last month whose month-end run finished for every tenant. */
  lastClosedPeriod(): Promise<string | undefined>;
  recordClosedPeriod(period: string): Promise<void>;
}

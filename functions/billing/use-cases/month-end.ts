import { currentPeriod, previousPeriod, shiftPeriod, type PriceVersion } from '../../../shared/domain/billing.js';
import { consoleUrl } from '../../../shared/domain/console-urls.js';
import type { MessageTemplates } from '../../../shared/domain/messages.js';
import type { PriceListStore, StatementStore } from '../../../shared/ports/billing.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import type { Tenant, TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UsageReader } from '../../../shared/ports/usage.js';
import { closedStatement, firstPeriodOf } from '../../operator/use-cases/statements.js';

export interface MonthEndDeps {
  tenants: Pick<TenantDirectory, 'listTenants'>;
  usage: UsageReader;
  prices: Pick<PriceListStore, 'listPriceVersions'>;
  statements: StatementStore;
  clock: Clock;
  settings: { webBaseUrl: string };
}

export interface MonthEndResult {
  /** The months this run closed for every tenant. */
  closedPeriods: string[];
  /** Statements e-mailed by this run. */
  emailed: number;
  /** Statements e-mailed by an earlier run (a rerun or retry sends nothing). */
  alreadyEmailed: number;
  /** Tenants without a billing address: their statement is frozen but goes to nobody. */
  withoutBillingEmail: string[];
  /** Tenants whose statement failed; their month stays open for the job's next run. */
  failed: { tenantId: string; period: string; error: string }[];
}

/** After an outage the job catches up on at most this many months. */
const MAX_CATCH_UP_MONTHS = 12;
const TENANT_PAGE = 100;

/** Same tenant and month, same message: a second attempt can only meet the first one's. */
export const statementMessageId = (tenantId: string, period: string) => `statement-${tenantId}-${period}`;

/**
 * The month-end run (00:15 WIB on the 1st).
 * 1. The months to close: from the one after the last month closed for every tenant up to the
 *    month just ended (only that month on the first run; at most a year back).
 * 2. For each month and every tenant (listed page by page), even when another tenant fails:
 *    freeze the statement (or take the frozen one), then queue "Tagihan Layanan <bulan tahun>"
 *    to the billing address and mark the statement e-mailed in one transaction, so a rerun or a
 *    retry never sends it twice. The service's own e-mail is billed to nobody.
 * 3. A month is recorded closed only when every tenant got through; otherwise the run stops
 *    there and the next run (the schedule's retry, or next month's) takes it up again.
 */
export async function runMonthEnd(deps: MonthEndDeps): Promise<MonthEndResult> {
  const now = deps.clock.now();
  const lastEnded = previousPeriod(currentPeriod(now));
  const lastClosed = await deps.statements.lastClosedPeriod();
  const oldest = shiftPeriod(lastEnded, 1 - MAX_CATCH_UP_MONTHS);
  let period = lastClosed === undefined ? lastEnded : shiftPeriod(lastClosed, 1);
  if (period < oldest) period = oldest;

  const result: MonthEndResult = { closedPeriods: [], emailed: 0, alreadyEmailed: 0, withoutBillingEmail: [], failed: [] };
  // Prices read once: a closed month's statement never depends on when in the run it was made.
  let versions: PriceVersion[] | undefined;
  for (; period <= lastEnded; period = shiftPeriod(period, 1)) {
    versions ??= await deps.prices.listPriceVersions();
    let cursor: string | undefined;
    do {
      const page = await deps.tenants.listTenants(TENANT_PAGE, cursor);
      for (const tenant of page.items) {
        try {
          await closeTenantMonth(deps, tenant, period, versions, result);
        } catch (error) {
          result.failed.push({ tenantId: tenant.tenantId, period, error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' });
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (result.failed.length > 0) break;
    await deps.statements.recordClosedPeriod(period);
    result.closedPeriods.push(period);
  }
  return result;
}

async function closeTenantMonth(deps: MonthEndDeps, tenant: Tenant, period: string, versions: readonly PriceVersion[], result: MonthEndResult): Promise<void> {
  const first = firstPeriodOf(tenant);
  // A tenant registered later has no statement for this month.
  if (first !== undefined && period < first) return;
  const statement = await closedStatement(deps, tenant, period, versions);
  if (statement.emailedAt) {
    result.alreadyEmailed++;
    return;
  }
  if (!tenant.billingEmail) {
    result.withoutBillingEmail.push(tenant.tenantId);
    return;
  }
  const message: OutboxMessage = {
    messageId: statementMessageId(tenant.tenantId, period),
    template: 'monthlyStatement',
    to: tenant.billingEmail,
    data: {
      tenantName: statement.tenant.name,
      period,
      lines: JSON.stringify(statement.lines),
      total: String(statement.total),
      statementUrl: consoleUrl(deps.settings.webBaseUrl, `/usage?instansi=${encodeURIComponent(tenant.tenantId)}&bulan=${period}`),
    } satisfies MessageTemplates['monthlyStatement']['data'],
    createdAt: deps.clock.now().toISOString(),
    billedTenantId: null,
  };
  if (await deps.statements.markStatementEmailed(tenant.tenantId, period, message)) result.emailed++;
  else result.alreadyEmailed++;
}

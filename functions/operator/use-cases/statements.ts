import type { Actor } from '../../../shared/domain/actor.js';
import {
  CURRENCY, currentPeriod, isPeriod, periodBounds, periodStatus, statementLines, statementTotal, type PriceVersion, type Statement,
} from '../../../shared/domain/billing.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { PriceListStore, StatementStore } from '../../../shared/ports/billing.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import type { Tenant, TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UsageReader } from '../../../shared/ports/usage.js';

export interface StatementDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  usage: UsageReader;
  prices: Pick<PriceListStore, 'listPriceVersions'>;
  statements: Pick<StatementStore, 'findStatement' | 'freezeStatement'>;
  clock: Clock;
}

/** An operator sees every tenant; a verifier their own. Another tenant is as unknown as a missing one. */
export async function visibleTenant(deps: { tenants: Pick<TenantDirectory, 'findTenant'> }, actor: Actor, tenantId: string): Promise<Tenant> {
  const tenant = actor.role === 'OPERATOR' || actor.tenantId === tenantId ? await deps.tenants.findTenant(tenantId) : undefined;
  if (!tenant) throw new AppError('TENANT_NOT_FOUND');
  return tenant;
}

/** The first month a tenant can have a statement for: the WIB month it was registered in. */
export function firstPeriodOf(tenant: Pick<Tenant, 'createdAt'>): string | undefined {
  const created = new Date(tenant.createdAt);
  return Number.isNaN(created.getTime()) ? undefined : currentPeriod(created);
}

/**
 * A month's statement as the usage and prices stand now: one Query for the prices (unless the
 * caller read them already), one for the month's daily counters.
 */
export async function computeStatement(
  deps: Pick<StatementDeps, 'usage' | 'prices'>,
  tenant: Tenant,
  period: string,
  status: Statement['status'],
  versions?: readonly PriceVersion[],
): Promise<Statement> {
  const { first, last } = periodBounds(period);
  const [usage, prices] = await Promise.all([deps.usage.dailyUsage(tenant.tenantId, first, last), versions ?? deps.prices.listPriceVersions()]);
  const lines = statementLines(usage, prices, period);
  return {
    tenant: { tenantId: tenant.tenantId, name: tenant.name, organisationName: tenant.organizationName },
    period,
    status,
    currency: CURRENCY,
    lines,
    total: statementTotal(lines),
  };
}

/**
 * A past month's statement, frozen: the stored one, or (on the first read after the month ended)
 * computed and stored with a conditional put, so every later read, and the month-end e-mail, see
 * the same figures whatever prices are set afterwards.
 */
export async function closedStatement(
  deps: Pick<StatementDeps, 'usage' | 'prices' | 'statements' | 'clock'>,
  tenant: Tenant,
  period: string,
  versions?: readonly PriceVersion[],
): Promise<Statement> {
  const stored = await deps.statements.findStatement(tenant.tenantId, period);
  if (stored) return stored;
  const statement = await computeStatement(deps, tenant, period, 'CLOSED', versions);
  return deps.statements.freezeStatement(tenant.tenantId, { ...statement, closedAt: deps.clock.now().toISOString() });
}

/**
 * The statement of one tenant and month.
 * 1. The tenant is one the actor may see (else TENANT_NOT_FOUND, before anything about the month).
 * 2. The month is yyyy-mm, not later than the current WIB month and not before the tenant existed.
 * 3. The current month is OPEN and computed live; a past month is CLOSED and frozen.
 */
export async function getStatement(deps: StatementDeps, input: { actor: Actor; tenantId: string; period: string }): Promise<Statement> {
  const tenant = await visibleTenant(deps, input.actor, input.tenantId);
  if (!isPeriod(input.period)) throw new AppError('VALIDATION_FAILED', [{ field: 'params.period', code: 'VALUE_INVALID' }]);
  const status = periodStatus(input.period, deps.clock.now());
  const first = firstPeriodOf(tenant);
  if (status === 'FUTURE' || (first !== undefined && input.period < first)) throw new AppError('STATEMENT_PERIOD_INVALID');
  return status === 'OPEN' ? computeStatement(deps, tenant, input.period, 'OPEN') : closedStatement(deps, tenant, input.period);
}

import type { Actor } from '../../../shared/domain/actor.js';
import { usageSummary, type EventCounts } from '../../../shared/domain/billing.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UsageReader } from '../../../shared/ports/usage.js';
import { visibleTenant } from './statements.js';

export interface UsageDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  usage: UsageReader;
}

export interface UsageReport {
  tenantId: string;
  from: string;
  to: string;
  days: { day: string; counts: EventCounts }[];
  totals: EventCounts;
}

/**
 * A tenant's metered events per WIB day over `from`..`to` (the route bounds the range).
 * 1. Whose: the tenant named, or a verifier's own when none is named (an operator must name one).
 * 2. The tenant is one the actor may see (else TENANT_NOT_FOUND).
 * 3. One Query over the tenant's day counters; every day of the range is in the answer.
 */
export async function getUsage(deps: UsageDeps, input: { actor: Actor; tenantId?: string; from: string; to: string }): Promise<UsageReport> {
  const tenantId = input.tenantId ?? (input.actor.role === 'OPERATOR' ? undefined : input.actor.tenantId);
  if (tenantId === undefined) throw new AppError('VALIDATION_FAILED', [{ field: 'query.tenantId', code: 'REQUIRED' }]);
  const tenant = await visibleTenant(deps, input.actor, tenantId);
  const usage = await deps.usage.dailyUsage(tenant.tenantId, input.from, input.to);
  return { tenantId: tenant.tenantId, from: input.from, to: input.to, ...usageSummary(usage, input.from, input.to) };
}

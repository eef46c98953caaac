import { describe, expect, it } from 'vitest';
import { createBillingHandler } from '../../functions/billing/handler.js';
import type { MonthEndDeps } from '../../functions/billing/use-cases/month-end.js';
import type { Statement } from '../../shared/domain/billing.js';
import { createLogger } from '../../shared/logger.js';
import type { OutboxMessage } from '../../shared/ports/outbox.js';
import type { Tenant } from '../../shared/ports/tenants.js';

const tenant = (tenantId: string): Tenant => ({
  tenantId, name: `Dinas ${tenantId}`, organizationName: 'Pemerintah Uji', emailDomains: ['uji.go.id'], createdAt: '2026-01-01T00:00:00.000Z', billingEmail: `keuangan@${tenantId}.go.id`,
});

/** The job's ports in memory: two tenants, one of whose usage cannot be read. */
function world() {
  const stored = new Map<string, Statement>();
  const queued: OutboxMessage[] = [];
  let closed: string | undefined;
  const deps: MonthEndDeps = {
    tenants: { listTenants: async () => ({ items: [tenant('a'), tenant('b')], nextCursor: null }) },
    usage: {
      dailyUsage: async (tenantId) => {
        if (tenantId === 'b') throw new Error('throttled');
        return [{ day: '2026-11-03', event: 'DOCUMENT_SIGNED', count: 2 }];
      },
    },
    prices: { listPriceVersions: async () => [] },
    statements: {
      findStatement: async (tenantId, period) => stored.get(`${tenantId}/${period}`),
      freezeStatement: async (tenantId, statement) => {
        stored.set(`${tenantId}/${statement.period}`, stored.get(`${tenantId}/${statement.period}`) ?? statement);
        return stored.get(`${tenantId}/${statement.period}`)!;
      },
      markStatementEmailed: async (tenantId, period, message) => {
        const statement = stored.get(`${tenantId}/${period}`)!;
        if (statement.emailedAt) return false;
        stored.set(`${tenantId}/${period}`, { ...statement, emailedAt: message.createdAt });
        queued.push(message);
        return true;
      },
      lastClosedPeriod: async () => closed,
      recordClosedPeriod: async (period) => {
        closed = period;
      },
    },
    clock: { now: () => new Date('2026-11-30T17:15:00.000Z') },
    settings: { webBaseUrl: 'https://tte.example.go.id/web/' },
  };
  const logger = createLogger('test');
  logger.setLogLevel('SILENT');
  return { deps, logger, queued, closed: () => closed };
}

describe('the month-end function', () => {
  it('ends in an error after every other tenant was done, so the invocation is retried; the month stays open', async () => {
    const { deps, logger, queued, closed } = world();
    await expect(createBillingHandler({ ...deps, logger })()).rejects.toThrow('Month-end statements failed for 1 tenant(s)');
    expect(queued.map((message) => message.to)).toEqual(['keuangan@a.go.id']);
    expect(queued[0]).toMatchObject({ template: 'monthlyStatement', billedTenantId: null, data: { statementUrl: 'https://tte.example.go.id/web/console/usage?instansi=a&bulan=2026-11' } });
    expect(closed()).toBeUndefined();
  });

  it('returns the counts when every tenant got through', async () => {
    const { deps, logger, queued } = world();
    const healthy: MonthEndDeps = { ...deps, usage: { dailyUsage: async () => [] } };
    await expect(createBillingHandler({ ...healthy, logger })()).resolves.toEqual({ closedPeriods: ['2026-11'], emailed: 2, alreadyEmailed: 0, withoutBillingEmail: [], failed: [] });
    expect(queued).toHaveLength(2);
  });
});

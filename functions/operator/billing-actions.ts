import { statementCsv } from '../../shared/domain/billing.js';
import type { RouteActions } from '../../shared/http/route.js';
import type { PriceListStore, StatementStore } from '../../shared/ports/billing.js';
import type { UsageReader } from '../../shared/ports/usage.js';
import type { billingRoutes } from './billing-routes.js';
import { getPriceList, setPriceVersion, type PriceDeps } from './use-cases/prices.js';
import { getStatement, type StatementDeps } from './use-cases/statements.js';
import { getUsage } from './use-cases/usage.js';

/** What the billing routes need beside the operator context's common ports. */
export interface BillingPorts {
  usage: UsageReader;
  prices: PriceListStore;
  statements: StatementStore;
}

/** A file name that survives any tenant id: letters, digits, dot, dash and underscore only. */
const fileNamePart = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '_');

export function billingActions(deps: PriceDeps & StatementDeps): RouteActions<typeof billingRoutes> {
  return {
    getPriceList: async () => ({ status: 200, body: await getPriceList(deps) }),
    setPriceList: async ({ actor, body }) => ({ status: 200, body: await setPriceVersion(deps, { actor, ...body }) }),
    getUsage: async ({ actor, query }) => ({ status: 200, body: await getUsage(deps, { actor, ...query }) }),
    getStatement: async ({ actor, params, query }) => {
      const statement = await getStatement(deps, { actor, ...params });
      if (query.format !== 'csv') return { status: 200, body: statement };
      return {
        status: 200,
        body: statementCsv(statement),
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="tagihan-${fileNamePart(statement.tenant.tenantId)}-${statement.period}.csv"`,
        },
      };
    },
  };
}

/** One store serves both ports (the price list and the statements live in the same table). */
export const billingStores = (store: PriceListStore & StatementStore): Pick<BillingPorts, 'prices' | 'statements'> => ({ prices: store, statements: store });

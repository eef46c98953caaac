import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoBilling } from '../../shared/adapters/aws/dynamo-billing.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { runMonthEnd, type MonthEndDeps, type MonthEndResult } from './use-cases/month-end.js';

/**
 * Invoked by the month-end schedule (00:15 WIB on the 1st; locally at start and daily). A run
 * with a failed tenant ends in an error after every other tenant was done: Lambda retries the
 * asynchronous invocation (twice), and past that the next run takes the month up again. What was
 * done already is never done twice.
 */
export function createBillingHandler(ports: MonthEndDeps & { logger: Logger }) {
  return async (): Promise<MonthEndResult> => {
    const result = await runMonthEnd(ports);
    const { failed, withoutBillingEmail, ...counts } = result;
    if (withoutBillingEmail.length > 0) ports.logger.warn('Statements frozen but not e-mailed: the tenants have no billing address', { tenants: withoutBillingEmail });
    if (failed.length > 0) {
      ports.logger.error('Month-end statements failed for some tenants', { failed, ...counts });
      throw new Error(`Month-end statements failed for ${failed.length} tenant(s); the month stays open for the next run`);
    }
    ports.logger.info('Month-end statements done', counts);
    return result;
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('billing');
  const table = base.config.TABLE_NAME;
  const billing = new DynamoBilling(base.dynamo, table);
  return createBillingHandler({
    ...base,
    usage: new DynamoUsageReader(base.dynamo, table),
    prices: billing,
    statements: billing,
    settings: { webBaseUrl: base.config.WEB_BASE_URL },
  });
});

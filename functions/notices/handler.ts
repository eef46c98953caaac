import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { runDailyNotices, type DailyNoticeDeps } from './use-cases/daily-notices.js';

/** Invoked once a day by the EventBridge schedule (locally: once at start and every 24 h). */
export function createNoticesHandler(ports: DailyNoticeDeps & { logger: Logger }) {
  return async (): Promise<{ noticesQueued: number; certificatesExpired: number }> => {
    const result = await runDailyNotices(ports);
    ports.logger.info('Daily notices done', result);
    return result;
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('notices');
  return createNoticesHandler({ ...base, certificates: new DynamoCertificates(base.dynamo, base.config.TABLE_NAME) });
});

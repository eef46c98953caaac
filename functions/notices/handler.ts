import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { DynamoClosedApplications } from '../../shared/adapters/aws/dynamo-closed-applications.js';
import { createS3Client } from '../../shared/adapters/aws/clients.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { required } from '../../shared/config.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { runDailyNotices, type DailyNoticeDeps } from './use-cases/daily-notices.js';
import { deleteClosedApplicationPhotos, type PhotoRetentionDeps } from './use-cases/photo-retention.js';

/**
 * Invoked once a day by the EventBridge schedule (locally: once at start and every 24 h): expiry
 * notices, then the photo retention. Each part runs even when the other fails; a failure is
 * still reported, so the schedule's retry runs the day again (both parts are safe to repeat).
 */
export function createNoticesHandler(ports: DailyNoticeDeps & PhotoRetentionDeps & { logger: Logger }) {
  return async () => {
    const [notices, retention] = await Promise.allSettled([runDailyNotices(ports), deleteClosedApplicationPhotos(ports)]);
    const result = {
      ...(notices.status === 'fulfilled' ? notices.value : {}),
      ...(retention.status === 'fulfilled' ? retention.value : {}),
    };
    ports.logger.info('Daily jobs done', result);
    const failure = [notices, retention].find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return result;
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('notices');
  const table = base.config.TABLE_NAME;
  return createNoticesHandler({
    ...base,
    certificates: new DynamoCertificates(base.dynamo, table),
    applications: new DynamoClosedApplications(base.dynamo, table),
    photos: new S3PhotoStore(createS3Client(), required(base.config, 'PHOTO_BUCKET')),
    settings: { closedApplicationPhotoDays: base.config.CLOSED_APPLICATION_PHOTO_DAYS },
  });
});

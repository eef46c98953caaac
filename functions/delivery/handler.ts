import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { businessMetrics } from '../../shared/adapters/aws/business-metrics.js';
import type { BusinessMetricName } from '../../shared/domain/business-metrics.js';
import type { ReportedStatus } from '../../shared/domain/delivery.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { parseSesEvent } from './ses-event.js';
import { recordDelivery, type RecordDeliveryDeps, type RecordOutcome } from './use-cases/record-delivery.js';

/** The e-mails by final status on the dashboard (a delay or a rejection is not one of them). */
const deliveryMetrics: Partial<Record<ReportedStatus, BusinessMetricName>> = { DELIVERED: 'EmailsDelivered', BOUNCED: 'EmailsBounced', COMPLAINED: 'EmailsComplained' };

export interface DeliveryPorts extends RecordDeliveryDeps {
  logger: Logger;
}

/**
 * Fed by EventBridge with SES's events about our mail (delivered, bounced, complaint, rejected,
 * delayed). An event that cannot be read, or is about no message of ours, is logged and dropped:
 * retrying it would never help. Only a report that comes before the outbox has marked its message
 * sent fails the invocation, so EventBridge tries it again a little later.
 */
export function createDeliveryHandler(ports: DeliveryPorts) {
  return async (event: unknown): Promise<RecordOutcome | 'dropped'> => {
    const parsed = parseSesEvent(event);
    if (!parsed.ok) {
      // The reason names fields only; the event itself may carry addresses.
      ports.logger.warn('SES event dropped', { reason: parsed.reason });
      return 'dropped';
    }
    const { report } = parsed;
    const outcome = await recordDelivery(ports, report);
    const metric = deliveryMetrics[report.status];
    if (outcome === 'recorded' && metric) businessMetrics.count({ [metric]: 1 });
    const fields = { messageId: report.messageId, status: report.status, outcome };
    if (outcome === 'unknown-message' || outcome === 'foreign') ports.logger.warn('SES event about no message of ours dropped', fields);
    else ports.logger.info('SES event processed', fields);
    return outcome;
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('delivery');
  return createDeliveryHandler({
    ...base,
    deliveries: new DynamoDeliveryLog(base.dynamo, base.config.TABLE_NAME),
    settings: {
      webBaseUrl: base.config.WEB_BASE_URL,
      ...(base.config.SES_CONFIGURATION_SET ? { configurationSet: base.config.SES_CONFIGURATION_SET } : {}),
    },
  });
});

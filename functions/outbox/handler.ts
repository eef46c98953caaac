import type { Logger } from '@aws-lambda-powertools/logger';
import { businessMetrics } from '../../shared/adapters/aws/business-metrics.js';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { required } from '../../shared/config.js';
import { createKmsClient, createSesClient } from '../../shared/adapters/aws/clients.js';
import { DynamoOutboxStore } from '../../shared/adapters/aws/dynamo-outbox.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';
import { dispatchMessage, type DispatchDeps, type DispatchOutcome } from './use-cases/dispatch-message.js';

export interface OutboxPorts extends DispatchDeps {
  logger: Logger;
}

/** The new outbox message ids in a stream batch (inserts of OUTBOX# items only). */
export function insertedMessageIds(event: DynamoDBStreamEvent): { messageId: string; sequenceNumber: string }[] {
  return event.Records.flatMap((record) => {
    const pk = record.dynamodb?.Keys?.pk?.S;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (record.eventName !== 'INSERT' || !pk?.startsWith('OUTBOX#') || !sequenceNumber) return [];
    return [{ messageId: pk.slice('OUTBOX#'.length), sequenceNumber }];
  });
}

/** One message through the dispatch use case, and into the business metrics once sent (the stream handler and the local loop). */
export async function dispatchCounted(deps: DispatchDeps, messageId: string): Promise<DispatchOutcome> {
  const outcome = await dispatchMessage(deps, messageId);
  if (outcome === 'sent') businessMetrics.count({ EmailsSent: 1 });
  return outcome;
}

/**
 * Fed by the table stream. Each failed message is reported by its sequence number, so Lambda
 * retries from there (and, after the retries, sends the batch to the dead-letter queue) while
 * the messages before it are not sent again.
 */
export function createOutboxHandler(ports: OutboxPorts) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const { messageId, sequenceNumber } of insertedMessageIds(event)) {
      try {
        const outcome = await dispatchCounted(ports, messageId);
        ports.logger.info('Outbox message processed', { messageId, outcome });
      } catch (error) {
        ports.logger.error('Outbox message failed', { messageId, error: error as Error });
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('outbox');
  return createOutboxHandler({
    ...base,
    outbox: new DynamoOutboxStore(base.dynamo, base.config.TABLE_NAME),
    mailer: new SesMailer(createSesClient(), base.config.MAIL_FROM, base.config.SES_CONFIGURATION_SET),
    sealer: new KmsSealer(createKmsClient(), required(base.config, 'SEALING_KEY_ID')),
    settings: { subjectPrefix: base.config.EMAIL_SUBJECT_PREFIX },
  });
});

import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SELF_APPLICATION_ACTOR } from '../../domain/actor.js';
import { businessMetricsDimension, businessMetricsNamespace, type BusinessMetricName } from '../../domain/business-metrics.js';
import type { UsageEvent } from '../../domain/usage.js';
import { keys } from '../../data/table.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransactItems } from './dynamo-items.js';

/** Usage counters that are also business events. EMAIL_SENT and VERIFICATION are counted where every one of them happens, billed or not. */
const usageMetrics: Partial<Record<UsageEvent, BusinessMetricName>> = {
  USER_APPROVED: 'Approvals',
  CERTIFICATE_ISSUED: 'CertificatesIssued',
  DOCUMENT_SIGNED: 'DocumentsSigned',
  HASH_SIGNED: 'HashesSigned',
};

type Counts = Partial<Record<BusinessMetricName, number>>;

/**
 * The business events a committed transaction carried, read from the records it wrote: the audit
 * entries (every state change has one), the usage counters and the CRL entries. Reading them here,
 * after the commit, counts each event once and only when it happened, without each use case
 * having to remember a metric.
 */
export function businessEventsOf(items: TransactItems): Counts {
  const counts: Counts = {};
  const add = (name: BusinessMetricName, quantity = 1) => { counts[name] = (counts[name] ?? 0) + quantity; };
  for (const item of items) {
    const put = item.Put?.Item;
    if (put && typeof put.auditId === 'string') {
      if (put.action === 'USER_REGISTERED') add(put.actorId === SELF_APPLICATION_ACTOR ? 'Applications' : 'Registrations');
      if (put.action === 'ACTIVATION_SUBMITTED') add('Submissions');
      if (put.status === 'REJECTED') add('Rejections');
    }
    if (put && put.pk === keys.caCertificate.pk && typeof put.sk === 'string' && put.sk.startsWith(keys.revocationPrefix)) add('CertificatesRevoked');
    const values = item.Update?.ExpressionAttributeValues;
    const usage = typeof values?.[':event'] === 'string' ? usageMetrics[values[':event'] as UsageEvent] : undefined;
    if (usage && typeof values?.[':quantity'] === 'number') add(usage, values[':quantity']);
  }
  return counts;
}

/**
 * Every write the client commits is read for business events once it succeeded: whichever
 * adapter wrote it, a transaction or a single put or update, and never one that failed.
 */
export function countBusinessEvents(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add((next, context) => async (args) => {
    const result = await next(args);
    const input = args.input as Record<string, unknown>;
    // The document client names the low-level commands; the input is still plain (not yet marshalled) here.
    const items: TransactItems | undefined = context.commandName === 'TransactWriteItemsCommand' ? input.TransactItems as TransactItems
      : context.commandName === 'PutItemCommand' ? [{ Put: input }] as TransactItems
        : context.commandName === 'UpdateItemCommand' ? [{ Update: input }] as TransactItems
          : undefined;
    if (items) businessMetrics.count(businessEventsOf(items));
    return result;
  }, { step: 'initialize', name: 'countBusinessEvents' });
}

/**
 * The business metrics of one function, as CloudWatch embedded-metric (EMF) lines in its log: no
 * API call. One dimension, the stage (see shared/domain/business-metrics.ts for why not the tenant).
 * Off until configured with a stage: on AWS from the function's environment, locally by the runtime.
 */
export class BusinessMetrics {
  private metrics?: Metrics;
  private write?: (line: string) => void;

  /**
   * `write` takes each EMF line instead of the process's standard output, one per event (the local
   * runtime keeps them in its log file: no invocation ends there to batch them).
   */
  configure(stage: string, write?: (line: string) => void): void {
    this.metrics = new Metrics({ namespace: businessMetricsNamespace });
    // Powertools adds a `service` dimension by default; the dashboard reads the stage alone.
    this.metrics.clearDefaultDimensions();
    this.metrics.setDefaultDimensions({ [businessMetricsDimension]: stage });
    this.write = write;
  }

  count(counts: Counts): void {
    for (const [name, quantity] of Object.entries(counts)) {
      if (quantity) this.metrics?.addMetric(name, MetricUnit.Count, quantity);
    }
    if (this.write) this.flush();
  }

  /** Writes what this invocation counted (called once per invocation, by the Lambda entry). */
  flush(): void {
    if (!this.metrics?.hasStoredMetrics()) return;
    if (!this.write) {
      this.metrics.publishStoredMetrics();
      return;
    }
    this.write(JSON.stringify(this.metrics.serializeMetrics()));
    this.metrics.clearMetrics();
  }
}

/** The function's own instance: on AWS the stage comes from its environment (set by the ServiceFunction construct). */
export const businessMetrics = new BusinessMetrics();
if (process.env.TTE_STAGE) businessMetrics.configure(process.env.TTE_STAGE);

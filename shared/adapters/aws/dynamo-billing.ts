import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { PriceListStore, PriceVersion, Statement, StatementStore } from '../../ports/billing.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import type { AuditEntry } from '../../ports/audit.js';
import { cancellationReasons, fromItem, ifConditionHolds, queryAll, transactWrite, withConflictRetry } from './dynamo-items.js';
import { auditPut, outboxItem } from './table-items.js';

const MONTH_END_JOB = 'month-end-statements';

/** The price list (partition PRICELIST) and the tenants' frozen statements (in each tenant's partition). */
export class DynamoBilling implements PriceListStore, StatementStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async listPriceVersions(): Promise<PriceVersion[]> {
    return queryAll<PriceVersion>(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.priceListPartition, ':prefix': keys.priceVersionPrefix },
      ConsistentRead: true,
    });
  }

  async putPriceVersion(version: PriceVersion, audit: AuditEntry): Promise<void> {
    await transactWrite(this.db, 'putPriceVersion', [
      { Put: { TableName: this.tableName, Item: { ...keys.priceVersion(version.effectiveFrom), ...version } } },
      // The audit entry keeps the prices themselves: a replaced future version stays on record.
      withPrices(auditPut(this.tableName, audit), version),
    ]);
  }

  async findStatement(tenantId: string, period: string): Promise<Statement | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.statement(tenantId, period), ConsistentRead: true }));
    return result.Item ? statementOf(result.Item) : undefined;
  }

  async freezeStatement(tenantId: string, statement: Statement): Promise<Statement> {
    const written = await ifConditionHolds(this.db, new PutCommand({
      TableName: this.tableName,
      Item: { ...keys.statement(tenantId, statement.period), ...statement },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    if (written) return statement;
    const stored = await this.findStatement(tenantId, statement.period);
    if (!stored) throw new Error(`Statement ${tenantId} ${statement.period} neither written nor found`);
    return stored;
  }

  async markStatementEmailed(tenantId: string, period: string, message: OutboxMessage): Promise<boolean> {
    try {
      await withConflictRetry(() => this.db.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.statement(tenantId, period),
              UpdateExpression: 'SET emailedAt = :at, emailMessageId = :id',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(emailedAt)',
              ExpressionAttributeValues: { ':at': message.createdAt, ':id': message.messageId },
            },
          },
          { Put: { TableName: this.tableName, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      })));
      return true;
    } catch (error) {
      // Marked already, or its message exists: it was sent (or is being sent) by an earlier run.
      if (cancellationReasons(error)?.some((reason) => reason.failed)) return false;
      throw error;
    }
  }

  async lastClosedPeriod(): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.jobState(MONTH_END_JOB), ConsistentRead: true }));
    return typeof result.Item?.closedPeriod === 'string' ? result.Item.closedPeriod : undefined;
  }

  async recordClosedPeriod(period: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.jobState(MONTH_END_JOB), closedPeriod: period } }));
  }
}

function withPrices(put: ReturnType<typeof auditPut>, version: PriceVersion) {
  return { Put: { ...put.Put, Item: { ...put.Put.Item, prices: version.prices } } };
}

/** The statement as the API shows it, without the job's bookkeeping. */
function statementOf(item: Record<string, unknown>): Statement {
  const { emailMessageId: _messageId, ...statement } = fromItem<Statement & { emailMessageId?: string }>(item);
  return statement;
}

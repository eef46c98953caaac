import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, pendingOutboxPartition } from '../../data/table.js';
import type { OutboxRecord, OutboxStore } from '../../ports/outbox.js';
import { cancellationCodes, fromItem, withConflictRetry } from './dynamo-items.js';
import { usageIncrement } from './table-items.js';

// Sent messages stay for a month as a record of what was sent, then expire.
const SENT_RETENTION_SECONDS = 30 * 24 * 3600;

export class DynamoOutboxStore implements OutboxStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async claim(messageId: string, now: Date, leaseSeconds: number): Promise<OutboxRecord | undefined> {
    try {
      const result = await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: keys.outbox(messageId),
        UpdateExpression: 'SET #status = :sending, leaseUntil = :lease ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk) AND (#status = :pending OR (#status = :sending AND leaseUntil < :now))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'SENDING',
          ':pending': 'PENDING',
          ':now': now.toISOString(),
          ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }));
      return result.Attributes ? fromItem<OutboxRecord>(result.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async markSent(messageId: string, sentAt: Date, providerMessageId: string, claim: { leaseUntil: string; billedTenantId?: string }): Promise<void> {
    const at = sentAt.toISOString();
    const sent = {
      TableName: this.tableName,
      Key: keys.outbox(messageId),
      // The sealed link is dropped at once: a sent message keeps no way back to the token. So are
      // the address and the data: the record of what was sent holds no personal data to erase.
      UpdateExpression: 'SET #status = :sent, sentAt = :at, providerMessageId = :pid, #ttl = :ttl REMOVE gsi1pk, gsi1sk, sealedData, leaseUntil, lastError, #to, #data',
      // Only this worker's own claim is marked: a worker whose lease ran out (the message was
      // claimed again) neither marks it nor counts it a second time.
      ConditionExpression: '#status = :sending AND leaseUntil = :lease',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl', '#to': 'to', '#data': 'data' },
      ExpressionAttributeValues: {
        ':sent': 'SENT',
        ':sending': 'SENDING',
        ':lease': claim.leaseUntil,
        ':at': at,
        ':pid': providerMessageId,
        ':ttl': Math.floor(sentAt.getTime() / 1000) + SENT_RETENTION_SECONDS,
      },
    };
    try {
      if (!claim.billedTenantId) {
        await this.db.send(new UpdateCommand(sent));
        return;
      }
      const count = usageIncrement(this.tableName, claim.billedTenantId, 'EMAIL_SENT', at);
      await withConflictRetry(() => this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: sent }, count] })));
    } catch (error) {
      // Marked by the worker that holds the message now: it marks and counts it, not this one.
      if (error instanceof ConditionalCheckFailedException || cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return;
      throw error;
    }
  }

  async recipientTenant(email: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.emailUnique(email.toLowerCase()) }));
    return typeof result.Item?.tenantId === 'string' ? result.Item.tenantId : undefined;
  }

  async release(messageId: string, error: string): Promise<void> {
    await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keys.outbox(messageId),
      UpdateExpression: 'SET #status = :pending, lastError = :error REMOVE leaseUntil',
      ConditionExpression: '#status = :sending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'PENDING', ':sending': 'SENDING', ':error': error.slice(0, 500) },
    }));
  }

  async listPending(limit: number): Promise<string[]> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pendingOutboxPartition },
      Limit: limit,
    }));
    return (result.Items ?? []).map((item) => fromItem<OutboxRecord>(item).messageId);
  }
}

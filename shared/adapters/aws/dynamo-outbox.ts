import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput, type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { keys, pendingOutboxPartition } from '../../data/table.js';
import { normalisedAddress, suppressedReason } from '../../domain/delivery.js';
import type { OutboxRecord, OutboxStore, Recipient, SentMessageSummary } from '../../ports/outbox.js';
import { userEmailItem } from './delivery-items.js';
import { cancellationCodes, fromItem, withConflictRetry } from './dynamo-items.js';
import { usageIncrement } from './table-items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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

  async markSent(
    messageId: string,
    sentAt: Date,
    providerMessageId: string,
    claim: { leaseUntil: string; billedTenantId?: string },
    summary?: SentMessageSummary,
  ): Promise<void> {
    const at = sentAt.toISOString();
    const recipient = summary?.recipient;
    const sent = {
      TableName: this.tableName,
      Key: keys.outbox(messageId),
      // The sealed link is dropped at once: a sent message keeps no way back to the token. So are
      // the address and the data: the record of what was sent holds no personal data to erase.
      // Its recipient's ids stay, so SES's report about it finds their e-mail list.
      UpdateExpression: `SET #status = :sent, sentAt = :at, providerMessageId = :pid, #ttl = :ttl${summary ? ', #subject = :subject' : ''}${recipient ? ', userId = :uid, tenantId = :tid' : ''} REMOVE gsi1pk, gsi1sk, sealedData, leaseUntil, lastError, #to, #data`,
      // Only this worker's own claim is marked: a worker whose lease ran out (the message was
      // claimed again) neither marks it nor counts it a second time.
      ConditionExpression: '#status = :sending AND leaseUntil = :lease',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl', '#to': 'to', '#data': 'data', ...(summary ? { '#subject': 'subject' } : {}) },
      ExpressionAttributeValues: {
        ':sent': 'SENT',
        ':sending': 'SENDING',
        ':lease': claim.leaseUntil,
        ':at': at,
        ':pid': providerMessageId,
        ':ttl': Math.floor(sentAt.getTime() / 1000) + SENT_RETENTION_SECONDS,
        ...(summary ? { ':subject': summary.subject } : {}),
        ...(recipient ? { ':uid': recipient.userId, ':tid': recipient.tenantId } : {}),
      },
    };
    await this.commitClaimed(sent, [
      ...(claim.billedTenantId ? [usageIncrement(this.tableName, claim.billedTenantId, 'EMAIL_SENT', at)] : []),
      ...(recipient && summary ? [{ Put: { TableName: this.tableName, Item: userEmailItem({ messageId, createdAt: summary.createdAt }, recipient, summary, { status: 'SENT', at: sentAt }) } }] : []),
    ]);
  }

  async markSuppressed(messageId: string, at: Date, claim: { leaseUntil: string }, summary: SentMessageSummary): Promise<void> {
    const { recipient } = summary;
    const suppressed = {
      TableName: this.tableName,
      Key: keys.outbox(messageId),
      // Kept as a record like a sent message, without the link, the address or the data.
      UpdateExpression: `SET #status = :suppressed, suppressedAt = :at, #ttl = :ttl${recipient ? ', userId = :uid, tenantId = :tid' : ''} REMOVE gsi1pk, gsi1sk, sealedData, leaseUntil, lastError, #to, #data`,
      ConditionExpression: '#status = :sending AND leaseUntil = :lease',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl', '#to': 'to', '#data': 'data' },
      ExpressionAttributeValues: {
        ':suppressed': 'SUPPRESSED',
        ':sending': 'SENDING',
        ':lease': claim.leaseUntil,
        ':at': at.toISOString(),
        ':ttl': Math.floor(at.getTime() / 1000) + SENT_RETENTION_SECONDS,
        ...(recipient ? { ':uid': recipient.userId, ':tid': recipient.tenantId } : {}),
      },
    };
    await this.commitClaimed(suppressed, recipient
      ? [{ Put: { TableName: this.tableName, Item: userEmailItem({ messageId, createdAt: summary.createdAt }, recipient, summary, { status: 'SUPPRESSED', at, detail: suppressedReason }) } }]
      : []);
  }

  /** The lease-conditional update with the items that go with it, in one transaction when there are any. */
  private async commitClaimed(update: UpdateCommandInput, others: readonly TransactItem[]): Promise<void> {
    try {
      if (others.length === 0) {
        await this.db.send(new UpdateCommand(update));
        return;
      }
      await withConflictRetry(() => this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...others] as TransactWriteCommandInput['TransactItems'] })));
    } catch (error) {
      // Marked by the worker that holds the message now: it marks and counts it, not this one.
      if (error instanceof ConditionalCheckFailedException || cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return;
      throw error;
    }
  }

  async recipient(email: string): Promise<Recipient | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.emailUnique(email.toLowerCase()) }));
    const { userId, tenantId } = result.Item ?? {};
    return typeof userId === 'string' && typeof tenantId === 'string' ? { userId, tenantId } : undefined;
  }

  async isBlocked(email: string): Promise<boolean> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.emailBlock(normalisedAddress(email)), ConsistentRead: true }));
    return result.Item !== undefined;
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

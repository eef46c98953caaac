import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import { deliveryRank, normalisedAddress } from '../../domain/delivery.js';
import type { AuditEntry } from '../../ports/audit.js';
import type { DeliveryLog, DeliveryOutcome, EmailRecord, HandledMessage } from '../../ports/delivery.js';
import { cancellationCodes, fromItem, withConflictRetry } from './dynamo-items.js';
import { emailBlockItem } from './delivery-items.js';
import { auditPut, outboxItem } from './table-items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What SES reported about sent messages: on the outbox record, the user's e-mail list, and address blocks. */
export class DynamoDeliveryLog implements DeliveryLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findMessage(messageId: string): Promise<HandledMessage | undefined> {
    const result = await this.db.send(new GetCommand({
      TableName: this.tableName,
      Key: keys.outbox(messageId),
      // Never the address, data or sealed link: a report needs none of them.
      ProjectionExpression: '#id, #template, #created, #status, #pid, #user, #tenant, #subject, #delivery',
      ExpressionAttributeNames: {
        '#id': 'messageId', '#template': 'template', '#created': 'createdAt', '#status': 'status', '#pid': 'providerMessageId',
        '#user': 'userId', '#tenant': 'tenantId', '#subject': 'subject', '#delivery': 'delivery',
      },
      ConsistentRead: true,
    }));
    return result.Item ? fromItem<HandledMessage>(result.Item) : undefined;
  }

  async recordOutcome(outcome: DeliveryOutcome): Promise<'recorded' | 'stale'> {
    const { message, status, at, detail } = outcome;
    const rank = deliveryRank(status);
    const delivery = { status, at, ...(detail ? { detail } : {}) };
    // The rank is the guard: of two reports at once only the higher commits, and a repeated one
    // (equal rank) commits nothing, its notices and block included.
    const outboxUpdate: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: keys.outbox(message.messageId),
        UpdateExpression: 'SET #delivery = :delivery, deliveryRank = :rank',
        ConditionExpression: '#status = :sent AND (attribute_not_exists(deliveryRank) OR deliveryRank < :rank)',
        ExpressionAttributeNames: { '#status': 'status', '#delivery': 'delivery' },
        ExpressionAttributeValues: { ':delivery': delivery, ':rank': rank, ':sent': 'SENT' },
      },
    };
    const listed: TransactItem[] = message.userId ? [{
      Update: {
        TableName: this.tableName,
        Key: keys.userEmail(message.userId, message.createdAt, message.messageId),
        UpdateExpression: `SET #status = :status, #at = :at, deliveryRank = :rank${detail ? ', #detail = :detail' : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND deliveryRank < :rank',
        ExpressionAttributeNames: { '#status': 'status', '#at': 'at', ...(detail ? { '#detail': 'detail' } : {}) },
        ExpressionAttributeValues: { ':status': status, ':at': at, ':rank': rank, ...(detail ? { ':detail': detail } : {}) },
      },
    }] : [];
    const effects: TransactItem[] = [
      ...(outcome.block ? [{ Put: { TableName: this.tableName, Item: emailBlockItem(outcome.block, at) } }] : []),
      ...outcome.notices.map((notice) => ({ Put: { TableName: this.tableName, Item: outboxItem(notice), ConditionExpression: 'attribute_not_exists(pk)' } })),
      ...(outcome.audit ? [auditPut(this.tableName, outcome.audit)] : []),
    ];
    const commit = (items: TransactItem[]) => withConflictRetry(() => this.db.send(new TransactWriteCommand({ TransactItems: items })));
    try {
      await commit([outboxUpdate, ...listed, ...effects]);
      return 'recorded';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === 'ConditionalCheckFailed') return 'stale';
      // The message moved forward but its entry on the user's list is gone (the person was
      // erased) or already further: the message's own record and what it sets off still count.
      if (listed.length && codes[1] === 'ConditionalCheckFailed') {
        await commit([outboxUpdate, ...effects]).catch((retry: unknown) => {
          if (cancellationCodes(retry)?.[0] === 'ConditionalCheckFailed') return;
          throw retry;
        });
        return 'recorded';
      }
      throw error;
    }
  }

  async listUserEmails(userId: string, limit: number): Promise<EmailRecord[]> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.userEmailPrefix },
      ScanIndexForward: false,
      Limit: limit,
    }));
    return (result.Items ?? []).map((item) => ({
      messageId: String(item.messageId),
      purpose: String(item.purpose),
      subject: String(item.subject),
      status: item.status as EmailRecord['status'],
      at: String(item.at),
      ...(typeof item.detail === 'string' ? { detail: item.detail } : {}),
    }));
  }

  async isBlocked(email: string): Promise<boolean> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.emailBlock(normalisedAddress(email)), ConsistentRead: true }));
    return result.Item !== undefined;
  }

  async clearBlock(email: string, audit: AuditEntry): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: keys.emailBlock(normalisedAddress(email)), ConditionExpression: 'attribute_exists(pk)' } },
          auditPut(this.tableName, audit),
        ],
      }));
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}

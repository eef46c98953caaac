import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { LoginTicket, SessionRecord, SessionStore } from '../../ports/accounts.js';
import { fromItem, queryAll } from './dynamo-items.js';
import { loginTicketItem } from './table-items.js';

/** Login sessions (found by the hash of their token) and the login tickets that lead to them. */
export class DynamoSessionStore implements SessionStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findSession(sessionHash: string): Promise<SessionRecord | undefined> {
    // Consistent: a session ended a moment ago (logout, a disabled account) must not work again.
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.session(sessionHash), ConsistentRead: true }));
    return result.Item ? fromItem<SessionRecord>(result.Item) : undefined;
  }

  async touchSession(sessionHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: keys.session(sessionHash),
        UpdateExpression: 'SET lastSeenAt = :seen, idleExpiresAt = :idle',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':seen': lastSeenAt, ':idle': idleExpiresAt },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listUserSessions(userId: string): Promise<string[]> {
    const pointers = await queryAll<{ sessionHash: string }>(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.userSessionPrefix },
      ProjectionExpression: 'sessionHash',
      ConsistentRead: true,
    });
    return pointers.map((pointer) => String(pointer.sessionHash));
  }

  async endSession(userId: string, sessionHash: string): Promise<void> {
    await this.db.send(new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: this.tableName, Key: keys.session(sessionHash) } },
        { Delete: { TableName: this.tableName, Key: keys.userSession(userId, sessionHash) } },
      ],
    }));
  }

  async issueTicket(ticket: LoginTicket): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: loginTicketItem(ticket) }));
  }

  async findTicket(ticketHash: string): Promise<LoginTicket | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.loginTicket(ticketHash) }));
    return result.Item ? fromItem<LoginTicket>(result.Item) : undefined;
  }
}

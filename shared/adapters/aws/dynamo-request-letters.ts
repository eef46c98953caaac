import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { AuditEntry } from '../../ports/audit.js';
import type { RequestLetterRecord, RequestLetterStore } from '../../ports/request-letters.js';
import { fromItem } from './dynamo-items.js';
import { auditPut } from './table-items.js';

export class DynamoRequestLetters implements RequestLetterStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async saveLetter(letter: RequestLetterRecord, audit: AuditEntry): Promise<void> {
    await this.db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.tableName, Item: { ...keys.requestLetter(letter.letterId), ...letter }, ConditionExpression: 'attribute_not_exists(pk)' } },
        auditPut(this.tableName, audit),
      ],
    }));
  }

  async findLetter(letterId: string): Promise<RequestLetterRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.requestLetter(letterId), ConsistentRead: true }));
    return Item ? fromItem<RequestLetterRecord>(Item) : undefined;
  }
}

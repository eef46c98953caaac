import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import type { SignatureLedger, SignedHashBatch, SigningBatch } from '../../ports/signatures.js';
import { isAppError } from '../../domain/errors.js';
import { fromItem, transactWrite } from './dynamo-items.js';
import { usageIncrement } from './table-items.js';

export class DynamoSignatureLedger implements SignatureLedger {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async record(batch: SigningBatch): Promise<boolean> {
    try {
      await transactWrite(this.db, 'record signing batch', [
        { Put: { TableName: this.tableName, Item: { ...keys.signingBatch(batch.batchId), ...indexKeys.signaturesOfUser(batch.userId, batch.signedAt, batch.batchId), ...batch }, ConditionExpression: 'attribute_not_exists(pk)' } },
        // Every document of the batch counts once, in the same transaction as its record.
        usageIncrement(this.tableName, batch.tenantId, 'DOCUMENT_SIGNED', batch.signedAt, batch.documents.length),
      ]);
      return true;
    } catch (error) {
      // The batch's condition failed (or the transaction kept conflicting): if it is recorded, a
      // request with the same idempotency key won; nothing more is counted.
      if (isAppError(error) && error.code === 'CONFLICT' && await this.findBatch(batch.batchId)) return false;
      throw error;
    }
  }

  async recordHashes(batch: SignedHashBatch): Promise<void> {
    await transactWrite(this.db, 'record signed hashes', [
      { Put: { TableName: this.tableName, Item: { ...keys.signingBatch(batch.batchId), ...indexKeys.signaturesOfUser(batch.userId, batch.signedAt, batch.batchId), ...batch }, ConditionExpression: 'attribute_not_exists(pk)' } },
      usageIncrement(this.tableName, batch.tenantId, 'HASH_SIGNED', batch.signedAt, batch.hashes.length),
    ]);
  }

  async findBatch(batchId: string): Promise<SigningBatch | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.signingBatch(batchId), ConsistentRead: true }));
    return result.Item ? fromItem<SigningBatch>(result.Item) : undefined;
  }
}

import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { SignatureLedger, SignedHashBatch, SigningBatch } from '../../ports/signatures.js';
import { isAppError } from '../../domain/errors.js';
import { fromItem, transactWrite } from './dynamo-items.js';
import { usageIncrement } from './table-items.js';

/** The usage event a signed PDF counts as (API.md "Operator, tenants and pay-per-use"). */
export const SIGNED_DOCUMENT_EVENT = 'DOCUMENT_SIGNED';
export const SIGNED_HASH_EVENT = 'HASH_SIGNED';

export class DynamoSignatureLedger implements SignatureLedger {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async record(batch: SigningBatch): Promise<boolean> {
    const usage = usageIncrement(this.tableName, batch.tenantId, SIGNED_DOCUMENT_EVENT, batch.signedAt);
    try {
      await transactWrite(this.db, 'record signing batch', [
        { Put: { TableName: this.tableName, Item: { ...keys.signingBatch(batch.batchId), ...batch }, ConditionExpression: 'attribute_not_exists(pk)' } },
        // Every document of the batch counts once, in the same transaction as its record.
        { Update: { ...usage.Update, ExpressionAttributeValues: { ':one': batch.documents.length } } },
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
    const usage = usageIncrement(this.tableName, batch.tenantId, SIGNED_HASH_EVENT, batch.signedAt);
    await transactWrite(this.db, 'record signed hashes', [
      { Put: { TableName: this.tableName, Item: { ...keys.signingBatch(batch.batchId), ...batch }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Update: { ...usage.Update, ExpressionAttributeValues: { ':one': batch.hashes.length } } },
    ]);
  }

  async findBatch(batchId: string): Promise<SigningBatch | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.signingBatch(batchId), ConsistentRead: true }));
    return result.Item ? fromItem<SigningBatch>(result.Item) : undefined;
  }
}

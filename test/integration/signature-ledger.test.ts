import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSignatureLedger } from '../../shared/adapters/aws/dynamo-signatures.js';
import { keys } from '../../shared/data/table.js';
import type { SigningBatch } from '../../shared/ports/signatures.js';
import { freshTable } from './harness.js';

const batch = (batchId: string, documents: number, attempt: string): SigningBatch => ({
  batchId, tenantId: 'tenant-uji', userId: 'user-1', certificateSerial: 'ab12', level: 'B-LT', signedAt: '2026-12-05T02:00:00.000Z',
  documents: Array.from({ length: documents }, (_, index) => ({
    documentId: `${batchId}.${index + 1}`, name: `surat-${index + 1}.pdf`, originalSha256: 'a'.repeat(64), signedSha256: 'b'.repeat(64),
    objectKey: `documents/tenant-uji/${batchId}/${attempt}/${index + 1}.pdf`,
  })),
});

describe('the signature ledger (DynamoDB Local)', () => {
  it('ten concurrent records of one batch (retries with one idempotency key): one wins, its documents counted once', async () => {
    const { dynamo: db, tableName } = await freshTable();
    const ledger = new DynamoSignatureLedger(db, tableName);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, attempt) => ledger.record(batch('batch-1', 3, `attempt-${attempt}`))));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = outcomes.indexOf(true);
    expect((await ledger.findBatch('batch-1'))!.documents[0]!.objectKey).toContain(`attempt-${winner}`);
    const usage = await db.send(new GetCommand({ TableName: tableName, Key: keys.usage('tenant-uji', '2026-12-05', 'DOCUMENT_SIGNED'), ConsistentRead: true }));
    expect(usage.Item?.count).toBe(3);
  });

  it('different batches add up in the day\'s counter', async () => {
    const { dynamo: db, tableName } = await freshTable();
    const ledger = new DynamoSignatureLedger(db, tableName);
    expect(await ledger.record(batch('batch-a', 2, 'x'))).toBe(true);
    expect(await ledger.record(batch('batch-b', 5, 'y'))).toBe(true);
    const usage = await db.send(new GetCommand({ TableName: tableName, Key: keys.usage('tenant-uji', '2026-12-05', 'DOCUMENT_SIGNED'), ConsistentRead: true }));
    expect(usage.Item?.count).toBe(7);
    expect(await ledger.findBatch('batch-c')).toBeUndefined();
  });
});

import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { businessMetrics, type BusinessMetrics } from '../../shared/adapters/aws/business-metrics.js';
import { transactWrite } from '../../shared/adapters/aws/dynamo-items.js';
import { auditPut, usageIncrement } from '../../shared/adapters/aws/table-items.js';
import { auditEntry } from '../../shared/audit.js';
import { freshTable } from './harness.js';

/**
 * Every DynamoDB client the adapters get counts the business events of what it committed, against
 * DynamoDB Local: whichever adapter wrote them, once, and nothing for a write that failed.
 */

let table: Awaited<ReturnType<typeof freshTable>>;
let counted: MockInstance<BusinessMetrics['count']>;
const at = '2026-12-05T03:00:00.000Z';
const submitted = () => auditPut(table.tableName, auditEntry({ ids: { newId: () => crypto.randomUUID() } }, new Date(at), { actorId: 'user-1', role: 'USER' }, 'ACTIVATION_SUBMITTED', { userId: 'user-1', tenantId: 'tenant-a' }));

beforeAll(async () => {
  table = await freshTable();
});
beforeEach(() => {
  counted = vi.spyOn(businessMetrics, 'count');
});
afterEach(() => counted.mockRestore());

const events = () => counted.mock.calls.map(([counts]) => counts).filter((counts) => Object.keys(counts).length > 0);

describe('the DynamoDB client counts business events', () => {
  it('of a committed transaction, a single put and a single update', async () => {
    await transactWrite(table.dynamo, 'approve', [usageIncrement(table.tableName, 'tenant-a', 'USER_APPROVED', at), submitted()]);
    await table.dynamo.send(new PutCommand(submitted().Put));
    await table.dynamo.send(new UpdateCommand(usageIncrement(table.tableName, 'tenant-a', 'DOCUMENT_SIGNED', at, 3).Update));
    expect(events()).toEqual([{ Approvals: 1, Submissions: 1 }, { Submissions: 1 }, { DocumentsSigned: 3 }]);
  });

  it('and none of a write that failed its condition: the event did not happen', async () => {
    const entry = submitted();
    await table.dynamo.send(new PutCommand(entry.Put));
    counted.mockClear();
    await expect(transactWrite(table.dynamo, 'again', [usageIncrement(table.tableName, 'tenant-a', 'USER_APPROVED', at), entry])).rejects.toThrow();
    await expect(table.dynamo.send(new PutCommand(entry.Put))).rejects.toThrow();
    expect(events()).toEqual([]);
  });
});

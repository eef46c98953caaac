import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../functions/operator/use-cases/audit.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { auditPut } from '../../shared/adapters/aws/table-items.js';
import { auditEntry } from '../../shared/audit.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { codeOf, freshTable, putTenant, verifierOf } from './harness.js';

describe("the service's own trail (the price list)", () => {
  it('is read by operators through GET /v1/audit?service=PRICE_LIST, newest first, and by nobody else', async () => {
    const table = await freshTable();
    const tenant = await putTenant(table.dynamo, table.tableName);
    const operator = { actorId: 'operator-1', role: 'OPERATOR' as const, tenantId: 'platform' };
    const write = (at: string, target: string) => table.dynamo.send(new TransactWriteCommand({
      TransactItems: [auditPut(table.tableName, auditEntry({ ids: randomIds }, new Date(at), operator, 'PRICE_LIST_SET', { service: 'PRICE_LIST' }, { target }))],
    }));
    await write('2026-11-01T02:00:00.000Z', '2026-12-01');
    await write('2026-11-20T02:00:00.000Z', '2027-01-01');
    const deps = { audit: new DynamoAuditTrail(table.dynamo, table.tableName), users: table.users, tenants: table.tenants };

    const page = await listAudit(deps, { actor: operator, service: 'PRICE_LIST', limit: 10 });
    expect(page.items.map((entry) => [entry.action, entry.target])).toEqual([['PRICE_LIST_SET', '2027-01-01'], ['PRICE_LIST_SET', '2026-12-01']]);
    expect(page.items.every((entry) => entry.tenantId === undefined)).toBe(true);
    expect(await codeOf(listAudit(deps, { actor: verifierOf(tenant), service: 'PRICE_LIST', limit: 10 }))).toBe('FORBIDDEN');
  });
});

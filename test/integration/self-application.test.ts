import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDomainOwners } from '../../shared/adapters/aws/dynamo-domain-owners.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { keys } from '../../shared/data/table.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { applyForAccount, type ApplyDeps } from '../../functions/enrollment/use-cases/apply.js';
import { freshTable, manualClock, putTenant, testSealer } from './harness.js';

/**
 * Self-applications held for confirmation (REVIEW) against DynamoDB Local: listed apart from the
 * invited, and the tenant's active verifiers told in the same transaction, a bounded number of
 * times per tenant, so a flood of applications does not flood their mailboxes.
 */

let table: Awaited<ReturnType<typeof freshTable>>;
let deps: ApplyDeps;
let tenantId = '';
const verifiers = ['rina@tinjau.go.id', 'bagus@tinjau.go.id'];

beforeAll(async () => {
  table = await freshTable();
  const tenant = await putTenant(table.dynamo, table.tableName, { emailDomains: ['tinjau.go.id'] });
  tenantId = tenant.tenantId;
  const put = (Item: Record<string, unknown>) => table.dynamo.send(new PutCommand({ TableName: table.tableName, Item }));
  await put({ ...keys.tenant(tenantId), ...tenant, selfApplication: 'REVIEW' });
  await put({ ...keys.domainUnique('tinjau.go.id'), tenantId });
  const at = '2026-01-01T00:00:00.000Z';
  for (const [index, email] of [...verifiers, 'lama@tinjau.go.id'].entries()) {
    // The third verifier is disabled: notices go to active verifiers only.
    await put(userItem({ userId: `verifier-${index}`, tenantId, role: 'VERIFIER', fullName: `Verifikator ${index}`, email, status: index === 2 ? 'DISABLED' : 'ACTIVE', createdAt: at, updatedAt: at, createdBy: 'uji', version: 1 }));
  }
  const clock = manualClock();
  const ids = randomIds;
  deps = {
    tenants: table.tenants,
    users: table.users,
    composer: messageComposer({ ids, clock, sealer: testSealer() }),
    clock,
    ids,
    settings: { webBaseUrl: 'https://tte.uji.go.id/web', activationLinkHours: 72, publicRequestFloorMs: 0 },
    domains: new DynamoDomainOwners(table.dynamo, table.tableName),
    rateLimiter: new DynamoRateLimiter(table.dynamo, table.tableName, clock),
    limits: { perClient: { limit: 100, windowSeconds: 3600 }, perAddress: { limit: 3, windowSeconds: 3600 }, heldNoticesPerTenant: { limit: 2, windowSeconds: 3600 } },
  };
});

describe('held self-applications', () => {
  it('tell the active verifiers, up to the tenant limit; every one is listed as HELD, none as INVITED', async () => {
    for (const name of ['satu', 'dua', 'tiga']) {
      await applyForAccount(deps, { fullName: `Pelamar ${name}`, email: `${name}@tinjau.go.id`, clientKey: '198.51.100.7' });
    }
    const notices = (await table.allItems()).filter((item) => String(item.pk).startsWith('OUTBOX#') && item.template === 'selfApplicationHeld');
    // Two applications × two active verifiers; the third application only waits in the list.
    expect(notices.map((item) => item.to).sort()).toEqual([...verifiers, ...verifiers].sort());
    expect(notices.map((item) => item.data.applicantEmail).sort()).toEqual(['dua@tinjau.go.id', 'dua@tinjau.go.id', 'satu@tinjau.go.id', 'satu@tinjau.go.id']);
    // Nothing to the applicants themselves.
    expect((await table.allItems()).filter((item) => String(item.pk).startsWith('OUTBOX#') && String(item.to).endsWith('@tinjau.go.id') && !verifiers.includes(String(item.to)))).toEqual([]);

    const held = await table.users.listUsers({ tenantId, status: 'HELD', limit: 25 });
    expect(held.items.map((user) => user.email).sort()).toEqual(['dua@tinjau.go.id', 'satu@tinjau.go.id', 'tiga@tinjau.go.id']);
    expect((await table.users.listUsers({ tenantId, status: 'INVITED', limit: 25 })).items).toEqual([]);
  });
});

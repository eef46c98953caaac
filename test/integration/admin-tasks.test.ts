import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { createAdminTasks, isAdminTask } from '../../functions/operator/admin-tasks.js';
import { PLATFORM_TENANT_ID } from '../../functions/operator/use-cases/verifiers.js';
import { freshTable, latestLinkToken, manualClock, quietLogger, testSealer } from './harness.js';

/**
 * The first operator of a fresh deployment, invited by whoever deploys it (a direct invoke of the
 * operator function, no route), against DynamoDB Local: the account, its e-mail with the
 * account-setup link, its audit entry; a taken address or a malformed task writes nothing.
 */

let table: Awaited<ReturnType<typeof freshTable>>;
let run: ReturnType<typeof createAdminTasks>;
const sealer = testSealer();

beforeAll(async () => {
  table = await freshTable();
  const clock = manualClock();
  run = createAdminTasks({
    registry: new DynamoTenantRegistry(table.dynamo, table.tableName),
    composer: messageComposer({ ids: randomIds, clock, sealer }),
    clock,
    ids: randomIds,
    settings: { webBaseUrl: 'https://tte.uji.go.id/web' },
    users: table.users,
    accounts: new DynamoAccountStore(table.dynamo, table.tableName),
    sessions: new DynamoSessionStore(table.dynamo, table.tableName),
  }, quietLogger());
});

describe('inviteOperator, a deployment task', () => {
  it('is told apart from an HTTP request', () => {
    expect(isAdminTask({ task: 'inviteOperator' })).toBe(true);
    expect(isAdminTask({ httpMethod: 'POST', resource: '/v1/tenants', task: 'inviteOperator' })).toBe(false);
    expect(isAdminTask(null)).toBe(false);
  });

  it('makes an operator of the service team, with the "[TTE] Informasi Akun" account-setup link and an audit entry', async () => {
    const result = await run({ task: 'inviteOperator', fullName: 'Dewi Lestari', email: 'Dewi.Lestari@Diskominfo.example.go.id' });
    expect(result).toMatchObject({ ok: true, email: 'dewi.lestari@diskominfo.example.go.id' });
    const items = await table.allItems();
    const user = items.find((item) => item.pk === `USER#${(result as { userId: string }).userId}` && item.sk === 'PROFILE');
    expect(user).toMatchObject({ role: 'OPERATOR', tenantId: PLATFORM_TENANT_ID, status: 'APPROVED', createdBy: 'deployment-admin' });
    // An operator is in no tenant's lists; only in the platform's staff index (who else is an operator).
    expect(user).not.toHaveProperty('gsi1pk');
    expect(user).toMatchObject({ gsi2pk: `TENANT#${PLATFORM_TENANT_ID}#VERIFIERS` });
    expect(items.filter((item) => String(item.pk).startsWith('OUTBOX#')).map((item) => [item.template, item.to])).toEqual([['accountInfo', 'dewi.lestari@diskominfo.example.go.id']]);
    expect(await latestLinkToken(table.allItems, sealer, 'dewi.lestari@diskominfo.example.go.id')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(items.filter((item) => item.action === 'OPERATOR_INVITED').map((item) => [item.actorId, item.actorRole])).toEqual([['deployment-admin', 'SYSTEM']]);
  });

  it('refuses a taken address and a malformed task, naming why, and writes nothing', async () => {
    const before = (await table.allItems()).length;
    expect(await run({ task: 'inviteOperator', fullName: 'Dewi Lain', email: 'dewi.lestari@diskominfo.example.go.id' })).toMatchObject({ ok: false, code: 'EMAIL_ALREADY_REGISTERED' });
    expect(await run({ task: 'inviteOperator', fullName: 'Tanpa Alamat', email: 'bukan-alamat' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: ['email'] });
    expect(await run({ task: 'dropTable' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await run({ task: 'inviteOperator', fullName: 'Dewi', email: 'x@y.go.id', role: 'VERIFIER' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect((await table.allItems()).length).toBe(before);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import { keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { createTenant, updateTenant, type TenantDeps } from '../../functions/operator/use-cases/tenants.js';
import { inviteVerifier, listVerifiers } from '../../functions/operator/use-cases/verifiers.js';
import { codeOf, freshTable, manualClock, putTenant, testSealer } from './harness.js';

const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };
const fields = (domains: string[]) => ({ name: 'Dinas Uji', organizationName: 'Pemerintah Uji', emailDomains: domains, billingEmail: 'tagihan@uji.go.id' });

async function setup() {
  const table = await freshTable();
  const registry = new DynamoTenantRegistry(table.dynamo, table.tableName);
  const clock = manualClock();
  const forgotten: string[] = [];
  const deps: TenantDeps = { registry, directory: table.tenants, cache: { forget: (tenantId) => forgotten.push(tenantId) }, clock, ids: randomIds };
  /** The table without its usage counters, as comparable strings. */
  const snapshot = async () => new Set((await table.allItems()).map((item) => JSON.stringify(item)));
  const claimOf = async (domain: string) => (await table.allItems()).find((item) => item.pk === keys.domainUnique(domain).pk)?.tenantId;
  return { ...table, registry, clock, deps, forgotten, snapshot, claimOf };
}

describe('tenants and their domain claims', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('two tenants asking for one domain at once: one gets it, the other writes nothing', async () => {
    const before = await ctx.snapshot();
    const outcomes = await Promise.all([
      codeOf(createTenant(ctx.deps, { actor: operator, ...fields(['sama.go.id', 'satu.go.id']) })),
      codeOf(createTenant(ctx.deps, { actor: operator, ...fields(['dua.go.id', 'sama.go.id']) })),
    ]);
    expect(outcomes.sort()).toEqual(['OK', 'TENANT_DOMAIN_TAKEN']);
    const after = await ctx.snapshot();
    // The winner's tenant, its two claims and its audit entry; nothing of the loser.
    expect([...after].filter((item) => !before.has(item))).toHaveLength(4);
    expect([await ctx.claimOf('satu.go.id'), await ctx.claimOf('dua.go.id')].filter(Boolean)).toHaveLength(1);
  });

  it('a change made on a stale read is CONFLICT and writes nothing; the fresh one goes through', async () => {
    const tenant = await createTenant(ctx.deps, { actor: operator, ...fields(['basi.go.id']) });
    await updateTenant(ctx.deps, { actor: operator, tenantId: tenant.tenantId, changes: { name: 'Dinas Uji Baru' } });
    const before = await ctx.snapshot();
    const stale = { ...tenant, emailDomains: ['lain-lagi.go.id'], version: 2 };
    expect(await codeOf(ctx.registry.updateTenant(tenant, stale, []))).toBe('CONFLICT');
    expect(await ctx.snapshot()).toEqual(before);
    const changed = await updateTenant(ctx.deps, { actor: operator, tenantId: tenant.tenantId, changes: { emailDomains: ['lain-lagi.go.id'] } });
    expect(changed).toMatchObject({ name: 'Dinas Uji Baru', emailDomains: ['lain-lagi.go.id'], version: 3 });
    expect([await ctx.claimOf('basi.go.id'), await ctx.claimOf('lain-lagi.go.id')]).toEqual([undefined, tenant.tenantId]);
    expect(ctx.forgotten).toEqual([tenant.tenantId, tenant.tenantId]);
  });

  it('a tenant from before claims and versions gets its claims on its first change, unless another tenant holds one', async () => {
    const legacy = await putTenant(ctx.dynamo, ctx.tableName, { emailDomains: ['lama.go.id', 'rebutan.go.id'] });
    await createTenant(ctx.deps, { actor: operator, ...fields(['rebutan.go.id']) });
    const before = await ctx.snapshot();
    expect(await codeOf(updateTenant(ctx.deps, { actor: operator, tenantId: legacy.tenantId, changes: { status: 'SUSPENDED' } }))).toBe('TENANT_DOMAIN_TAKEN');
    expect(await ctx.snapshot()).toEqual(before);

    const changed = await updateTenant(ctx.deps, { actor: operator, tenantId: legacy.tenantId, changes: { emailDomains: ['lama.go.id'], status: 'SUSPENDED' } });
    expect(changed).toMatchObject({ status: 'SUSPENDED', version: 1, emailDomains: ['lama.go.id'] });
    expect(await ctx.claimOf('lama.go.id')).toBe(legacy.tenantId);
    // Giving up a domain it never claimed leaves the other tenant's claim alone.
    expect(await ctx.claimOf('rebutan.go.id')).not.toBe(legacy.tenantId);
    expect(await ctx.claimOf('rebutan.go.id')).toBeDefined();
  });
});

describe('verifiers', () => {
  it('are invited only within the tenant\'s domains, once per address, and listed apart from its employees', async () => {
    const ctx = await setup();
    const sealer = testSealer();
    const deps = { registry: ctx.registry, composer: messageComposer({ ids: randomIds, clock: ctx.clock, sealer }), clock: ctx.clock, ids: randomIds, settings: { webBaseUrl: 'https://tte.uji.go.id/web' } };
    const tenant = await createTenant(ctx.deps, { actor: operator, ...fields(['uji.go.id']) });

    const before = await ctx.snapshot();
    expect(await codeOf(inviteVerifier(deps, { actor: operator, tenantId: tenant.tenantId, fullName: 'Budi', email: 'budi@lain.go.id' }))).toBe('EMAIL_DOMAIN_NOT_ALLOWED');
    expect(await codeOf(inviteVerifier(deps, { actor: operator, tenantId: 'tidak-ada', fullName: 'Budi', email: 'budi@uji.go.id' }))).toBe('TENANT_NOT_FOUND');
    expect(await ctx.snapshot()).toEqual(before);

    const invited = await inviteVerifier(deps, { actor: operator, tenantId: tenant.tenantId, fullName: 'Budi Santoso', email: 'budi@uji.go.id' });
    expect(invited).toMatchObject({ email: 'budi@uji.go.id', status: 'APPROVED' });
    const afterFirst = await ctx.snapshot();
    expect(await codeOf(inviteVerifier(deps, { actor: operator, tenantId: tenant.tenantId, fullName: 'Budi Lain', email: 'budi@uji.go.id' }))).toBe('EMAIL_ALREADY_REGISTERED');
    expect(await ctx.snapshot()).toEqual(afterFirst);

    expect(await listVerifiers(deps, { actor: operator, tenantId: tenant.tenantId })).toEqual([
      { userId: invited.userId, fullName: 'Budi Santoso', email: 'budi@uji.go.id', status: 'APPROVED', createdAt: ctx.clock.now().toISOString() },
    ]);
    const ownVerifier: Actor = { actorId: invited.userId, role: 'VERIFIER', tenantId: tenant.tenantId };
    expect(await listVerifiers(deps, { actor: ownVerifier, tenantId: tenant.tenantId })).toHaveLength(1);
    expect(await codeOf(listVerifiers(deps, { actor: { ...ownVerifier, tenantId: 'lain' }, tenantId: tenant.tenantId }))).toBe('TENANT_NOT_FOUND');
    // Not one of the tenant's employees: not in its user list nor its review queue.
    expect((await ctx.users.listUsers({ tenantId: tenant.tenantId, limit: 10 })).items).toEqual([]);
    expect((await ctx.users.listUsers({ tenantId: tenant.tenantId, status: 'APPROVED', limit: 10 })).items).toEqual([]);
  });
});

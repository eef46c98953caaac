import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyDeps } from '../../functions/operator/use-cases/api-keys.js';
import { DynamoApiKeyRegistry } from '../../shared/adapters/aws/dynamo-api-keys.js';
import { keys } from '../../shared/data/table.js';
import { MAX_LIVE_API_KEYS_PER_TENANT } from '../../shared/domain/api-keys.js';
import { hashApiKey, newIntegratorKey } from '../../shared/http/auth.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { Tenant } from '../../shared/ports/tenants.js';
import { codeOf, freshTable, manualClock, putTenant, verifierOf } from './harness.js';

/**
 * Security review F7: the 20-live-key limit holds however many creations race, because it is a
 * condition on the tenant's counter written in the key's own transaction.
 */
async function setup() {
  const table = await freshTable();
  const tenant = await putTenant(table.dynamo, table.tableName);
  const deps: ApiKeyDeps = { tenants: table.tenants, apiKeys: new DynamoApiKeyRegistry(table.dynamo, table.tableName), clock: manualClock(), ids: randomIds };
  const actor = verifierOf(tenant);
  const create = (name: string) => createApiKey(deps, { actor, tenantId: tenant.tenantId, name, scopes: ['signing'] });
  const revoke = (keyId: string) => revokeApiKey(deps, { actor, tenantId: tenant.tenantId, keyId });
  const live = async () => (await listApiKeys(deps, { actor, tenantId: tenant.tenantId })).filter((key) => !key.revokedAt);
  const counter = async () => (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.tenantApiKeyCount(tenant.tenantId), ConsistentRead: true }))).Item?.liveKeys;
  /** What the keys wrote: lookup items, descriptions and audit entries, by kind. */
  const written = async () => {
    const items = await table.allItems();
    return {
      lookups: items.filter((item) => String(item.pk).startsWith('APIKEY#')).length,
      descriptions: items.filter((item) => item.pk === keys.tenantPartition(tenant.tenantId) && String(item.sk).startsWith(keys.tenantApiKeyPrefix)).length,
      created: items.filter((item) => item.action === 'API_KEY_CREATED').length,
      total: items.length,
    };
  };
  return { ...table, tenant, deps, create, revoke, live, counter, written };
}

/** A key as an older release wrote it: both items, no counter. */
async function legacyKey(ctx: { dynamo: Awaited<ReturnType<typeof freshTable>>['dynamo']; tableName: string }, tenant: Tenant, index: number) {
  const { keyId, apiKey } = newIntegratorKey();
  const keyHash = hashApiKey(apiKey);
  const createdAt = `2026-01-01T00:00:${String(index).padStart(2, '0')}.000Z`;
  await ctx.dynamo.send(new PutCommand({
    TableName: ctx.tableName,
    Item: { ...keys.apiKey(keyHash), keyHash, actorId: keyId, role: 'INTEGRATOR', tenantId: tenant.tenantId, scopes: ['signing'], label: `Lama ${index}`, createdAt },
  }));
  await ctx.dynamo.send(new PutCommand({
    TableName: ctx.tableName,
    Item: { ...keys.tenantApiKey(tenant.tenantId, keyId), keyId, name: `Lama ${index}`, scopes: ['signing'], createdAt, createdBy: 'verifier', keyHash },
  }));
  return keyId;
}

describe('the live-key limit under concurrency (F7)', () => {
  it('30 concurrent creations: exactly 20 keys, the other 10 API_KEY_LIMIT with nothing written', async () => {
    const ctx = await setup();
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => codeOf(ctx.create(`Sistem ${index}`))));
    expect(outcomes.filter((code) => code === 'OK')).toHaveLength(MAX_LIVE_API_KEYS_PER_TENANT);
    expect(outcomes.filter((code) => code === 'API_KEY_LIMIT')).toHaveLength(30 - MAX_LIVE_API_KEYS_PER_TENANT);
    expect(await ctx.live()).toHaveLength(20);
    const written = await ctx.written();
    expect(written).toMatchObject({ lookups: 20, descriptions: 20, created: 20 });
    // The tenant, 20 × (lookup, description, audit entry) and the counter: nothing of the refused ones.
    expect(written.total).toBe(1 + 20 * 3 + 1);
    expect(await ctx.counter()).toBe(20);
  });

  it('a revocation gives its place back, once, even when revocations and creations race', async () => {
    const ctx = await setup();
    const made = await Promise.all(Array.from({ length: 20 }, (_, index) => ctx.create(`Sistem ${index}`)));
    expect(await codeOf(ctx.create('Satu lagi'))).toBe('API_KEY_LIMIT');
    // Three revoked (one of them twice at once) while ten creations race for the three places.
    const [revocations, creations] = await Promise.all([
      Promise.all([made[0]!, made[1]!, made[2]!, made[2]!].map((key) => codeOf(ctx.revoke(key.keyId)))),
      Promise.all(Array.from({ length: 10 }, (_, index) => codeOf(ctx.create(`Pengganti ${index}`)))),
    ]);
    expect(revocations).toEqual(['OK', 'OK', 'OK', 'OK']);
    // Creations that ran before a revocation landed were refused; never more than three succeed.
    const created = creations.filter((code) => code === 'OK').length;
    expect(created).toBeLessThanOrEqual(3);
    expect(creations.every((code) => code === 'OK' || code === 'API_KEY_LIMIT')).toBe(true);
    expect(await ctx.live()).toHaveLength(17 + created);
    expect(await ctx.counter()).toBe(17 + created);
    // Whatever is left fills up to 20 exactly.
    const rest = await Promise.all(Array.from({ length: 6 }, (_, index) => codeOf(ctx.create(`Sisa ${index}`))));
    expect(rest.filter((code) => code === 'OK')).toHaveLength(3 - created);
    expect(await ctx.live()).toHaveLength(20);
    expect(await ctx.counter()).toBe(20);
  });

  it('a tenant with keys from before the counter: counted from its live keys, exactly, while they are revoked and made', async () => {
    const ctx = await setup();
    const old = await Promise.all(Array.from({ length: 18 }, (_, index) => legacyKey(ctx, ctx.tenant, index)));
    expect(await ctx.counter()).toBeUndefined();
    // Two old keys revoked (no counter yet) while eight creations race to write the first counter.
    const [revocations, creations] = await Promise.all([
      Promise.all([old[0]!, old[1]!].map((keyId) => codeOf(ctx.revoke(keyId)))),
      Promise.all(Array.from({ length: 8 }, (_, index) => codeOf(ctx.create(`Baru ${index}`)))),
    ]);
    expect(revocations).toEqual(['OK', 'OK']);
    const created = creations.filter((code) => code === 'OK').length;
    expect(created).toBeGreaterThanOrEqual(2);
    expect(created).toBeLessThanOrEqual(4);
    expect(creations.every((code) => code === 'OK' || code === 'API_KEY_LIMIT')).toBe(true);
    expect(await ctx.live()).toHaveLength(16 + created);
    expect(await ctx.counter()).toBe(16 + created);
    const rest = await Promise.all(Array.from({ length: 6 }, (_, index) => codeOf(ctx.create(`Sisa ${index}`))));
    expect(rest.filter((code) => code === 'OK')).toHaveLength(4 - created);
    expect(await ctx.live()).toHaveLength(20);
    expect(await ctx.counter()).toBe(20);
  });

  it('a tenant that already has more live keys than the limit: refused, nothing written, until enough are revoked', async () => {
    const ctx = await setup();
    const old = await Promise.all(Array.from({ length: 21 }, (_, index) => legacyKey(ctx, ctx.tenant, index)));
    const before = await ctx.written();
    expect(await codeOf(ctx.create('Terlalu banyak'))).toBe('API_KEY_LIMIT');
    expect(await ctx.written()).toEqual(before);
    await ctx.revoke(old[0]!);
    expect(await codeOf(ctx.create('Masih penuh'))).toBe('API_KEY_LIMIT');
    await ctx.revoke(old[1]!);
    expect(await codeOf(ctx.create('Muat'))).toBe('OK');
    expect(await ctx.counter()).toBe(20);
    expect(await codeOf(ctx.create('Penuh lagi'))).toBe('API_KEY_LIMIT');
  });
});

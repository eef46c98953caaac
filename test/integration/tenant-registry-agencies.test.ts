import { describe, expect, it } from 'vitest';
import { tenantRoutes } from '../../functions/operator/tenant-routes.js';
import { createTenant, updateTenant, type TenantDeps } from '../../functions/operator/use-cases/tenants.js';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import type { Actor } from '../../shared/domain/actor.js';
import { comparableAgency } from '../../shared/domain/tenants.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { codeOf, freshTable, manualClock } from './harness.js';

/** The tenant's registry agencies (security review F5): set by an operator only, each once, audited. */
const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };
const patch = tenantRoutes.updateTenant.body;

describe('registryAgencies on a tenant', () => {
  it('an operator sets and clears them (audited, the cache forgotten); the tenant\'s own verifier may not', async () => {
    const table = await freshTable();
    const forgotten: string[] = [];
    const deps: TenantDeps = {
      registry: new DynamoTenantRegistry(table.dynamo, table.tableName), directory: table.tenants, cache: { forget: (id) => forgotten.push(id) }, clock: manualClock(), ids: randomIds,
    };
    const tenant = await createTenant(deps, { actor: operator, name: 'Dinas Uji', organizationName: 'Pemerintah Uji', emailDomains: ['agensi.go.id'], billingEmail: 'tagihan@agensi.go.id' });
    expect(tenant.registryAgencies).toBeUndefined();
    const verifier: Actor = { actorId: 'verifier-1', role: 'VERIFIER', tenantId: tenant.tenantId };
    expect(await codeOf(updateTenant(deps, { actor: verifier, tenantId: tenant.tenantId, changes: { registryAgencies: ['Pemerintah Uji'] } }))).toBe('FORBIDDEN');

    const set = await updateTenant(deps, { actor: operator, tenantId: tenant.tenantId, changes: { registryAgencies: ['PEMERINTAH PROVINSI UJI', 'Kepolisian Daerah Uji'] } });
    expect((await table.tenants.findTenant(tenant.tenantId))?.registryAgencies).toEqual(['PEMERINTAH PROVINSI UJI', 'Kepolisian Daerah Uji']);
    // The same list again changes nothing.
    expect(await updateTenant(deps, { actor: operator, tenantId: tenant.tenantId, changes: { registryAgencies: ['PEMERINTAH PROVINSI UJI', 'Kepolisian Daerah Uji'] } })).toEqual(set);
    await updateTenant(deps, { actor: operator, tenantId: tenant.tenantId, changes: { registryAgencies: [] } });
    expect((await table.tenants.findTenant(tenant.tenantId))?.registryAgencies).toEqual([]);
    const updates = (await table.allItems()).filter((item) => item.action === 'TENANT_UPDATED');
    expect(updates).toHaveLength(2);
    expect(forgotten).toEqual([tenant.tenantId, tenant.tenantId]);
  });

  it('the PATCH body takes at most 10, trimmed, each once as screening compares them', () => {
    expect(patch.safeParse({ registryAgencies: ['  Pemerintah Kota Palu '] }).data).toEqual({ registryAgencies: ['Pemerintah Kota Palu'] });
    expect(patch.safeParse({ registryAgencies: [] }).success).toBe(true);
    const refused = (body: unknown) => patch.safeParse(body).error?.issues.map((issue) => [issue.path.join('.'), (issue as { params?: { fieldCode?: string } }).params?.fieldCode]);
    expect(refused({ registryAgencies: ['Pemerintah Kota Palu', 'PEMERINTAH  KOTA PALU.'] })).toEqual([['registryAgencies.1', 'DUPLICATE_VALUE']]);
    expect(refused({ registryAgencies: ['—'] })).toEqual([['registryAgencies.0', 'VALUE_INVALID']]);
    expect(patch.safeParse({ registryAgencies: Array.from({ length: 11 }, (_, index) => `Instansi ${index}`) }).success).toBe(false);
    expect(patch.safeParse({ registryAgencies: ['x'.repeat(201)] }).success).toBe(false);
    expect(patch.safeParse({ registryAgencies: [''] }).success).toBe(false);
    expect(patch.safeParse({ registryAgencies: 'Pemerintah Kota Palu' }).success).toBe(false);
  });

  it('compares agencies with accents, case, spacing and punctuation aside, digits kept', () => {
    expect(comparableAgency(' Pemerintah  Kabupaten Contoh. ')).toBe(comparableAgency('PEMERINTAH KABUPATEN CONTOH'));
    expect(comparableAgency('Pemerintah Kabupatén Contoh')).toBe(comparableAgency('Pemerintah Kabupaten Contoh'));
    expect(comparableAgency('Kepolisian Resor 1')).not.toBe(comparableAgency('Kepolisian Resor 2'));
    expect(comparableAgency('Pemerintah Kota Palu')).not.toBe(comparableAgency('Pemerintah Kabupaten Palu'));
  });
});

import type { Tenant, TenantDirectory } from './ports/tenants.js';

/**
 * Tenants change rarely (an operator edits them), so each container keeps them for a minute
 * rather than reading one on every request. Keys and verifier lists are read through.
 */
export function cachedTenants(directory: TenantDirectory, ttlMilliseconds = 60_000, now: () => number = Date.now): TenantDirectory {
  const cache = new Map<string, { tenant: Tenant | undefined; until: number }>();
  return {
    async findTenant(tenantId: string): Promise<Tenant | undefined> {
      const hit = cache.get(tenantId);
      if (hit && hit.until > now()) return hit.tenant;
      const tenant = await directory.findTenant(tenantId);
      cache.set(tenantId, { tenant, until: now() + ttlMilliseconds });
      return tenant;
    },
    findApiKey: (keyHash) => directory.findApiKey(keyHash),
    listVerifierEmails: (tenantId) => directory.listVerifierEmails(tenantId),
  };
}

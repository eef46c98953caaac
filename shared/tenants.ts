import type { Tenant, TenantDirectory } from './ports/directory.js';

/**
 * Tenants change rarely (an operator edits them), so each container keeps them for a minute
 * rather than reading one on every request.
 */
export function cachedTenants(directory: Pick<TenantDirectory, 'findTenant'>, ttlMilliseconds = 60_000, now: () => number = Date.now) {
  const cache = new Map<string, { tenant: Tenant | undefined; until: number }>();
  return {
    async findTenant(tenantId: string): Promise<Tenant | undefined> {
      const hit = cache.get(tenantId);
      if (hit && hit.until > now()) return hit.tenant;
      const tenant = await directory.findTenant(tenantId);
      cache.set(tenantId, { tenant, until: now() + ttlMilliseconds });
      return tenant;
    },
  };
}

import type { Tenant, TenantDirectory } from './ports/tenants.js';

type TenantCache = Map<string, { tenant: Tenant | undefined; until: number }>;

// One cache per directory object: the handlers of one process that share a directory (the local
// runtime's) see a change together, and `forget` after a change made here reaches all of them.
const caches = new WeakMap<TenantDirectory, TenantCache>();

export interface CachedTenantDirectory extends TenantDirectory {
  /** Drops the tenant from this process's cache, after a change written from here. */
  forget(tenantId: string): void;
}

/**
 * Tenants change rarely (an operator edits them), so each container keeps them for a minute
 * rather than reading one on every request: a suspension reaches other containers within that
 * minute. Keys and verifier lists are read through.
 */
export function cachedTenants(directory: TenantDirectory, ttlMilliseconds = 60_000, now: () => number = Date.now): CachedTenantDirectory {
  const cache: TenantCache = caches.get(directory) ?? new Map();
  caches.set(directory, cache);
  return {
    forget: (tenantId) => {
      cache.delete(tenantId);
    },
    async findTenant(tenantId: string): Promise<Tenant | undefined> {
      const hit = cache.get(tenantId);
      if (hit && hit.until > now()) return hit.tenant;
      const tenant = await directory.findTenant(tenantId);
      cache.set(tenantId, { tenant, until: now() + ttlMilliseconds });
      return tenant;
    },
    listTenants: (limit, cursor) => directory.listTenants(limit, cursor),
    findApiKey: (keyHash) => directory.findApiKey(keyHash),
    listVerifierEmails: (tenantId) => directory.listVerifierEmails(tenantId),
  };
}

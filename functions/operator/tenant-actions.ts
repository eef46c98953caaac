import type { RouteActions } from '../../shared/http/route.js';
import { messageComposer } from '../../shared/outbox.js';
import type { Clock, IdGenerator } from '../../shared/ports/runtime.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import type { Tenant, TenantRegistry } from '../../shared/ports/tenants.js';
import type { CachedTenantDirectory } from '../../shared/tenants.js';
import type { tenantRoutes } from './tenant-routes.js';
import { createTenant, getTenant, listTenants, updateTenant, type TenantDeps } from './use-cases/tenants.js';
import { inviteVerifier, listVerifiers, type VerifierDeps } from './use-cases/verifiers.js';

/** What the tenant routes need beyond the operator function's common ports. */
export interface TenantPorts {
  tenantRegistry: TenantRegistry;
  /** Seals the account-setup link in the invitation e-mail. */
  sealer: Sealer;
  settings: { webBaseUrl: string };
}

/** The API spells it `organisationName`; the record (and the certificates) keep `organizationName`. */
function tenantView(tenant: Tenant) {
  return {
    tenantId: tenant.tenantId,
    name: tenant.name,
    organisationName: tenant.organizationName,
    emailDomains: tenant.emailDomains,
    billingEmail: tenant.billingEmail ?? null,
    status: tenant.status ?? 'ACTIVE',
    selfApplication: tenant.selfApplication ?? 'CLOSED',
    verifierContacts: tenant.verifierContacts ?? [],
    registryAgencies: tenant.registryAgencies ?? [],
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt ?? tenant.createdAt,
  } as const;
}

/** Thin actions: the body's names to the use case's, the tenant back in the API's names. */
export function tenantActions(ports: TenantPorts & { tenants: CachedTenantDirectory; clock: Clock; ids: IdGenerator }): RouteActions<typeof tenantRoutes> {
  const tenantDeps: TenantDeps = { registry: ports.tenantRegistry, directory: ports.tenants, cache: ports.tenants, clock: ports.clock, ids: ports.ids };
  const verifierDeps: VerifierDeps = {
    registry: ports.tenantRegistry, composer: messageComposer(ports), clock: ports.clock, ids: ports.ids, settings: ports.settings,
  };
  return {
    createTenant: async ({ actor, body: { organisationName, ...fields } }) => ({
      status: 201,
      body: tenantView(await createTenant(tenantDeps, { actor, ...fields, organizationName: organisationName })),
    }),
    listTenants: async ({ query }) => {
      const page = await listTenants(tenantDeps, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
      return { status: 200, body: { items: page.items.map(tenantView), nextCursor: page.nextCursor } };
    },
    getTenant: async ({ actor, params }) => ({ status: 200, body: tenantView(await getTenant(tenantDeps, { actor, ...params })) }),
    updateTenant: async ({ actor, params, body: { organisationName, ...fields } }) => ({
      status: 200,
      body: tenantView(await updateTenant(tenantDeps, { actor, tenantId: params.tenantId, changes: { ...fields, organizationName: organisationName } })),
    }),
    inviteVerifier: async ({ actor, params, body }) => ({ status: 201, body: await inviteVerifier(verifierDeps, { actor, tenantId: params.tenantId, ...body }) }),
    listVerifiers: async ({ actor, params }) => ({ status: 200, body: { items: await listVerifiers(verifierDeps, { actor, tenantId: params.tenantId }), nextCursor: null } }),
  };
}

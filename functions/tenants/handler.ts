import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoApiKeyRegistry } from '../../shared/adapters/aws/dynamo-api-keys.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import type { SessionStore } from '../../shared/ports/accounts.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { cachedTenants } from '../../shared/tenants.js';
import { tenantsRoutes } from './routes.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyDeps } from './use-cases/api-keys.js';

export type TenantsPorts = Omit<ApiKeyDeps, 'tenants'> & {
  tenants: TenantDirectory;
  sessions: SessionStore;
  sessionIdleMinutes: number;
  logger: Logger;
};

export function createTenantsHandler(ports: TenantsPorts): HttpHandler {
  const tenants = cachedTenants(ports.tenants);
  const deps: ApiKeyDeps = { ...ports, tenants };
  return createHttpHandler(tenantsRoutes, {
    createApiKey: async ({ actor, params, body }) => ({ status: 201, body: await createApiKey(deps, { actor, tenantId: params.tenantId, ...body }) }),
    listApiKeys: async ({ actor, params }) => ({ status: 200, body: { items: await listApiKeys(deps, { actor, tenantId: params.tenantId }), nextCursor: null } }),
    revokeApiKey: async ({ actor, params }) => {
      await revokeApiKey(deps, { actor, ...params });
      return { status: 204 };
    },
  }, {
    authenticator: new Authenticator({ apiKeys: tenants, sessions: { store: ports.sessions, idleMinutes: ports.sessionIdleMinutes }, clock: ports.clock }),
    logger: ports.logger,
  });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('tenants');
  const table = base.config.TABLE_NAME;
  return createTenantsHandler({
    ...base,
    apiKeys: new DynamoApiKeyRegistry(base.dynamo, table),
    sessions: new DynamoSessionStore(base.dynamo, table),
    sessionIdleMinutes: base.config.SESSION_IDLE_MINUTES,
  });
});

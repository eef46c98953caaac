import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoApiKeyRegistry } from '../../shared/adapters/aws/dynamo-api-keys.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoUserDirectory } from '../../shared/adapters/aws/dynamo-users.js';
import { createKmsClient } from '../../shared/adapters/aws/clients.js';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { required } from '../../shared/config.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import type { SessionStore } from '../../shared/ports/accounts.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { cachedTenants } from '../../shared/tenants.js';
import { operatorRoutes } from './routes.js';
import { createAdminTasks, isAdminTask } from './admin-tasks.js';
import { messageComposer } from '../../shared/outbox.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyDeps } from './use-cases/api-keys.js';
import { tenantActions, type TenantPorts } from './tenant-actions.js';
import { billingActions, billingStores, type BillingPorts } from './billing-actions.js';
import { auditActions, type AuditPorts } from './audit-actions.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoBilling } from '../../shared/adapters/aws/dynamo-billing.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';

export type OperatorPorts = Omit<ApiKeyDeps, 'tenants'> & TenantPorts & BillingPorts & AuditPorts & {
  tenants: TenantDirectory;
  sessions: SessionStore;
  sessionIdleMinutes: number;
  logger: Logger;
};

export function createOperatorHandler(ports: OperatorPorts): HttpHandler {
  const tenants = cachedTenants(ports.tenants);
  const deps: ApiKeyDeps = { ...ports, tenants };
  return createHttpHandler(operatorRoutes, {
    ...tenantActions({ ...ports, tenants }),
    ...billingActions({ ...ports, tenants }),
    ...auditActions({ ...ports, tenants }),
    createApiKey: async ({ actor, params, body }) => ({ status: 201, body: await createApiKey(deps, { actor, tenantId: params.tenantId, ...body }) }),
    listApiKeys: async ({ actor, params }) => ({ status: 200, body: { items: await listApiKeys(deps, { actor, tenantId: params.tenantId }), nextCursor: null } }),
    revokeApiKey: async ({ actor, params }) => {
      await revokeApiKey(deps, { actor, ...params });
      return { status: 204 };
    },
  }, {
    authenticator: new Authenticator({ apiKeys: tenants, tenants, sessions: { store: ports.sessions, idleMinutes: ports.sessionIdleMinutes }, clock: ports.clock }),
    logger: ports.logger,
  });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('operator');
  const table = base.config.TABLE_NAME;
  const ports: OperatorPorts = {
    ...base,
    apiKeys: new DynamoApiKeyRegistry(base.dynamo, table),
    sessions: new DynamoSessionStore(base.dynamo, table),
    sessionIdleMinutes: base.config.SESSION_IDLE_MINUTES,
    audit: new DynamoAuditTrail(base.dynamo, table),
    tenantRegistry: new DynamoTenantRegistry(base.dynamo, table),
    usage: new DynamoUsageReader(base.dynamo, table),
    ...billingStores(new DynamoBilling(base.dynamo, table)),
    sealer: new KmsSealer(createKmsClient(), required(base.config, 'SEALING_KEY_ID')),
    settings: { webBaseUrl: base.config.WEB_BASE_URL },
  };
  const http = createOperatorHandler(ports);
  // Only the admin tasks touch accounts (disableOperator): the HTTP routes never do.
  const tasks = createAdminTasks({
    ...ports, registry: ports.tenantRegistry, composer: messageComposer(ports),
    users: new DynamoUserDirectory(base.dynamo, table), accounts: new DynamoAccountStore(base.dynamo, table),
  }, ports.logger);
  // A direct invoke with a `task` (the deployment's administrator) or API Gateway's request.
  return async (event: unknown, context: unknown) => (isAdminTask(event) ? tasks(event) : http(event as never, context as never));
});

import type { RouteActions } from '../../shared/http/route.js';
import type { AuditTrail } from '../../shared/ports/audit.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import type { UserDirectory } from '../../shared/ports/users.js';
import type { auditRoutes } from './audit-routes.js';
import { listAudit } from './use-cases/audit.js';

/** What the audit route needs beyond the operator function's common ports. */
export interface AuditPorts {
  audit: AuditTrail;
  users: Pick<UserDirectory, 'findUser' | 'findUserIdByEmail'>;
}

export function auditActions(ports: AuditPorts & { tenants: Pick<TenantDirectory, 'findTenant'> }): RouteActions<typeof auditRoutes> {
  return {
    listAudit: async ({ actor, query }) => ({ status: 200, body: await listAudit(ports, { actor, ...query }) }),
  };
}

import type { Actor } from '../../../shared/domain/actor.js';
import { addDays } from '../../../shared/domain/billing.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { AuditEntry, AuditTrail } from '../../../shared/ports/audit.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { Page, UserDirectory } from '../../../shared/ports/users.js';
import { visibleTenant } from './statements.js';

export interface AuditDeps {
  audit: Pick<AuditTrail, 'listTenantTrail' | 'listUserTrail' | 'listServiceTrail'>;
  users: Pick<UserDirectory, 'findUser' | 'findUserIdByEmail'>;
  tenants: Pick<TenantDirectory, 'findTenant'>;
}

export interface AuditQuery {
  actor: Actor;
  tenantId?: string;
  userId?: string;
  /** The user by their (normalised) e-mail address, instead of userId. */
  email?: string;
  /** Something of the whole service instead (the price list): operators only. */
  service?: string;
  /** WIB days, both inclusive. */
  from?: string;
  to?: string;
  action?: string;
  limit: number;
  cursor?: string;
}

/** The first instant of a WIB day (Indonesia keeps UTC+7 all year). */
const wibDayStart = (day: string) => new Date(`${day}T00:00:00+07:00`).toISOString();

/**
 * A page of the audit trail, newest first.
 * 1. Whose: a verifier reads their own tenant only (another tenant is unknown: TENANT_NOT_FOUND);
 *    an operator any tenant, but must name a tenant or a user.
 * 2. With a user (by id or e-mail): their trail, and for a tenant-bound reader only what happened
 *    while they were in that tenant; a user of another tenant is unknown (USER_NOT_FOUND).
 * 3. Without: the tenant's trail, its people's and its own entries together.
 * 4. The service's own trail (the price list) is the operators' alone.
 */
export async function listAudit(deps: AuditDeps, input: AuditQuery): Promise<Page<AuditEntry>> {
  const operator = input.actor.role === 'OPERATOR';
  const range = {
    ...(input.from ? { from: wibDayStart(input.from) } : {}),
    ...(input.to ? { before: wibDayStart(addDays(input.to, 1)) } : {}),
    ...(input.action ? { action: input.action } : {}),
    limit: input.limit,
    ...(input.cursor ? { cursor: input.cursor } : {}),
  };
  if (input.service !== undefined) {
    if (!operator) throw new AppError('FORBIDDEN');
    return deps.audit.listServiceTrail({ ...range, service: input.service });
  }
  const named = input.userId !== undefined || input.email !== undefined;
  const tenantId = input.tenantId ?? (operator ? undefined : input.actor.tenantId);
  if (tenantId === undefined && !named) throw new AppError('VALIDATION_FAILED', [{ field: 'query.tenantId', code: 'REQUIRED' }]);
  if (tenantId !== undefined) await visibleTenant(deps, input.actor, tenantId);
  if (!named) return deps.audit.listTenantTrail({ ...range, tenantId: tenantId! });

  const userId = input.userId ?? (await deps.users.findUserIdByEmail(input.email!));
  const user = userId === undefined ? undefined : await deps.users.findUser(userId);
  if (!user || (tenantId !== undefined && user.tenantId !== tenantId)) throw new AppError('USER_NOT_FOUND');
  return deps.audit.listUserTrail({ ...range, userId: user.userId, ...(tenantId === undefined ? {} : { tenantId }) });
}

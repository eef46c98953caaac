import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { SelfApplicationMode, TenantStatus, VerifierContact } from '../../../shared/domain/tenants.js';
import { auditEntry } from '../../../shared/audit.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { Tenant, TenantDirectory, TenantRegistry } from '../../../shared/ports/tenants.js';
import type { AuditEntry, Page } from '../../../shared/ports/users.js';

export interface TenantDeps {
  registry: Pick<TenantRegistry, 'readTenant' | 'createTenant' | 'updateTenant'>;
  directory: Pick<TenantDirectory, 'listTenants'>;
  /** This process's tenant cache: a change made here is seen here at once (elsewhere within its minute). */
  cache: { forget(tenantId: string): void };
  clock: Clock;
  ids: IdGenerator;
}

/** What an operator sets on a tenant (domains and e-mail already normalised and checked). */
export interface TenantFields {
  name: string;
  organizationName: string;
  emailDomains: string[];
  billingEmail: string;
  status: TenantStatus;
  selfApplication: SelfApplicationMode;
  verifierContacts: VerifierContact[];
  /** As the civil-service registry names the tenant's agencies (screening compares them). */
  registryAgencies: string[];
}

/** What a tenant's own verifier may change on it: how its people reach them. */
const verifierFields: readonly (keyof TenantFields)[] = ['verifierContacts'];

/** An operator sees every tenant; a verifier only their own (another's is as unknown as a missing one). */
function assertMaySee(actor: Actor, tenantId: string): void {
  if (actor.role !== 'OPERATOR' && actor.tenantId !== tenantId) throw new AppError('TENANT_NOT_FOUND');
}

async function existing(deps: Pick<TenantDeps, 'registry'>, tenantId: string): Promise<Tenant> {
  const tenant = await deps.registry.readTenant(tenantId);
  if (!tenant) throw new AppError('TENANT_NOT_FOUND');
  return tenant;
}

/**
 * A new tenant.
 * 1. A fresh id; the tenant starts at version 1, ACTIVE unless said otherwise.
 * 2. One transaction: the tenant (in the tenants index), a claim on each e-mail domain and the
 *    audit entry. A domain another tenant owns fails it whole: TENANT_DOMAIN_TAKEN, nothing written.
 */
export async function createTenant(
  deps: TenantDeps,
  input: { actor: Actor } & Omit<TenantFields, 'status' | 'selfApplication' | 'verifierContacts' | 'registryAgencies'> & { status?: TenantStatus },
): Promise<Tenant> {
  const { actor, ...fields } = input;
  const now = deps.clock.now();
  const at = now.toISOString();
  const tenant: Tenant = {
    tenantId: deps.ids.newId(),
    name: fields.name,
    organizationName: fields.organizationName,
    emailDomains: fields.emailDomains,
    billingEmail: fields.billingEmail,
    status: fields.status ?? 'ACTIVE',
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const audit = [auditEntry(deps, now, actor, 'TENANT_CREATED', { tenantId: tenant.tenantId })];
  if (tenant.status === 'SUSPENDED') audit.push(auditEntry(deps, now, actor, 'TENANT_SUSPENDED', { tenantId: tenant.tenantId }));
  await deps.registry.createTenant(tenant, audit);
  return tenant;
}

export async function getTenant(deps: Pick<TenantDeps, 'registry'>, input: { actor: Actor; tenantId: string }): Promise<Tenant> {
  assertMaySee(input.actor, input.tenantId);
  return existing(deps, input.tenantId);
}

export async function listTenants(deps: Pick<TenantDeps, 'directory'>, input: { limit: number; cursor?: string }): Promise<Page<Tenant>> {
  return deps.directory.listTenants(input.limit, input.cursor);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, index) => value === b[index]);
const sameContacts = (a: readonly VerifierContact[], b: readonly VerifierContact[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Changes some of a tenant's fields.
 * 1. Read the tenant consistently; unknown is TENANT_NOT_FOUND. Nothing different: nothing written.
 * 2. One transaction, conditional on the version read: the tenant, a claim on each of its
 *    domains, the release of the domains it gave up, and the audit entries (a suspension or a
 *    reactivation is an entry of its own). Another tenant's domain: TENANT_DOMAIN_TAKEN, nothing written.
 * 3. This process forgets the tenant it cached, so its own next request sees the change.
 */
export async function updateTenant(deps: TenantDeps, input: { actor: Actor; tenantId: string; changes: Partial<TenantFields> }): Promise<Tenant> {
  assertMaySee(input.actor, input.tenantId);
  const changes = Object.fromEntries(Object.entries(input.changes).filter(([, value]) => value !== undefined)) as Partial<TenantFields>;
  // A verifier's request naming anything else is refused whole, even if that field would not change.
  if (input.actor.role !== 'OPERATOR' && (Object.keys(changes) as (keyof TenantFields)[]).some((field) => !verifierFields.includes(field))) {
    throw new AppError('FORBIDDEN');
  }
  const previous = await existing(deps, input.tenantId);
  const current: Partial<TenantFields> = {
    ...previous, status: previous.status ?? 'ACTIVE', selfApplication: previous.selfApplication ?? 'CLOSED', verifierContacts: previous.verifierContacts ?? [],
    registryAgencies: previous.registryAgencies ?? [],
  };
  const changed = (Object.keys(changes) as (keyof TenantFields)[]).filter((field) => {
    if (field === 'emailDomains') return !sameList(changes.emailDomains!, previous.emailDomains);
    if (field === 'verifierContacts') return !sameContacts(changes.verifierContacts!, current.verifierContacts!);
    if (field === 'registryAgencies') return !sameList(changes.registryAgencies!, current.registryAgencies!);
    return changes[field] !== current[field];
  });
  if (changed.length === 0) return previous;

  const now = deps.clock.now();
  const next: Tenant = { ...previous, ...changes, status: changes.status ?? current.status!, updatedAt: now.toISOString(), version: (previous.version ?? 0) + 1 };
  const audit: AuditEntry[] = [];
  if (changed.some((field) => field !== 'status')) audit.push(auditEntry(deps, now, input.actor, 'TENANT_UPDATED', { tenantId: previous.tenantId }));
  if (changed.includes('status')) audit.push(auditEntry(deps, now, input.actor, next.status === 'SUSPENDED' ? 'TENANT_SUSPENDED' : 'TENANT_REACTIVATED', { tenantId: previous.tenantId }));
  await deps.registry.updateTenant(previous, next, audit);
  deps.cache.forget(previous.tenantId);
  return next;
}

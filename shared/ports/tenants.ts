import type { Actor } from '../domain/actor.js';
import type { ApiKeyScope } from '../domain/api-keys.js';
import type { SelfApplicationMode, TenantStatus, VerifierContact } from '../domain/tenants.js';
import type { LinkTokenRecord } from './links.js';
import type { OutboxMessage } from './outbox.js';
import type { AuditEntry, Page, UserRecord } from './users.js';

export interface Tenant {
  tenantId: string;
  name: string;
  organizationName: string;
  emailDomains: string[];
  createdAt: string;
  // Tenants written before operators managed them lack the fields below: such a tenant is ACTIVE,
  // at version 0, last changed when it was created, with no billing address yet.
  /** Where the monthly statement goes. */
  billingEmail?: string;
  /** SUSPENDED stops the tenant's verifiers, its integrator keys and its people's signing. */
  status?: TenantStatus;
  updatedAt?: string;
  /** Optimistic lock: every change is conditional on the version read. */
  version?: number;
  /** Self-application (absent: CLOSED). */
  selfApplication?: SelfApplicationMode;
  /** Whom the tenant's people contact for help (absent: none listed). */
  verifierContacts?: VerifierContact[];
  /**
   * The agencies its people belong to as the civil-service registry names them (a record's
   * `agency`). A registry match approves on its own only when the record's agency is one of these;
   * absent or empty, every application goes to a verifier.
   */
  registryAgencies?: string[];
}

export interface ApiKeyRecord extends Actor {
  keyHash: string;
  label: string;
  createdAt: string;
}

/** A tenant's integrator key as the tenant's people see it (never its secret or hash). */
export interface TenantApiKey {
  keyId: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** The integrator keys of each tenant: made, listed and revoked by its verifiers or an operator. */
export interface ApiKeyRegistry {
  /**
   * Stores the key's hash for lookups and its description in the tenant's partition, with the
   * audit entry, unless the tenant already has `limit` live keys (API_KEY_LIMIT, nothing written):
   * checked and counted in the same transaction, so concurrent creations never pass the limit.
   */
  createApiKey(tenantId: string, key: TenantApiKey, keyHash: string, audit: AuditEntry, limit: number): Promise<void>;
  listApiKeys(tenantId: string): Promise<TenantApiKey[]>;
  /** False when the tenant has no key with this id; revoking a revoked key changes nothing. */
  revokeApiKey(tenantId: string, keyId: string, revokedAt: string, audit: AuditEntry): Promise<boolean>;
}

export interface TenantDirectory {
  findTenant(tenantId: string): Promise<Tenant | undefined>;
  /** A page of all tenants, by id (one Query on the tenants index). */
  listTenants(limit: number, cursor?: string): Promise<Page<Tenant>>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** The e-mail addresses of the tenant's active verifiers (to tell them of work waiting). */
  listVerifierEmails(tenantId: string): Promise<string[]>;
}

/** A verifier as the operator and the tenant's verifiers list them. */
export interface VerifierSummary {
  userId: string;
  fullName: string;
  email: string;
  status: UserRecord['status'];
  createdAt: string;
}

/** A verifier invited by an operator: the account, its e-mail claim, the setup link and its e-mail. */
export interface VerifierInvitation {
  user: UserRecord;
  token: LinkTokenRecord;
  message: OutboxMessage;
  /** About the new user: in their history and, through the tenant index, in the tenant's trail. */
  audit: AuditEntry;
}

/** Tenants as operators change them, each change in one transaction with its claims and audit. */
export interface TenantRegistry {
  /** A consistent read of the tenant, for a change to build on. */
  readTenant(tenantId: string): Promise<Tenant | undefined>;
  /** The tenant with a claim on each of its domains; TENANT_DOMAIN_TAKEN (naming it) when another tenant holds one. */
  createTenant(tenant: Tenant, audit: readonly AuditEntry[]): Promise<void>;
  /**
   * Writes `next` over `previous` (CONFLICT when it changed meanwhile), claiming every domain of
   * `next` and releasing the claims it held on those only `previous` had; TENANT_DOMAIN_TAKEN when
   * another tenant holds one.
   */
  updateTenant(previous: Tenant, next: Tenant, audit: readonly AuditEntry[]): Promise<void>;
  /** EMAIL_ALREADY_REGISTERED when the address is taken; nothing is written then. */
  inviteVerifier(invitation: VerifierInvitation): Promise<void>;
  listVerifiers(tenantId: string): Promise<VerifierSummary[]>;
}

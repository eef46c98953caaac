import type { Actor } from '../domain/actor.js';
import type { ApiKeyScope } from '../domain/api-keys.js';
import type { AuditEntry } from './users.js';

export interface Tenant {
  tenantId: string;
  name: string;
  organizationName: string;
  emailDomains: string[];
  createdAt: string;
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
  /** Stores the key's hash for lookups and its description in the tenant's partition, with the audit entry. */
  createApiKey(tenantId: string, key: TenantApiKey, keyHash: string, audit: AuditEntry): Promise<void>;
  listApiKeys(tenantId: string): Promise<TenantApiKey[]>;
  /** False when the tenant has no key with this id; revoking a revoked key changes nothing. */
  revokeApiKey(tenantId: string, keyId: string, revokedAt: string, audit: AuditEntry): Promise<boolean>;
}

export interface TenantDirectory {
  findTenant(tenantId: string): Promise<Tenant | undefined>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** The e-mail addresses of the tenant's active verifiers (to tell them of work waiting). */
  listVerifierEmails(tenantId: string): Promise<string[]>;
}

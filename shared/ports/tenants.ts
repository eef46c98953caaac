import type { Actor } from '../domain/actor.js';

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

export interface TenantDirectory {
  findTenant(tenantId: string): Promise<Tenant | undefined>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** The e-mail addresses of the tenant's active verifiers (to tell them of work waiting). */
  listVerifierEmails(tenantId: string): Promise<string[]>;
}

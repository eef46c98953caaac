import type { Role, UserStatus } from '../domain/user.js';
import type { TokenPurpose } from '../domain/tokens.js';
import type { OutboxMessage } from './outbox.js';

export interface Tenant {
  tenantId: string;
  name: string;
  organizationName: string;
  emailDomains: string[];
  createdAt: string;
}

/** Who is calling, resolved from an API key or (later) a session. */
export interface Actor {
  actorId: string;
  role: Role;
  tenantId: string;
}

export interface ApiKeyRecord extends Actor {
  keyHash: string;
  label: string;
  createdAt: string;
}

export interface UserRecord {
  userId: string;
  tenantId: string;
  role: Role;
  fullName: string;
  email: string;
  phone?: string;
  status: UserStatus;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  activationTokenHash?: string;
  activationExpiresAt?: string;
  /** Optimistic lock: every change is conditional on the version read. */
  version: number;
}

export interface LinkTokenRecord {
  tokenHash: string;
  purpose: TokenPurpose;
  userId: string;
  tenantId: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  revokedAt?: string;
}

export interface AuditEntry {
  auditId: string;
  at: string;
  actorId: string;
  actorRole: Role | 'SYSTEM';
  action: string;
  /** The user's status after the action, when it changed or was set. */
  status?: UserStatus;
  reason?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TenantDirectory {
  findTenant(tenantId: string): Promise<Tenant | undefined>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

export interface Registration {
  user: UserRecord;
  token: LinkTokenRecord;
  audit: AuditEntry;
  message: OutboxMessage;
  /** Billing event counted in the same transaction, so a failed registration is never charged. */
  usageEvent: string;
}

export interface LinkReissue {
  user: UserRecord;
  previousToken?: LinkTokenRecord;
  token: LinkTokenRecord;
  audit: AuditEntry;
  message: OutboxMessage;
}

export interface UserDirectory {
  /** Creates the user, its e-mail claim, token, audit entry and e-mail atomically. */
  register(registration: Registration): Promise<void>;
  /** Replaces the user's activation link atomically; the old one stops working. */
  reissueActivationLink(reissue: LinkReissue): Promise<void>;
  findUser(userId: string): Promise<UserRecord | undefined>;
  /** The profile with its audit trail, in one read. */
  findUserWithHistory(userId: string): Promise<{ user: UserRecord; history: AuditEntry[] } | undefined>;
  findToken(tokenHash: string): Promise<LinkTokenRecord | undefined>;
  listUsers(query: { tenantId: string; status?: UserStatus; limit: number; cursor?: string }): Promise<Page<UserRecord>>;
}

import type { Role, UserStatus } from '../domain/user.js';
import type { Page } from './users.js';

/**
 * Whom an audit entry is about: one user, a tenant as a whole (its keys, its settings), or
 * something of the whole service (the price list), named.
 */
export type AuditSubject = { userId: string } | { tenantId: string } | { service: string };

/**
 * One append-only record of who did what, when and from where: every state change (written in
 * the change's own transaction) and every read of a person's data by someone else.
 */
export interface AuditEntry {
  auditId: string;
  at: string;
  actorId: string;
  actorRole: Role | 'SYSTEM';
  /**
   * The subject's tenant, which need not be the actor's (an operator acts on any tenant); absent
   * only when the subject is the whole service's.
   */
  tenantId?: string;
  action: string;
  subject: AuditSubject;
  /** The user's status after the action, when it changed or was set. */
  status?: UserStatus;
  reason?: string;
  /** What the action was about besides the subject (an API key's id, a device request's id). */
  target?: string;
  /** The HTTP request behind the action; the workflow and scheduled jobs have none. */
  requestId?: string;
  sourceIp?: string;
}

/** A slice of a trail in time: `from` inclusive, `before` exclusive (ISO instants). */
export interface AuditRange {
  from?: string;
  before?: string;
  /** Only entries of this action. */
  action?: string;
  limit: number;
  cursor?: string;
}

/**
 * The audit trail: appended to by the service, read by operators and verifiers. Nothing here
 * changes or deletes an entry, and nothing anywhere should.
 */
export interface AuditTrail {
  /**
   * Appends one entry on its own: a read of personal data (a change writes its entry in its own
   * transaction instead, through its store).
   */
  record(entry: AuditEntry): Promise<void>;
  /** Everything about a tenant and its users, newest first. */
  listTenantTrail(query: AuditRange & { tenantId: string }): Promise<Page<AuditEntry>>;
  /**
   * The entries about one user, newest first. With `tenantId`, only those made while the user
   * belonged to that tenant (a verifier never sees what happened at the user's former agency).
   */
  listUserTrail(query: AuditRange & { userId: string; tenantId?: string }): Promise<Page<AuditEntry>>;
  /** What happened to something of the whole service (the price list), newest first. */
  listServiceTrail(query: AuditRange & { service: string }): Promise<Page<AuditEntry>>;
}

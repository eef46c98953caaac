import { indexKeys, keys } from '../../data/table.js';
import type { LinkTokenRecord } from '../../ports/links.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import type { AuditEntry, UserRecord } from '../../ports/users.js';
import { epochSeconds } from './dynamo-items.js';

/** How the user family (profile, link tokens, audit, outbox) is stored: one builder per item. */

// Used tokens stay readable for a while so an old link answers "already used", not "unknown".
const TOKEN_RETENTION_SECONDS = 30 * 24 * 3600;

export function tokenItem(token: LinkTokenRecord) {
  return { ...keys.token(token.tokenHash), ...token, ttl: epochSeconds(token.expiresAt) + TOKEN_RETENTION_SECONDS };
}

export function userItem(user: UserRecord) {
  return {
    ...keys.user(user.userId),
    ...indexKeys.usersByStatus(user.tenantId, user.status, user.updatedAt, user.userId),
    ...indexKeys.usersOfTenant(user.tenantId, user.createdAt, user.userId),
    ...user,
  };
}

export function auditItem(userId: string, entry: AuditEntry) {
  return { ...keys.audit(keys.userPartition(userId), entry.at, entry.auditId), ...entry };
}

export function outboxItem(message: OutboxMessage) {
  return {
    ...keys.outbox(message.messageId),
    ...indexKeys.pendingOutbox(message.createdAt, message.messageId),
    ...message,
    status: 'PENDING',
    attempts: 0,
  };
}

import { indexKeys, keys } from '../../data/table.js';
import type { Credential, DeviceRequest, LoginTicket, OtpDevice, PendingDevice, SessionRecord } from '../../ports/accounts.js';
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

// The account family: credential, devices, sessions, login tickets, device requests.

export function credentialItem(credential: Credential) {
  return { ...keys.credential(credential.userId), ...credential };
}

export function deviceItem(device: OtpDevice) {
  return { ...keys.device(device.userId, device.createdAt, device.deviceId), ...device };
}

export function deviceSetupItem(userId: string, setup: PendingDevice, expiresAt: string) {
  return { ...keys.deviceSetup(userId, setup.deviceId), ...setup, expiresAt, ttl: epochSeconds(expiresAt) };
}

/** The session, found by its hash, and its pointer in the user's partition; both expire with it. */
export function sessionItems(session: SessionRecord) {
  const ttl = epochSeconds(session.absoluteExpiresAt);
  return [
    { ...keys.session(session.sessionHash), ...session, ttl },
    { ...keys.userSession(session.userId, session.sessionHash), sessionHash: session.sessionHash, ttl },
  ];
}

export function loginTicketItem(ticket: LoginTicket) {
  return { ...keys.loginTicket(ticket.ticketHash), ...ticket, ttl: epochSeconds(ticket.expiresAt) };
}

export function deviceRequestItem(request: DeviceRequest) {
  return {
    ...keys.deviceRequest(request.requestId),
    ...indexKeys.deviceRequestsByStatus(request.tenantId, request.status, request.createdAt, request.requestId),
    ...request,
  };
}

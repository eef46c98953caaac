import { indexKeys, keys } from '../../data/table.js';
import { usageDay, type UsageEvent } from '../../domain/usage.js';
import { listingOf } from '../../domain/user.js';
import type { Credential, DeviceRequest, LoginTicket, OtpDevice, PendingDevice, SessionRecord } from '../../ports/accounts.js';
import type { CertificateRecord, RevocationEntry, SigningKeyRecord } from '../../ports/certificates.js';
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
    ...userIndexKeys(user),
    ...user,
  };
}

/**
 * Employees are in their tenant's lists and review queue; a verifier only in the tenant's
 * verifier index (whatever changes them, a password or a device, keeps them there); operators
 * likewise in the platform's (no tenant lists it; it tells whether another operator is active).
 */
function userIndexKeys(user: UserRecord) {
  if (user.role === 'VERIFIER' || user.role === 'OPERATOR') return indexKeys.verifiersOfTenant(user.tenantId, user.userId);
  return {
    ...indexKeys.usersByStatus(user.tenantId, listingOf(user), user.updatedAt, user.userId),
    ...indexKeys.usersOfTenant(user.tenantId, user.createdAt, user.userId),
  };
}

/**
 * An audit entry in its subject's partition (a user's trail is one Query there) and, through the
 * tenant index, in its tenant's trail. Never a ttl: audit items stay.
 */
export function auditItem(entry: AuditEntry) {
  const { subject } = entry;
  const partition = 'userId' in subject ? keys.userPartition(subject.userId)
    : 'tenantId' in subject ? keys.tenantPartition(subject.tenantId)
      : keys.servicePartition(subject.service);
  return {
    ...keys.audit(partition, entry.at, entry.auditId),
    ...(entry.tenantId === undefined ? {} : indexKeys.auditOfTenant(entry.tenantId, entry.at, entry.auditId)),
    ...entry,
  };
}

/** Appends an audit entry inside a transaction; an entry is never written over. */
export function auditPut(tableName: string, entry: AuditEntry) {
  return { Put: { TableName: tableName, Item: auditItem(entry), ConditionExpression: 'attribute_not_exists(pk)' } };
}

/**
 * A message written with a change to a user's record is billed to the user's tenant, unless it
 * says otherwise: the dispatcher then need not look the recipient up to count EMAIL_SENT.
 */
export function billedTo(message: OutboxMessage, tenantId: string): OutboxMessage {
  return message.billedTenantId === undefined ? { ...message, billedTenantId: tenantId } : message;
}

/**
 * A message to the user whose record the change writes is theirs: what became of it is listed on
 * their page. Mail the same change sends to others (their verifiers) is not.
 */
export function addressedTo(message: OutboxMessage, user: Pick<UserRecord, 'userId' | 'tenantId' | 'email'>): OutboxMessage {
  if (message.userId !== undefined || message.to.toLowerCase() !== user.email.toLowerCase()) return message;
  return { ...message, userId: user.userId, tenantId: user.tenantId };
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

// The certificate family: certificates, the signing key, revocation entries.

const liveStatuses = new Set(['ISSUED', 'SUSPENDED']);

/** A certificate; only a live one sits in the expiry index, so the daily job reads just those. */
export function certificateItem(certificate: CertificateRecord) {
  return {
    ...keys.certificate(certificate.serialNumber),
    ...indexKeys.certificatesOfUser(certificate.userId, certificate.issuedAt, certificate.serialNumber),
    ...(liveStatuses.has(certificate.status) ? indexKeys.certificatesExpiringOn(certificate.notAfter.slice(0, 10), certificate.serialNumber) : {}),
    ...certificate,
  };
}

export function signingKeyItem(key: SigningKeyRecord) {
  return { ...keys.signingKey(key.userId), ...key };
}

export function revocationItem(entry: RevocationEntry) {
  return { ...keys.revocation(entry.serialNumber), ...entry };
}

/** Uses up a link inside a transaction: it fails if the link was used or replaced meanwhile. */
export function consumeTokenUpdate(tableName: string, token: LinkTokenRecord, at: string, set: Record<string, string> = {}) {
  const extra = Object.keys(set);
  return {
    Update: {
      TableName: tableName,
      Key: keys.token(token.tokenHash),
      UpdateExpression: `SET usedAt = :at${extra.map((name, index) => `, #extra${index} = :extra${index}`).join('')}`,
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt)',
      ...(extra.length ? { ExpressionAttributeNames: Object.fromEntries(extra.map((name, index) => [`#extra${index}`, name])) } : {}),
      ExpressionAttributeValues: { ':at': at, ...Object.fromEntries(extra.map((name, index) => [`:extra${index}`, set[name]])) },
    },
  };
}

/**
 * Counts a billable event on the tenant's WIB day, as one item of the transaction of the work it
 * bills: the count commits exactly when the work does, and costs no extra round trip.
 */
export function usageIncrement(tableName: string, tenantId: string, event: UsageEvent, at: string, quantity = 1) {
  return {
    Update: {
      TableName: tableName,
      Key: keys.usage(tenantId, usageDay(at), event),
      UpdateExpression: 'ADD #count :quantity SET tenantId = :tenant, #day = :day, #event = :event',
      ExpressionAttributeNames: { '#count': 'count', '#day': 'day', '#event': 'event' },
      ExpressionAttributeValues: { ':quantity': quantity, ':tenant': tenantId, ':day': usageDay(at), ':event': event },
    },
  };
}

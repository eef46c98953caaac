import type { Role } from './domain/user.js';
import type { AuditEntry, AuditTrail } from './ports/audit.js';
import type { Clock, IdGenerator } from './ports/runtime.js';
import { currentRequestOrigin } from './request-origin.js';

/** Who acted: a person or an integrator key (in its role), or the service itself. */
export interface AuditActor {
  actorId: string;
  role: Role | 'SYSTEM';
}

/**
 * Whom the entry is about: a user (a UserRecord will do: its id and its tenant), a tenant as a
 * whole, or something of the whole service (`{ service: 'PRICE_LIST' }`). The tenant is always
 * the subject's, so a tenant's trail holds what happened to its people.
 */
export type AuditAbout = { userId: string; tenantId: string } | { userId?: undefined; tenantId: string } | { service: string };

function subjectOf(about: AuditAbout): Pick<AuditEntry, 'tenantId' | 'subject'> {
  if ('service' in about) return { subject: { service: about.service } };
  return { tenantId: about.tenantId, subject: about.userId === undefined ? { tenantId: about.tenantId } : { userId: about.userId } };
}

/** Reads of a person's data by someone else: recorded one by one, never shown as the person's history. */
export const personalDataReads = ['PROFILE_VIEWED', 'PHOTO_VIEWED', 'PERSONAL_DATA_EXPORTED', 'CONSENT_STATEMENT_DOWNLOADED'] as const;
export type PersonalDataRead = (typeof personalDataReads)[number];

export const isPersonalDataRead = (action: string): boolean => (personalDataReads as readonly string[]).includes(action);

/**
 * Who did what to whom, when and from where. The request's id and source address come from the
 * request being served; the service's own actors (the workflow, scheduled jobs) carry none, even
 * when a request set them going.
 */
export function auditEntry(
  deps: { ids: IdGenerator },
  at: Date,
  actor: AuditActor,
  action: string,
  about: AuditAbout,
  extra: Pick<AuditEntry, 'status' | 'reason' | 'target'> = {},
): AuditEntry {
  const origin = actor.role === 'SYSTEM' ? undefined : currentRequestOrigin();
  return {
    auditId: deps.ids.newId(),
    at: at.toISOString(),
    actorId: actor.actorId,
    actorRole: actor.role,
    ...subjectOf(about),
    action,
    ...(extra.status ? { status: extra.status } : {}),
    ...(extra.reason ? { reason: extra.reason } : {}),
    ...(extra.target ? { target: extra.target } : {}),
    ...(origin ? { requestId: origin.requestId, sourceIp: origin.sourceIp } : {}),
  };
}

/**
 * Records that someone read a person's data, before the data is handed out: if the record cannot
 * be written, the read fails. A person reading their own data is not recorded per read.
 */
export async function recordPersonalDataRead(
  deps: { audit: Pick<AuditTrail, 'record'>; ids: IdGenerator; clock: Clock },
  actor: AuditActor,
  action: PersonalDataRead,
  about: { userId: string; tenantId: string },
  extra: Pick<AuditEntry, 'target'> = {},
): Promise<void> {
  if (actor.actorId === about.userId) return;
  await deps.audit.record(auditEntry(deps, deps.clock.now(), actor, action, about, extra));
}

import type { Actor } from '../../../shared/domain/actor.js';
import { noticesToVerifiers } from '../../../shared/verifier-notices.js';
import { consoleUrl, consoleUserUrl } from '../../../shared/domain/console-urls.js';
import { hasEnded } from '../../../shared/domain/certificates.js';
import {
  dataChangeFieldLabels, dataChangeFields, dataChangeLines, effectiveChanges, revocationReasonFor, touchesCertificate,
  type DataChangeField, type DataChangeOrigin, type DataChangeSnapshot, type DataChangeStatus, type DataChangeValues,
} from '../../../shared/domain/data-changes.js';
import { AppError } from '../../../shared/domain/errors.js';
import { isEmailInDomains } from '../../../shared/domain/user.js';
import { newLink, usableLink } from '../../../shared/links.js';
import type { CertificateChange, CertificateRecord } from '../../../shared/ports/certificates.js';
import type { DataChangeRequest, DataChangeStore } from '../../../shared/ports/data-changes.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import { findTenantUser } from '../../../shared/tenant-users.js';
import type { CertificatesDeps } from './deps.js';
import { publishCrlQuietly } from './issuance.js';
import { newCertificateLink, revocationOf } from './lifecycle.js';
import { auditEntry, displayName } from './views.js';

/**
 * Data change (Perubahan Data): a user asks and a verifier of their tenant decides, or a verifier
 * proposes and the user decides (through the data-change link, or signed in). While it waits the
 * user's certificate is SUSPENDED, so signing is held. The hold is the service's own: the
 * certificate stays good in OCSP and the CRL (RFC 5280 certificateHold is not used), because a
 * signature made before the decision was made with data the person still stood by; only an
 * approval that makes the certificate wrong revokes it, and that shows in OCSP and the CRL at once.
 */
export type DataChangeDeps = CertificatesDeps & {
  users: Pick<UserDirectory, 'findUser' | 'findToken' | 'findUserIdByEmail'>;
  tenants: Pick<TenantDirectory, 'findTenant' | 'listVerifierEmails'>;
  dataChanges: DataChangeStore;
};

export type DataChangeInput = DataChangeValues & { reason: string };

/** The link a verifier's proposal sends lives a week (the user may also decide signed in); a new address has 72 hours to confirm. */
const PROPOSAL_LINK_MS = 7 * 86_400_000;
const EMAIL_CONFIRMATION_MS = 72 * 3_600_000;
/** Only people in use may change their data: approved (account not set up yet) or active. */
const changeableStatuses = new Set(['APPROVED', 'ACTIVE']);

/** The profile fields as they stand now. */
function profileOf(user: UserRecord): Record<DataChangeField, string | null> {
  return {
    fullName: displayName(user),
    position: user.employment?.position ?? null,
    unitName: user.employment?.unitName ?? null,
    email: user.email,
    phone: user.phone ?? null,
  };
}

/** The request as its parties see it: each changed field from → to, and who must decide. */
export function dataChangeView(request: DataChangeRequest, user?: UserRecord) {
  return {
    requestId: request.requestId,
    userId: request.userId,
    fullName: user ? displayName(user) : '',
    email: user?.email ?? '',
    origin: request.origin,
    status: request.status,
    /** Who decides while it waits (the other party), null once decided. */
    awaiting: request.status === 'PENDING' ? (request.origin === 'USER' ? 'VERIFIER' as const : 'USER' as const) : null,
    changes: dataChangeFields.filter((field) => request.changes[field] !== undefined)
      .map((field) => ({ field, label: dataChangeFieldLabels[field], from: request.previous[field] ?? null, to: request.changes[field]! })),
    reason: request.reason,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    certificateHeld: request.status === 'PENDING' && request.suspendedSerial !== undefined,
    ...(request.decision ? { decision: { decision: request.decision.decision, ...(request.decision.reason ? { reason: request.decision.reason } : {}), at: request.decision.at, byRole: request.decision.actorRole } } : {}),
    ...(request.revoked ? { revoked: request.revoked } : {}),
    ...(request.email ? { emailConfirmation: { address: request.email.address, status: request.email.status } } : {}),
  };
}
export type DataChangeView = ReturnType<typeof dataChangeView>;

const changesText = (request: Pick<DataChangeRequest, 'changes' | 'previous'>) => JSON.stringify(dataChangeLines(request.changes, request.previous));
const fieldsChanged = (changes: DataChangeValues) => dataChangeFields.filter((field) => changes[field] !== undefined).map((field) => dataChangeFieldLabels[field]).join(', ');

/** The user's current certificate (the one their signing key belongs to), if any. */
async function currentCertificate(deps: DataChangeDeps, userId: string): Promise<CertificateRecord | undefined> {
  const key = await deps.certificates.findSigningKey(userId);
  return key ? deps.certificates.findCertificate(key.serialNumber) : undefined;
}

/**
 * A data change asked for by the user themself (no `userId`) or proposed by a verifier of their
 * tenant (`userId`).
 * 1. Whose data: the signed-in user (ACTIVE), or a user of the verifier's tenant (approved or
 *    active); another tenant's user is unknown (404).
 * 2. Only fields whose value really changes count; none is DATA_CHANGE_NO_CHANGE. A new e-mail
 *    address must be in the tenant's domains and nobody's yet.
 * 3. One transaction: the user's one pending slot taken (DATA_CHANGE_PENDING when another change
 *    waits, nothing written), the request, their ISSUED certificate SUSPENDED, audit, and the
 *    e-mails (to the tenant's verifiers, or the data-change link to the user).
 */
export async function requestDataChange(deps: DataChangeDeps, input: { actor: Actor; userId?: string; changes: DataChangeInput }) {
  const byUser = input.userId === undefined;
  const user = byUser ? await deps.users.findUser(input.actor.actorId) : await findTenantUser(deps.users, input.actor, input.userId!);
  if (!user) throw new AppError('UNAUTHENTICATED');
  if (byUser ? user.status !== 'ACTIVE' : !changeableStatuses.has(user.status)) throw new AppError('ACCOUNT_NOT_ACTIVE');

  const { reason, ...requested } = input.changes;
  const profile = profileOf(user);
  const changes = effectiveChanges(requested, profile);
  if (Object.keys(changes).length === 0) throw new AppError('DATA_CHANGE_NO_CHANGE');
  const noEmployment = (['position', 'unitName'] as const).filter((field) => changes[field] !== undefined && !user.employment);
  if (noEmployment.length > 0) throw new AppError('VALIDATION_FAILED', noEmployment.map((field) => ({ field, code: 'VALUE_INVALID' as const })));
  const tenant = await deps.tenants.findTenant(user.tenantId);
  if (changes.email !== undefined) {
    if (!isEmailInDomains(changes.email, tenant?.emailDomains ?? [])) throw new AppError('EMAIL_DOMAIN_NOT_ALLOWED');
    if (await deps.users.findUserIdByEmail(changes.email)) throw new AppError('EMAIL_ALREADY_REGISTERED');
  }
  // The slot in the transaction decides races; this read only spares the work before it.
  if (await deps.dataChanges.findPendingRequestId(user.userId)) throw new AppError('DATA_CHANGE_PENDING');

  const now = deps.clock.now();
  const at = now.toISOString();
  const certificate = await currentCertificate(deps, user.userId);
  const suspend = certificate?.status === 'ISSUED' && !hasEnded(certificate.notAfter, now) ? certificate : undefined;
  const origin: DataChangeOrigin = byUser ? 'USER' : 'VERIFIER';
  const previous: DataChangeSnapshot = Object.fromEntries(Object.keys(changes).map((field) => [field, profile[field as DataChangeField]]));
  const request: DataChangeRequest = {
    requestId: deps.ids.newId(), userId: user.userId, tenantId: user.tenantId, origin, requestedBy: input.actor.actorId, status: 'PENDING',
    changes, previous, reason, ...(suspend ? { suspendedSerial: suspend.serialNumber } : {}), createdAt: at, updatedAt: at, version: 1,
  };
  const held = !suspend ? 'NONE' as const : touchesCertificate(changes) ? 'REISSUE' as const : 'RESTORE' as const;
  const fullName = displayName(user);
  const tokens: LinkTokenRecord[] = [];
  const messages: OutboxMessage[] = [];
  if (byUser) {
    messages.push(await deps.composer.compose('dataChangeRequested', user.email, { fullName, changes: changesText(request), reason, held }, {}));
    messages.push(...await noticesToVerifiers(deps, user.tenantId, 'dataChangeReviewRequested', {
      applicantName: fullName, tenantName: tenant?.name ?? '', changes: changesText(request), reason, reviewUrl: consoleUrl(deps.settings.webBaseUrl, '/data-changes'),
    }));
  } else {
    const { token, link } = newLink(deps.settings.webBaseUrl, user, 'data-change', PROPOSAL_LINK_MS, now);
    tokens.push({ ...token, requestId: request.requestId });
    messages.push(await deps.composer.compose('dataChangeProposed', user.email, {
      fullName, tenantName: tenant?.name ?? '', changes: changesText(request), reason, held, expiresAt: token.expiresAt,
    }, { link }));
  }
  await deps.certificates.commit({
    userId: user.userId,
    ...(suspend ? { updates: [{ ...suspend, status: 'SUSPENDED', version: suspend.version + 1 }] } : {}),
    tokens,
    audit: auditEntry(deps, now, input.actor, byUser ? 'DATA_CHANGE_REQUESTED' : 'DATA_CHANGE_PROPOSED', user, { reason: fieldsChanged(changes), target: request.requestId }),
    messages,
    dataChange: { request, pendingSlot: 'CLAIM' },
  });
  return dataChangeView(request, user);
}

/**
 * The decision on a pending data change, by the other party only: a verifier of the user's
 * tenant on the user's own request, the user on a verifier's proposal. Anyone else's request is
 * unknown (404); the requester's own side is refused (DATA_CHANGE_OTHER_PARTY).
 */
export async function decideDataChange(deps: DataChangeDeps, input: { actor: Actor; requestId: string; decision: 'APPROVE' | 'REJECT'; reason?: string }) {
  const request = await deps.dataChanges.findRequest(input.requestId);
  const visible = request && (input.actor.role === 'USER' ? request.userId === input.actor.actorId : request.tenantId === input.actor.tenantId);
  if (!request || !visible) throw new AppError('DATA_CHANGE_NOT_FOUND');
  const decider = request.origin === 'USER' ? 'VERIFIER' : 'USER';
  if (input.actor.role !== decider) throw new AppError('DATA_CHANGE_OTHER_PARTY');
  if (request.status !== 'PENDING') throw new AppError('DATA_CHANGE_NOT_PENDING');
  const user = await deps.users.findUser(request.userId);
  if (!user) throw new AppError('DATA_CHANGE_NOT_FOUND');
  return decide(deps, { request, user, actor: input.actor, decision: input.decision, reason: input.reason });
}

/** The request behind a data-change link, while it still waits for the user's answer. */
async function proposalLink(deps: DataChangeDeps, rawToken: string, now: Date) {
  const { token, user } = await usableLink(deps.users, rawToken, 'data-change', now);
  const request = token.requestId ? await deps.dataChanges.findRequest(token.requestId) : undefined;
  if (!request || request.userId !== user.userId || request.origin !== 'VERIFIER') throw new AppError('TOKEN_NOT_FOUND');
  // Decided meanwhile (signed in, on /me): the link has done its work.
  if (request.status !== 'PENDING') throw new AppError('TOKEN_USED');
  return { token, user, request };
}

/** The data-change link's page: the proposal, old → new, and what it means for the certificate. */
export async function getDataChangeLink(deps: DataChangeDeps, input: { token: string }) {
  const { token, user, request } = await proposalLink(deps, input.token, deps.clock.now());
  const tenant = await deps.tenants.findTenant(user.tenantId);
  return { ...dataChangeView(request, user), tenantName: tenant?.name ?? '', reissuesCertificate: touchesCertificate(request.changes), expiresAt: token.expiresAt };
}

/** The user answers a verifier's proposal through the data-change link (used up by the answer). */
export async function decideThroughLink(deps: DataChangeDeps, input: { token: string; decision: 'APPROVE' | 'REJECT'; reason?: string }) {
  const { token, user, request } = await proposalLink(deps, input.token, deps.clock.now());
  return decide(deps, { request, user, actor: { actorId: user.userId, role: user.role }, decision: input.decision, reason: input.reason, consumeToken: token });
}

/**
 * Approve or reject, in one transaction with everything it causes.
 * - Reject (a reason is required): the suspended certificate is ISSUED again; the requester is told.
 * - Approve: the profile takes the new values (a new e-mail address only once it confirms); a
 *   certificate that now carries wrong data (name, unit, address) is revoked, affiliationChanged
 *   for a new unit, superseded otherwise, and a set-passphrase link for a new one is sent (after
 *   the new address confirms, to it); a certificate the change does not touch is ISSUED again.
 * The request is decided on the version read (DATA_CHANGE_NOT_PENDING to a second decision) and
 * the user's pending slot freed; audit and e-mails go with it; the CRL is published after.
 */
async function decide(
  deps: DataChangeDeps,
  input: { request: DataChangeRequest; user: UserRecord; actor: Pick<Actor, 'actorId' | 'role'>; decision: 'APPROVE' | 'REJECT'; reason?: string; consumeToken?: LinkTokenRecord },
) {
  const { request, user, actor } = input;
  if (input.decision === 'REJECT' && !input.reason) throw new AppError('VALIDATION_FAILED', [{ field: 'reason', code: 'REQUIRED' }]);
  const now = deps.clock.now();
  const at = now.toISOString();
  const by = actor.role === 'USER' ? 'HOLDER' as const : 'VERIFIER' as const;
  const current = await currentCertificate(deps, user.userId);
  const held = current?.status === 'SUSPENDED' ? current : undefined;
  const decided: DataChangeRequest = {
    ...request,
    status: input.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED',
    decision: { decision: input.decision, ...(input.reason ? { reason: input.reason } : {}), actorId: actor.actorId, actorRole: actor.role, at },
    updatedAt: at,
    version: request.version + 1,
  };

  let change: Omit<CertificateChange, 'userId' | 'audit' | 'dataChange'> = {};
  let next = decided;
  let changedUser: UserRecord | undefined;
  let certificate: 'REVOKED' | 'RESTORED' | 'NONE' = 'NONE';
  const messages: OutboxMessage[] = [];
  const tokens: LinkTokenRecord[] = [];
  const restore = (suspended: CertificateRecord) => ({ updates: [{ ...suspended, status: 'ISSUED' as const, version: suspended.version + 1 }] });

  if (input.decision === 'REJECT') {
    if (held) {
      change = restore(held);
      certificate = 'RESTORED';
    }
  } else {
    const { email: newEmail, ...applied } = request.changes;
    if (Object.keys(applied).length > 0) changedUser = withChanges(user, applied, at);
    const wrong = current && (current.status === 'ISSUED' || current.status === 'SUSPENDED') && !hasEnded(current.notAfter, now) && touchesCertificate(request.changes);
    if (wrong) {
      const reason = revocationReasonFor(request.changes);
      const revocation = await revocationOf(deps, current, reason, { actor, by }, now);
      change = revocation;
      messages.push(...revocation.messages);
      next = { ...next, revoked: { serialNumber: current.serialNumber, reason } };
      certificate = 'REVOKED';
      // With a new address to confirm, the link for the new certificate waits for it (its subject carries the address).
      if (newEmail === undefined) {
        const link = await newCertificateLink(deps, changedUser ?? user, user.email, now);
        tokens.push(link.token);
        messages.push(link.message);
      }
    } else if (held) {
      change = restore(held);
      certificate = 'RESTORED';
    }
    if (newEmail !== undefined) {
      const { token, link } = newLink(deps.settings.webBaseUrl, user, 'confirm-email', EMAIL_CONFIRMATION_MS, now);
      tokens.push({ ...token, requestId: request.requestId });
      messages.push(await deps.composer.compose('emailChangeConfirmation', newEmail, { fullName: displayName(changedUser ?? user), newEmail, expiresAt: token.expiresAt }, { link }));
      next = { ...next, email: { address: newEmail, status: 'AWAITING_CONFIRMATION' } };
    }
  }

  const changes = changesText(request);
  messages.unshift(await deps.composer.compose('dataChangeDecided', user.email, {
    fullName: displayName(changedUser ?? user), decision: input.decision, by, changes, reason: input.reason ?? '', certificate, newEmail: next.email?.address ?? '',
  }, {}));
  if (request.origin === 'VERIFIER') {
    const proposer = await deps.users.findUser(request.requestedBy);
    if (proposer) {
      messages.push(await deps.composer.compose('dataChangeAnswered', proposer.email, {
        applicantName: displayName(user), decision: input.decision, changes, reason: input.reason ?? '', reviewUrl: consoleUserUrl(deps.settings.webBaseUrl, user.userId),
      }, {}));
    }
  }

  await deps.certificates.commit({
    userId: user.userId,
    ...(input.consumeToken ? { consumeToken: { token: input.consumeToken } } : {}),
    ...change,
    tokens,
    audit: auditEntry(deps, now, actor, input.decision === 'APPROVE' ? 'DATA_CHANGE_APPROVED' : 'DATA_CHANGE_REJECTED', user, {
      reason: input.reason ?? fieldsChanged(request.changes), target: request.requestId,
    }),
    messages,
    dataChange: { request: next, fromStatuses: ['PENDING'], pendingSlot: 'RELEASE', ...(changedUser ? { user: changedUser } : {}) },
  });
  if (certificate === 'REVOKED') await publishCrlQuietly(deps);
  return dataChangeView(next, changedUser ?? user);
}

/** The profile with the approved values (all but the e-mail address, which waits for its confirmation). */
function withChanges(user: UserRecord, changes: Omit<DataChangeValues, 'email'>, at: string): UserRecord {
  return {
    ...user,
    ...(changes.fullName !== undefined ? { fullName: changes.fullName } : {}),
    ...(changes.fullName !== undefined && user.identity ? { identity: { ...user.identity, fullName: changes.fullName } } : {}),
    ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
    ...((changes.position !== undefined || changes.unitName !== undefined) && user.employment
      ? { employment: { ...user.employment, ...(changes.position !== undefined ? { position: changes.position } : {}), ...(changes.unitName !== undefined ? { unitName: changes.unitName } : {}) } }
      : {}),
    updatedAt: at,
    version: user.version + 1,
  };
}

/** The approved change behind a confirm-email link, while its new address still waits. */
async function confirmationLink(deps: DataChangeDeps, rawToken: string, now: Date) {
  const { token, user } = await usableLink(deps.users, rawToken, 'confirm-email', now);
  const request = token.requestId ? await deps.dataChanges.findRequest(token.requestId) : undefined;
  if (!request || request.userId !== user.userId || !request.email) throw new AppError('TOKEN_NOT_FOUND');
  if (request.email.status !== 'AWAITING_CONFIRMATION') throw new AppError('TOKEN_USED');
  return { token, user, request, address: request.email.address };
}

/** The confirm-email page: whose account, and the address it is about to take. */
export async function getEmailConfirmation(deps: DataChangeDeps, input: { token: string }) {
  const { token, user, address } = await confirmationLink(deps, input.token, deps.clock.now());
  return { fullName: displayName(user), currentEmail: user.email, newEmail: address, expiresAt: token.expiresAt };
}

/**
 * The new address confirms: in one transaction the e-mail claim moves to it (409
 * EMAIL_ALREADY_REGISTERED when someone took it meanwhile, nothing written), the profile takes
 * it, the link is used up, both addresses are told and, when the approval revoked the
 * certificate, the set-passphrase link for the new one goes to the new address.
 */
export async function confirmEmail(deps: DataChangeDeps, input: { token: string }) {
  const now = deps.clock.now();
  const { token, user, request, address } = await confirmationLink(deps, input.token, now);
  if (await deps.users.findUserIdByEmail(address)) throw new AppError('EMAIL_ALREADY_REGISTERED');
  const at = now.toISOString();
  const changedUser: UserRecord = { ...user, email: address, updatedAt: at, version: user.version + 1 };
  const next: DataChangeRequest = { ...request, email: { address, status: 'CONFIRMED', confirmedAt: at }, updatedAt: at, version: request.version + 1 };
  const fullName = displayName(user);
  const messages: OutboxMessage[] = [];
  for (const to of [user.email, address]) {
    messages.push(await deps.composer.compose('emailChanged', to, { fullName, oldEmail: user.email, newEmail: address, changedAt: at }, {}));
  }
  const tokens: LinkTokenRecord[] = [];
  // The approval left the person without a certificate: the link for the new one, now with the address it will carry.
  if (request.revoked && !(await deps.certificates.findSigningKey(user.userId))) {
    const link = await newCertificateLink(deps, changedUser, address, now);
    tokens.push(link.token);
    messages.push(link.message);
  }
  await deps.certificates.commit({
    userId: user.userId,
    consumeToken: { token },
    tokens,
    audit: auditEntry(deps, now, { actorId: user.userId, role: user.role }, 'EMAIL_CHANGED', user, { target: request.requestId }),
    messages,
    dataChange: { request: next, fromStatuses: ['APPROVED'], user: changedUser, moveEmail: { from: user.email, to: address } },
  });
  return { email: address };
}

/** A user's own requests (newest first); a verifier's: their tenant's, from one side (users' by default), in one status (pending by default). */
export async function listDataChanges(
  deps: DataChangeDeps,
  input: { actor: Actor; status?: DataChangeStatus; origin?: DataChangeOrigin; limit: number; cursor?: string },
) {
  const page = input.actor.role === 'USER'
    ? await deps.dataChanges.listUserRequests({ userId: input.actor.actorId, limit: input.limit, ...(input.status ? { status: input.status } : {}), ...(input.cursor ? { cursor: input.cursor } : {}) })
    : await deps.dataChanges.listTenantRequests({
      tenantId: input.actor.tenantId, origin: input.origin ?? 'USER', status: input.status ?? 'PENDING', limit: input.limit, ...(input.cursor ? { cursor: input.cursor } : {}),
    });
  const people = new Map<string, UserRecord | undefined>();
  for (const request of page.items) if (!people.has(request.userId)) people.set(request.userId, await deps.users.findUser(request.userId));
  return { items: page.items.map((request) => dataChangeView(request, people.get(request.userId))), nextCursor: page.nextCursor };
}

/** The signed-in user's data as a change starts from, with their latest requests. */
export async function getMyDataChanges(deps: DataChangeDeps, input: { actor: Actor }) {
  const user = await deps.users.findUser(input.actor.actorId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const page = await deps.dataChanges.listUserRequests({ userId: user.userId, limit: 10 });
  return { profile: profileOf(user), items: page.items.map((request) => dataChangeView(request, user)) };
}

import type { Actor } from '../../../shared/domain/actor.js';
import { noticesToVerifiers } from '../../../shared/verifier-notices.js';
import { consoleUrl } from '../../../shared/domain/console-urls.js';
import { AppError } from '../../../shared/domain/errors.js';
import { checkUploadedPhoto, PHOTO_LINK_SECONDS, UPLOAD_URL_SECONDS } from '../../../shared/photo-upload.js';
import { activationPhotoKey, newPhotoId } from '../../../shared/domain/photo-ids.js';
import { normaliseEmail } from '../../../shared/domain/user.js';
import { newLink, usableLink } from '../../../shared/links.js';
import type { DeviceRequest, DeviceRequestKind, DeviceRequestStatus } from '../../../shared/ports/accounts.js';
import type { LinkTokenRecord } from '../../../shared/ports/links.js';
import type { OutboxMessage } from '../../../shared/ports/outbox.js';
import type { PhotoContentType } from '../../../shared/ports/photos.js';
import type { UserRecord } from '../../../shared/ports/users.js';
import type { AccountsDeps } from './deps.js';
import { offerForLink } from './authenticator-offer.js';
import { commitNewDevice } from './devices.js';
import { accountLocked, assertNotLocked, auditEntry, displayName, holdUntilFloor, self, tryCredential } from './guards.js';
import { recordPersonalDataRead } from '../../../shared/audit.js';

const REQUEST_LINK_MS = 24 * 3600_000;
const ACCOUNT_SETUP_MS = 72 * 3600_000;
const RESEND_AFTER_MS = 60_000;

const selfieFolder = (request: Pick<DeviceRequest, 'tenantId' | 'userId' | 'requestId'>) =>
  `kyc/${request.tenantId}/${request.userId}/device-requests/${request.requestId}/`;
const activationSelfieKey = (user: UserRecord) => (user.selfiePhotoId ? activationPhotoKey(user, user.selfiePhotoId) : undefined);

/**
 * Who may ask: an active account for a new device, a disabled employee's to be restored. A
 * disabled verifier or operator is restored by an operator only (reactivateStaff), never by a
 * colleague approving a selfie.
 */
function kindFor(user: UserRecord): DeviceRequestKind | undefined {
  if (user.status === 'ACTIVE') return 'ADD_DEVICE';
  if (user.status === 'DISABLED' && user.role === 'USER') return 'RESET_AUTHENTICATOR';
  return undefined;
}

/**
 * "My phone is lost" (or "restore my disabled account"): an otp-device link (24 hours) to the
 * address of such an account. Same answer and timing whatever the address.
 */
export async function requestOtpDevice(deps: AccountsDeps, input: { email: string }): Promise<void> {
  const started = Date.now();
  try {
    const now = deps.clock.now();
    const userId = await deps.users.findUserIdByEmail(normaliseEmail(input.email));
    const user = userId ? await deps.users.findUser(userId) : undefined;
    const kind = user && kindFor(user);
    if (!user || !kind) return;
    const notBefore = new Date(now.getTime() - RESEND_AFTER_MS).toISOString();
    if (!(await deps.accounts.claimRequestSlot(user.userId, 'deviceRequestRequestedAt', now.toISOString(), notBefore))) return;
    const at = now.toISOString();
    const request: DeviceRequest = {
      requestId: deps.ids.newId(), userId: user.userId, tenantId: user.tenantId, kind, status: 'AWAITING_SELFIE', createdAt: at, updatedAt: at, version: 1,
    };
    const { token, link } = newLink(deps.settings.webBaseUrl, user, 'otp-device', REQUEST_LINK_MS, now);
    await deps.accounts.commit({
      userId: user.userId,
      request: { next: request, fromStatuses: [] },
      tokens: [{ ...token, requestId: request.requestId }],
      audit: auditEntry(deps, now, self(user), kind === 'ADD_DEVICE' ? 'OTP_DEVICE_REQUESTED' : 'REACTIVATION_REQUESTED', user),
      messages: [await deps.composer.compose('otpDeviceRequestLink', user.email, { fullName: displayName(user), kind, expiresAt: token.expiresAt }, { link })],
    });
  } finally {
    await holdUntilFloor(started, deps.settings.publicRequestFloorMs);
  }
}

/** The request behind an otp-device link; with `status`, only while it is in the status that link is for. */
async function requestLink(deps: AccountsDeps, rawToken: string, now: Date, status?: DeviceRequestStatus) {
  const { token, user } = await usableLink(deps.users, rawToken, 'otp-device', now);
  const request = token.requestId ? await deps.requests.findRequest(token.requestId) : undefined;
  if (!request || request.userId !== user.userId) throw new AppError('TOKEN_NOT_FOUND');
  if (status && request.status !== status) throw new AppError('TOKEN_USED');
  return { token, user, request };
}

/**
 * The otp-device page: the first link asks for a fresh selfie; the link sent after approval
 * offers the new authenticator's secret (the same one until it is registered).
 */
export async function getOtpDeviceLink(deps: AccountsDeps, input: { token: string }) {
  const now = deps.clock.now();
  const { token, user, request } = await requestLink(deps, input.token, now);
  const base = { fullName: displayName(user), email: user.email, kind: request.kind };
  if (request.status === 'AWAITING_SELFIE') return { ...base, step: 'SELFIE' as const };
  if (request.status === 'APPROVED' && request.kind === 'ADD_DEVICE') return { ...base, step: 'REGISTER' as const, otp: await offerForLink(deps, token, user, now) };
  throw new AppError('TOKEN_USED');
}

/** A presigned upload for the fresh selfie (JPEG/PNG, 5 MB, 5 minutes), as in activation. */
export async function requestSelfieUpload(deps: AccountsDeps, input: { token: string; contentType: PhotoContentType; contentLength: number }) {
  const now = deps.clock.now();
  const { request } = await requestLink(deps, input.token, now, 'AWAITING_SELFIE');
  const photoId = newPhotoId('SELFIE', now);
  const upload = await deps.photos.presignUpload(`${selfieFolder(request)}${photoId}`, input.contentType, input.contentLength, UPLOAD_URL_SECONDS);
  return { photoId, uploadUrl: upload.url, uploadHeaders: upload.headers, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() };
}

/**
 * Confirms the fresh selfie and hands the request on.
 * 1. The photo is checked for real; a bad one is deleted and refused (the link stays usable).
 * 2. A face-match adapter, if configured, may approve a lost-phone request at once; otherwise
 *    (and always to restore a disabled account) the tenant's verifiers are asked by e-mail.
 * 3. One transaction: the link used up, the request moved on, audit and e-mails.
 */
export async function confirmSelfie(deps: AccountsDeps, input: { token: string; photoId: string }) {
  const now = deps.clock.now();
  const { token, user, request } = await requestLink(deps, input.token, now, 'AWAITING_SELFIE');
  const objectKey = `${selfieFolder(request)}${input.photoId}`;
  const verdict = await checkUploadedPhoto(deps.photos, objectKey);
  const at = now.toISOString();
  const selfie = { photoId: input.photoId, objectKey, width: verdict.width, height: verdict.height, confirmedAt: at };
  const reference = activationSelfieKey(user);
  const matched = request.kind === 'ADD_DEVICE' && deps.faceMatcher && reference
    ? (await deps.faceMatcher.compare({ freshSelfieKey: objectKey, referenceSelfieKey: reference })) === 'MATCH'
    : false;

  const next: DeviceRequest = {
    ...request, selfie, status: matched ? 'APPROVED' : 'AWAITING_REVIEW', updatedAt: at, version: request.version + 1,
    ...(matched ? { decision: { decision: 'APPROVE' as const, actorId: 'face-match', at } } : {}),
  };
  const outcome = matched
    ? await approval(deps, user, next, now)
    : { tokens: [] as LinkTokenRecord[], messages: await reviewRequests(deps, user, request) };
  await deps.accounts.commit({
    userId: user.userId,
    consumeToken: token,
    request: { next, fromStatuses: ['AWAITING_SELFIE'] },
    tokens: outcome.tokens,
    audit: auditEntry(deps, now, self(user), matched ? 'OTP_DEVICE_REQUEST_MATCHED' : 'OTP_DEVICE_REQUEST_SUBMITTED', user, { target: request.requestId }),
    messages: outcome.messages,
  });
  return { status: next.status };
}

async function reviewRequests(deps: AccountsDeps, user: UserRecord, request: DeviceRequest): Promise<OutboxMessage[]> {
  const tenant = await deps.tenants.findTenant(user.tenantId);
  return noticesToVerifiers(deps, user.tenantId, 'otpDeviceReviewRequested', {
    applicantName: displayName(user), tenantName: tenant?.name ?? '', kind: request.kind, reviewUrl: consoleUrl(deps.settings.webBaseUrl, '/device-requests'),
  });
}

/** What approval sends: a link to register the new device, or to set the account up again. */
async function approval(deps: AccountsDeps, user: UserRecord, request: DeviceRequest, now: Date) {
  const fullName = displayName(user);
  if (request.kind === 'ADD_DEVICE') {
    const { token, link } = newLink(deps.settings.webBaseUrl, user, 'otp-device', REQUEST_LINK_MS, now);
    return {
      tokens: [{ ...token, requestId: request.requestId }],
      messages: [await deps.composer.compose('otpDeviceApproved', user.email, { fullName, expiresAt: token.expiresAt }, { link })],
    };
  }
  const { token, link } = newLink(deps.settings.webBaseUrl, user, 'account-setup', ACCOUNT_SETUP_MS, now);
  return {
    tokens: [token],
    messages: [await deps.composer.compose('accountReactivation', user.email, { fullName, username: user.email, expiresAt: token.expiresAt }, { link })],
  };
}

/**
 * The verifier's queue: their tenant's requests in one status, with both selfies (links of 5
 * minutes). Each person whose selfies are handed out gets a PHOTO_VIEWED entry first.
 */
export async function listDeviceRequests(deps: AccountsDeps, input: { actor: Actor; status: DeviceRequestStatus; limit: number; cursor?: string }) {
  const page = await deps.requests.listRequests({ tenantId: input.actor.tenantId, status: input.status, limit: input.limit, ...(input.cursor ? { cursor: input.cursor } : {}) });
  const items = await Promise.all(page.items.map(async (request) => {
    const user = await deps.users.findUser(request.userId);
    const reference = user && activationSelfieKey(user);
    if (user && (request.selfie || reference)) await recordPersonalDataRead(deps, input.actor, 'PHOTO_VIEWED', user, { target: request.requestId });
    return {
      requestId: request.requestId,
      userId: request.userId,
      fullName: user ? displayName(user) : '',
      email: user?.email ?? '',
      kind: request.kind,
      status: request.status,
      createdAt: request.createdAt,
      ...(request.selfie ? { selfieUrl: await deps.photos.presignDownload(request.selfie.objectKey, PHOTO_LINK_SECONDS) } : {}),
      ...(reference ? { registeredSelfieUrl: await deps.photos.presignDownload(reference, PHOTO_LINK_SECONDS) } : {}),
      ...(request.decision ? { decision: request.decision } : {}),
    };
  }));
  return { items, nextCursor: page.nextCursor };
}

/**
 * A verifier approves or rejects a request of their tenant waiting for review. Of decisions at
 * once exactly one wins (the request's version); the rest get NOT_AWAITING_REVIEW.
 */
export async function decideDeviceRequest(deps: AccountsDeps, input: { actor: Actor; requestId: string; decision: 'APPROVE' | 'REJECT'; reason?: string }) {
  if (input.decision === 'REJECT' && !input.reason) throw new AppError('VALIDATION_FAILED', [{ field: 'reason', code: 'REQUIRED' }]);
  const now = deps.clock.now();
  const request = await deps.requests.findRequest(input.requestId);
  if (!request || request.tenantId !== input.actor.tenantId) throw new AppError('DEVICE_REQUEST_NOT_FOUND');
  if (request.status !== 'AWAITING_REVIEW') throw new AppError('NOT_AWAITING_REVIEW');
  const user = await deps.users.findUser(request.userId);
  if (!user) throw new AppError('DEVICE_REQUEST_NOT_FOUND');
  if (input.decision === 'APPROVE' && kindFor(user) !== request.kind) throw new AppError('ACCOUNT_NOT_ACTIVE');
  const at = now.toISOString();
  const decision = { decision: input.decision, ...(input.reason ? { reason: input.reason } : {}), actorId: input.actor.actorId, at };
  const status = input.decision === 'APPROVE' ? 'APPROVED' as const : 'REJECTED' as const;
  const next: DeviceRequest = { ...request, status, decision, updatedAt: at, version: request.version + 1 };
  const outcome = input.decision === 'APPROVE'
    ? await approval(deps, user, next, now)
    : {
      tokens: [],
      messages: [await deps.composer.compose('otpDeviceRequestRejected', user.email, { fullName: displayName(user), kind: request.kind, reason: input.reason ?? '' }, {})],
    };
  await deps.accounts.commit({
    userId: user.userId,
    request: { next, fromStatuses: ['AWAITING_REVIEW'] },
    tokens: outcome.tokens,
    audit: auditEntry(deps, now, input.actor, input.decision === 'APPROVE' ? 'OTP_DEVICE_REQUEST_APPROVED' : 'OTP_DEVICE_REQUEST_REJECTED', user, { target: request.requestId, ...(input.reason ? { reason: input.reason } : {}) }),
    messages: outcome.messages,
  });
  return { status };
}

/**
 * Registers the new device through the link sent on approval: the password (counted like a
 * login) and a first code from the new authenticator. A fourth device replaces the oldest.
 */
export async function registerRequestedDevice(deps: AccountsDeps, input: { token: string; password: string; deviceName: string; otp: string }) {
  const now = deps.clock.now();
  const { token, user, request } = await requestLink(deps, input.token, now, 'APPROVED');
  if (user.status !== 'ACTIVE') throw new AppError('ACCOUNT_NOT_ACTIVE');
  const pending = token.pendingDevice;
  if (!pending) throw new AppError('DEVICE_SETUP_NOT_FOUND');
  const account = await deps.accounts.loadAccount(user.userId);
  if (!account.credential) throw new AppError('ACCOUNT_NOT_ACTIVE');
  const { passwordHash } = account.credential;
  // The link's holder may learn of a lock (they already hold the account's approved request).
  assertNotLocked(account.credential, now);
  const tried = await tryCredential(deps, user, 'password', now, async (stillHeld) => {
    stillHeld();
    return (await deps.passwords.verify(passwordHash, input.password)) ? { right: true, value: true } : { right: false };
  });
  if (!tried.right) throw tried.lockedUntil ? accountLocked(tried.lockedUntil) : new AppError('INVALID_CREDENTIALS');
  const at = now.toISOString();
  const device = await commitNewDevice(deps, { user, account, pending, deviceName: input.deviceName, otp: input.otp, now }, {
    consumeToken: token,
    request: { next: { ...request, status: 'COMPLETED', updatedAt: at, version: request.version + 1 }, fromStatuses: ['APPROVED'] },
  });
  return { deviceId: device.deviceId, name: device.name, createdAt: device.createdAt };
}

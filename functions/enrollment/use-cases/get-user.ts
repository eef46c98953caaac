import { AppError } from '../../../shared/domain/errors.js';
import type { Actor } from '../../../shared/domain/actor.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import type { PhotoStore } from '../../../shared/ports/photos.js';
import { activationPhotoKey, kindOfPhotoId } from '../../../shared/domain/photo-ids.js';
import { PHOTO_LINK_SECONDS } from '../../../shared/photo-upload.js';
import { isVisibleTo } from '../../../shared/tenant-users.js';
import { recordPersonalDataRead } from '../../../shared/audit.js';
import type { AuditTrail } from '../../../shared/ports/audit.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { LetterFileStore, RequestLetterStore } from '../../../shared/ports/request-letters.js';
import type { DeliveryLog } from '../../../shared/ports/delivery.js';

// The user's page lists this many of their latest e-mails.
const EMAILS_SHOWN = 20;

export interface GetUserDeps {
  users: Pick<UserDirectory, 'findUserWithHistory'>;
  photos: Pick<PhotoStore, 'presignDownload'>;
  /** Absent where no letters are filed: a letter id on the record is then not shown. */
  letters?: Pick<RequestLetterStore, 'findLetter'>;
  letterFiles?: Pick<LetterFileStore, 'presignDownload'>;
  audit: Pick<AuditTrail, 'record'>;
  /** What became of the e-mails sent to the user, and whether their address is held. */
  deliveries: Pick<DeliveryLog, 'listUserEmails' | 'isBlocked'>;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * One user of the verifier's tenant: the profile, the activation data (the NIK only by its last
 * four digits), both photos behind 5-minute links, the registry result, and the history.
 * 1. Only a user the reader may see (another tenant's is unknown).
 * 2. The read is recorded (PROFILE_VIEWED, naming the photos and the request letter handed
 *    out) before anything is: the letter carries the person's data as the photos do.
 * 3. The latest e-mails (newest first) with what SES reported of them, and whether mail to the
 *    address is held after a spam complaint.
 * An integrator key (an agency system) gets no photo links: identity photos are for the people
 * who verify, and the audit entry names only what was handed out.
 */
export async function getUser(deps: GetUserDeps, input: { actor: Actor; userId: string }) {
  const found = await deps.users.findUserWithHistory(input.userId);
  if (!found || !isVisibleTo(found.user, input.actor)) throw new AppError('USER_NOT_FOUND');
  const { user, history } = found;
  const showsPhotos = input.actor.role !== 'INTEGRATOR';
  const photoIds = showsPhotos ? [user.ktpPhotoId, user.selfiePhotoId].filter((id): id is string => id !== undefined) : [];
  const letter = user.requestLetterId && deps.letterFiles ? await deps.letters?.findLetter(user.requestLetterId) : undefined;
  const handedOut = [...photoIds.map(kindOfPhotoId), ...(letter ? ['LETTER'] : [])];
  await recordPersonalDataRead(deps, input.actor, 'PROFILE_VIEWED', user, handedOut.length ? { target: handedOut.join(',') } : {});
  const [emails, emailBlocked] = await Promise.all([
    deps.deliveries.listUserEmails(user.userId, EMAILS_SHOWN),
    user.status === 'ERASED' ? false : deps.deliveries.isBlocked(user.email),
  ]);
  const photos = await Promise.all(photoIds
    .map(async (photoId) => ({ kind: kindOfPhotoId(photoId), url: await deps.photos.presignDownload(activationPhotoKey(user, photoId), PHOTO_LINK_SECONDS) })));
  const requestLetter = letter ? {
    letterId: letter.letterId,
    pages: letter.pages,
    size: letter.size,
    uploadedAt: letter.uploadedAt,
    url: await deps.letterFiles!.presignDownload(letter.objectKey, PHOTO_LINK_SECONDS),
  } : undefined;
  const { nipBirthDate: _nipBirthDate, ...employment } = user.employment ?? ({} as NonNullable<UserRecord['employment']>);
  return {
    userId: user.userId,
    tenantId: user.tenantId,
    fullName: user.fullName,
    email: user.email,
    ...(user.phone ? { phone: user.phone } : {}),
    status: user.status,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    ...(user.activationExpiresAt ? { activationExpiresAt: user.activationExpiresAt } : {}),
    ...(user.identity ? {
      identity: { fullName: user.identity.fullName, nik: `************${user.identity.nikLast4}`, birthDate: user.identity.birthDate, gender: user.identity.gender },
    } : {}),
    ...(user.employment ? { employment } : {}),
    ...(showsPhotos ? { photos } : {}),
    ...(requestLetter ? { requestLetter } : {}),
    ...(user.employmentPrefill ? { employmentPrefill: user.employmentPrefill } : {}),
    ...(user.selfApplication ? { selfApplication: user.selfApplication } : {}),
    ...(user.consent ? { consent: user.consent } : {}),
    ...(user.submittedAt ? { submittedAt: user.submittedAt } : {}),
    ...(user.screening ? { screening: user.screening } : {}),
    ...(user.decision ? { decision: user.decision } : {}),
    ...(user.workflowFailure ? { workflowFailure: user.workflowFailure } : {}),
    ...(user.disabled ? { disabled: user.disabled } : {}),
    emails: emails.map(({ purpose, subject, status, at, detail }) => ({ purpose, subject, status, at, ...(detail ? { detail } : {}) })),
    emailBlocked,
    history: history.map(({ at, action, actorRole, status, reason }) => ({
      at, action, actorRole, ...(status ? { status } : {}), ...(reason ? { reason } : {}),
    })),
  };
}

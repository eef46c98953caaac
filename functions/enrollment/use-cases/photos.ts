import { checkUploadedPhoto, UPLOAD_URL_SECONDS } from '../../../shared/photo-upload.js';
import type { ActivationStore } from '../../../shared/ports/activation.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import type { PhotoContentType, PhotoKind, PhotoStore } from '../../../shared/ports/photos.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import { usableToken } from '../../../shared/links.js';
import { activationPhotoFolder, kindOfPhotoId, newPhotoId } from '../../../shared/domain/photo-ids.js';

export interface PhotoDeps {
  users: Pick<UserDirectory, 'findToken'>;
  activation: Pick<ActivationStore, 'addPhoto' | 'confirmPhoto'>;
  photos: PhotoStore;
  clock: Clock;
}


/**
 * Step: ask for a place to upload a KTP photo or a selfie. The browser PUTs the file straight to
 * S3 with the presigned URL (5 minutes; type and size are part of the signature).
 */
export async function requestPhotoUpload(
  deps: PhotoDeps,
  input: { token: string; kind: PhotoKind; contentType: PhotoContentType; contentLength: number },
) {
  const now = deps.clock.now();
  const token = await usableToken(deps.users, input.token, 'activate', now);
  const photoId = newPhotoId(input.kind, now);
  const objectKey = `${activationPhotoFolder(token, input.kind)}${photoId}`;
  await deps.activation.addPhoto(token, {
    photoId, userId: token.userId, kind: input.kind, objectKey, contentType: input.contentType,
    contentLength: input.contentLength, status: 'PENDING', createdAt: now.toISOString(),
  });
  const upload = await deps.photos.presignUpload(objectKey, input.contentType, input.contentLength, UPLOAD_URL_SECONDS);
  return {
    photoId,
    uploadUrl: upload.url,
    uploadHeaders: upload.headers,
    expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
  };
}

/**
 * Step: confirm an uploaded photo.
 * 1. Read it back and check it for real (size, magic bytes, a full decode, sane dimensions);
 *    a photo that fails is deleted and refused with PHOTO_INVALID.
 * 2. Record it on the user unless a newer photo of that kind was confirmed meanwhile (two tabs,
 *    a double click): the newest wins. Older photos of the kind are then deleted.
 */
export async function confirmPhoto(deps: PhotoDeps, input: { token: string; photoId: string }) {
  const now = deps.clock.now();
  const token = await usableToken(deps.users, input.token, 'activate', now);
  const kind = kindOfPhotoId(input.photoId);
  const objectKey = `${activationPhotoFolder(token, kind)}${input.photoId}`;
  const verdict = await checkUploadedPhoto(deps.photos, objectKey);
  await deps.activation.confirmPhoto(token, { photoId: input.photoId, kind, width: verdict.width, height: verdict.height }, now.toISOString());
  await deps.photos.removeOlder(activationPhotoFolder(token, kind), objectKey);
  return { photoId: input.photoId, kind, width: verdict.width, height: verdict.height };
}

import { randomUUID } from 'node:crypto';
import type { PhotoKind } from '../ports/photos.js';

/**
 * Photo ids carry their kind (a confirm finds the photo without a lookup) and the upload request
 * time in fixed-width milliseconds, so ids, and object keys, sort oldest first.
 */
export function newPhotoId(kind: PhotoKind, at: Date): string {
  // Strictly increasing within a process, so two requests in one millisecond still sort in order.
  lastPhotoMillis = Math.max(at.getTime(), lastPhotoMillis + 1);
  return `${kind.toLowerCase()}-${String(lastPhotoMillis).padStart(13, '0')}-${randomUUID()}`;
}
let lastPhotoMillis = 0;
export const photoIdPattern = /^(ktp|selfie)-\d{13}-[0-9a-f-]{36}$/;
export const kindOfPhotoId = (photoId: string): PhotoKind => (photoId.startsWith('ktp-') ? 'KTP' : 'SELFIE');

type Owner = { tenantId: string; userId: string };

/** Every photo of one user (activation, certificate and OTP-device selfies) is under this folder. */
export const userPhotoFolder = (owner: Owner) => `kyc/${owner.tenantId}/${owner.userId}/`;

/** Where a user's activation photos of one kind are kept (the bucket grants kyc/ only). */
export const activationPhotoFolder = (owner: Owner, kind: PhotoKind) => `kyc/${owner.tenantId}/${owner.userId}/${kind.toLowerCase()}/`;

/** The object key of an activation photo, from its id (which carries its kind). */
export const activationPhotoKey = (owner: Owner, photoId: string) => `${activationPhotoFolder(owner, kindOfPhotoId(photoId))}${photoId}`;

import * as z from 'zod';
import { MAX_PHOTO_BYTES } from '../domain/photo-check.js';
import { photoContentTypes, photoKinds } from '../ports/photos.js';
import { fieldCode } from '../validation.js';

/** Request shapes that several contexts share, declared once. */

/** A link token in the path (its form is checked by the use case: unknown is 404, not 422). */
export const tokenParams = z.strictObject({ token: z.string().min(1).max(200) });

export const text = (max: number) => z.string().trim().min(1).max(max);

/** An e-mail address as stored: trimmed and in lower case. */
export const officialEmail = z.string().trim().toLowerCase().pipe(z.email().max(254));

/** A verifier's decision: approve, or reject with a reason. */
export const decisionBody = z.strictObject({ decision: z.enum(['APPROVE', 'REJECT']), reason: text(1000).optional() })
  .refine((body) => body.decision === 'APPROVE' || body.reason !== undefined, { path: ['reason'], params: fieldCode('REQUIRED') });

/** Asking for a presigned photo upload: the kinds the route takes, a JPEG or PNG of at most 5 MB. */
export const photoUploadBody = (kinds: readonly (typeof photoKinds)[number][] = photoKinds) => z.strictObject({
  kind: z.enum(kinds as [(typeof photoKinds)[number], ...(typeof photoKinds)[number][]]),
  contentType: z.enum(photoContentTypes),
  contentLength: z.number().int().min(1).refine((length) => length <= MAX_PHOTO_BYTES, { params: fieldCode('TOO_LARGE') }),
});

export const photoUploadResponse = z.object({
  photoId: z.string(), uploadUrl: z.string(), uploadHeaders: z.record(z.string(), z.string()), expiresAt: z.string(),
});

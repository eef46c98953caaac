import * as z from 'zod';
import type { RouteSpec } from '../../shared/http/route.js';
import { MAX_LETTER_BYTES } from './use-cases/request-letters.js';

/** A letter's id as the register and import routes take it. */
export const letterId = z.string().trim().min(1).max(64);

/** The agency's request letter (surat permohonan), filed before the registrations it covers. */
export const letterRoutes = {
  uploadRequestLetter: {
    method: 'POST',
    path: '/v1/request-letters',
    summary: "File the agency's request letter (surat permohonan) as the body (application/pdf, at most 5 MB: a genuine PDF whose pages can be read); then name its letterId when registering (POST /v1/users) or importing (POST /v1/users/import?letterId=). Stored once with the KYC photos' encryption and retention. On AWS a body above about 4.4 MB is refused by the platform itself (binary bodies reach Lambda base64-encoded within its 6 MB request payload), with API Gateway's own error instead of a problem+json",
    access: ['VERIFIER', 'INTEGRATOR'],
    apiKeyScope: 'users',
    bodyType: 'application/pdf',
    maxBodyBytes: MAX_LETTER_BYTES,
    responses: {
      201: { description: 'Filed', schema: z.object({ letterId: z.string() }) },
      413: { description: 'PAYLOAD_TOO_LARGE (over 5 MB)' },
      415: { description: 'UNSUPPORTED_MEDIA_TYPE (not sent as application/pdf)' },
      422: { description: 'LETTER_INVALID: not a PDF (an image, an empty body), or a PDF whose pages cannot be read (truncated, damaged); nothing is stored' },
    },
  },
} as const satisfies Record<string, RouteSpec>;

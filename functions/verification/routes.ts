import * as z from 'zod';
import { MAX_SIGNING_REQUEST_BYTES } from '../../shared/domain/signing.js';
import { base64Field } from '../../shared/http/base64-field.js';
import { defineRoutes } from '../../shared/http/route.js';
import { bsreVerificationRoutes } from './bsre-routes.js';

const note = z.object({ code: z.string(), description: z.string() });
const conclusion = z.enum(['VALID', 'INVALID', 'INDETERMINATE']);
/** What the revisions after the signed range add (null: the byte range is unreadable). */
const changesAfter = z.enum(['NONE', 'VALIDATION_DATA', 'SIGNATURES', 'OTHER']).nullable()
  .describe('What the revisions after the signed byte range add: NONE (the range reaches the end of the file), VALIDATION_DATA (the DSS, document timestamps), SIGNATURES (other signatures, their fields and appearances, and validation data), OTHER (anything else: the document changed after signing; note MODIFIED_AFTER_SIGNING, the conclusion at least INDETERMINATE); null when the byte range is unreadable');

/** The report (shared/signing/pdf-verification.ts), for the OpenAPI document. */
const report = z.object({
  conclusion: z.enum(['VALID', 'INVALID', 'INDETERMINATE', 'NO_SIGNATURE']),
  description: z.string(),
  signatures: z.array(z.object({
    fieldName: z.string().nullable(),
    signerName: z.string().nullable(),
    signingTime: z.string().nullable(),
    reason: z.string().nullable(),
    location: z.string().nullable(),
    coversWholeDocument: z.boolean(),
    changesAfter,
    integrityValid: z.boolean(),
    certificateTrusted: z.boolean(),
    revocation: z.object({
      status: z.enum(['good', 'revoked', 'unknown']),
      source: z.enum(['DSS_OCSP', 'DSS_CRL', 'SERVICE']).nullable(),
      checkedAt: z.string().nullable(),
      revokedAt: z.string().optional(),
      revocationReason: z.string().optional(),
    }),
    timestamp: z.object({ time: z.string(), tsaName: z.string().nullable(), valid: z.boolean(), trusted: z.boolean() }).nullable(),
    level: z.enum(['PAdES-B-B', 'PAdES-B-T', 'PAdES-B-LT', 'PAdES-B-LTA']),
    ltv: z.boolean(),
    conclusion,
    subFilter: z.string().nullable(),
    certificate: z.object({ subject: z.string(), issuer: z.string(), serialNumber: z.string(), notBefore: z.string(), notAfter: z.string() }).nullable(),
    notes: z.array(note),
  })),
  documentTimestamps: z.array(z.object({
    fieldName: z.string().nullable(),
    time: z.string().nullable(),
    tsaName: z.string().nullable(),
    coversWholeDocument: z.boolean(),
    changesAfter,
    integrityValid: z.boolean(),
    certificateTrusted: z.boolean(),
    notes: z.array(note),
  })),
});

/** Anyone may check a signed PDF; each client a limited number of times a minute. */
export const verificationRoutes = defineRoutes('verification', {
  verifyPdf: {
    method: 'POST',
    path: '/v1/verifications/pdf',
    summary: 'Verify the signatures of a PDF (PAdES B-B to B-LTA, or any adbe.pkcs7.detached signer): the PDF as the body (application/pdf) or as JSON {pdfBase64}; public, limited per client',
    access: 'public',
    bodyType: ['application/pdf', 'application/json'],
    body: z.strictObject({ pdfBase64: base64Field() }),
    // The same bound as a signing request: a PDF the service signs can be checked here.
    maxBodyBytes: MAX_SIGNING_REQUEST_BYTES,
    responses: {
      200: { description: 'The report: a conclusion for the document and one per signature, with codes and Indonesian notes', schema: report },
      413: { description: 'PAYLOAD_TOO_LARGE' },
      415: { description: 'UNSUPPORTED_MEDIA_TYPE' },
      422: { description: 'PDF_INVALID (not a readable PDF) or field errors' },
      429: { description: 'TOO_MANY_REQUESTS (retryAfterSeconds: the wait until the client\'s next window)' },
    },
  },
  // BSrE's verification paths, for integrators that switch by base URL.
  ...bsreVerificationRoutes,
});

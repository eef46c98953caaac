import * as z from 'zod';
import { MAX_SIGNING_REQUEST_BYTES } from '../../shared/domain/signing.js';
import type { Role } from '../../shared/domain/user.js';
import { base64Field } from '../../shared/http/base64-field.js';
import { bsreErrorBody } from '../../shared/http/bsre-errors.js';
import type { RouteSpec } from '../../shared/http/route.js';

/**
 * BSrE's verification paths (API.md "BSrE-compatible endpoints") for a tenant's signing key; each
 * verification counts as VERIFICATION in the tenant's usage. Errors keep BSrE's body.
 */
const integrator = ['INTEGRATOR'] as const satisfies readonly Role[];
const common = { access: integrator, credentials: ['apiKey'], apiKeyScope: 'signing', errorRenderer: bsreErrorBody, maxBodyBytes: MAX_SIGNING_REQUEST_BYTES } as const;
const bsreError = { description: 'BSrE error body {error, status_code}: 2001 bad request (not a PDF, no file)' };

export const bsreVerificationRoutes = {
  bsreVerifyPdf: {
    ...common,
    method: 'POST',
    path: '/api/sign/verify',
    summary: 'BSrE v1: verify a signed PDF (multipart signed_file) → {nama_dokumen, jumlah_signature, details, summary, notes}',
    bodyType: 'multipart/form-data',
    body: z.object({}),
    responses: { 200: { description: 'The report in BSrE v1 shape' }, 400: bsreError, 422: bsreError },
  },
  bsreVerifyPdfV2: {
    ...common,
    method: 'POST',
    path: '/api/v2/verify/pdf',
    summary: 'BSrE v2: verify a signed PDF ({file: base64}) → {conclusion, description, signatureCount, signatureInformations}',
    body: z.object({ file: base64Field() }),
    responses: { 200: { description: 'The report in BSrE v2 shape' }, 400: bsreError, 422: bsreError },
  },
} as const satisfies Record<string, RouteSpec>;

import * as z from 'zod';
import { MAX_DOCUMENTS_PER_REQUEST, MAX_HASHES_PER_REQUEST, MAX_SIGNING_REQUEST_BYTES, signatureLevels } from '../../shared/domain/signing.js';
import type { Role } from '../../shared/domain/user.js';
import { defineRoutes } from '../../shared/http/route.js';
import { officialEmail, text } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';
import { bsreRoutes } from './bsre-routes.js';
import { base64Field } from '../../shared/http/base64-field.js';

// People sign their own documents (verifiers and operators are people too), in their session;
// an agency's system signs for one of them with a `signing` key and that person's passphrase.
const signers = ['USER', 'VERIFIER', 'OPERATOR', 'INTEGRATOR'] as const satisfies readonly Role[];
const signing = 'signing' as const;

/** Whom an integrator signs for: one of its tenant's people, by NIK or by e-mail. */
const signer = z.union([
  z.strictObject({ nik: z.string().refine((nik) => /^\d{16}$/.test(nik), { params: fieldCode('NIK_INVALID') }) }),
  z.strictObject({ email: officialEmail }),
]);


const base64 = base64Field();

const signBody = z.strictObject({
  signer: signer.optional(),
  passphrase: z.string().min(1).max(128),
  documents: z.array(z.strictObject({
    name: text(200),
    pdfBase64: base64,
    pdfPassword: z.string().min(1).max(128).optional(),
  })).min(1).max(MAX_DOCUMENTS_PER_REQUEST),
  level: z.enum(signatureLevels).optional(),
  /** A visible stamp on every document (PDF points, origin bottom-left); invisible when absent or visible: false. */
  appearance: z.strictObject({
    visible: z.boolean(),
    page: z.union([z.number().int(), z.enum(['first', 'last'])]).optional(),
    x: z.number().optional(),
    y: z.number().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    imageBase64: base64.optional(),
    qr: z.string().min(1).max(1000).optional(),
    text: z.string().min(1).max(500).optional(),
    /** Centre the stamp on this text in the page (BSrE's tag_koordinat); x/y then move it from there. */
    anchorText: text(200).optional(),
  }).refine((appearance) => !appearance.visible || (appearance.width !== undefined && appearance.height !== undefined), {
    path: ['width'], params: fieldCode('REQUIRED'),
  }).refine((appearance) => !appearance.visible || appearance.anchorText !== undefined || (appearance.x !== undefined && appearance.y !== undefined), {
    path: ['x'], params: fieldCode('REQUIRED'),
  }).optional(),
  reason: text(200).optional(),
  location: text(200).optional(),
  contactInfo: text(200).optional(),
});

const problem = { description: 'Problem (application/problem+json)' };

export const signingRoutes = defineRoutes('signing', {
  signPdfs: {
    method: 'POST',
    path: '/v1/signatures/pdf',
    summary: 'Sign one or more PDFs with the signer\'s passphrase (one authorisation for all): PAdES, B-LT unless another level is asked; header Idempotency-Key makes a retry answer the same files',
    access: signers,
    apiKeyScope: signing,
    body: signBody,
    maxBodyBytes: MAX_SIGNING_REQUEST_BYTES,
    responses: {
      200: {
        description: 'Signed',
        schema: z.object({
          signedAt: z.string(), level: z.enum(signatureLevels),
          documents: z.array(z.object({ name: z.string(), documentId: z.string(), pdfBase64: z.string() })),
        }),
      },
      401: { description: 'PASSPHRASE_INVALID (with attemptsLeft)' },
      409: { description: 'SIGNER_NOT_ELIGIBLE (with reason)' },
      413: { description: 'PAYLOAD_TOO_LARGE' },
      422: { description: 'PDF_INVALID, PDF_PASSWORD_REQUIRED or field errors' },
      423: { description: 'KEY_LOCKED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
    },
  },
  signHashes: {
    method: 'POST',
    path: '/v1/signatures/hashes',
    summary: 'Raw ECDSA signatures (DER) over SHA-256 hashes the client computed, under one authorisation (for clients that build their own CMS)',
    access: signers,
    apiKeyScope: signing,
    body: z.strictObject({
      signer: signer.optional(),
      passphrase: z.string().min(1).max(128),
      hashAlgorithm: z.literal('SHA-256'),
      hashes: z.array(base64.refine((value) => Buffer.from(value, 'base64').length === 32, { params: fieldCode('VALUE_INVALID') })).min(1).max(MAX_HASHES_PER_REQUEST),
    }),
    maxBodyBytes: MAX_SIGNING_REQUEST_BYTES,
    responses: {
      200: { description: 'Signed', schema: z.object({ certificate: z.string(), chain: z.array(z.string()), signatures: z.array(z.string()) }) },
      401: { description: 'PASSPHRASE_INVALID (with attemptsLeft)' },
      409: { description: 'SIGNER_NOT_ELIGIBLE (with reason)' },
      423: { description: 'KEY_LOCKED' }, 503: { description: 'ATTEMPT_IN_PROGRESS (with Retry-After): another try for this account or key is being checked; send again' },
    },
  },
  getSignedDocument: {
    method: 'GET',
    path: '/v1/signatures/documents/{documentId}',
    summary: 'A signed PDF, for 24 hours, to the person who signed it and to the signing keys of their tenant',
    access: signers,
    apiKeyScope: signing,
    params: z.strictObject({ documentId: z.string().regex(/^[A-Za-z0-9-]{1,64}\.\d{1,3}$/) }),
    responses: { 200: { description: 'The signed PDF', contentType: 'application/pdf' }, 404: problem },
  },
  // The personal-data statement, sealed by the service (not by the person): from their session only.
  getMyConsentStatement: {
    method: 'GET',
    path: '/v1/me/consent-statement',
    summary: "The caller's personal-data statement (Surat Pernyataan Penggunaan Data Pribadi) from their recorded consent, sealed by the service (PAdES B-LT)",
    access: ['USER'],
    credentials: ['session'],
    responses: {
      200: { description: 'The sealed statement', contentType: 'application/pdf' },
      409: { description: 'CONSENT_NOT_GIVEN' },
    },
  },
  getUserConsentStatement: {
    method: 'GET',
    path: '/v1/users/{userId}/consent-statement',
    summary: "A user's personal-data statement, sealed by the service, for a verifier of their tenant (an operator: any tenant's); each download is audited as a read of the person's data",
    access: ['VERIFIER', 'OPERATOR'],
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    responses: {
      200: { description: 'The sealed statement', contentType: 'application/pdf' },
      404: { description: 'USER_NOT_FOUND (another tenant\'s user too)' },
      409: { description: 'CONSENT_NOT_GIVEN' },
    },
  },
  // The same core behind BSrE's paths and shapes, for integrators that switch by base URL.
  ...bsreRoutes,
});

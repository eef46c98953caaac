import * as z from 'zod';
import { MAX_DOCUMENTS_PER_REQUEST, MAX_SIGNING_REQUEST_BYTES } from '../../shared/domain/signing.js';
import type { Role } from '../../shared/domain/user.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { officialEmail } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';
import { bsreErrorBody } from '../../shared/http/bsre-errors.js';
import { base64Field } from '../../shared/http/base64-field.js';

/**
 * The BSrE eSign client service's paths and shapes (API.md "BSrE-compatible endpoints"), so an
 * agency's e-office system switches by changing its base URL. Only a tenant's `signing` key calls
 * them (HTTP Basic keyId:secret, as BSrE clients send, or x-api-key); their errors keep BSrE's body.
 */
const integrator = ['INTEGRATOR'] as const satisfies readonly Role[];
const keysOnly = ['apiKey'] as const;
const common = { access: integrator, credentials: keysOnly, apiKeyScope: 'signing', errorRenderer: bsreErrorBody } as const;

const nik = z.string().refine((value) => /^\d{16}$/.test(value), { params: fieldCode('NIK_INVALID') });
const base64 = base64Field();
// Form fields arrive as text: numbers and booleans are read from it.
const number = z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number);
const optionalText = (max: number) => z.string().max(max).optional();

const bsreError = { description: 'BSrE error body {error, status_code}: 2001 bad request, 2011 no account, 2021 no valid certificate, 2031 wrong passphrase, 2051 key locked' };

export const bsreRoutes = {
  bsreSignPdf: {
    ...common,
    method: 'POST',
    path: '/api/sign/pdf',
    summary: 'BSrE v1: sign one PDF (multipart: file, nik, passphrase, tampilan, image, imageTTD, linkQR, page, halaman, xAxis, yAxis, width, height, tag_koordinat, reason, location, text); the signed PDF, its id in header id_dokumen',
    bodyType: 'multipart/form-data',
    body: z.object({
      nik,
      passphrase: z.string().min(1).max(128),
      tampilan: z.enum(['visible', 'invisible']).default('invisible'),
      image: z.enum(['true', 'false']).optional(),
      linkQR: optionalText(1000),
      page: z.string().regex(/^\d{1,5}$/).transform(Number).optional(),
      halaman: z.enum(['pertama', 'terakhir']).optional(),
      xAxis: number.optional(),
      yAxis: number.optional(),
      width: number.optional(),
      height: number.optional(),
      tag_koordinat: optionalText(200),
      reason: optionalText(200),
      location: optionalText(200),
      text: optionalText(500),
    }),
    maxBodyBytes: MAX_SIGNING_REQUEST_BYTES,
    responses: { 200: { description: 'The signed PDF (header id_dokumen)', contentType: 'application/pdf' }, 400: bsreError, 401: bsreError, 409: bsreError, 422: bsreError, 423: bsreError },
  },
  bsreDownload: {
    ...common,
    method: 'GET',
    path: '/api/sign/download/{id_dokumen}',
    summary: 'BSrE v1: a PDF signed through this tenant, for 24 hours',
    params: z.strictObject({ id_dokumen: z.string().regex(/^[A-Za-z0-9-]{1,64}\.\d{1,3}$/) }),
    responses: { 200: { description: 'The signed PDF', contentType: 'application/pdf' }, 404: bsreError },
  },
  bsreUserStatus: {
    ...common,
    method: 'GET',
    path: '/api/user/status/{nik}',
    summary: "BSrE v1: whether the tenant's person with this NIK can sign (1111 ISSUE) or not (1110 with the status)",
    params: z.strictObject({ nik }),
    responses: { 200: { description: '{status_code, status, message}' }, 400: bsreError },
  },
  bsreSignPdfV2: {
    ...common,
    method: 'POST',
    path: '/api/v2/sign/pdf',
    summary: 'BSrE v2: sign one or more PDFs (base64) under one passphrase; one signatureProperties entry for all files, or one per file',
    body: z.object({
      nik: nik.optional(),
      email: officialEmail.optional(),
      passphrase: z.string().min(1).max(128),
      signatureProperties: z.array(z.object({
        tampilan: z.enum(['VISIBLE', 'INVISIBLE']).default('INVISIBLE'),
        imageBase64: base64.optional(),
        page: z.number().int().min(1).optional(),
        originX: z.number().optional(),
        originY: z.number().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        location: optionalText(200),
        reason: optionalText(200),
        contactInfo: optionalText(200),
        tag_koordinat: optionalText(200),
      })).max(MAX_DOCUMENTS_PER_REQUEST).default([]),
      file: z.array(base64).min(1).max(MAX_DOCUMENTS_PER_REQUEST),
    }).refine((body) => (body.nik === undefined) !== (body.email === undefined), { path: ['nik'], params: fieldCode('REQUIRED') })
      .refine((body) => body.signatureProperties.length <= 1 || body.signatureProperties.length === body.file.length, { path: ['signatureProperties'], params: fieldCode('VALUE_INVALID') }),
    maxBodyBytes: MAX_SIGNING_REQUEST_BYTES,
    responses: { 200: { description: '{time, file:[base64]}' }, 400: bsreError, 401: bsreError, 409: bsreError, 422: bsreError, 423: bsreError },
  },
  bsreUserStatusV2: {
    ...common,
    method: 'POST',
    path: '/api/v2/user/check/status',
    summary: "BSrE v2: the certificate status of the tenant's person with this NIK or e-mail",
    body: z.object({ nik: nik.optional(), email: officialEmail.optional() })
      .refine((body) => (body.nik === undefined) !== (body.email === undefined), { path: ['nik'], params: fieldCode('REQUIRED') }),
    responses: { 200: { description: '{status, message}: ISSUE, EXPIRED, RENEW, WAITING_FOR_VERIFICATION, NEW, NO_CERTIFICATE, NOT_REGISTERED, SUSPEND, REVOKE' }, 400: bsreError },
  },
} as const satisfies Record<string, RouteSpec>;

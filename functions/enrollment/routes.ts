import * as z from 'zod';
import { userListings, userStatuses } from '../../shared/domain/user.js';
import { photoKinds } from '../../shared/ports/photos.js';
import { defineRoutes } from '../../shared/http/route.js';
import { decisionBody, officialEmail, photoUploadBody, photoUploadResponse, text, tokenParams } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';
import { personName, registrationRow } from './schemas.js';
import { letterId, letterRoutes } from './letter-routes.js';
import { photoIdPattern } from '../../shared/domain/photo-ids.js';
import { linkRoutes } from './link-routes.js';
import { emailBlockRoutes, userEmailFields } from './email-block-routes.js';
import { parseNip } from '../../shared/domain/identity.js';

const verifierRoles = ['VERIFIER'] as const;
// An agency's system may register and look up its people with a `users` key; decisions stay with people.
const userManagers = ['VERIFIER', 'INTEGRATOR'] as const;
const users = 'users' as const;

const userIdParams = z.strictObject({ userId: z.string().min(1).max(64) });
const photoParams = tokenParams.extend({ photoId: z.string().regex(photoIdPattern) });

const userSummary = z.object({
  userId: z.string(),
  fullName: z.string(),
  email: z.string(),
  status: z.enum(userStatuses),
  updatedAt: z.string(),
});

const problem = { description: 'Problem (application/problem+json)' };
const linkProblems = {
  404: { description: 'TOKEN_NOT_FOUND' },
  410: { description: 'TOKEN_EXPIRED or TOKEN_USED' },
};

export const enrollmentRoutes = defineRoutes('enrollment', {
  ...linkRoutes,
  ...letterRoutes,
  ...emailBlockRoutes,
  registerUser: {
    method: 'POST',
    path: '/v1/users',
    summary: 'Register an employee; sends "[TTE] Aktivasi Akun" with a 24-hour link. `letterId` (from POST /v1/request-letters) files the agency\'s request letter with the user',
    access: userManagers,
    apiKeyScope: users,
    body: registrationRow.extend({ letterId: letterId.optional() }),
    responses: {
      201: {
        description: 'Registered and invited',
        schema: z.object({ userId: z.string(), status: z.literal('INVITED'), activationExpiresAt: z.string() }),
      },
      404: { description: "LETTER_NOT_FOUND (no such letter, or another tenant's); nothing is written" },
      409: { description: 'EMAIL_ALREADY_REGISTERED' },
      422: { description: 'EMAIL_DOMAIN_NOT_ALLOWED or field errors' },
    },
  },
  importUsers: {
    method: 'POST',
    path: '/v1/users/import',
    summary: 'Register employees from CSV: header fullName,email and optionally phone, nip, position, unitName (any order, any case), `,` or `;` separated, UTF-8 with or without BOM; at most 1000 rows. nip, position and unitName prefill the employment step. `?letterId=` files one request letter with every user created',
    access: userManagers,
    apiKeyScope: users,
    bodyType: 'text/csv',
    query: z.strictObject({ letterId: letterId.optional() }),
    responses: {
      200: {
        description: 'One result per row',
        schema: z.object({
          created: z.array(z.object({ line: z.number(), userId: z.string() })),
          rejected: z.array(z.object({
            line: z.number(), code: z.string(), detail: z.string(), errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
          })),
        }),
      },
      404: { description: "LETTER_NOT_FOUND (nobody is registered)" },
      422: { description: 'IMPORT_TOO_MANY_ROWS (over 1000 rows: nobody is registered), or VALIDATION_FAILED for a header or file that cannot be read' },
    },
  },
  listUsers: {
    method: 'GET',
    path: '/v1/users',
    summary: "The verifier's tenant users, optionally in one status (the review queue) or matching a search",
    access: userManagers,
    apiKeyScope: users,
    query: z.strictObject({
      status: z.enum(userListings).optional()
        .describe('A status, or HELD: the self-applications held for a verifier\'s confirmation (their status is INVITED; the INVITED list leaves them out)'),
      q: z.string().trim().max(254).optional()
        .describe('Search: a whole e-mail address is looked up exactly; other text matches names and addresses containing it, ignoring case (a page may then hold fewer than `limit` users, and still have a next one)'),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2000).optional(),
    }),
    responses: {
      200: { description: 'One page', schema: z.object({ items: z.array(userSummary), nextCursor: z.string().nullable() }) },
    },
  },
  getUser: {
    method: 'GET',
    path: '/v1/users/{userId}',
    summary: "A user of the verifier's tenant (an operator: of any tenant): profile, activation data, photos (links valid 5 minutes; left out for integrator keys), registry result, history, the latest e-mails with their delivery status (`emails`, newest first) and whether mail to the address is blocked (`emailBlocked`); each read by someone else is audited",
    access: [...userManagers, 'OPERATOR'],
    apiKeyScope: users,
    params: userIdParams,
    responses: {
      200: { description: 'The user', schema: userSummary.extend({ tenantId: z.string(), createdAt: z.string(), ...userEmailFields }).loose() },
      404: problem,
    },
  },
  eraseUser: {
    method: 'POST',
    path: '/v1/users/{userId}/erasure',
    summary: "Operator: erase a person's data (UU PDP) once no certificate of theirs is valid: photos (every version), NIK and personal fields go; certificates and the audit trail stay; the user becomes ERASED. Repeating it changes nothing",
    access: ['OPERATOR'],
    credentials: ['session'],
    params: userIdParams,
    responses: {
      200: { description: 'Erased', schema: z.object({ userId: z.string(), status: z.literal('ERASED'), erasedAt: z.string() }) },
      404: problem,
      409: { description: 'ERASURE_NOT_ALLOWED: a certificate is still valid, or the application awaits a decision' },
    },
  },
  resendActivationLink: {
    method: 'POST',
    path: '/v1/users/{userId}/activation-link',
    summary: 'Send a new activation link; the previous one stops working (the same as POST /v1/users/{userId}/links/activate)',
    access: verifierRoles,
    params: userIdParams,
    responses: {
      202: { description: 'Sent', schema: z.object({ activationExpiresAt: z.string() }) },
      404: problem,
      409: { description: 'NO_PENDING_STEP (the activation step of /links/activate)' },
    },
  },
  decideApplication: {
    method: 'POST',
    path: '/v1/users/{userId}/decision',
    summary: 'Approve, or reject with a reason, an application waiting for review; REJECT also turns down a self-application held for confirmation (its person is told nothing; confirming it is sending its activation link)',
    access: verifierRoles,
    params: userIdParams,
    body: decisionBody,
    responses: {
      200: { description: 'Decided', schema: z.object({ status: z.enum(['APPROVED', 'REJECTED']) }) },
      404: problem,
      409: { description: 'NOT_AWAITING_REVIEW' },
    },
  },
  submitApplication: {
    method: 'POST',
    path: '/v1/applications',
    summary: 'Apply for an account with an official e-mail address (pengajuan mandiri). When the address\'s domain belongs to an agency that accepts applications, "[TTE] Aktivasi Akun" follows (at once, or once a verifier confirms); the answer is the same whatever the address, known or not, and takes at least the same time. At most 3 applications an hour count per address (the rest are answered alike and do nothing), 20 an hour per client',
    access: 'public',
    body: z.strictObject({
      fullName: personName,
      email: officialEmail,
      nip: z.string().trim().refine((nip) => parseNip(nip) !== undefined, { params: fieldCode('NIP_INVALID') }).optional(),
    }),
    responses: {
      202: { description: 'Accepted (whatever happens next)', schema: z.object({ status: z.literal('ACCEPTED') }) },
      422: { description: 'Field errors' },
      429: { description: 'TOO_MANY_REQUESTS (retryAfterSeconds: the wait until the client\'s next window)' },
    },
  },
  listRegions: {
    method: 'GET',
    path: '/v1/regions',
    summary: 'Provinces and their regencies/cities (codes and names), for the employment step',
    access: 'public',
    responses: {
      200: {
        description: 'The reference list',
        schema: z.array(z.object({ code: z.string(), name: z.string(), cities: z.array(z.object({ code: z.string(), name: z.string() })) })),
      },
    },
  },
  getActivation: {
    method: 'GET',
    path: '/v1/activation/{token}',
    summary: 'What the activation page shows, from the "[TTE] Aktivasi Akun" link',
    access: 'public',
    params: tokenParams,
    responses: {
      200: {
        description: 'The activation in progress',
        schema: z.object({
          fullName: z.string(),
          email: z.string(),
          tenantName: z.string(),
          steps: z.object({ identity: z.boolean(), employment: z.boolean(), ktpPhoto: z.boolean(), selfie: z.boolean(), privacyPolicy: z.boolean() }),
          privacyPolicy: z.object({ version: z.string(), minReadSeconds: z.number() }),
          prefill: z.object({ nip: z.string().optional(), position: z.string().optional(), unitName: z.string().optional() }).optional()
            .describe("What the agency's list said of the employment, for the employee to confirm or correct in the employment step"),
        }),
      },
      ...linkProblems,
    },
  },
  saveIdentity: {
    method: 'PUT',
    path: '/v1/activation/{token}/identity',
    summary: 'Full name as on the KTP (letters and spaces, no titles) and NIK',
    access: 'public',
    params: tokenParams,
    body: z.strictObject({ fullName: personName, nik: z.string().refine((nik) => /^\d{16}$/.test(nik), { params: fieldCode('NIK_INVALID') }) }),
    responses: {
      200: { description: 'Saved', schema: z.object({ fullName: z.string(), nik: z.string(), birthDate: z.string() }) },
      409: { description: 'NIK_ALREADY_REGISTERED' },
      ...linkProblems,
    },
  },
  saveEmployment: {
    method: 'PUT',
    path: '/v1/activation/{token}/employment',
    summary: 'Employment: ASN (NIP), Polri (NRP) or other; province and city by code or name',
    access: 'public',
    params: tokenParams,
    body: z.strictObject({
      employmentType: z.enum(['ASN', 'POLRI', 'OTHER']),
      nip: z.string().max(18).optional(),
      nrp: z.string().max(8).optional(),
      position: text(200),
      unitName: text(200),
      province: text(100),
      city: text(100),
    }),
    responses: { 200: { description: 'Saved', schema: z.object({ employmentType: z.string() }).loose() }, ...linkProblems },
  },
  requestPhotoUpload: {
    method: 'POST',
    path: '/v1/activation/{token}/photos',
    summary: 'A presigned upload for the KTP photo or the selfie (JPEG/PNG, at most 5 MB, valid 5 minutes)',
    access: 'public',
    params: tokenParams,
    body: photoUploadBody(),
    responses: {
      201: { description: 'Upload with PUT to uploadUrl, sending uploadHeaders', schema: photoUploadResponse },
      ...linkProblems,
    },
  },
  confirmPhoto: {
    method: 'POST',
    path: '/v1/activation/{token}/photos/{photoId}/confirm',
    summary: 'Check the uploaded photo (size, type by its bytes, decodes, sane dimensions) and keep it',
    access: 'public',
    params: photoParams,
    responses: {
      200: { description: 'Accepted', schema: z.object({ photoId: z.string(), kind: z.enum(photoKinds), width: z.number(), height: z.number() }) },
      422: { description: 'PHOTO_INVALID (the object is deleted)' },
      ...linkProblems,
    },
  },
  viewPrivacyPolicy: {
    method: 'POST',
    path: '/v1/activation/{token}/privacy-policy/view',
    summary: 'The privacy policy; the first view starts the minimum reading time',
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'The policy', schema: z.object({ text: z.string(), version: z.string(), viewedAt: z.string(), minReadSeconds: z.number() }) },
      ...linkProblems,
    },
  },
  submitActivation: {
    method: 'POST',
    path: '/v1/activation/{token}/submit',
    summary: 'Submit with consent; starts verification',
    access: 'public',
    params: tokenParams,
    body: z.strictObject({ acceptPrivacyPolicy: z.literal(true) }),
    responses: {
      202: { description: 'Submitted', schema: z.object({ status: z.literal('SUBMITTED') }) },
      422: { description: 'ACTIVATION_INCOMPLETE (errors name the missing steps) or PRIVACY_POLICY_NOT_READ' },
      ...linkProblems,
    },
  },
});

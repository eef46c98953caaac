import * as z from 'zod';
import { revocationReasons } from '../../shared/domain/certificates.js';
import { dataChangeFields, dataChangeOrigins, dataChangeStatuses } from '../../shared/domain/data-changes.js';
import { roles, type Role } from '../../shared/domain/user.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { decisionBody, officialEmail, text, tokenParams } from '../../shared/http/schemas.js';
import { mobilePhone, personName } from '../enrollment/schemas.js';

/**
 * Data change (Perubahan Data) routes, spread into the certificates table: a change suspends,
 * restores or revokes the certificate, so it is decided where the CA key is.
 */

const users = ['USER'] as const satisfies readonly Role[];
const verifiers = ['VERIFIER'] as const satisfies readonly Role[];
const parties = ['USER', 'VERIFIER'] as const satisfies readonly Role[];
const sessionOnly = ['session'] as const;

/** The fields to change (at least one must really change) and why; the same for both sides. */
const changeBody = z.strictObject({
  fullName: personName.optional(),
  position: text(200).optional(),
  unitName: text(200).optional(),
  email: officialEmail.optional(),
  phone: mobilePhone.optional(),
  reason: text(1000),
});

const dataChange = z.object({
  requestId: z.string(),
  userId: z.string(),
  fullName: z.string(),
  email: z.string(),
  origin: z.enum(dataChangeOrigins),
  status: z.enum(dataChangeStatuses),
  awaiting: z.enum(['USER', 'VERIFIER']).nullable(),
  changes: z.array(z.object({ field: z.enum(dataChangeFields), label: z.string(), from: z.string().nullable(), to: z.string() })),
  reason: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  certificateHeld: z.boolean(),
  decision: z.object({ decision: z.enum(['APPROVE', 'REJECT']), reason: z.string().optional(), at: z.string(), byRole: z.enum(roles) }).optional(),
  revoked: z.object({ serialNumber: z.string(), reason: z.enum(revocationReasons) }).optional(),
  emailConfirmation: z.object({ address: z.string(), status: z.enum(['AWAITING_CONFIRMATION', 'CONFIRMED']) }).optional(),
});
const profile = z.object(Object.fromEntries(dataChangeFields.map((field) => [field, z.string().nullable()])) as Record<(typeof dataChangeFields)[number], z.ZodNullable<z.ZodString>>);
const problem = { description: 'Problem (application/problem+json)' };
const linkProblems = { 404: { description: 'TOKEN_NOT_FOUND' }, 410: { description: 'TOKEN_EXPIRED or TOKEN_USED (decided already)' } };
const refusals = {
  409: { description: 'DATA_CHANGE_PENDING (another change waits; nothing written), ACCOUNT_NOT_ACTIVE or EMAIL_ALREADY_REGISTERED' },
  422: { description: 'DATA_CHANGE_NO_CHANGE, EMAIL_DOMAIN_NOT_ALLOWED or VALIDATION_FAILED (NAME_INVALID, PHONE_INVALID, EMAIL_INVALID, REQUIRED)' },
};

export const dataChangeRoutes = {
  requestMyDataChange: {
    method: 'POST',
    path: '/v1/me/data-change-requests',
    summary: 'Ask for a change of my data ({fullName?, position?, unitName?, email?, phone?, reason}); my certificate is SUSPENDED (signing held) until a verifier of my tenant decides',
    access: users,
    credentials: sessionOnly,
    body: changeBody,
    responses: { 201: { description: 'Requested (PENDING)', schema: dataChange }, ...refusals },
  },
  getMyDataChanges: {
    method: 'GET',
    path: '/v1/me/data-change-requests',
    summary: 'My data as a change starts from, and my latest data change requests',
    access: users,
    credentials: sessionOnly,
    responses: { 200: { description: 'Profile and requests', schema: z.object({ profile, items: z.array(dataChange) }) } },
  },
  proposeDataChange: {
    method: 'POST',
    path: '/v1/users/{userId}/data-change-requests',
    summary: "Propose a change of a user's data (the verifier's own tenant); the user confirms through a data-change link, the certificate is SUSPENDED meanwhile",
    access: verifiers,
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    body: changeBody,
    responses: { 201: { description: 'Proposed (PENDING)', schema: dataChange }, 404: problem, ...refusals },
  },
  listDataChanges: {
    method: 'GET',
    path: '/v1/data-change-requests',
    summary: "A verifier: the tenant's requests from users (origin=VERIFIER: their own proposals) in one status, PENDING by default, oldest first. A user: their own, newest first",
    access: parties,
    query: z.strictObject({
      status: z.enum(dataChangeStatuses).optional(),
      origin: z.enum(dataChangeOrigins).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2000).optional(),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(dataChange), nextCursor: z.string().nullable() }) } },
  },
  decideDataChange: {
    method: 'POST',
    path: '/v1/data-change-requests/{id}/decision',
    summary: "Approve, or reject with a reason, a pending data change: by the other party only (a user's request by a verifier of the tenant, a verifier's proposal by the user). Approval updates the profile, revokes a certificate the change makes wrong (affiliationChanged for a new unit, superseded otherwise) and sends a set-passphrase link; a new e-mail address applies once a link sent to it is opened",
    access: parties,
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    body: decisionBody,
    responses: {
      200: { description: 'Decided', schema: dataChange },
      403: { description: 'DATA_CHANGE_OTHER_PARTY (the requester cannot decide their own)' },
      404: { description: 'DATA_CHANGE_NOT_FOUND (also for another tenant or another user)' },
      409: { description: 'DATA_CHANGE_NOT_PENDING' },
      422: { description: 'VALIDATION_FAILED (the reason is required to reject)' },
    },
  },
  getDataChangeLink: {
    method: 'GET',
    path: '/v1/data-change/{token}',
    summary: "The data-change link's page: a verifier's proposal, old and new values",
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'The proposal', schema: dataChange.extend({ tenantName: z.string(), reissuesCertificate: z.boolean(), expiresAt: z.string() }) },
      ...linkProblems,
    },
  },
  decideDataChangeLink: {
    method: 'POST',
    path: '/v1/data-change/{token}',
    summary: "The user approves, or rejects with a reason, a verifier's proposal through the data-change link",
    access: 'public',
    params: tokenParams,
    body: decisionBody,
    responses: { 200: { description: 'Decided', schema: dataChange }, 409: { description: 'DATA_CHANGE_NOT_PENDING' }, 422: { description: 'VALIDATION_FAILED' }, ...linkProblems },
  },
  getEmailConfirmation: {
    method: 'GET',
    path: '/v1/confirm-email/{token}',
    summary: 'The confirm-email link (to a new address of an approved data change): whose account and which address',
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'The address to confirm', schema: z.object({ fullName: z.string(), currentEmail: z.string(), newEmail: z.string(), expiresAt: z.string() }) },
      ...linkProblems,
    },
  },
  confirmEmail: {
    method: 'POST',
    path: '/v1/confirm-email/{token}',
    summary: 'The new address confirms: the account (and its login) moves to it at once',
    access: 'public',
    params: tokenParams,
    responses: {
      200: { description: 'Confirmed', schema: z.object({ email: z.string() }) },
      409: { description: 'EMAIL_ALREADY_REGISTERED (nothing written)' },
      ...linkProblems,
    },
  },
} as const satisfies Record<string, RouteSpec>;

import * as z from 'zod';
import { userStatuses, isValidPersonName, normaliseIndonesianMobile, tidyPersonName } from '../../shared/domain/user.js';
import { defineRoutes } from '../../shared/http/route.js';
import { fieldCode } from '../../shared/http/validation.js';

const verifierRoles = ['VERIFIER'] as const;

const personName = z.string().max(200).transform(tidyPersonName).refine(isValidPersonName, { params: fieldCode('NAME_INVALID') });
const officialEmail = z.string().trim().toLowerCase().pipe(z.email().max(254));
const mobilePhone = z.string().max(40)
  .refine((value) => normaliseIndonesianMobile(value) !== undefined, { params: fieldCode('PHONE_INVALID') })
  .transform((value) => normaliseIndonesianMobile(value)!);

const userIdParams = z.strictObject({ userId: z.string().min(1).max(64) });
const tokenParams = z.strictObject({ token: z.string().min(1).max(200) });

const userSummary = z.object({
  userId: z.string(),
  fullName: z.string(),
  email: z.string(),
  status: z.enum(userStatuses),
  updatedAt: z.string(),
});

const problem = { description: 'Problem (application/problem+json)' };

export const enrollmentRoutes = defineRoutes('enrollment', {
  registerUser: {
    method: 'POST',
    path: '/v1/users',
    summary: 'Register an employee; sends "[TTE] Aktivasi Akun" with a 24-hour link',
    access: verifierRoles,
    body: z.strictObject({ fullName: personName, email: officialEmail, phone: mobilePhone.optional() }),
    responses: {
      201: {
        description: 'Registered and invited',
        schema: z.object({ userId: z.string(), status: z.literal('INVITED'), activationExpiresAt: z.string() }),
      },
      409: { description: 'EMAIL_ALREADY_REGISTERED' },
      422: { description: 'EMAIL_DOMAIN_NOT_ALLOWED or field errors' },
    },
  },
  listUsers: {
    method: 'GET',
    path: '/v1/users',
    summary: "The verifier's tenant users, optionally in one status (the review queue)",
    access: verifierRoles,
    query: z.strictObject({
      status: z.enum(userStatuses).optional(),
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
    summary: 'A user of the verifier tenant with the status history',
    access: verifierRoles,
    params: userIdParams,
    responses: {
      200: {
        description: 'The user',
        schema: userSummary.extend({
          tenantId: z.string(),
          phone: z.string().optional(),
          createdAt: z.string(),
          activationExpiresAt: z.string().optional(),
          history: z.array(z.object({
            at: z.string(), action: z.string(), actorRole: z.string(), status: z.enum(userStatuses).optional(), reason: z.string().optional(),
          })),
        }),
      },
      404: problem,
    },
  },
  resendActivationLink: {
    method: 'POST',
    path: '/v1/users/{userId}/activation-link',
    summary: 'Send a new activation link; the previous one stops working',
    access: verifierRoles,
    params: userIdParams,
    responses: {
      202: { description: 'Sent', schema: z.object({ activationExpiresAt: z.string() }) },
      404: problem,
      409: { description: 'USER_NOT_INVITED' },
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
        }),
      },
      404: { description: 'TOKEN_NOT_FOUND' },
      410: { description: 'TOKEN_EXPIRED or TOKEN_USED' },
    },
  },
});

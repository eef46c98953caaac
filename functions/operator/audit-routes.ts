import * as z from 'zod';
import { isCalendarDay } from '../../shared/domain/billing.js';
import type { Role } from '../../shared/domain/user.js';
import { roles, userStatuses } from '../../shared/domain/user.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { officialEmail } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';

const staff = ['VERIFIER', 'OPERATOR'] as const satisfies readonly Role[];

const day = z.string().max(10).refine(isCalendarDay, { params: fieldCode('DATE_INVALID') });

export const auditEntrySchema = z.object({
  auditId: z.string(),
  at: z.string(),
  actorId: z.string(),
  actorRole: z.enum([...roles, 'SYSTEM']),
  tenantId: z.string().optional().describe("The subject's tenant; absent only for entries about the whole service"),
  action: z.string(),
  subject: z.union([z.object({ userId: z.string() }), z.object({ tenantId: z.string() }), z.object({ service: z.string() })]),
  status: z.enum(userStatuses).optional(),
  reason: z.string().optional(),
  target: z.string().optional(),
  requestId: z.string().optional().describe('The API request behind the entry; none for the approval workflow and scheduled jobs'),
  sourceIp: z.string().optional(),
});

/** The audit trail (API.md "Operator, tenants and pay-per-use"); spread into operatorRoutes. */
export const auditRoutes = {
  listAudit: {
    method: 'GET',
    path: '/v1/audit',
    summary: "Who did what, when and from where: a tenant's audit trail or one user's, newest first. An operator names a tenant or a user; a verifier reads their own tenant",
    access: staff,
    query: z.strictObject({
      tenantId: z.string().min(1).max(64).optional(),
      userId: z.string().min(1).max(64).optional(),
      email: officialEmail.optional().describe("The user by their e-mail address, instead of userId"),
      service: z.enum(['PRICE_LIST']).optional().describe("The service's own trail instead (operators only): the price list's changes"),
      from: day.optional().describe('First WIB day (yyyy-mm-dd), inclusive'),
      to: day.optional().describe('Last WIB day (yyyy-mm-dd), inclusive'),
      action: z.string().max(64).regex(/^[A-Z][A-Z0-9_]*$/).optional().describe('Only this action, e.g. PROFILE_VIEWED'),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2000).optional(),
    }).refine((query) => query.userId === undefined || query.email === undefined, { path: ['email'], params: fieldCode('VALUE_INVALID') })
      .refine((query) => query.from === undefined || query.to === undefined || !isCalendarDay(query.from) || query.to >= query.from, { path: ['to'], params: fieldCode('DATE_BEFORE_START') }),
    responses: {
      200: {
        description: 'One page; a filtered page (action, a verifier reading one user) may hold fewer entries than asked for and still have a next one',
        schema: z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() }),
      },
      404: { description: 'TENANT_NOT_FOUND or USER_NOT_FOUND (another tenant, for a verifier)' },
      422: { description: 'VALIDATION_FAILED (an operator naming neither tenant nor user, a bad date or range, a stale cursor)' },
    },
  },
} as const satisfies Record<string, RouteSpec>;

import * as z from 'zod';
import { CURRENCY, daysInRange, isCalendarDay, MAX_UNIT_PRICE, type Prices } from '../../shared/domain/billing.js';
import { usageEvents } from '../../shared/domain/usage.js';
import type { Role } from '../../shared/domain/user.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { fieldCode } from '../../shared/validation.js';

/** The longest usage range one request reads: a year, leap day included. */
export const MAX_USAGE_RANGE_DAYS = 366;

const operatorOnly = ['OPERATOR'] as const satisfies readonly Role[];
const staff = ['VERIFIER', 'OPERATOR'] as const satisfies readonly Role[];

const day = z.string().max(10).refine(isCalendarDay, { params: fieldCode('DATE_INVALID') });
const price = z.number().refine((value) => Number.isInteger(value) && value >= 0 && value <= MAX_UNIT_PRICE, { params: fieldCode('PRICE_INVALID') });
const prices = z.strictObject({
  USER_APPROVED: price, CERTIFICATE_ISSUED: price, DOCUMENT_SIGNED: price, HASH_SIGNED: price, VERIFICATION: price, EMAIL_SENT: price,
}) satisfies z.ZodType<Prices>;
const eventCounts = z.object(Object.fromEntries(usageEvents.map((event) => [event, z.number()])) as Record<(typeof usageEvents)[number], z.ZodNumber>);

const priceVersion = z.object({ effectiveFrom: z.string(), prices: eventCounts, setAt: z.string().optional(), setBy: z.string().optional() });
const priceList = z.object({ current: z.object({ effectiveFrom: z.string(), prices: eventCounts }), versions: z.array(priceVersion) });
export const statementSchema = z.object({
  tenant: z.object({ tenantId: z.string(), name: z.string(), organisationName: z.string() }),
  period: z.string(),
  status: z.enum(['OPEN', 'CLOSED']),
  currency: z.literal(CURRENCY),
  lines: z.array(z.object({ event: z.enum(usageEvents), quantity: z.number(), unitPrice: z.number(), amount: z.number(), from: z.string(), to: z.string() })),
  total: z.number(),
  closedAt: z.string().optional(),
  emailedAt: z.string().optional(),
});

/** Prices, usage and statements (API.md "Operator, tenants and pay-per-use"); spread into operatorRoutes. */
export const billingRoutes = {
  getPriceList: {
    method: 'GET',
    path: '/v1/price-list',
    summary: 'The price list: rupiah per unit of each metered event in force today (WIB), and every version set, oldest first',
    access: operatorOnly,
    responses: { 200: { description: 'The price list', schema: priceList } },
  },
  setPriceList: {
    method: 'PUT',
    path: '/v1/price-list',
    summary: 'New prices from a WIB day on (today or later, never retroactive); the same day again replaces that version',
    access: operatorOnly,
    body: z.strictObject({ effectiveFrom: day, prices }),
    responses: {
      200: { description: 'The price list with the new version', schema: priceList },
      422: { description: 'VALIDATION_FAILED (a price that is not a whole number of rupiah ≥ 0) or PRICE_EFFECTIVE_DATE_PAST' },
    },
  },
  getUsage: {
    method: 'GET',
    path: '/v1/usage',
    summary: "A tenant's metered events per WIB day, from..to (at most 366 days); a verifier's own tenant when tenantId is left out",
    access: staff,
    query: z.strictObject({ tenantId: z.string().min(1).max(64).optional(), from: day, to: day }).refine(
      (query) => !isCalendarDay(query.from) || !isCalendarDay(query.to) || (query.to >= query.from && daysInRange(query.from, query.to) <= MAX_USAGE_RANGE_DAYS),
      { path: ['to'], params: fieldCode('DATE_RANGE_INVALID') },
    ),
    responses: {
      200: {
        description: 'Counts per day (every day of the range) and totals',
        schema: z.object({ tenantId: z.string(), from: z.string(), to: z.string(), days: z.array(z.object({ day: z.string(), counts: eventCounts })), totals: eventCounts }),
      },
      404: { description: 'TENANT_NOT_FOUND' },
      422: { description: 'VALIDATION_FAILED' },
    },
  },
  getStatement: {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/statements/{period}',
    summary: "A tenant's statement of one month (yyyy-mm): the current month OPEN (live), a past month CLOSED (frozen); ?format=csv for a spreadsheet (UTF-8 with BOM, ';')",
    access: staff,
    // The month's form is checked after the tenant, so another tenant's statement is unknown (404) whatever month is asked.
    params: z.strictObject({ tenantId: z.string().min(1).max(64), period: z.string().min(1).max(64) }),
    query: z.strictObject({ format: z.enum(['json', 'csv']).optional() }),
    responses: {
      200: { description: 'The statement (text/csv with ?format=csv)', schema: statementSchema },
      404: { description: 'TENANT_NOT_FOUND' },
      422: { description: 'VALIDATION_FAILED (period not yyyy-mm) or STATEMENT_PERIOD_INVALID (a future month, or before the tenant existed)' },
    },
  },
} as const satisfies Record<string, RouteSpec>;

import * as z from 'zod';
import { apiKeyScopes } from '../../shared/domain/api-keys.js';
import type { Role } from '../../shared/domain/user.js';
import { defineRoutes } from '../../shared/http/route.js';
import { text } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';
import { tenantRoutes } from './tenant-routes.js';
import { billingRoutes } from './billing-routes.js';
import { auditRoutes } from './audit-routes.js';

// A tenant's keys are managed by its verifiers and by operators, in person: a key cannot mint keys.
const staff = ['VERIFIER', 'OPERATOR'] as const satisfies readonly Role[];
const sessionOnly = ['session'] as const;

const tenantParams = z.strictObject({ tenantId: z.string().min(1).max(64) });
const apiKey = z.object({
  keyId: z.string(), name: z.string(), scopes: z.array(z.enum(apiKeyScopes)), createdAt: z.string(), createdBy: z.string(),
  revokedAt: z.string().optional(), revokedBy: z.string().optional(),
});

export const operatorRoutes = defineRoutes('operator', {
  ...tenantRoutes,
  ...billingRoutes,
  ...auditRoutes,
  createApiKey: {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/api-keys',
    summary: 'A new integrator key for the tenant: the secret is shown once (apiKey goes in x-api-key, keyId:secret in HTTP Basic)',
    access: staff,
    credentials: sessionOnly,
    params: tenantParams,
    body: z.strictObject({
      name: text(100),
      scopes: z.array(z.enum(apiKeyScopes)).min(1).refine((scopes) => new Set(scopes).size === scopes.length, { params: fieldCode('VALUE_INVALID') }),
    }),
    responses: {
      201: { description: 'Created', schema: apiKey.extend({ secret: z.string(), apiKey: z.string() }) },
      404: { description: 'TENANT_NOT_FOUND' },
      409: { description: 'API_KEY_LIMIT' },
    },
  },
  listApiKeys: {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/api-keys',
    summary: "The tenant's integrator keys, newest first, revoked ones included (never a secret)",
    access: staff,
    credentials: sessionOnly,
    params: tenantParams,
    responses: { 200: { description: 'The keys', schema: z.object({ items: z.array(apiKey), nextCursor: z.null() }) }, 404: { description: 'TENANT_NOT_FOUND' } },
  },
  revokeApiKey: {
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/api-keys/{keyId}',
    summary: 'Revoke an integrator key (it stops working within 30 seconds); revoking it again changes nothing',
    access: staff,
    credentials: sessionOnly,
    params: tenantParams.extend({ keyId: z.string().min(1).max(64) }),
    responses: { 204: { description: 'Revoked' }, 404: { description: 'TENANT_NOT_FOUND or API_KEY_NOT_FOUND' } },
  },
});

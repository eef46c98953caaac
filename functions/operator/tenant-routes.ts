import * as z from 'zod';
import {
  comparableAgency, isValidEmailDomain, MAX_EMAIL_DOMAINS, MAX_REGISTRY_AGENCIES, MAX_VERIFIER_CONTACTS, normaliseDomain, selfApplicationModes, tenantStatuses,
} from '../../shared/domain/tenants.js';
import { userStatuses, type Role } from '../../shared/domain/user.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { officialEmail, text } from '../../shared/http/schemas.js';
import { fieldCode } from '../../shared/validation.js';
import { mobilePhone, personName } from '../enrollment/schemas.js';

// Tenants are the service's own business: operators only, in person or with their own API key.
const operators = ['OPERATOR'] as const satisfies readonly Role[];
// A tenant's verifiers may see who else verifies for it.
const operatorsAndVerifiers = ['OPERATOR', 'VERIFIER'] as const satisfies readonly Role[];

const tenantParams = z.strictObject({ tenantId: z.string().min(1).max(64) });

const emailDomain = z.string().max(253).transform(normaliseDomain).refine(isValidEmailDomain, { params: fieldCode('DOMAIN_INVALID') });

/** The tenant's official e-mail domains: lower case, each once, at least one. */
const emailDomains = z.array(emailDomain).max(MAX_EMAIL_DOMAINS).superRefine((domains, context) => {
  if (domains.length === 0) context.addIssue({ code: 'custom', params: fieldCode('REQUIRED'), message: 'required' });
  domains.forEach((domain, index) => {
    if (domains.indexOf(domain) !== index) context.addIssue({ code: 'custom', path: [index], params: fieldCode('DUPLICATE_VALUE'), message: 'duplicate' });
  });
});

/** The agencies as the registry names them: each once (compared as screening compares them); empty clears them. */
const registryAgencies = z.array(text(200)).max(MAX_REGISTRY_AGENCIES).superRefine((agencies, context) => {
  const compared = agencies.map(comparableAgency);
  compared.forEach((agency, index) => {
    if (agency === '') context.addIssue({ code: 'custom', path: [index], params: fieldCode('VALUE_INVALID'), message: 'no letters or digits' });
    else if (compared.indexOf(agency) !== index) context.addIssue({ code: 'custom', path: [index], params: fieldCode('DUPLICATE_VALUE'), message: 'duplicate' });
  });
});

/** How the tenant's people reach a verifier: a name, and a mobile number or an address (or both). */
const verifierContact = z.strictObject({ name: text(100), phone: mobilePhone.optional(), email: officialEmail.optional() })
  .refine((contact) => contact.phone !== undefined || contact.email !== undefined, { path: ['phone'], params: fieldCode('REQUIRED') });

const tenantFields = {
  name: text(200),
  // X.520 bounds an organisation name at 64 characters; it is the O= of every certificate issued.
  organisationName: text(64),
  emailDomains,
  billingEmail: officialEmail,
  status: z.enum(tenantStatuses),
};

const tenant = z.object({
  tenantId: z.string(),
  name: z.string(),
  organisationName: z.string(),
  emailDomains: z.array(z.string()),
  /** Null for a tenant made before billing addresses were kept, until an operator sets one. */
  billingEmail: z.string().nullable(),
  status: z.enum(tenantStatuses),
  selfApplication: z.enum(selfApplicationModes),
  verifierContacts: z.array(z.object({ name: z.string(), phone: z.string().optional(), email: z.string().optional() })),
  registryAgencies: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const verifier = z.object({ userId: z.string(), fullName: z.string(), email: z.string(), status: z.enum(userStatuses), createdAt: z.string() });

const suspension = 'SUSPENDED stops the tenant\'s verifiers (sessions and keys) and its integrator keys on every route with 403 TENANT_SUSPENDED, and its employees\' signing; they still sign in and see their data. Each function caches a tenant for up to 60 seconds, so a change of status takes effect everywhere within a minute. Nothing is deleted: ACTIVE again restores everything';

/** The operator's tenant routes, spread into `operatorRoutes`. */
export const tenantRoutes = {
  createTenant: {
    method: 'POST',
    path: '/v1/tenants',
    summary: `A new tenant (paying agency); each e-mail domain belongs to one tenant only (409 TENANT_DOMAIN_TAKEN names the domain). ${suspension}`,
    access: operators,
    body: z.strictObject({ ...tenantFields, status: tenantFields.status.optional() }),
    responses: {
      201: { description: 'Created (ACTIVE unless the body says otherwise)', schema: tenant },
      409: { description: 'TENANT_DOMAIN_TAKEN' },
      422: { description: 'Field errors (DOMAIN_INVALID, DUPLICATE_VALUE, EMAIL_INVALID, ...)' },
    },
  },
  listTenants: {
    method: 'GET',
    path: '/v1/tenants',
    summary: 'Every tenant, by id, a page at a time',
    access: operators,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2000).optional(),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(tenant), nextCursor: z.string().nullable() }) } },
  },
  getTenant: {
    method: 'GET',
    path: '/v1/tenants/{tenantId}',
    summary: "One tenant, for an operator or one of its verifiers",
    access: operatorsAndVerifiers,
    params: tenantParams,
    responses: { 200: { description: 'The tenant', schema: tenant }, 404: { description: 'TENANT_NOT_FOUND' } },
  },
  updateTenant: {
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}',
    summary: `Change some of a tenant's fields; a new domain list claims the added domains and releases the removed ones. selfApplication: whether people may apply on their own at /web/apply with an address in its domains (CLOSED, the default; OPEN: the activation link goes out at once; REVIEW: a verifier confirms each application first). verifierContacts (at most ${MAX_VERIFIER_CONTACTS}, each a name with a mobile number or an e-mail address, or both): shown to the tenant's people on the help and error pages; the tenant's own verifiers may change these and nothing else (403 FORBIDDEN). registryAgencies (at most ${MAX_REGISTRY_AGENCIES}, operator only): the agencies of the tenant's people exactly as the civil-service registry names them in its records; a registry match approves an application on its own only when the record's agency is one of them (case, spacing and punctuation aside), otherwise a verifier decides. ${suspension}`,
    access: operatorsAndVerifiers,
    params: tenantParams,
    body: z.strictObject({
      name: tenantFields.name.optional(),
      organisationName: tenantFields.organisationName.optional(),
      emailDomains: tenantFields.emailDomains.optional(),
      billingEmail: tenantFields.billingEmail.optional(),
      status: tenantFields.status.optional(),
      selfApplication: z.enum(selfApplicationModes).optional(),
      verifierContacts: z.array(verifierContact).max(MAX_VERIFIER_CONTACTS).optional(),
      registryAgencies: registryAgencies.optional(),
    }).refine((body) => Object.keys(body).length > 0, { path: ['body'], params: fieldCode('REQUIRED') }),
    responses: {
      200: { description: 'The tenant as it is now', schema: tenant },
      404: { description: 'TENANT_NOT_FOUND' },
      409: { description: 'TENANT_DOMAIN_TAKEN, or CONFLICT when it changed meanwhile' },
      422: { description: 'Field errors' },
    },
  },
  inviteVerifier: {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/verifiers',
    summary: 'A verifier for the tenant: the address must be in its domains; "[TTE] Informasi Akun" brings an account-setup link (72 hours) for the password and the first OTP device',
    access: operators,
    params: tenantParams,
    body: z.strictObject({ fullName: personName, email: officialEmail }),
    responses: {
      201: { description: 'Invited', schema: verifier.pick({ userId: true, email: true, status: true }).extend({ accountSetupExpiresAt: z.string() }) },
      404: { description: 'TENANT_NOT_FOUND' },
      409: { description: 'EMAIL_ALREADY_REGISTERED' },
      422: { description: 'EMAIL_DOMAIN_NOT_ALLOWED or field errors' },
    },
  },
  listVerifiers: {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/verifiers',
    summary: "The tenant's verifiers (name, e-mail, status), for an operator or one of those verifiers",
    access: operatorsAndVerifiers,
    params: tenantParams,
    responses: { 200: { description: 'The verifiers, by name', schema: z.object({ items: z.array(verifier), nextCursor: z.null() }) }, 404: { description: 'TENANT_NOT_FOUND' } },
  },
} as const satisfies Record<string, RouteSpec>;

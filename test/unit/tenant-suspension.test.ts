import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/domain/errors.js';
import { isSuspended, isValidEmailDomain, normaliseDomain, type TenantStatus } from '../../shared/domain/tenants.js';
import { hashToken } from '../../shared/domain/tokens.js';
import { Authenticator, hashApiKey } from '../../shared/http/auth.js';
import type { Access, CredentialKind } from '../../shared/http/route.js';
import type { ApiKeyScope } from '../../shared/domain/api-keys.js';
import type { SessionRecord } from '../../shared/ports/accounts.js';
import type { ApiKeyRecord, Tenant, TenantDirectory } from '../../shared/ports/tenants.js';
import { cachedTenants } from '../../shared/tenants.js';

describe('e-mail domains a tenant may own', () => {
  it.each([
    ['sultengprov.go.id', true],
    ['kominfo.palukota.go.id', true],
    ['dinas-kominfo.go.id', true],
    ['x1.co.id', true],
    ['localhost', false],
    ['-dinas.go.id', false],
    ['dinas-.go.id', false],
    ['dinas..go.id', false],
    ['dinas.go.id.', false],
    ['*.go.id', false],
    ['@dinas.go.id', false],
    ['https://dinas.go.id', false],
    ['dinas.go.id/', false],
    ['10.0.0.1', false],
    ['dinas.go.i', false],
    [`${'a'.repeat(64)}.go.id`, false],
    [`${'a.'.repeat(126)}id`, false],
  ])('%s → %s', (domain, valid) => {
    expect(isValidEmailDomain(domain)).toBe(valid);
  });

  it('are compared in lower case, without surrounding spaces', () => {
    expect(normaliseDomain('  Kominfo.PaluKota.GO.ID ')).toBe('kominfo.palukota.go.id');
  });

  it('a tenant without a status (written before suspension existed) is active', () => {
    expect(isSuspended({})).toBe(false);
    expect(isSuspended(undefined)).toBe(false);
    expect(isSuspended({ status: 'ACTIVE' })).toBe(false);
    expect(isSuspended({ status: 'SUSPENDED' })).toBe(true);
  });
});

// ---- The authenticator's rule ----------------------------------------------------------------

const NOW = new Date('2026-11-22T03:00:00.000Z');
const VERIFIER_SESSION = 'dmVyaWZpZXItc2Vzc2lvbi10b2tlbi1mb3ItdW5pdHM';
const USER_SESSION = 'dXNlci1zZXNzaW9uLXRva2VuLWZvci11bml0LXRlc3Rz';
const OPERATOR_SESSION = 'b3BlcmF0b3Itc2Vzc2lvbi10b2tlbi1mb3ItdW5pdHM';
const VERIFIER_KEY = 'tte_verifier-key-of-a-suspended-tenant';
const INTEGRATOR_KEY = 'key_integrator.secret-of-a-suspended-tenant';

const session = (token: string, role: SessionRecord['role'], tenantId: string): SessionRecord => ({
  sessionHash: hashToken(token), userId: `${role.toLowerCase()}-1`, tenantId, role, csrfToken: 'csrf',
  createdAt: NOW.toISOString(), lastSeenAt: NOW.toISOString(),
  idleExpiresAt: new Date(NOW.getTime() + 3600_000).toISOString(), absoluteExpiresAt: new Date(NOW.getTime() + 8 * 3600_000).toISOString(),
});
const sessions = new Map([
  [hashToken(VERIFIER_SESSION), session(VERIFIER_SESSION, 'VERIFIER', 'tenant-a')],
  [hashToken(USER_SESSION), session(USER_SESSION, 'USER', 'tenant-a')],
  [hashToken(OPERATOR_SESSION), session(OPERATOR_SESSION, 'OPERATOR', 'platform')],
]);
const key = (apiKey: string, record: Partial<ApiKeyRecord>): [string, ApiKeyRecord] => [hashApiKey(apiKey), {
  keyHash: hashApiKey(apiKey), label: 'test', createdAt: NOW.toISOString(), actorId: 'actor', role: 'VERIFIER', tenantId: 'tenant-a', ...record,
}];
const apiKeys = new Map([key(VERIFIER_KEY, {}), key(INTEGRATOR_KEY, { role: 'INTEGRATOR', scopes: ['users', 'signing'] })]);

function tenantsWith(status: TenantStatus | undefined) {
  const tenant: Tenant = { tenantId: 'tenant-a', name: 'Dinas A', organizationName: 'Dinas A', emailDomains: ['a.go.id'], createdAt: NOW.toISOString(), ...(status ? { status } : {}) };
  return { findTenant: vi.fn(async (tenantId: string) => (tenantId === 'tenant-a' ? tenant : undefined)) };
}

function authenticatorWith(tenants: ReturnType<typeof tenantsWith> | undefined) {
  return new Authenticator({
    apiKeys: { findApiKey: async (hash) => apiKeys.get(hash) },
    ...(tenants ? { tenants } : {}),
    sessions: { store: { findSession: async (hash) => sessions.get(hash), touchSession: async () => undefined }, idleMinutes: 30 },
    clock: { now: () => NOW },
  });
}

type Route = { access: Access; credentials?: readonly CredentialKind[]; apiKeyScope?: ApiKeyScope };
const ownAccount: Route = { access: ['USER', 'VERIFIER', 'OPERATOR'], credentials: ['session'] };
const userManagement: Route = { access: ['VERIFIER', 'OPERATOR', 'INTEGRATOR'], apiKeyScope: 'users' };
const signing: Route = { access: ['USER', 'VERIFIER', 'OPERATOR', 'INTEGRATOR'], apiKeyScope: 'signing' };

const outcome = (promise: Promise<unknown>) => promise.then(() => 'allowed', (error: unknown) => (error instanceof AppError ? error.code : String(error)));

describe('a suspended tenant, at the authenticator', () => {
  const cases: [string, Route, Record<string, string>][] = [
    ["its verifier's session", ownAccount, { authorization: `Bearer ${VERIFIER_SESSION}` }],
    ["its verifier's key", userManagement, { 'x-api-key': VERIFIER_KEY }],
    ['its integrator key, managing users', userManagement, { 'x-api-key': INTEGRATOR_KEY }],
    ['its integrator key, signing', signing, { 'x-api-key': INTEGRATOR_KEY }],
    ['its employee, signing', signing, { authorization: `Bearer ${USER_SESSION}` }],
  ];

  it.each(cases)('%s: TENANT_SUSPENDED', async (_name, route, headers) => {
    expect(await outcome(authenticatorWith(tenantsWith('SUSPENDED')).authenticate(route, headers))).toBe('TENANT_SUSPENDED');
  });

  it.each(cases)('%s: allowed while the tenant is active (or has no status yet)', async (_name, route, headers) => {
    expect(await outcome(authenticatorWith(tenantsWith('ACTIVE')).authenticate(route, headers))).toBe('allowed');
    expect(await outcome(authenticatorWith(tenantsWith(undefined)).authenticate(route, headers))).toBe('allowed');
  });

  it('its employee still reaches their own account; an operator is nobody\'s tenant', async () => {
    const tenants = tenantsWith('SUSPENDED');
    const authenticator = authenticatorWith(tenants);
    expect(await outcome(authenticator.authenticate(ownAccount, { authorization: `Bearer ${USER_SESSION}` }))).toBe('allowed');
    expect(await outcome(authenticator.authenticate(signing, { authorization: `Bearer ${OPERATOR_SESSION}` }))).toBe('allowed');
    // Neither needed the tenant at all.
    expect(tenants.findTenant).not.toHaveBeenCalled();
  });

  it('a wrong role is still FORBIDDEN first, without reading the tenant', async () => {
    const tenants = tenantsWith('SUSPENDED');
    expect(await outcome(authenticatorWith(tenants).authenticate({ access: ['OPERATOR'] }, { 'x-api-key': VERIFIER_KEY }))).toBe('FORBIDDEN');
    expect(tenants.findTenant).not.toHaveBeenCalled();
  });

  it('functions without the tenants (the pages, the docs) do not check', async () => {
    expect(await outcome(authenticatorWith(undefined).authenticate(userManagement, { 'x-api-key': VERIFIER_KEY }))).toBe('allowed');
  });
});

describe('the tenant cache', () => {
  const directoryOf = (tenant: () => Tenant): TenantDirectory & { findTenant: ReturnType<typeof vi.fn> } => ({
    findTenant: vi.fn(async () => tenant()),
    listTenants: async () => ({ items: [], nextCursor: null }),
    findApiKey: async () => undefined,
    listVerifierEmails: async () => [],
  });
  let status: TenantStatus = 'ACTIVE';
  const stored = (): Tenant => ({ tenantId: 't', name: 'T', organizationName: 'T', emailDomains: ['t.go.id'], createdAt: NOW.toISOString(), status });

  it('keeps a tenant for its time, is shared by the handlers of one directory, and forgets on request', async () => {
    let clock = 0;
    const directory = directoryOf(stored);
    const signingHandler = cachedTenants(directory, 60_000, () => clock);
    const operatorHandler = cachedTenants(directory, 60_000, () => clock);
    expect((await signingHandler.findTenant('t'))?.status).toBe('ACTIVE');
    status = 'SUSPENDED';
    clock = 59_000;
    expect((await operatorHandler.findTenant('t'))?.status).toBe('ACTIVE');
    expect(directory.findTenant).toHaveBeenCalledTimes(1);
    // The operator's change, made in this process: every handler of it sees it at once.
    operatorHandler.forget('t');
    expect((await signingHandler.findTenant('t'))?.status).toBe('SUSPENDED');
    status = 'ACTIVE';
    clock = 59_000 + 60_001;
    expect((await signingHandler.findTenant('t'))?.status).toBe('ACTIVE');
    // Another directory (another process's, in effect) has its own cache.
    const elsewhere = cachedTenants(directoryOf(stored), 60_000, () => clock);
    await elsewhere.findTenant('t');
    expect(directory.findTenant).toHaveBeenCalledTimes(3);
  });
});

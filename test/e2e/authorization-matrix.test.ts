import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTables } from '../../functions/route-tables.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { deviceRequestItem } from '../../shared/adapters/aws/table-items.js';
import { keys } from '../../shared/data/table.js';
import { currentPeriod } from '../../shared/domain/billing.js';
import type { Role } from '../../shared/domain/user.js';
import type { ApiKeyScope } from '../../shared/domain/api-keys.js';
import { hashApiKey } from '../../shared/http/auth.js';
import type { CredentialKind, RouteSpec } from '../../shared/http/route.js';
import { accountsClient, sitiAminah, type Credentials } from './accounts-flow.js';
import { allTableItems, bootLocalRuntime, isEmailDeliveryRecord } from './runtime.js';

/**
 * Every non-public route of every route table, called with every kind of caller, and (where the
 * path names a tenant's record) at a record of this tenant and of another one. The rows are made
 * from `routeTables`, so a new route is in the matrix the day it is added.
 */

// ---- Who calls ------------------------------------------------------------------------------

type Person = 'user' | 'verifier' | 'operator';
/** Whose records a caller belongs to: this (demo) tenant, another tenant, or the platform (operators, who see all). */
type TenantSide = 'own' | 'other' | 'platform';

interface Caller {
  name: string;
  kind: 'none' | CredentialKind;
  role?: Role;
  tenant?: TenantSide;
  /** Sent as the browser sends it: the session cookie, and (here) without the CSRF token. */
  viaCookie?: boolean;
  /** Whose login it is, to make a throwaway session when the call ends it. */
  person?: Person;
  /** An integrator key's scopes. */
  scopes?: readonly ApiKeyScope[];
}

const callers: readonly Caller[] = [
  { name: 'no credential', kind: 'none' },
  { name: 'user session', kind: 'session', role: 'USER', tenant: 'own', person: 'user' },
  { name: 'user cookie without CSRF', kind: 'session', role: 'USER', tenant: 'own', person: 'user', viaCookie: true },
  { name: 'verifier API key', kind: 'apiKey', role: 'VERIFIER', tenant: 'own' },
  { name: 'verifier session', kind: 'session', role: 'VERIFIER', tenant: 'own', person: 'verifier' },
  { name: 'operator session', kind: 'session', role: 'OPERATOR', tenant: 'platform', person: 'operator' },
  { name: 'operator API key', kind: 'apiKey', role: 'OPERATOR', tenant: 'platform' },
  { name: "other tenant's verifier API key", kind: 'apiKey', role: 'VERIFIER', tenant: 'other' },
  { name: 'integrator signing key', kind: 'apiKey', role: 'INTEGRATOR', tenant: 'own', scopes: ['signing'] },
  { name: 'integrator users key', kind: 'apiKey', role: 'INTEGRATOR', tenant: 'own', scopes: ['users'] },
  { name: "other tenant's integrator key", kind: 'apiKey', role: 'INTEGRATOR', tenant: 'other', scopes: ['users', 'signing'] },
];

// ---- At what ---------------------------------------------------------------------------------

/** Path parameters that name a tenant's record; any other parameter gets a filler. */
const tenantScopedParams = ['userId', 'requestId', 'tenantId'] as const;
type TenantScopedParam = (typeof tenantScopedParams)[number];
interface Target { name: string; tenant: Exclude<TenantSide, 'platform'> }
const targets: readonly Target[] = [{ name: "this tenant's id", tenant: 'own' }, { name: "other tenant's id", tenant: 'other' }];

const unsafe = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);
const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

// ---- What is due -----------------------------------------------------------------------------

type Due =
  | { status: 401; code: 'UNAUTHENTICATED' }
  | { status: 403; code: 'FORBIDDEN' | 'CSRF_TOKEN_INVALID' }
  | { status: 404 }
  | { status: 'allowed' };

/** The access rules of DESIGN.md and API.md, in the order the service applies them. */
function due(spec: RouteSpec, caller: Caller, target: Target | undefined): Due {
  if (spec.access === 'public') throw new Error('public routes are not in the matrix');
  if (caller.kind === 'none') return { status: 401, code: 'UNAUTHENTICATED' };
  if (!(spec.credentials ?? ['session', 'apiKey']).includes(caller.kind)) return { status: 403, code: 'FORBIDDEN' };
  if (!spec.access.includes(caller.role!)) return { status: 403, code: 'FORBIDDEN' };
  // An integrator key only where the route names one of its scopes; a person's key anywhere but signing.
  if (caller.kind === 'apiKey' && !(caller.scopes ? spec.apiKeyScope !== undefined && caller.scopes.includes(spec.apiKeyScope) : spec.apiKeyScope !== 'signing')) {
    return { status: 403, code: 'FORBIDDEN' };
  }
  if (caller.viaCookie && unsafe(spec.method)) return { status: 403, code: 'CSRF_TOKEN_INVALID' };
  // Another tenant's record is as unknown as a missing one; operators work for every tenant.
  if (target && caller.role !== 'OPERATOR' && caller.tenant !== target.tenant) return { status: 404 };
  return { status: 'allowed' };
}

// ---- How each route is called when allowed ---------------------------------------------------

interface Row {
  name: string;
  route: string;
  spec: RouteSpec;
  caller: Caller;
  target: Target | undefined;
  due: Due;
}

interface Prepared {
  auth?: Credentials;
  params?: Record<string, string>;
  body?: unknown;
}

interface Fixture {
  /** A body that passes validation (sent with every row of the route, allowed or not). */
  body?: (row: Row) => unknown;
  csv?: (row: Row) => string;
  /** For allowed rows: what the call uses up (a throwaway session, a device to remove, a setup to finish). */
  prepare?: (row: Row) => Promise<Prepared>;
  /** The status an allowed row answers; without it, anything but 401/403 (and 5xx). */
  allowed?: number;
}

let serial = 0;
const unique = () => `${Date.now().toString(36)}${(serial += 1)}`;
const domainOf = (caller: Caller) => (caller.tenant === 'other' ? 'lain.go.id' : 'contoh.go.id');

const fixtures: Record<string, Fixture> = {
  'POST /v1/users': { body: ({ caller }) => ({ fullName: 'Pegawai Matriks', email: `matriks.${unique()}@${domainOf(caller)}` }), allowed: 201 },
  'POST /v1/users/import': { csv: ({ caller }) => `fullName,email,phone\nPegawai Impor,impor.${unique()}@${domainOf(caller)},\n`, allowed: 200 },
  'GET /v1/users': { allowed: 200 },
  'GET /v1/users/{userId}': { allowed: 200 },
  // The targets are INVITED throwaway employees: a resend leaves them INVITED for the next row.
  'POST /v1/users/{userId}/activation-link': { allowed: 202 },
  // The same resend by purpose (fillPath names `activate`): the INVITED targets stay INVITED.
  'POST /v1/users/{userId}/links/{purpose}': { allowed: 202 },
  'POST /v1/users/{userId}/decision': { body: () => ({ decision: 'APPROVE' }), allowed: 409 }, // NOT_AWAITING_REVIEW
  'POST /v1/auth/logout': { prepare: async ({ caller }) => ({ auth: { bearer: (await freshSession(caller.person!)).sessionToken } }), allowed: 204 },
  'GET /v1/me': { allowed: 200 },
  'GET /v1/me/devices': { allowed: 200 },
  'DELETE /v1/me/devices/{deviceId}': {
    prepare: async ({ caller }) => ({ params: { deviceId: (await people.addDevice(authOf(caller), 'Ponsel sementara')).deviceId } }),
    allowed: 204,
  },
  'POST /v1/me/device-setups': { allowed: 201 },
  'POST /v1/me/devices': {
    body: () => ({ setupId: randomUUID(), deviceName: 'Ponsel matriks', otp: '123456' }),
    prepare: async ({ caller }) => {
      const setup = await people.send('POST', '/v1/me/device-setups', { auth: authOf(caller) });
      expect(setup.status).toBe(201);
      return { body: { setupId: setup.body.setupId, deviceName: 'Ponsel matriks', otp: await people.otp.code(setup.body.otp.secret) } };
    },
    allowed: 201,
  },
  'GET /v1/otp-device-requests': { allowed: 200 },
  'POST /v1/otp-device-requests/{requestId}/decision': { body: () => ({ decision: 'APPROVE' }), allowed: 409 }, // still AWAITING_SELFIE
  'POST /v1/users/{userId}/compromise': { body: () => ({ reason: 'Uji matriks otorisasi' }), allowed: 409 }, // INVITED: ACCOUNT_NOT_ACTIVE
  'GET /v1/me/certificates': { allowed: 200 },
  'POST /v1/me/certificate-requests': { allowed: 202 }, // nobody here holds a certificate yet
  // A serial nobody holds: each of these is CERTIFICATE_NOT_FOUND for anyone allowed.
  'POST /v1/me/certificates/{serial}/renewal': { allowed: 404 },
  'POST /v1/me/certificates/{serial}/revocation': { body: () => ({ reason: 'keyCompromise' }), allowed: 404 },
  'POST /v1/me/certificates/{serial}/passphrase-change': { allowed: 404 },
  'POST /v1/me/certificates/{serial}/passphrase-reset': { allowed: 404 },
  'GET /v1/users/{userId}/certificates': { allowed: 200 },
  // The targets are INVITED: no consent yet, so no statement (CONSENT_NOT_GIVEN).
  'GET /v1/users/{userId}/consent-statement': { allowed: 409 },
  // Erasure uses its target up: each allowed row erases a person registered for it alone.
  'POST /v1/users/{userId}/erasure': {
    prepare: async ({ target }) => {
      const domain = target?.tenant === 'other' ? 'lain.go.id' : 'contoh.go.id';
      const key = target?.tenant === 'other' ? otherTenantKey : runtime.seed.verifier.apiKey;
      const created = await people.send('POST', '/v1/users', { auth: { key }, body: { fullName: 'Pegawai Dihapus', email: `hapus.${unique()}@${domain}` } });
      return { params: { userId: String(created.body.userId) } };
    },
    allowed: 200,
  },
  'POST /v1/users/{userId}/certificates/{serial}/revocation': { body: () => ({ reason: 'affiliationChanged' }), allowed: 404 },
  // Siti has no certificate yet: whoever may sign as her (herself, a signing key of her tenant) hears why not.
  'POST /v1/signatures/pdf': {
    body: ({ caller }) => ({ ...signerOf(caller), passphrase: 'Passphrase-Salah-1!', documents: [{ name: 'surat.pdf', pdfBase64: 'JVBERi0xLjcK' }] }),
    allowed: 409,
  },
  'POST /v1/signatures/hashes': {
    body: ({ caller }) => ({ ...signerOf(caller), passphrase: 'Passphrase-Salah-1!', hashAlgorithm: 'SHA-256', hashes: [Buffer.alloc(32, 7).toString('base64')] }),
    allowed: 409,
  },
  'GET /v1/signatures/documents/{documentId}': { prepare: async () => ({ params: { documentId: `${randomUUID()}.1` } }), allowed: 404 },
  'POST /v1/tenants/{tenantId}/api-keys': { body: () => ({ name: 'Kunci matriks', scopes: ['signing'] }), allowed: 201 },
  'GET /v1/tenants/{tenantId}/api-keys': { allowed: 200 },
  'DELETE /v1/tenants/{tenantId}/api-keys/{keyId}': { allowed: 404 }, // API_KEY_NOT_FOUND
  // Siti asks once (her one pending change); the targets are INVITED, so a proposal is ACCOUNT_NOT_ACTIVE.
  'POST /v1/me/data-change-requests': { body: () => ({ position: 'Jabatan Matriks', reason: 'Uji matriks otorisasi' }), allowed: 201 },
  'GET /v1/me/data-change-requests': { allowed: 200 },
  'POST /v1/users/{userId}/data-change-requests': { body: () => ({ position: 'Jabatan Matriks', reason: 'Uji matriks otorisasi' }), allowed: 409 },
  'GET /v1/data-change-requests': { allowed: 200 },
  'POST /v1/data-change-requests/{id}/decision': { body: () => ({ decision: 'APPROVE' }), allowed: 404 }, // DATA_CHANGE_NOT_FOUND
  'GET /v1/price-list': { allowed: 200 },
  // A far-off day: no statement of these tests is priced by it.
  'PUT /v1/price-list': {
    body: () => ({ effectiveFrom: '2099-01-01', prices: { USER_APPROVED: 0, CERTIFICATE_ISSUED: 0, DOCUMENT_SIGNED: 0, HASH_SIGNED: 0, VERIFICATION: 0, EMAIL_SENT: 0 } }),
    allowed: 200,
  },
  // The current month: an OPEN statement, computed and never stored (another tenant's is 404 whatever the month).
  'GET /v1/tenants/{tenantId}/statements/{period}': { prepare: async () => ({ params: { period: currentPeriod(new Date()) } }), allowed: 200 },
  // Each new tenant claims a domain no other tenant has.
  'POST /v1/tenants': {
    body: () => ({ name: 'Instansi Matriks', organisationName: 'Instansi Matriks', emailDomains: [`matriks-${unique()}.go.id`], billingEmail: 'tagihan@matriks.go.id' }),
    allowed: 201,
  },
  'GET /v1/tenants': { allowed: 200 },
  'GET /v1/tenants/{tenantId}': { allowed: 200 },
  // A billing address: nothing the other rows rely on.
  // A verifier may change only the contacts (anything else from them is 403, tested in self-application).
  'PATCH /v1/tenants/{tenantId}': {
    body: ({ caller }) => (caller.role === 'VERIFIER' ? { verifierContacts: [{ name: 'Verifikator Matriks', phone: '081234567890' }] } : { billingEmail: 'keuangan.matriks@contoh.go.id' }),
    allowed: 200,
  },
  // An address in the target tenant's own domain.
  'POST /v1/tenants/{tenantId}/verifiers': {
    body: ({ target }) => ({ fullName: 'Verifikator Matriks', email: `verifikator.${unique()}@${target?.tenant === 'other' ? 'lain.go.id' : 'contoh.go.id'}` }),
    allowed: 201,
  },
  'GET /v1/tenants/{tenantId}/verifiers': { allowed: 200 },
};

/** An integrator names whom it signs for; a person signs as themselves. */
function signerOf(caller: Caller): { signer?: { email: string } } {
  return caller.role === 'INTEGRATOR' ? { signer: { email: 'siti.aminah@contoh.go.id' } } : {};
}

const protectedRoutes = routeTables.flatMap((table) => Object.values(table.routes)
  .filter((spec) => spec.access !== 'public')
  .map((spec) => ({ route: `${spec.method} ${spec.path}`, spec })));

function rowsOf({ route, spec }: (typeof protectedRoutes)[number]): Row[] {
  const scoped = paramsOf(spec.path).some((name) => (tenantScopedParams as readonly string[]).includes(name));
  return callers
    .filter((caller) => !caller.viaCookie || unsafe(spec.method))
    .flatMap((caller) => (scoped ? targets : [undefined]).map((target) => {
      const expected = due(spec, caller, target);
      const outcome = expected.status === 'allowed' ? String(fixtures[route]?.allowed ?? 'not 401/403') : String(expected.status);
      return { name: `${route} × ${caller.name}${target ? ` × ${target.name}` : ''} → ${outcome}`, route, spec, caller, target, due: expected };
    }));
}

const matrix = protectedRoutes.map((entry) => ({ ...entry, rows: rowsOf(entry) }));
const executed = new Set<string>();

// ---- The runtime and the people in it --------------------------------------------------------

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let db: DynamoDBDocumentClient;
const otherTenantId = 'tenant-lain';
const otherTenantKey = `tte_${randomUUID().replaceAll('-', '')}-matrix-other-tenant`;
const integratorKeys = {
  signing: `key_matrix.${randomUUID()}`, users: `key_matrix.${randomUUID()}`, other: `key_matrix.${randomUUID()}`,
};
const siti = { ...sitiAminah, email: 'siti.aminah@contoh.go.id' };
const sitiPassword = 'Rahasia-Siti-2025!';

const auth: Partial<Record<string, Credentials>> = {};
const logins: Record<Person, { email: string; password: string; secrets: string[] }> = {
  user: { email: siti.email, password: sitiPassword, secrets: [] },
  verifier: { email: '', password: '', secrets: [] },
  operator: { email: '', password: '', secrets: [] },
};
const ids: Record<TenantScopedParam, Record<Target['tenant'], string>> = {
  userId: { own: '', other: '' }, requestId: { own: '', other: '' }, tenantId: { own: '', other: '' },
};

function authOf(caller: Caller): Credentials {
  const credentials = auth[caller.name];
  if (!credentials) throw new Error(`No credentials for ${caller.name}`);
  return credentials;
}

const freshSession = (person: Person) => people.logIn(logins[person].email, logins[person].password, logins[person].secrets);

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  const at = new Date().toISOString();
  const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: runtime.tableName, Item: item }));
  await put({ ...keys.tenant(otherTenantId), tenantId: otherTenantId, name: 'Dinas Lain', organizationName: 'Dinas Lain', emailDomains: ['lain.go.id'], createdAt: at });
  await put({ ...keys.apiKey(hashApiKey(otherTenantKey)), keyHash: hashApiKey(otherTenantKey), actorId: 'verifier-lain', role: 'VERIFIER', tenantId: otherTenantId, label: 'matrix', createdAt: at });
  const integrator = (apiKey: string, tenantId: string, scopes: ApiKeyScope[]) =>
    put({ ...keys.apiKey(hashApiKey(apiKey)), keyHash: hashApiKey(apiKey), actorId: apiKey.split('.')[0], role: 'INTEGRATOR', tenantId, scopes, label: 'matrix', createdAt: at });
  await integrator(integratorKeys.signing, runtime.seed.tenant.tenantId, ['signing']);
  await integrator(integratorKeys.users, runtime.seed.tenant.tenantId, ['users']);
  await integrator(integratorKeys.other, otherTenantId, ['users', 'signing']);
  const { verifier, operator } = runtime.seed;
  Object.assign(logins.verifier, { email: verifier.email, password: verifier.password, secrets: [verifier.totpSecret] });
  Object.assign(logins.operator, { email: operator.email, password: operator.password, secrets: [operator.totpSecret] });

  const invite = async (key: string, email: string) => {
    const created = await people.send('POST', '/v1/users', { auth: { key }, body: { fullName: 'Pegawai Sasaran', email } });
    expect(created.status).toBe(201);
    return String(created.body.userId);
  };
  const [user, verifierSession, operatorSession, ownInvitee, otherInvitee] = await Promise.all([
    people.activeCivilServant(siti, sitiPassword),
    freshSession('verifier'),
    freshSession('operator'),
    invite(verifier.apiKey, 'sasaran@contoh.go.id'),
    invite(otherTenantKey, 'sasaran@lain.go.id'),
  ]);
  const userSession = user.session.sessionToken;
  // A second phone, so the throwaway login of the logout row has a code ready at once.
  const spare = await people.addDevice({ bearer: userSession }, 'Ponsel cadangan');
  logins.user.secrets.push(...user.secrets, spare.secret);

  Object.assign(auth, {
    'no credential': {},
    'user session': { bearer: userSession },
    'user cookie without CSRF': { cookie: userSession },
    'verifier API key': { key: verifier.apiKey },
    'verifier session': { bearer: verifierSession.sessionToken },
    'operator session': { bearer: operatorSession.sessionToken },
    'operator API key': { key: operator.apiKey },
    "other tenant's verifier API key": { key: otherTenantKey },
    'integrator signing key': { key: integratorKeys.signing },
    'integrator users key': { key: integratorKeys.users },
    "other tenant's integrator key": { key: integratorKeys.other },
  });

  // Device requests waiting for a selfie: Siti's (asked for over HTTP) and one of the other tenant.
  expect((await people.send('POST', '/v1/otp-device-requests', { body: { email: siti.email } })).status).toBe(202);
  const waiting = await people.send('GET', '/v1/otp-device-requests?status=AWAITING_SELFIE', { auth: { key: verifier.apiKey } });
  const otherRequest = randomUUID();
  await put(deviceRequestItem({
    requestId: otherRequest, userId: otherInvitee, tenantId: otherTenantId, kind: 'ADD_DEVICE', status: 'AWAITING_SELFIE', createdAt: at, updatedAt: at, version: 1,
  }));
  Object.assign(ids, {
    userId: { own: ownInvitee, other: otherInvitee },
    requestId: { own: String(waiting.body.items[0].requestId), other: otherRequest },
    tenantId: { own: runtime.seed.tenant.tenantId, other: otherTenantId },
  });
});

afterAll(async () => {
  db?.destroy();
  await runtime?.shutdown();
});

// ---- "Nothing was written" -------------------------------------------------------------------

// The outbox dispatcher marks earlier rows' e-mails sent at any time, and a session check may
// slide the session's idle expiry: those fields alone are left out of the comparison.
// (Sending also drops the address and data, and counts EMAIL_SENT for the tenant it bills: those
// counters are left out whole, as a new e-mail shows as its outbox item anyway.)
const outboxDelivery = [
  'status', 'leaseUntil', 'attempts', 'sentAt', 'providerMessageId', 'ttl', 'gsi1pk', 'gsi1sk', 'sealedData', 'lastError', 'to', 'data',
  // What the dispatcher and SES's reports (delivery status) add to a message in the background.
  'userId', 'tenantId', 'subject', 'delivery', 'deliveryRank', 'suppressedAt',
];
const sessionTouch = ['lastSeenAt', 'idleExpiresAt'];
const isEmailCount = (item: Record<string, unknown>) => String(item.pk).startsWith('USAGE#') && String(item.sk).endsWith('#EMAIL_SENT');

function canonical(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, canonical(inner)]));
  }
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

async function tableFingerprint(): Promise<Set<string>> {
  const items = await allTableItems(db, runtime.tableName);
  return new Set(items.filter((item) => !isEmailCount(item) && !isEmailDeliveryRecord(item)).map((item) => {
    const pk = String(item.pk);
    const ignored = pk.startsWith('OUTBOX#') ? outboxDelivery : pk.startsWith('SESSION#') && item.sk === 'SESSION' ? sessionTouch : [];
    const kept = Object.fromEntries(Object.entries(item).filter(([name]) => !ignored.includes(name)));
    return JSON.stringify(canonical(kept));
  }));
}

const difference = (a: Set<string>, b: Set<string>) => [...a].filter((entry) => !b.has(entry));

/** The table as the last refused row left it: still the table as long as nothing was called since. */
let untouched: Set<string> | undefined;

// ---- The matrix ------------------------------------------------------------------------------

function fillPath(row: Row, given: Record<string, string>): string {
  return row.spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (given[name] !== undefined) return encodeURIComponent(given[name]);
    // A link purpose is a closed list, not an id: a valid one, so the row tests access, not validation.
    if (name === 'purpose') return 'activate';
    if ((tenantScopedParams as readonly string[]).includes(name) && row.target) return encodeURIComponent(ids[name as TenantScopedParam][row.target.tenant]);
    // A well-formed id nobody holds: the route must answer it as unknown, not as malformed.
    return name === 'serial' ? randomBytes(16).toString('hex') : `matriks-${randomUUID()}`;
  });
}

// Tuples with %s: vitest shortens strings interpolated from objects ($name), not these.
describe.each(matrix.map((entry) => [entry.route, entry.rows] as const))('%s', (_route, rows) => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    executed.add(row.name);
    const fixture = fixtures[row.route] ?? {};
    const prepared = row.due.status === 'allowed' && fixture.prepare ? await fixture.prepare(row) : undefined;
    if (prepared) untouched = undefined;
    const path = fillPath(row, prepared?.params ?? {});
    const body = prepared?.body ?? fixture.body?.(row);
    const csv = fixture.csv?.(row);

    const before = untouched ?? await tableFingerprint();
    untouched = undefined;
    const answer = await people.send(row.spec.method, path, {
      auth: prepared?.auth ?? authOf(row.caller),
      ...(csv !== undefined ? { raw: { body: csv, contentType: 'text/csv' } } : body !== undefined ? { body } : {}),
    });
    const seen = `${answer.status} ${answer.text.slice(0, 300)}`;

    if ([401, 403, 404].includes(answer.status)) {
      const after = await tableFingerprint();
      expect({ added: difference(after, before), removed: difference(before, after) }, `${seen}: nothing may be written`).toEqual({ added: [], removed: [] });
      untouched = after;
    }
    if (row.due.status === 'allowed') {
      expect([401, 403], seen).not.toContain(answer.status);
      expect(answer.status, seen).toBeLessThan(500);
      if (fixture.allowed !== undefined) expect(answer.status, seen).toBe(fixture.allowed);
    } else if (row.due.status === 404) {
      expect(answer.status, seen).toBe(404);
      expect(answer.body.code, seen).toMatch(/NOT_FOUND$/);
    } else if (row.spec.errorRenderer) {
      // The BSrE paths answer in BSrE's body: the status is ours, the code theirs (2001).
      expect([answer.status, answer.body.status_code], seen).toEqual([row.due.status, 2001]);
    } else {
      expect([answer.status, answer.body.code], seen).toEqual([row.due.status, row.due.code]);
    }
  });
});

describe('beyond the generated rows', () => {
  it("a person's own-device route does not reach another person's device (404, nothing written)", async () => {
    untouched = undefined;
    const before = await tableFingerprint();
    const staffDevice = await people.send('DELETE', '/v1/me/devices/staff-verifier-contoh-device', { auth: authOf(callers[1]!) });
    expect([staffDevice.status, staffDevice.body.code]).toEqual([404, 'DEVICE_NOT_FOUND']);
    const userDevices = await people.send('GET', '/v1/me/devices', { auth: authOf(callers[1]!) });
    const sitiDevice = String(userDevices.body.items[0].deviceId);
    const byVerifier = await people.send('DELETE', `/v1/me/devices/${sitiDevice}`, { auth: authOf(callers[4]!) });
    expect([byVerifier.status, byVerifier.body.code]).toEqual([404, 'DEVICE_NOT_FOUND']);
    const after = await tableFingerprint();
    expect({ added: difference(after, before), removed: difference(before, after) }).toEqual({ added: [], removed: [] });
  });

  it('the "nothing was written" fingerprint does see a write (it is not blind)', async () => {
    untouched = undefined;
    const before = await tableFingerprint();
    expect((await people.send('POST', '/v1/me/device-setups', { auth: authOf(callers[1]!) })).status).toBe(201);
    const after = await tableFingerprint();
    expect(difference(after, before).map((entry) => JSON.parse(entry).sk)).toEqual([expect.stringMatching(/^DEVICESETUP#/)]);
    expect(difference(before, after)).toEqual([]);
  });

  it('covered every non-public route of every route table, with every caller', () => {
    const nonPublic = routeTables.reduce((count, table) => count + Object.values(table.routes).filter((spec) => spec.access !== 'public').length, 0);
    expect(matrix).toHaveLength(nonPublic);
    expect(new Set(matrix.map((entry) => entry.route)).size).toBe(nonPublic);
    for (const { route, spec, rows } of matrix) {
      const expectedCallers = callers.filter((caller) => !caller.viaCookie || unsafe(spec.method)).length;
      const perCaller = paramsOf(spec.path).some((name) => (tenantScopedParams as readonly string[]).includes(name)) ? targets.length : 1;
      expect(rows, route).toHaveLength(expectedCallers * perCaller);
      for (const row of rows) expect(executed.has(row.name), row.name).toBe(true);
    }
    // A route nobody may call would test nothing but refusals.
    for (const { route, rows } of matrix) expect(rows.some((row) => row.due.status === 'allowed'), route).toBe(true);
  });
});

import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTables } from '../../functions/route-tables.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import type { RouteSpec } from '../../shared/http/route.js';
import { allTableItems, bootLocalRuntime, isEmailDeliveryRecord } from './runtime.js';
import { buildWorld, nobodysId, type Runtime, type Side, type World } from './isolation-world.js';

/**
 * Tenants apart, cell by cell: every route of the route tables (the API, the BSrE paths and the
 * pages) × every kind of caller of both agencies × records of their own agency, of the other one
 * and of nobody. authorization-matrix.test.ts checks each API route's roles and scopes with the
 * demo tenant's callers; this file adds the other agency's people, the pages (which call the API
 * with the browser's cookie), HTTP Basic on the BSrE paths, and reads every answer for the other
 * agency's names, addresses and ids.
 */

// ---- Who calls ------------------------------------------------------------------------------

type Role = 'USER' | 'VERIFIER' | 'OPERATOR' | 'VERIFIER_KEY' | 'USERS_KEY' | 'SIGNING_KEY' | 'NONE';
interface Caller { name: string; role: Role; side?: Side }

const callers: readonly Caller[] = [
  { name: 'no credential', role: 'NONE' },
  ...(['own', 'other'] as const).flatMap((side) => [
    { name: `${side} USER session`, role: 'USER', side },
    { name: `${side} VERIFIER session`, role: 'VERIFIER', side },
    { name: `${side} verifier API key`, role: 'VERIFIER_KEY', side },
    { name: `${side} integrator key (users)`, role: 'USERS_KEY', side },
    { name: `${side} integrator key (signing)`, role: 'SIGNING_KEY', side },
  ] satisfies Caller[]),
  { name: 'OPERATOR session', role: 'OPERATOR' },
];
const sessionRoles: readonly Role[] = ['USER', 'VERIFIER', 'OPERATOR'];
/** What a browser can carry to a page: a cookie, or nothing a page reads (an API key). */
const pageCallers = callers.filter((caller) => caller.role === 'NONE' || sessionRoles.includes(caller.role) || (caller.role === 'VERIFIER_KEY' && caller.side === 'own'));

// ---- At what ----------------------------------------------------------------------------------

/** Path parameters naming one agency's record, and which record of the world each names. */
const scopedParams: Record<string, (world: World, side: Side) => string> = {
  userId: (world, side) => world.records.invitee[side],
  tenantId: (world, side) => world.tenantId[side],
  requestId: (world, side) => world.records.deviceRequest[side],
  id: (world, side) => world.records.dataChange[side],
  keyId: (world, side) => world.signingKey[side].keyId,
  deviceId: (world, side) => world.records.device[side],
};
const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\+?\}/g)].map((match) => match[1]!);
const scopedOf = (path: string) => paramsOf(path).filter((name) => name in scopedParams);

/**
 * own / other: every scoped parameter of that agency; nobody: well-formed ids that name nothing;
 * mixed (paths with two): the first of the caller's agency, the rest of the other agency.
 */
type Target = 'own' | 'other' | 'nobody' | 'mixed' | 'mixed-nobody';
/** The cell a cross-tenant one must answer like: nobody's id in the same place. */
const unknownTwin = (target: Target): Target => (target === 'mixed' ? 'mixed-nobody' : 'nobody');

interface Cell { route: string; spec: RouteSpec; caller: Caller; target?: Target }

const homeOf = (caller: Caller): Side | undefined => caller.side;
const flip = (side: Side): Side => (side === 'own' ? 'other' : 'own');

function fillPath(world: World, cell: Cell): string {
  const home = homeOf(cell.caller) ?? 'own';
  const scoped = scopedOf(cell.spec.path);
  return cell.spec.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const index = scoped.indexOf(name);
    if (index >= 0 && cell.target) {
      if (cell.target === 'nobody' || (cell.target === 'mixed-nobody' && index > 0)) return nobodysId();
      const side: Side = cell.target === 'mixed' || cell.target === 'mixed-nobody' ? (index === 0 ? home : flip(home)) : cell.target === 'own' ? home : flip(home);
      return encodeURIComponent(scopedParams[name]!(world, side));
    }
    // A closed list (a link's purpose): its first value, read from the route's own schema.
    const options = (cell.spec.params?.shape[name] as { options?: readonly string[] } | undefined)?.options;
    if (options?.length) return encodeURIComponent(options[0]!);
    if (name === 'serial') return randomBytes(16).toString('hex');
    if (name === 'period') return new Date().toISOString().slice(0, 7);
    if (name === 'nik') return '7271019999999999';
    if (name === 'documentId' || name === 'id_dokumen') return `${nobodysId()}.1`;
    return `matriks-${randomBytes(6).toString('hex')}`;
  });
}

const targetsOf = (spec: RouteSpec): (Target | undefined)[] => {
  const scoped = scopedOf(spec.path);
  if (scoped.length === 0) return [undefined];
  return scoped.length > 1 ? ['own', 'other', 'nobody', 'mixed', 'mixed-nobody'] : ['own', 'other', 'nobody'];
};

// ---- The runtime --------------------------------------------------------------------------------

let runtime: Runtime;
let world: World;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  world = await buildWorld(runtime);
}, 120_000);

afterAll(async () => {
  db?.destroy();
  await runtime?.shutdown();
});

// ---- Calling ----------------------------------------------------------------------------------

interface Sent { status: number; contentType: string; location: string; text: string; json: Record<string, any> }

function headersOf(caller: Caller, asPage: boolean): Record<string, string> {
  if (caller.role === 'NONE') return {};
  const side = caller.side ?? 'own';
  const session = caller.role === 'USER' ? world.user[side].session : caller.role === 'VERIFIER' ? world.verifier[side].session : caller.role === 'OPERATOR' ? world.operator.session : undefined;
  if (session) return asPage ? { cookie: `tte_session=${session.sessionToken}` } : { authorization: `Bearer ${session.sessionToken}`, 'x-csrf-token': session.csrfToken };
  const key = caller.role === 'VERIFIER_KEY' ? world.verifierKey[side] : caller.role === 'USERS_KEY' ? world.usersKey[side].apiKey : world.signingKey[side].apiKey;
  return { 'x-api-key': key };
}

const csrfOf = (caller: Caller) => {
  const side = caller.side ?? 'own';
  return caller.role === 'USER' ? world.user[side].session.csrfToken : caller.role === 'VERIFIER' ? world.verifier[side].session.csrfToken : caller.role === 'OPERATOR' ? world.operator.session.csrfToken : undefined;
};

async function send(method: string, path: string, headers: Record<string, string>, body?: { type: string; data: string | FormData }): Promise<Sent> {
  const response = await fetch(`${runtime.api}${path}`, {
    method, redirect: 'manual',
    headers: { ...headers, ...(body && typeof body.data === 'string' ? { 'content-type': body.type } : {}) },
    ...(body ? { body: body.data } : {}),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let json: Record<string, any> = {};
  if (/json/.test(contentType) && text) json = JSON.parse(text) as Record<string, any>;
  return { status: response.status, contentType, location: response.headers.get('location') ?? '', text, json };
}

/** Runs `tasks` at most `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

// ---- "Nothing was written", "nothing leaked" -------------------------------------------------

// Fields the service moves on by itself in the background (the outbox dispatcher, SES's reports,
// a session's sliding idle expiry): left out, as in authorization-matrix.test.ts.
const backgroundFields = ['status', 'leaseUntil', 'attempts', 'sentAt', 'providerMessageId', 'ttl', 'gsi1pk', 'gsi1sk', 'sealedData', 'lastError', 'to', 'data',
  'userId', 'tenantId', 'subject', 'delivery', 'deliveryRank', 'suppressedAt'];
const sessionTouch = ['lastSeenAt', 'idleExpiresAt'];

async function fingerprint(): Promise<Set<string>> {
  const items = await allTableItems(db, runtime.tableName);
  return new Set(items
    .filter((item) => !(String(item.pk).startsWith('USAGE#') && String(item.sk).endsWith('#EMAIL_SENT')) && !isEmailDeliveryRecord(item))
    .map((item) => {
      const pk = String(item.pk);
      const ignored = pk.startsWith('OUTBOX#') ? backgroundFields : pk.startsWith('SESSION#') ? sessionTouch : [];
      return JSON.stringify(Object.entries(item).filter(([name]) => !ignored.includes(name)).sort(([a], [b]) => a.localeCompare(b)), (_key, value: unknown) =>
        (value instanceof Set ? [...value].sort() : value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value));
    }));
}

async function expectUnchanged(before: Set<string>, what: string) {
  const after = await fingerprint();
  const added = [...after].filter((entry) => !before.has(entry));
  const removed = [...before].filter((entry) => !after.has(entry));
  expect({ added, removed }, `${what}: nothing may be written`).toEqual({ added: [], removed: [] });
}

/**
 * After reads: the only new items are audit entries of a profile or personal data viewed by someone
 * of the same agency (or an operator), and a person's own device setup (the "add a device" page).
 */
async function expectOnlyOwnReads(before: Set<string>, what: string) {
  const tenantOfActor = new Map<string, string>([['verifier-tenant-lain', world.tenantId.other], ['staff-operator', 'platform']]);
  for (const side of ['own', 'other'] as const) {
    for (const id of [world.user[side].userId, world.verifier[side].userId, world.signingKey[side].keyId, world.usersKey[side].keyId]) tenantOfActor.set(id, world.tenantId[side]);
  }
  const after = await fingerprint();
  const added = [...after].filter((entry) => !before.has(entry)).map((entry) => Object.fromEntries(JSON.parse(entry) as [string, unknown][]));
  const removed = [...before].filter((entry) => !after.has(entry));
  const unexpected = added.filter((item) => {
    const sk = String(item.sk);
    if (sk.startsWith('DEVICESETUP#')) return false;
    if (!sk.startsWith('AUDIT#') || !['PROFILE_VIEWED', 'PERSONAL_DATA_EXPORTED'].includes(String(item.action))) return true;
    return item.actorRole !== 'OPERATOR' && tenantOfActor.get(String(item.actorId)) !== item.tenantId;
  });
  expect({ unexpected, removed }, `${what}: only own reads audited`).toEqual({ unexpected: [], removed: [] });
}

/** The strings of agencies the caller does not belong to, that the request itself did not carry. */
function foreignMarkers(caller: Caller, request: string): string[] {
  if (caller.role === 'OPERATOR') return [];
  const sides: Side[] = caller.side ? [flip(caller.side)] : ['own', 'other'];
  return sides.flatMap((side) => world.markers[side]).filter((marker) => !request.includes(marker) && !request.includes(encodeURIComponent(marker)));
}

const leaks: string[] = [];
/** Answers that showed the caller's own agency's strings: the check can see what it looks for. */
let ownSeen = 0;
function checkLeak(cell: Cell, path: string, answer: Sent, sentBody = '') {
  if (cell.caller.side && world.markers[cell.caller.side].some((marker) => !path.includes(marker) && answer.text.includes(marker))) ownSeen += 1;
  const found = foreignMarkers(cell.caller, `${path} ${sentBody}`).filter((marker) => answer.text.includes(marker));
  if (found.length > 0) leaks.push(`${cell.route} × ${cell.caller.name}${cell.target ? ` × ${cell.target}` : ''} (${path}) → ${answer.status} shows ${found.join(', ')}`);
}

const crossesTenants = (cell: Cell) => cell.target !== undefined && cell.caller.role !== 'OPERATOR' && cell.caller.side !== undefined && (cell.target === 'other' || cell.target === 'mixed');

/** ISOLATION_DUMP=<file>: every cell's answer, one line each (to read the matrix, not to test it). */
const dump = (line: string) => {
  if (process.env.ISOLATION_DUMP) appendFileSync(process.env.ISOLATION_DUMP, line);
};

const h1Of = (text: string) => /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(text)?.[1]?.trim() ?? '';

// ---- The pages ----------------------------------------------------------------------------------

const webTable = routeTables.find((table) => table.context === 'web')!;
const pageRoutes = Object.values(webTable.routes).map((spec) => ({ route: `${spec.method} ${spec.path}`, spec }));
const pageCells = (method: string) => pageRoutes.filter(({ spec }) => spec.method === method)
  .flatMap(({ route, spec }) => pageCallers.flatMap((caller) => targetsOf(spec).map((target) => ({ route, spec, caller, target }) satisfies Cell)));

/** A page's answer, kept by route, caller and target for the comparisons. */
const pageAnswers = new Map<string, Sent & { path: string }>();
const keyOf = (cell: Pick<Cell, 'route' | 'caller' | 'target'>) => `${cell.route}|${cell.caller.name}|${cell.target ?? ''}`;

function expectAPageAnswer(cell: Cell, answer: Sent & { path: string }) {
  const seen = `${cell.route} × ${cell.caller.name} × ${cell.target ?? '-'} → ${answer.status} ${answer.location} ${h1Of(answer.text)}`;
  expect(answer.status, seen).toBeLessThan(500);
  if (answer.status === 303 || answer.status === 302) {
    expect(answer.location, seen).toMatch(/^\/web(\/|$|\?)/);
  } else if (!(answer.status === 200 && cell.spec.method === 'GET' && !/text\/html/.test(answer.contentType))) {
    // Everything a browser gets back is a page in Indonesian; a 200 GET may be a download (PEM, JSON).
    expect(answer.contentType, seen).toContain('text/html');
    expect(answer.text, seen).toContain('<html lang="id"');
  }
  const signedIn = sessionRoles.includes(cell.caller.role);
  // Without a session a page that needs one sends the browser to log in (an API key is no login).
  if (!signedIn && answer.status === 303 && cell.spec.method === 'GET' && /\/web\/login/.test(answer.location)) expect(answer.location, seen).toMatch(/^\/web\/login\?lanjut=%2Fweb/);
  if (!signedIn) expect(answer.status, seen).not.toBe(403);
}

describe('the pages (functions/web) with the browser cookie of each agency\'s people', () => {
  it('GET: every page × caller × record of their agency, the other agency, nobody', async () => {
    const cells = pageCells('GET');
    const before = await fingerprint();
    await inParallel(cells, 16, async (cell) => {
      const path = fillPath(world, cell);
      const answer = { ...(await send('GET', path, headersOf(cell.caller, true))), path };
      pageAnswers.set(keyOf(cell), answer);
      dump(`PAGE ${cell.route} | ${cell.caller.name} | ${cell.target} | ${answer.status} ${answer.location} ${h1Of(answer.text)}\n`);
      expectAPageAnswer(cell, answer);
      checkLeak(cell, path, answer);
    });
    for (const cell of cells) {
      const answer = pageAnswers.get(keyOf(cell))!;
      const seen = `${cell.route} × ${cell.caller.name} × ${cell.target ?? '-'} → ${answer.status} ${h1Of(answer.text)}`;
      const signedIn = sessionRoles.includes(cell.caller.role);
      if (!signedIn || !cell.target) continue;
      const nobody = pageAnswers.get(keyOf({ ...cell, target: unknownTwin(cell.target) }))!;
      if (crossesTenants(cell)) {
        // Another agency's record is as unknown as one that does not exist: same status, same page.
        expect([answer.status, h1Of(answer.text)], seen).toEqual([nobody.status, h1Of(nobody.text)]);
        expect([403, 404], seen).toContain(answer.status);
      } else if (cell.target === 'own' && nobody.status === 404 && (cell.caller.role === 'OPERATOR' || cell.caller.role === 'VERIFIER')) {
        // The caller's own agency's record is found where nobody's is not.
        expect(answer.status, seen).not.toBe(404);
      }
    }
    // Reading a page writes nothing but the audit of what the reader saw and a device setup of their own.
    await expectOnlyOwnReads(before, 'GET pages');
    expect(cells.length).toBeGreaterThan(400);
  }, 120_000);

  it('the operator pages and another agency\'s console refuse a verifier; a USER gets no console', () => {
    const at = (route: string, caller: string, target?: Target) => pageAnswers.get(`${route}|${caller}|${target ?? ''}`)!.status;
    // Derived from the operator-only API routes: a page that lists tenants or sets prices.
    expect(at('GET /web/console/tenants', 'own VERIFIER session')).toBe(403);
    expect(at('GET /web/console/prices', 'other VERIFIER session')).toBe(403);
    expect(at('GET /web/console/tenants/{tenantId}', 'own VERIFIER session', 'other')).toBe(404);
    expect(at('GET /web/console/tenants/{tenantId}', 'OPERATOR session', 'other')).toBe(200);
    expect(at('GET /web/console/users/{userId}', 'other VERIFIER session', 'other')).toBe(404);
    expect(at('GET /web/console/users/{userId}', 'own VERIFIER session', 'own')).toBe(200);
    expect(at('GET /web/console/users/{userId}', 'own USER session', 'own')).toBe(403);
    expect(at('GET /web/console', 'other USER session')).toBe(403);
    expect(at('GET /web/me', 'no credential')).toBe(303);
    expect(at('GET /web/me', 'own verifier API key')).toBe(303);
  });

  // Fields a decision or a mode form needs, so a post at another agency's record gets as far as the
  // API's lookup (the forms that take none ignore them, or answer 422 before calling anything).
  const formFields = { decision: 'APPROVE', selfApplication: 'CLOSED' };

  it('POST: every form of another agency\'s record, of nobody\'s, and every form without a session or whose page refuses the caller', async () => {
    const refusedPage = (cell: Cell) => {
      const page = pageAnswers.get(keyOf({ route: `GET ${cell.spec.path}`, caller: cell.caller, target: cell.target }));
      return page !== undefined && page.status === 403;
    };
    const cells = pageCells('POST').filter((cell) => !sessionRoles.includes(cell.caller.role)
      || cell.target === 'other' || cell.target === 'nobody' || cell.target === 'mixed' || cell.target === 'mixed-nobody' || (cell.target === undefined && refusedPage(cell)))
      // Operators work for every agency: their posts at a record act on it (the console tests cover them).
      .filter((cell) => !(cell.caller.role === 'OPERATOR' && cell.target !== 'nobody' && cell.target !== undefined));
    const before = await fingerprint();
    const answers = new Map<string, Sent>();
    await inParallel(cells, 16, async (cell) => {
      const path = fillPath(world, cell);
      const csrf = csrfOf(cell.caller);
      const multipart = [cell.spec.bodyType].flat().includes('multipart/form-data');
      let body: { type: string; data: string | FormData };
      if (multipart) {
        const form = new FormData();
        if (csrf) form.set('csrfToken', csrf);
        body = { type: 'multipart/form-data', data: form };
      } else {
        body = { type: 'application/x-www-form-urlencoded', data: new URLSearchParams({ ...formFields, ...(csrf ? { csrfToken: csrf } : {}) }).toString() };
      }
      const answer = await send('POST', path, headersOf(cell.caller, true), body);
      answers.set(keyOf(cell), answer);
      dump(`PAGE ${cell.route} | ${cell.caller.name} | ${cell.target} | ${answer.status} ${answer.location} ${h1Of(answer.text)}\n`);
      expectAPageAnswer(cell, { ...answer, path });
      checkLeak(cell, path, answer, typeof body.data === 'string' ? body.data : '');
    });
    for (const cell of cells) {
      const answer = answers.get(keyOf(cell))!;
      const seen = `${cell.route} × ${cell.caller.name} × ${cell.target ?? '-'} → ${answer.status} ${answer.location} ${h1Of(answer.text)}`;
      if (crossesTenants(cell)) {
        const nobody = answers.get(keyOf({ ...cell, target: unknownTwin(cell.target!) }))!;
        expect([answer.status, h1Of(answer.text)], seen).toEqual([nobody.status, h1Of(nobody.text)]);
      }
      if (cell.target === undefined && sessionRoles.includes(cell.caller.role)) expect(answer.status, seen).toBe(403);
    }
    // Not one of these posts may change anything: each was refused or found nothing to act on.
    await expectUnchanged(before, 'POST pages');
    expect(cells.length).toBeGreaterThan(150);
  }, 120_000);
});

// ---- The API -------------------------------------------------------------------------------------

/**
 * Bodies that pass validation, so a call at another agency's record gets as far as looking it up
 * (and, were isolation broken, would act on it: the table check would see it). Routes not named
 * here take no body or answer the same to `{}`.
 */
const validBodies: Record<string, unknown> = {
  'PATCH /v1/tenants/{tenantId}': { verifierContacts: [{ name: 'Verifikator Matriks', phone: '081234567890' }] },
  'POST /v1/data-change-requests/{id}/decision': { decision: 'APPROVE' },
  'POST /v1/otp-device-requests/{requestId}/decision': { decision: 'APPROVE' },
  'POST /v1/tenants/{tenantId}/api-keys': { name: 'Kunci matriks', scopes: ['signing'] },
  'POST /v1/users/{userId}/certificates/{serial}/revocation': { reason: 'affiliationChanged' },
  'POST /v1/users/{userId}/compromise': { reason: 'Uji matriks isolasi' },
  'POST /v1/users/{userId}/data-change-requests': { position: 'Jabatan Matriks', reason: 'Uji matriks isolasi' },
  'POST /v1/users/{userId}/decision': { decision: 'APPROVE' },
  'POST /v1/tenants/{tenantId}/verifiers': { fullName: 'Verifikator Matriks', email: 'verifikator.matriks@lain.go.id' },
};

const apiRoutes = routeTables.filter((table) => table.context !== 'web')
  .flatMap((table) => Object.values(table.routes).filter((spec) => spec.access !== 'public').map((spec) => ({ route: `${spec.method} ${spec.path}`, spec })));

describe('the API with both agencies\' callers', () => {
  it('a record of another agency is as unknown as nobody\'s, for every route, caller and method, and nothing is written', async () => {
    const cells = apiRoutes.flatMap(({ route, spec }) => callers.filter((caller) => caller.role !== 'NONE' && caller.role !== 'OPERATOR')
      .flatMap((caller) => targetsOf(spec).filter((target) => target !== undefined && target !== 'own')
        .map((target) => ({ route, spec, caller, target }) satisfies Cell)));
    const before = await fingerprint();
    const answers = new Map<string, Sent>();
    await inParallel(cells, 16, async (cell) => {
      const path = fillPath(world, cell);
      const json = ['POST', 'PUT', 'PATCH'].includes(cell.spec.method) && ![cell.spec.bodyType].flat().some((type) => type && type !== 'application/json');
      const answer = await send(cell.spec.method, path, headersOf(cell.caller, false), json ? { type: 'application/json', data: JSON.stringify(validBodies[cell.route] ?? {}) } : undefined);
      answers.set(keyOf(cell), answer);
      dump(`API ${cell.route} | ${cell.caller.name} | ${cell.target} | ${answer.status} ${answer.json.code ?? answer.json.status_code ?? ''}\n`);
      checkLeak(cell, path, answer);
    });
    for (const cell of cells) {
      if (cell.target === 'nobody' || cell.target === 'mixed-nobody') continue;
      const answer = answers.get(keyOf(cell))!;
      const nobody = answers.get(keyOf({ ...cell, target: unknownTwin(cell.target!) }))!;
      const seen = `${cell.route} × ${cell.caller.name} × ${cell.target} → ${answer.status} ${answer.text.slice(0, 200)}`;
      expect(answer.status, seen).toBeLessThan(500);
      // Same answer as for an id nobody holds (the role and scope refusals come first, the same for both).
      expect([answer.status, answer.json.code ?? answer.json.status_code], seen).toEqual([nobody.status, nobody.json.code ?? nobody.json.status_code]);
      // Refused for the role or scope, or not found: never a validation answer that stops short of the lookup.
      expect([403, 404], seen).toContain(answer.status);
    }
    await expectUnchanged(before, 'cross-tenant API calls');
    expect(cells.length).toBeGreaterThan(300);
  }, 120_000);

  it('every read of every route, by every caller, at every record: no other agency\'s name, address or id in the answer', async () => {
    const cells = apiRoutes.filter(({ spec }) => spec.method === 'GET')
      .flatMap(({ route, spec }) => callers.flatMap((caller) => targetsOf(spec).map((target) => ({ route, spec, caller, target }) satisfies Cell)));
    const before = await fingerprint();
    let allowed = 0;
    await inParallel(cells, 16, async (cell) => {
      const path = fillPath(world, cell);
      const answer = await send('GET', path, headersOf(cell.caller, false));
      expect(answer.status, `${cell.route} × ${cell.caller.name} → ${answer.status} ${answer.text.slice(0, 200)}`).toBeLessThan(500);
      if (answer.status < 300) allowed += 1;
      dump(`READ ${cell.route} | ${cell.caller.name} | ${cell.target} | ${answer.status}\n`);
      checkLeak(cell, path, answer);
    });
    await expectOnlyOwnReads(before, 'API reads');
    // The check is not blind: a good share of the reads answered with data.
    expect(allowed).toBeGreaterThan(30);
  }, 120_000);
});

// ---- The BSrE paths ------------------------------------------------------------------------------

const bsreRoutes = apiRoutes.filter(({ spec }) => spec.errorRenderer !== undefined);
const basic = (keyId: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${keyId}:${secret}`).toString('base64')}` });

describe('the BSrE paths with HTTP Basic', () => {
  type Signer = 'own' | 'other' | 'nobody';
  interface BsreCell { route: string; spec: RouteSpec; credential: string; signer: Signer }
  const credentials = ['own signing key', 'other signing key', 'own users key', 'wrong secret', 'none'] as const;
  const cells: BsreCell[] = bsreRoutes.flatMap(({ route, spec }) => credentials.flatMap((credential) =>
    (['own', 'other', 'nobody'] as const).map((signer) => ({ route, spec, credential, signer }))));

  const headerFor = (credential: string): Record<string, string> => {
    if (credential === 'own signing key') return basic(world.signingKey.own.keyId, world.signingKey.own.secret);
    if (credential === 'other signing key') return basic(world.signingKey.other.keyId, world.signingKey.other.secret);
    if (credential === 'own users key') return basic(world.usersKey.own.keyId, world.usersKey.own.secret);
    if (credential === 'wrong secret') return basic(world.signingKey.own.keyId, randomBytes(32).toString('base64url'));
    return {};
  };
  // Nobody's address is in the domain of the agency the key does not belong to, as a crossing signer's is.
  const signerOf = (signer: Signer, credential: string) => (signer === 'nobody' ? { nik: '7271019999999999', email: `tidak.ada@${credential.startsWith('other') ? 'contoh' : 'lain'}.go.id` }
    : { nik: signer === 'own' ? '7271015503850001' : '7271010101900003', email: world.user[signer].email });

  it('refuse without the right key, in BSrE\'s body; a signer of another agency is as unknown as nobody; nothing leaks or is written', async () => {
    const answers = new Map<string, Sent>();
    const key = (cell: Pick<BsreCell, 'route' | 'credential' | 'signer'>) => `${cell.route}|${cell.credential}|${cell.signer}`;
    const before = await fingerprint();
    await inParallel(cells, 12, async (cell) => {
      const who = signerOf(cell.signer, cell.credential);
      const path = cell.spec.path.replace('{nik}', who.nik).replace('{id_dokumen}', `${nobodysId()}.1`);
      let body: { type: string; data: string | FormData } | undefined;
      if ([cell.spec.bodyType].flat().includes('multipart/form-data')) {
        const form = new FormData();
        form.set('nik', who.nik);
        form.set('passphrase', 'Passphrase-Salah-1!');
        form.set('file', new Blob([Buffer.from('%PDF-1.7\n')], { type: 'application/pdf' }), 'surat.pdf');
        form.set('signed_file', new Blob([Buffer.from('%PDF-1.7\n')], { type: 'application/pdf' }), 'surat.pdf');
        body = { type: 'multipart/form-data', data: form };
      } else if (cell.spec.method === 'POST') {
        const fields = cell.route.includes('check/status') ? { email: who.email }
          : cell.route.includes('verify') ? { file: Buffer.from('%PDF-1.7\n').toString('base64') }
            : { email: who.email, passphrase: 'Passphrase-Salah-1!', file: [Buffer.from('%PDF-1.7\n').toString('base64')] };
        body = { type: 'application/json', data: JSON.stringify(fields) };
      }
      const answer = await send(cell.spec.method, path, headerFor(cell.credential), body);
      answers.set(key(cell), answer);
      dump(`BSRE ${cell.route} | ${cell.credential} | ${cell.signer} | ${answer.status} ${answer.text.slice(0, 150)}\n`);
      const caller: Caller = cell.credential.startsWith('other') ? { name: cell.credential, role: 'SIGNING_KEY', side: 'other' }
        : cell.credential === 'none' || cell.credential === 'wrong secret' ? { name: cell.credential, role: 'NONE' } : { name: cell.credential, role: 'SIGNING_KEY', side: 'own' };
      checkLeak({ route: cell.route, spec: cell.spec, caller }, path, answer, typeof body?.data === 'string' ? body.data : '');
    });
    // The verification paths count a VERIFICATION for the key's agency when they answer: those
    // calls are the only ones allowed to write (and are left to the usage tests).
    for (const cell of cells) {
      const answer = answers.get(key(cell))!;
      const seen = `${cell.route} × ${cell.credential} × signer ${cell.signer} → ${answer.status} ${answer.text.slice(0, 200)}`;
      expect(answer.status, seen).toBeLessThan(500);
      if (answer.status >= 400) expect(answer.json, seen).toMatchObject({ error: expect.any(String), status_code: expect.any(Number) });
      if (cell.credential === 'none' || cell.credential === 'wrong secret') expect([answer.status, answer.json.status_code], seen).toEqual([401, 2001]);
      if (cell.credential === 'own users key') expect([answer.status, answer.json.status_code], seen).toEqual([403, 2001]);
      if (cell.credential.endsWith('signing key') && cell.signer !== 'nobody') {
        // A signer of another agency: the very answer a NIK or e-mail nobody holds gets.
        const crosses = (cell.credential === 'own signing key') !== (cell.signer === 'own');
        const nobody = answers.get(key({ ...cell, signer: 'nobody' }))!;
        if (crosses) expect([answer.status, answer.json.status_code, answer.json.status], seen).toEqual([nobody.status, nobody.json.status_code, nobody.json.status]);
      }
    }
    // Not blind: where the path or body names a signer, the key's own agency's person is found where nobody is.
    for (const { route } of bsreRoutes.filter(({ spec }) => !/verify|download/.test(spec.path))) {
      for (const side of ['own', 'other'] as const) {
        const credential = `${side} signing key`;
        const mine = answers.get(key({ route, credential, signer: side }))!;
        const nobody = answers.get(key({ route, credential, signer: 'nobody' }))!;
        expect(mine.text, `${route} × ${credential}`).not.toBe(nobody.text);
      }
    }
    const after = await fingerprint();
    const written = [...after].filter((entry) => !before.has(entry)).map((entry) => JSON.parse(entry) as [string, unknown][])
      .map((fields) => String(Object.fromEntries(fields).pk));
    expect(written.filter((pk) => !pk.startsWith('USAGE#')), 'only usage counters of the verifications').toEqual([]);
    expect(cells.length).toBe(bsreRoutes.length * credentials.length * 3);
  }, 120_000);
});

describe('the matrix', () => {
  it('found nothing of one agency in any answer to another agency\'s callers (nor to anonymous ones)', () => {
    expect(leaks).toEqual([]);
  });

  it('is made from the route tables: every page, every non-public API route, every BSrE path', () => {
    const all = routeTables.flatMap((table) => Object.values(table.routes));
    expect(pageRoutes.length + apiRoutes.length + all.filter((spec) => spec.access === 'public' && !spec.path.startsWith('/web')).length).toBe(all.length);
    expect(bsreRoutes.map(({ route }) => route).sort()).toEqual(all.filter((spec) => spec.path.startsWith('/api/')).map((spec) => `${spec.method} ${spec.path}`).sort());
    // The leak check is not blind: an agency's caller does see its own agency's strings.
    expect(ownSeen).toBeGreaterThan(50);
  });
});

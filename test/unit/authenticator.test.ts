import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/domain/errors.js';
import { hashToken } from '../../shared/domain/tokens.js';
import { Authenticator, hashApiKey, newApiKey, newIntegratorKey } from '../../shared/http/auth.js';
import { isLive } from '../../shared/domain/sessions.js';
import type { Access, CredentialKind } from '../../shared/http/route.js';
import type { SessionRecord } from '../../shared/ports/accounts.js';
import type { ApiKeyRecord } from '../../shared/ports/tenants.js';

const START = new Date('2026-11-22T03:00:00.000Z');
const MINUTE = 60_000;
const IDLE_MINUTES = 30;
const iso = (ms: number) => new Date(START.getTime() + ms).toISOString();

const USER_TOKEN = 'dXNlci1zZXNzaW9uLXRva2VuLWZvci11bml0LXRlc3Rz';
const OTHER_TOKEN = 'b3RoZXItc2Vzc2lvbi10b2tlbi1mb3ItdW5pdC10ZXN0';
const VERIFIER_KEY = 'tte_verifier-key-for-authenticator-tests';
const INTEGRATOR_KEY = 'tte_integrator-key-for-authenticator-tests';

const sessionOf = (token: string, overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  sessionHash: hashToken(token),
  userId: 'user-1',
  tenantId: 'tenant-a',
  role: 'USER',
  csrfToken: `csrf-of-${token.slice(0, 8)}`,
  createdAt: iso(-MINUTE),
  lastSeenAt: iso(-MINUTE + 1),
  idleExpiresAt: iso(IDLE_MINUTES * MINUTE),
  absoluteExpiresAt: iso(12 * 60 * MINUTE),
  ...overrides,
});

const keyRecord = (apiKey: string, overrides: Partial<ApiKeyRecord>): ApiKeyRecord => ({
  keyHash: hashApiKey(apiKey), label: 'test', createdAt: iso(-MINUTE), actorId: 'actor', role: 'VERIFIER', tenantId: 'tenant-a', ...overrides,
});

type Route = { access: Access; credentials?: readonly CredentialKind[] };
const ownPages: Route = { access: ['USER', 'VERIFIER', 'OPERATOR'], credentials: ['session'] };
const verifierApi: Route = { access: ['VERIFIER'] };
const anyone: Route = { access: ['USER', 'VERIFIER', 'INTEGRATOR'] };
const keysOnly: Route = { access: ['INTEGRATOR', 'VERIFIER'], credentials: ['apiKey'] };
const publicRoute: Route = { access: 'public' };

let now: Date;
let sessions: Map<string, SessionRecord>;
let apiKeys: Map<string, ApiKeyRecord>;
let store: {
  findSession: ReturnType<typeof vi.fn<(hash: string) => Promise<SessionRecord | undefined>>>;
  touchSession: ReturnType<typeof vi.fn<(hash: string, lastSeenAt: string, idleExpiresAt: string) => Promise<void>>>;
};
let directory: { findApiKey: ReturnType<typeof vi.fn<(hash: string) => Promise<ApiKeyRecord | undefined>>> };
let authenticator: Authenticator;

const clock = { now: () => now };
const advance = (ms: number) => { now = new Date(now.getTime() + ms); };
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

beforeEach(() => {
  now = START;
  sessions = new Map([[hashToken(USER_TOKEN), sessionOf(USER_TOKEN)]]);
  apiKeys = new Map([
    [hashApiKey(VERIFIER_KEY), keyRecord(VERIFIER_KEY, { actorId: 'verifier-1', role: 'VERIFIER' })],
    [hashApiKey(INTEGRATOR_KEY), keyRecord(INTEGRATOR_KEY, { actorId: 'system-1', role: 'INTEGRATOR', tenantId: 'tenant-b' })],
  ]);
  store = {
    findSession: vi.fn(async (hash: string) => sessions.get(hash)),
    touchSession: vi.fn(async () => undefined),
  };
  directory = { findApiKey: vi.fn(async (hash: string) => apiKeys.get(hash)) };
  authenticator = new Authenticator({ apiKeys: directory, sessions: { store, idleMinutes: IDLE_MINUTES }, clock });
});

describe('which credential is used', () => {
  it('a Bearer session token: the session\'s user, not via cookie, looked up by the token\'s hash only', async () => {
    const result = await authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` });
    expect(result).toEqual({
      actor: { actorId: 'user-1', role: 'USER', tenantId: 'tenant-a' },
      session: { sessionHash: hashToken(USER_TOKEN), csrfToken: sessionOf(USER_TOKEN).csrfToken, viaCookie: false },
    });
    expect(store.findSession).toHaveBeenCalledWith(hashToken(USER_TOKEN));
    expect(JSON.stringify(store.findSession.mock.calls)).not.toContain(USER_TOKEN);
  });

  it.each(['Bearer', 'bearer', 'BEARER'])('accepts the %s scheme in any case', async (scheme) => {
    const result = await authenticator.authenticate(ownPages, { authorization: `${scheme} ${USER_TOKEN}` });
    expect(result?.actor.actorId).toBe('user-1');
  });

  it('the session cookie: the same session, marked as via cookie (so state changes need the CSRF token)', async () => {
    const result = await authenticator.authenticate(ownPages, { cookie: `theme=dark; tte_session=${USER_TOKEN}` });
    expect(result?.actor).toEqual({ actorId: 'user-1', role: 'USER', tenantId: 'tenant-a' });
    expect(result?.session).toMatchObject({ sessionHash: hashToken(USER_TOKEN), viaCookie: true });
  });

  it('an API key: its actor, no session', async () => {
    const result = await authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY });
    expect(result).toEqual({ actor: { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-a' } });
    expect(directory.findApiKey).toHaveBeenCalledWith(hashApiKey(VERIFIER_KEY));
    expect(store.findSession).not.toHaveBeenCalled();
  });

  it('Bearer comes before the cookie: a request with both is not cookie-authenticated', async () => {
    sessions.set(hashToken(OTHER_TOKEN), sessionOf(OTHER_TOKEN, { userId: 'user-2' }));
    const result = await authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}`, cookie: `tte_session=${OTHER_TOKEN}` });
    expect(result?.actor.actorId).toBe('user-1');
    expect(result?.session?.viaCookie).toBe(false);
    expect(store.findSession).toHaveBeenCalledTimes(1);
  });

  it('Bearer comes before an API key', async () => {
    const result = await authenticator.authenticate(anyone, { authorization: `Bearer ${USER_TOKEN}`, 'x-api-key': VERIFIER_KEY });
    expect(result?.actor.actorId).toBe('user-1');
    expect(directory.findApiKey).not.toHaveBeenCalled();
  });

  it('an API key comes before the cookie (the cookie is not even read)', async () => {
    const result = await authenticator.authenticate(anyone, { 'x-api-key': VERIFIER_KEY, cookie: `tte_session=${USER_TOKEN}` });
    expect(result).toEqual({ actor: { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-a' } });
    expect(store.findSession).not.toHaveBeenCalled();
  });

  it('an unknown Bearer token is refused even when a valid cookie is present', async () => {
    await expect(authenticator.authenticate(ownPages, { authorization: `Bearer ${OTHER_TOKEN}`, cookie: `tte_session=${USER_TOKEN}` }))
      .rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('public routes authenticate nobody and look nothing up', async () => {
    await expect(authenticator.authenticate(publicRoute, { authorization: `Bearer ${USER_TOKEN}`, 'x-api-key': VERIFIER_KEY })).resolves.toBeUndefined();
    expect(store.findSession).not.toHaveBeenCalled();
    expect(directory.findApiKey).not.toHaveBeenCalled();
  });
});

describe('refusals', () => {
  it.each<[string, Route, Record<string, string>, string, number]>([
    ['no credentials at all', anyone, {}, 'UNAUTHENTICATED', 401],
    ['HTTP Basic on a native route', anyone, { authorization: 'Basic dXNlcjpwYXNz' }, 'UNAUTHENTICATED', 401],
    ['"Bearer" without a token', anyone, { authorization: 'Bearer ' }, 'UNAUTHENTICATED', 401],
    ['an unknown session token', ownPages, { authorization: `Bearer ${OTHER_TOKEN}` }, 'UNAUTHENTICATED', 401],
    ['an unknown session cookie', ownPages, { cookie: `tte_session=${OTHER_TOKEN}` }, 'UNAUTHENTICATED', 401],
    ['an empty session cookie', ownPages, { cookie: 'tte_session=' }, 'UNAUTHENTICATED', 401],
    ['an unknown API key', verifierApi, { 'x-api-key': 'tte_unknown' }, 'UNAUTHENTICATED', 401],
    ['an empty API key', verifierApi, { 'x-api-key': '' }, 'UNAUTHENTICATED', 401],
    ['an API key on a session-only route', ownPages, { 'x-api-key': VERIFIER_KEY }, 'FORBIDDEN', 403],
    ['a Bearer session on an API-key-only route', keysOnly, { authorization: `Bearer ${USER_TOKEN}` }, 'FORBIDDEN', 403],
    ['a session cookie on an API-key-only route', keysOnly, { cookie: `tte_session=${USER_TOKEN}` }, 'FORBIDDEN', 403],
    ['a user session on a verifier route', verifierApi, { authorization: `Bearer ${USER_TOKEN}` }, 'FORBIDDEN', 403],
    ['an integrator key on a verifier route', verifierApi, { 'x-api-key': INTEGRATOR_KEY }, 'FORBIDDEN', 403],
  ])('%s → %s', async (_case, route, headers, code, status) => {
    const failure = await rejection(authenticator.authenticate(route, headers));
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code, status });
  });

  it('refuses a credential kind the route does not take before looking it up', async () => {
    await rejection(authenticator.authenticate(ownPages, { 'x-api-key': VERIFIER_KEY }));
    await rejection(authenticator.authenticate(keysOnly, { authorization: `Bearer ${USER_TOKEN}` }));
    expect(directory.findApiKey).not.toHaveBeenCalled();
    expect(store.findSession).not.toHaveBeenCalled();
  });

  it('refuses overlong tokens and keys without a lookup', async () => {
    const long = 'a'.repeat(201);
    await expect(authenticator.authenticate(ownPages, { authorization: `Bearer ${long}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate(ownPages, { cookie: `tte_session=${long}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate(verifierApi, { 'x-api-key': long })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.findSession).not.toHaveBeenCalled();
    expect(directory.findApiKey).not.toHaveBeenCalled();
  });

  it('a function without a session store refuses session tokens (401) but still takes API keys', async () => {
    const keysOnlyFunction = new Authenticator({ apiKeys: directory, clock });
    await expect(keysOnlyFunction.authenticate(anyone, { authorization: `Bearer ${USER_TOKEN}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(keysOnlyFunction.authenticate(anyone, { cookie: `tte_session=${USER_TOKEN}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(keysOnlyFunction.authenticate(anyone, { 'x-api-key': VERIFIER_KEY })).resolves.toMatchObject({ actor: { actorId: 'verifier-1' } });
  });
});

describe('session expiry', () => {
  it.each<[string, Partial<SessionRecord>, boolean]>([
    ['idle and absolute ends ahead', {}, true],
    ['idle end 1 ms ahead', { idleExpiresAt: iso(1) }, true],
    ['idle end reached exactly now', { idleExpiresAt: iso(0) }, false],
    ['idle end passed', { idleExpiresAt: iso(-1) }, false],
    ['absolute end 1 ms ahead', { absoluteExpiresAt: iso(1) }, true],
    ['absolute end reached, idle end still ahead', { absoluteExpiresAt: iso(0), idleExpiresAt: iso(10 * MINUTE) }, false],
    ['absolute end passed, idle end still ahead', { absoluteExpiresAt: iso(-MINUTE), idleExpiresAt: iso(10 * MINUTE) }, false],
  ])('%s → live %s', async (_case, overrides, live) => {
    sessions.set(hashToken(USER_TOKEN), sessionOf(USER_TOKEN, overrides));
    expect(isLive(sessionOf(USER_TOKEN, overrides), now)).toBe(live);
    const outcome = authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` });
    if (live) await expect(outcome).resolves.toMatchObject({ actor: { actorId: 'user-1' } });
    else await expect(outcome).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('an expired session is not touched (its idle end is never slid back to life)', async () => {
    sessions.set(hashToken(USER_TOKEN), sessionOf(USER_TOKEN, { lastSeenAt: iso(-40 * MINUTE), idleExpiresAt: iso(-10 * MINUTE) }));
    await rejection(authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` }));
    expect(store.touchSession).not.toHaveBeenCalled();
  });

  it('a session ended elsewhere (logout, disable) stops at once: sessions are not cached', async () => {
    await authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` });
    sessions.delete(hashToken(USER_TOKEN));
    await expect(authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('sliding the idle expiry', () => {
  it.each([
    ['seen 1 s ago', -1_000],
    ['seen exactly 60 s ago', -MINUTE],
  ])('does not write when %s', async (_case, lastSeenOffset) => {
    sessions.set(hashToken(USER_TOKEN), sessionOf(USER_TOKEN, { lastSeenAt: iso(lastSeenOffset) }));
    await authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` });
    expect(store.touchSession).not.toHaveBeenCalled();
  });

  it('after more than a minute, moves the idle end to now + idle minutes and records the time seen', async () => {
    sessions.set(hashToken(USER_TOKEN), sessionOf(USER_TOKEN, { lastSeenAt: iso(-MINUTE - 1) }));
    await authenticator.authenticate(ownPages, { cookie: `tte_session=${USER_TOKEN}` });
    expect(store.touchSession).toHaveBeenCalledExactlyOnceWith(hashToken(USER_TOKEN), iso(0), iso(IDLE_MINUTES * MINUTE));
  });

  it('never slides the idle end beyond the absolute end', async () => {
    sessions.set(hashToken(USER_TOKEN), sessionOf(USER_TOKEN, { lastSeenAt: iso(-5 * MINUTE), absoluteExpiresAt: iso(10 * MINUTE) }));
    await authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` });
    expect(store.touchSession).toHaveBeenCalledExactlyOnceWith(hashToken(USER_TOKEN), iso(0), iso(10 * MINUTE));
  });

  it('keeps a session alive while used at least every idle period, and ends it at the absolute end', async () => {
    const record = sessionOf(USER_TOKEN, { lastSeenAt: iso(0), idleExpiresAt: iso(IDLE_MINUTES * MINUTE), absoluteExpiresAt: iso(2 * 60 * MINUTE) });
    sessions.set(record.sessionHash, record);
    // The fake store applies touches like DynamoDB would.
    store.touchSession.mockImplementation(async (hash, lastSeenAt, idleExpiresAt) => {
      const found = sessions.get(hash);
      if (found) sessions.set(hash, { ...found, lastSeenAt, idleExpiresAt });
    });
    for (let minute = 25; minute < 120; minute += 25) {
      now = new Date(START.getTime() + minute * MINUTE);
      await expect(authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` })).resolves.toBeDefined();
    }
    expect(sessions.get(record.sessionHash)?.idleExpiresAt).toBe(iso(2 * 60 * MINUTE));
    now = new Date(START.getTime() + 2 * 60 * MINUTE);
    await expect(authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a session left idle longer than the idle period ends', async () => {
    advance(IDLE_MINUTES * MINUTE);
    await expect(authenticator.authenticate(ownPages, { authorization: `Bearer ${USER_TOKEN}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('API key cache', () => {
  it('looks a key up once per 30 s per container', async () => {
    await authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY });
    advance(29_999);
    await authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY });
    expect(directory.findApiKey).toHaveBeenCalledTimes(1);
    advance(1);
    await authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY });
    expect(directory.findApiKey).toHaveBeenCalledTimes(2);
  });

  it('a revoked key stops working within 30 s', async () => {
    await authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY });
    apiKeys.delete(hashApiKey(VERIFIER_KEY));
    advance(29_999);
    await expect(authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY })).resolves.toBeDefined();
    advance(1);
    await expect(authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('caches unknown keys too (a guessing client costs one lookup per key and 30 s)', async () => {
    await rejection(authenticator.authenticate(verifierApi, { 'x-api-key': 'tte_unknown' }));
    await rejection(authenticator.authenticate(verifierApi, { 'x-api-key': 'tte_unknown' }));
    expect(directory.findApiKey).toHaveBeenCalledTimes(1);
  });

  it('keeps keys apart: one key\'s entry never answers for another', async () => {
    await authenticator.authenticate(verifierApi, { 'x-api-key': VERIFIER_KEY });
    const integrator = await authenticator.authenticate(anyone, { 'x-api-key': INTEGRATOR_KEY });
    expect(integrator?.actor).toEqual({ actorId: 'system-1', role: 'INTEGRATOR', tenantId: 'tenant-b' });
    expect(directory.findApiKey).toHaveBeenCalledTimes(2);
  });

  it('the role check still applies to a cached key', async () => {
    await authenticator.authenticate(anyone, { 'x-api-key': INTEGRATOR_KEY });
    await expect(authenticator.authenticate(verifierApi, { 'x-api-key': INTEGRATOR_KEY })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(directory.findApiKey).toHaveBeenCalledTimes(1);
  });
});

describe('API key format', () => {
  it('new keys are prefixed, 256-bit random, and stored only as a SHA-256 hex digest', () => {
    const key = newApiKey();
    expect(key).toMatch(/^tte_[A-Za-z0-9_-]{43}$/);
    expect(newApiKey()).not.toBe(key);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(4));
    // Known answer (sha256sum of the UTF-8 text): other tools can compute the same lookup key.
    expect(hashApiKey('tte_abc')).toBe('b1097512c350535f8d3eb93ac52398ec87a173cf1bb23e78d0ab1e609a8c6827');
  });
});

describe('integrator keys: scopes and HTTP Basic', () => {
  const signingRoute = { access: ['USER', 'VERIFIER', 'INTEGRATOR'], apiKeyScope: 'signing' } as const;
  const usersRoute = { access: ['VERIFIER', 'INTEGRATOR'], apiKeyScope: 'users' } as const;
  const unscopedRoute = { access: ['VERIFIER', 'INTEGRATOR'] } as const;
  let key: ReturnType<typeof newIntegratorKey>;

  beforeEach(() => {
    key = newIntegratorKey();
    apiKeys.set(hashApiKey(key.apiKey), keyRecord(key.apiKey, { actorId: key.keyId, role: 'INTEGRATOR', tenantId: 'tenant-a', scopes: ['signing'] }));
  });

  it('a new key is an id and a 256-bit secret, joined for x-api-key', () => {
    expect(key.keyId).toMatch(/^key_[A-Za-z0-9_-]{12}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.apiKey).toBe(`${key.keyId}.${key.secret}`);
  });

  it('answers the same caller for x-api-key and for HTTP Basic keyId:secret', async () => {
    const viaHeader = await authenticator.authenticate(signingRoute, { 'x-api-key': key.apiKey });
    const basic = `Basic ${Buffer.from(`${key.keyId}:${key.secret}`).toString('base64')}`;
    const viaBasic = await authenticator.authenticate(signingRoute, { authorization: basic });
    expect(viaBasic).toEqual(viaHeader);
    expect(viaBasic?.actor).toEqual({ actorId: key.keyId, role: 'INTEGRATOR', tenantId: 'tenant-a', scopes: ['signing'] });
    const wrongSecret = `Basic ${Buffer.from(`${key.keyId}:${key.secret}x`).toString('base64')}`;
    await expect(authenticator.authenticate(signingRoute, { authorization: wrongSecret })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('works only where the route names one of its scopes', async () => {
    await expect(authenticator.authenticate(usersRoute, { 'x-api-key': key.apiKey })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(authenticator.authenticate(unscopedRoute, { 'x-api-key': key.apiKey })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it("a person's own key acts in their role anywhere but signing", async () => {
    await expect(authenticator.authenticate(usersRoute, { 'x-api-key': VERIFIER_KEY })).resolves.toBeDefined();
    await expect(authenticator.authenticate(unscopedRoute, { 'x-api-key': VERIFIER_KEY })).resolves.toBeDefined();
    await expect(authenticator.authenticate(signingRoute, { 'x-api-key': VERIFIER_KEY })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // In their own session they sign.
    await expect(authenticator.authenticate(signingRoute, { authorization: `Bearer ${USER_TOKEN}` })).resolves.toBeDefined();
  });
});

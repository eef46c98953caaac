import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { hashToken } from '../../shared/domain/tokens.js';
import { Authenticator } from '../../shared/http/auth.js';
import { defineRoutes, type Reply, type RouteActions } from '../../shared/http/route.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { createLogger } from '../../shared/logger.js';
import type { SessionRecord } from '../../shared/ports/accounts.js';

// A signed-in user's own routes, as the accounts context declares them: sessions only.
const routes = defineRoutes('csrf-test', {
  renameDevice: {
    method: 'POST',
    path: '/v1/me/devices/{deviceId}/name',
    summary: 'Rename a device',
    access: ['USER'],
    credentials: ['session'],
    params: z.strictObject({ deviceId: z.string() }),
    body: z.strictObject({ name: z.string().min(1).max(40) }),
    responses: { 200: { description: 'Renamed' } },
  },
  me: {
    method: 'GET',
    path: '/v1/me',
    summary: 'Who am I',
    access: ['USER'],
    credentials: ['session'],
    responses: { 200: { description: 'Me' } },
  },
  removeDevice: {
    method: 'DELETE',
    path: '/v1/me/devices/{deviceId}',
    summary: 'Remove a device',
    access: ['USER'],
    credentials: ['session'],
    params: z.strictObject({ deviceId: z.string() }),
    responses: { 204: { description: 'Removed' } },
  },
});

const NOW = new Date('2026-11-22T03:00:00.000Z');
const TOKEN = 'c2Vzc2lvbi10b2tlbi1mb3ItY3NyZi10ZXN0cy0wMTIz';
const OTHER_TOKEN = 'YW5vdGhlci1zZXNzaW9uLWZvci1jc3JmLXRlc3RzLTAx';
const CSRF = 'Q1NSRi10b2tlbi1vZi10aGUtc2Vzc2lvbi0wMTIzNDU2';
const OTHER_CSRF = 'b3RoZXItc2Vzc2lvbnMtQ1NSRi10b2tlbi0wMTIzNDU2';

const session = (token: string, csrfToken: string, userId: string): SessionRecord => ({
  sessionHash: hashToken(token), userId, tenantId: 'tenant-a', role: 'USER', csrfToken,
  createdAt: NOW.toISOString(), lastSeenAt: NOW.toISOString(),
  idleExpiresAt: new Date(NOW.getTime() + 30 * 60_000).toISOString(),
  absoluteExpiresAt: new Date(NOW.getTime() + 12 * 3600_000).toISOString(),
});

const lambdaContext = { awsRequestId: 'aws-request-1', getRemainingTimeInMillis: () => 30_000 } as Context;

function apiEvent(input: { method: string; resource: string; path?: string; headers?: Record<string, string>; body?: string | null; pathParameters?: Record<string, string> }): APIGatewayProxyEvent {
  return {
    resource: input.resource,
    path: input.path ?? input.resource,
    httpMethod: input.method,
    headers: input.headers ?? {},
    multiValueHeaders: {},
    body: input.body ?? null,
    isBase64Encoded: false,
    pathParameters: input.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'req-csrf', identity: { sourceIp: '203.0.113.9' } } as APIGatewayProxyEvent['requestContext'],
  };
}

const cookie = (token = TOKEN) => ({ Cookie: `lang=id; tte_session=${token}` });
const bearer = (token = TOKEN) => ({ Authorization: `Bearer ${token}` });

const rename = (credentials: Record<string, string>, body: unknown, extraHeaders: Record<string, string> = {}) => apiEvent({
  method: 'POST',
  resource: '/v1/me/devices/{deviceId}/name',
  path: '/v1/me/devices/dev-1/name',
  pathParameters: { deviceId: 'dev-1' },
  headers: { 'Content-Type': 'application/json', ...credentials, ...extraHeaders },
  body: JSON.stringify(body),
});
const getMe = (credentials: Record<string, string>) => apiEvent({ method: 'GET', resource: '/v1/me', headers: credentials });
const removeDevice = (credentials: Record<string, string>) => apiEvent({
  method: 'DELETE', resource: '/v1/me/devices/{deviceId}', path: '/v1/me/devices/dev-1', pathParameters: { deviceId: 'dev-1' }, headers: credentials,
});

let actions: {
  renameDevice: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['renameDevice']>>;
  me: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['me']>>;
  removeDevice: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['removeDevice']>>;
};
let handler: HttpHandler;
const call = (event: APIGatewayProxyEvent) => handler(event, lambdaContext);

const header = (response: APIGatewayProxyResult, name: string) =>
  Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

function expectCsrfRefusal(response: APIGatewayProxyResult) {
  expect(response.statusCode).toBe(403);
  expect(header(response, 'content-type')).toBe('application/problem+json');
  expect(JSON.parse(response.body)).toMatchObject({ status: 403, code: 'CSRF_TOKEN_INVALID' });
}

beforeEach(() => {
  const sessions = new Map([
    [hashToken(TOKEN), session(TOKEN, CSRF, 'user-1')],
    [hashToken(OTHER_TOKEN), session(OTHER_TOKEN, OTHER_CSRF, 'user-2')],
  ]);
  const store = { findSession: vi.fn(async (hash: string) => sessions.get(hash)), touchSession: vi.fn(async () => undefined) };
  const authenticator = new Authenticator({
    apiKeys: { findApiKey: vi.fn(async () => undefined) },
    sessions: { store, idleMinutes: 30 },
    clock: { now: () => NOW },
  });
  actions = {
    renameDevice: vi.fn(async (request): Promise<Reply> => ({ status: 200, body: { body: request.body, by: request.actor.actorId } })),
    me: vi.fn(async (request): Promise<Reply> => ({ status: 200, body: { userId: request.actor.actorId } })),
    removeDevice: vi.fn(async (): Promise<Reply> => ({ status: 204 })),
  };
  const logger = createLogger('csrf-test');
  logger.setLogLevel('SILENT');
  handler = createHttpHandler(routes, actions, { authenticator, logger });
});

describe('CSRF: cookie-authenticated state changes need the session\'s token', () => {
  it('refuses a cookie POST without a token with 403 CSRF_TOKEN_INVALID, and the action never runs', async () => {
    expectCsrfRefusal(await call(rename(cookie(), { name: 'Ponsel kantor' })));
    expect(actions.renameDevice).not.toHaveBeenCalled();
  });

  it('passes a cookie POST with the token in the X-CSRF-Token header', async () => {
    const response = await call(rename(cookie(), { name: 'Ponsel kantor' }, { 'X-CSRF-Token': CSRF }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ body: { name: 'Ponsel kantor' }, by: 'user-1' });
    expect(actions.renameDevice).toHaveBeenCalledWith(expect.objectContaining({
      session: expect.objectContaining({ viaCookie: true, sessionHash: hashToken(TOKEN) }),
    }));
  });

  it('passes a cookie POST with the token as the body field csrfToken, which the route\'s strict schema never sees', async () => {
    const response = await call(rename(cookie(), { name: 'Ponsel kantor', csrfToken: CSRF }));
    expect(response.statusCode).toBe(200);
    const request = actions.renameDevice.mock.calls[0]?.[0];
    expect(request?.body).toEqual({ name: 'Ponsel kantor' });
    expect(request?.body).not.toHaveProperty('csrfToken');
  });

  it.each([
    ['a wrong token in the header', {}, { 'X-CSRF-Token': CSRF.replace(/.$/, 'x') }],
    ['another session\'s token in the header', {}, { 'X-CSRF-Token': OTHER_CSRF }],
    ['an empty header', {}, { 'X-CSRF-Token': '' }],
    ['a wrong token in the body', { csrfToken: OTHER_CSRF }, {}],
    ['a token that is not a string in the body', { csrfToken: 12345 }, {}],
    ['the session token itself instead of the CSRF token', {}, { 'X-CSRF-Token': TOKEN }],
  ])('refuses a cookie POST with %s', async (_case, bodyExtra, headers) => {
    expectCsrfRefusal(await call(rename(cookie(), { name: 'Ponsel kantor', ...bodyExtra }, headers)));
    expect(actions.renameDevice).not.toHaveBeenCalled();
  });

  it('checks the token before the body: an invalid body without a token is 403, not a validation error', async () => {
    expectCsrfRefusal(await call(rename(cookie(), { name: '', unexpected: true })));
  });

  it('refuses a cookie DELETE without a token and passes it with one', async () => {
    expectCsrfRefusal(await call(removeDevice(cookie())));
    expect(actions.removeDevice).not.toHaveBeenCalled();
    const response = await call(removeDevice({ ...cookie(), 'X-CSRF-Token': CSRF }));
    expect(response.statusCode).toBe(204);
  });

  it('passes a cookie GET without a token (reading changes nothing)', async () => {
    const response = await call(getMe(cookie()));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ userId: 'user-1' });
  });

  it('passes a Bearer POST without a token (a browser never sends it on its own)', async () => {
    const response = await call(rename(bearer(), { name: 'Ponsel kantor' }));
    expect(response.statusCode).toBe(200);
    expect(actions.renameDevice).toHaveBeenCalledWith(expect.objectContaining({ session: expect.objectContaining({ viaCookie: false }) }));
  });

  it('a Bearer token beside a cookie is what counts: no CSRF token needed', async () => {
    const response = await call(rename({ ...bearer(), ...cookie() }, { name: 'Ponsel kantor' }));
    expect(response.statusCode).toBe(200);
  });

  it('an unknown session cookie is 401, before any CSRF question', async () => {
    const response = await call(rename(cookie('dW5rbm93bi1zZXNzaW9uLXRva2VuLWZvci10ZXN0cy0x'), { name: 'x' }, { 'X-CSRF-Token': CSRF }));
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(actions.renameDevice).not.toHaveBeenCalled();
  });
});

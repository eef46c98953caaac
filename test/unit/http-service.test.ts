import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { Authenticator, hashApiKey } from '../../shared/http/auth.js';
import { defineRoutes, type Reply, type RouteActions } from '../../shared/http/route.js';
import { createHttpHandler, MAX_BODY_BYTES, type HttpHandler } from '../../shared/http/service.js';
import { createLogger } from '../../shared/logger.js';
import type { ApiKeyRecord } from '../../shared/ports/tenants.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { apiEvent, lambdaContext } from './support/api-event.js';

const routes = defineRoutes('test', {
  createThing: {
    method: 'POST',
    path: '/v1/things',
    summary: 'Create a thing',
    access: ['VERIFIER'],
    body: z.strictObject({ name: z.string().max(20), count: z.number().int(), note: z.string().optional() }),
    responses: { 201: { description: 'Created' } },
  },
  getThing: {
    method: 'GET',
    path: '/v1/things/{thingId}',
    summary: 'A thing, for anyone',
    access: 'public',
    params: z.strictObject({ thingId: z.string().min(3) }),
    query: z.strictObject({ limit: z.coerce.number().int().max(100).default(10) }),
    responses: { 200: { description: 'The thing' } },
  },
  importThings: {
    method: 'POST',
    path: '/v1/things/import',
    summary: 'Import things from CSV',
    access: ['VERIFIER'],
    bodyType: 'text/csv',
    responses: { 200: { description: 'Imported' } },
  },
});

const VERIFIER_KEY = 'tte_verifier-key-for-tests';
const INTEGRATOR_KEY = 'tte_integrator-key-for-tests';

const apiKeys: ApiKeyRecord[] = [
  { keyHash: hashApiKey(VERIFIER_KEY), label: 'verifier', createdAt: '2026-01-01T00:00:00Z', actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-a' },
  { keyHash: hashApiKey(INTEGRATOR_KEY), label: 'integrator', createdAt: '2026-01-01T00:00:00Z', actorId: 'system-1', role: 'INTEGRATOR', tenantId: 'tenant-a' },
];

const postThing = (body: string | null, headers: Record<string, string> = {}) => apiEvent({
  method: 'POST',
  resource: '/v1/things',
  headers: { 'Content-Type': 'application/json', 'x-api-key': VERIFIER_KEY, ...headers },
  body,
});

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors: { field: string; code: string; message: string }[];
}

const header = (response: APIGatewayProxyResult, name: string) =>
  Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

function problemOf(response: APIGatewayProxyResult): Problem {
  expect(header(response, 'content-type')).toBe('application/problem+json');
  return JSON.parse(response.body) as Problem;
}

let directory: { findApiKey: ReturnType<typeof vi.fn<(keyHash: string) => Promise<ApiKeyRecord | undefined>>> };
let actions: {
  createThing: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['createThing']>>;
  getThing: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['getThing']>>;
  importThings: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['importThings']>>;
};
let logger: ReturnType<typeof createLogger>;
let handler: HttpHandler;
const call = (event: APIGatewayProxyEvent) => handler(event, lambdaContext);

beforeEach(() => {
  directory = { findApiKey: vi.fn(async (keyHash: string) => apiKeys.find((key) => key.keyHash === keyHash)) };
  actions = {
    createThing: vi.fn(async (request): Promise<Reply> => ({ status: 201, body: { created: request.body, by: request.actor.actorId } })),
    getThing: vi.fn(async (request): Promise<Reply> => ({ status: 200, body: { thingId: request.params.thingId, limit: request.query.limit } })),
    importThings: vi.fn(async (request): Promise<Reply> => ({ status: 200, body: { lines: request.body.split('\n').length } })),
  };
  logger = createLogger('http-test');
  logger.setLogLevel('SILENT');
  handler = createHttpHandler(routes, actions, { authenticator: new Authenticator({ apiKeys: directory, clock: systemClock }), logger });
});

describe('successful requests', () => {
  it('passes the parsed body and the caller to the action and returns its JSON', async () => {
    const response = await call(postThing(JSON.stringify({ name: 'Laptop', count: 2 })));
    expect(response.statusCode).toBe(201);
    expect(header(response, 'content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({ created: { name: 'Laptop', count: 2 }, by: 'verifier-1' });
    expect(actions.createThing).toHaveBeenCalledWith(expect.objectContaining({
      actor: { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-a' },
      requestId: 'req-123',
      sourceIp: '203.0.113.9',
      language: 'id',
    }));
  });

  it('serves a public route without an API key, with path and query parameters parsed', async () => {
    const response = await call(apiEvent({
      method: 'GET', resource: '/v1/things/{thingId}', pathParameters: { thingId: 'abc-1' }, query: { limit: '5' },
    }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ thingId: 'abc-1', limit: 5 });
    expect(directory.findApiKey).not.toHaveBeenCalled();
  });

  it('applies query defaults', async () => {
    const response = await call(apiEvent({ method: 'GET', resource: '/v1/things/{thingId}', pathParameters: { thingId: 'abc' } }));
    expect(JSON.parse(response.body)).toEqual({ thingId: 'abc', limit: 10 });
  });

  it.each([
    ['plain', 'text/csv', false],
    ['with a charset', 'text/csv; charset=utf-8', false],
    ['base64-encoded', 'text/csv', true],
  ])('hands a CSV body (%s) to the action as text', async (_label, contentType, isBase64Encoded) => {
    const csv = 'fullName,email\nSiti Aminah,siti@contoh.go.id\nBudi,budi@contoh.go.id';
    const response = await call(apiEvent({
      method: 'POST',
      resource: '/v1/things/import',
      headers: { 'content-type': contentType, 'x-api-key': VERIFIER_KEY },
      body: isBase64Encoded ? Buffer.from(csv).toString('base64') : csv,
      isBase64Encoded,
    }));
    expect(response.statusCode).toBe(200);
    expect(actions.importThings.mock.calls[0]?.[0].body).toBe(csv);
  });

  it('sets the security headers', async () => {
    const response = await call(postThing(JSON.stringify({ name: 'Laptop', count: 2 })));
    expect(header(response, 'strict-transport-security')).toMatch(/max-age=\d+/);
    expect(header(response, 'x-content-type-options')).toBe('nosniff');
    expect(header(response, 'x-frame-options')).toBe('DENY');
    expect(header(response, 'cache-control')).toBe('no-store');
  });
});

describe('bad requests become problem+json', () => {
  it('rejects malformed JSON with 400 MALFORMED_REQUEST', async () => {
    const response = await call(postThing('{"name": "Laptop",'));
    expect(response.statusCode).toBe(400);
    expect(problemOf(response)).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST', instance: 'req-123' });
    expect(actions.createThing).not.toHaveBeenCalled();
  });

  it('refuses a body that tries to set __proto__', async () => {
    const response = await call(postThing('{"__proto__":{"isAdmin":true},"name":"Laptop","count":2}'));
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('MALFORMED_REQUEST');
    expect(actions.createThing).not.toHaveBeenCalled();
  });

  it.each([
    ['an unknown field', { name: 'Laptop', count: 2, isAdmin: true }, [{ field: 'isAdmin', code: 'UNKNOWN_FIELD' }]],
    ['a missing field', { name: 'Laptop' }, [{ field: 'count', code: 'REQUIRED' }]],
    ['a string that is too long', { name: 'L'.repeat(21), count: 1 }, [{ field: 'name', code: 'TOO_LONG' }]],
  ])('rejects %s with 422 VALIDATION_FAILED naming it', async (_label, body, errors) => {
    const response = await call(postThing(JSON.stringify(body)));
    expect(response.statusCode).toBe(422);
    const problem = problemOf(response);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map(({ field, code }) => ({ field, code }))).toEqual(errors);
    expect(actions.createThing).not.toHaveBeenCalled();
  });

  it.each([
    ['a field of the wrong type', JSON.stringify({ name: 'Laptop', count: 'two' }), [{ field: 'count', code: 'TYPE_INVALID' }]],
    ['an array where an object is expected', '[]', [{ field: 'body', code: 'TYPE_INVALID' }]],
    ['a JSON string literal', '"hello"', [{ field: 'body', code: 'TYPE_INVALID' }]],
  ])('reports %s as TYPE_INVALID, not REQUIRED', async (_label, body, errors) => {
    const response = await call(postThing(body));
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors.map(({ field, code }) => ({ field, code }))).toEqual(errors);
  });

  it('names every bad field at once', async () => {
    const response = await call(postThing(JSON.stringify({ name: 'L'.repeat(21), extra: 1 })));
    const fields = problemOf(response).errors.map(({ field, code }) => `${field}:${code}`);
    expect(fields).toEqual(expect.arrayContaining(['name:TOO_LONG', 'count:REQUIRED', 'extra:UNKNOWN_FIELD']));
    expect(fields).toHaveLength(3);
  });

  it('rejects a JSON route called without a body as REQUIRED', async () => {
    const response = await call(postThing(null));
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([expect.objectContaining({ field: 'body', code: 'REQUIRED' })]);
  });

  it('rejects a bad path parameter, naming it under params', async () => {
    const response = await call(apiEvent({ method: 'GET', resource: '/v1/things/{thingId}', pathParameters: { thingId: 'ab' } }));
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([expect.objectContaining({ field: 'params.thingId', code: 'VALUE_INVALID' })]);
  });

  it('rejects a bad query value, naming it under query', async () => {
    const response = await call(apiEvent({
      method: 'GET', resource: '/v1/things/{thingId}', pathParameters: { thingId: 'abc' }, query: { limit: '500' },
    }));
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([expect.objectContaining({ field: 'query.limit', code: 'VALUE_INVALID' })]);
  });

  it('rejects unknown query parameters', async () => {
    const response = await call(apiEvent({
      method: 'GET', resource: '/v1/things/{thingId}', pathParameters: { thingId: 'abc' }, query: { sort: 'asc' },
    }));
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([expect.objectContaining({ field: 'query.sort', code: 'UNKNOWN_FIELD' })]);
  });

  it('rejects a body on a route that takes none', async () => {
    const response = await call(apiEvent({
      method: 'GET',
      resource: '/v1/things/{thingId}',
      pathParameters: { thingId: 'abc' },
      headers: { 'content-type': 'application/json' },
      body: '{"sneaky":true}',
    }));
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([expect.objectContaining({ field: 'body', code: 'UNKNOWN_FIELD' })]);
  });

  it('rejects a body over 1 MB with 413 PAYLOAD_TOO_LARGE before parsing it', async () => {
    const body = JSON.stringify({ name: 'x', count: 1, note: 'n'.repeat(MAX_BODY_BYTES) });
    const response = await call(postThing(body));
    expect(response.statusCode).toBe(413);
    expect(problemOf(response).code).toBe('PAYLOAD_TOO_LARGE');
    expect(actions.createThing).not.toHaveBeenCalled();
  });

  it('counts the size in bytes, not characters', async () => {
    // 600 000 three-byte characters: under a million characters, over a megabyte.
    const response = await call(postThing(JSON.stringify({ name: 'x', count: 1, note: '€'.repeat(600_000) })));
    expect(response.statusCode).toBe(413);
  });

  it.each([
    ['text/plain on a JSON route', '/v1/things', 'text/plain', '{"name":"Laptop","count":2}'],
    ['form encoding on a JSON route', '/v1/things', 'application/x-www-form-urlencoded', 'name=Laptop&count=2'],
    ['JSON on the CSV route', '/v1/things/import', 'application/json', '{"fullName":"Siti"}'],
  ])('rejects %s with 415', async (_label, resource, contentType, body) => {
    const response = await call(apiEvent({
      method: 'POST', resource, headers: { 'content-type': contentType, 'x-api-key': VERIFIER_KEY }, body,
    }));
    expect(response.statusCode).toBe(415);
    expect(problemOf(response).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  // Known and accepted: a CSV body labelled application/json reaches the JSON parser first, so it
  // answers 400 MALFORMED_REQUEST rather than 415; either way nothing runs and the client is told.
  it('answers a CSV body mislabelled as JSON on the CSV route with a 4xx and runs nothing', async () => {
    const response = await call(apiEvent({
      method: 'POST', resource: '/v1/things/import', headers: { 'content-type': 'application/json', 'x-api-key': VERIFIER_KEY }, body: 'fullName,email\nSiti,siti@x.go.id',
    }));
    expect(response.statusCode).toBe(400);
    expect(actions.importThings).not.toHaveBeenCalled();
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const response = await call(apiEvent({ method: 'DELETE', resource: '/v1/things/{thingId}', pathParameters: { thingId: 'abc' } }));
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('authentication and roles', () => {
  const body = JSON.stringify({ name: 'Laptop', count: 2 });

  it.each([
    ['no API key', {}],
    ['an unknown API key', { 'x-api-key': 'tte_not-a-key' }],
    ['an absurdly long API key', { 'x-api-key': 'k'.repeat(201) }],
  ])('answers %s with 401 UNAUTHENTICATED', async (_label, headers: Record<string, string>) => {
    const event = postThing(body);
    event.headers = { 'content-type': 'application/json', ...headers };
    const response = await call(event);
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).code).toBe('UNAUTHENTICATED');
    expect(actions.createThing).not.toHaveBeenCalled();
  });

  it('finds the key whatever the case of the header name', async () => {
    const event = postThing(body);
    event.headers = { 'Content-Type': 'application/json', 'X-Api-Key': VERIFIER_KEY };
    expect((await call(event)).statusCode).toBe(201);
  });

  it('answers a caller in another role with 403 FORBIDDEN', async () => {
    const response = await call(postThing(body, { 'x-api-key': INTEGRATOR_KEY }));
    expect(response.statusCode).toBe(403);
    expect(problemOf(response).code).toBe('FORBIDDEN');
    expect(actions.createThing).not.toHaveBeenCalled();
  });

  it('looks a key up once and serves the next request from the cache', async () => {
    expect((await call(postThing(body))).statusCode).toBe(201);
    expect((await call(postThing(body))).statusCode).toBe(201);
    expect(directory.findApiKey).toHaveBeenCalledTimes(1);
    expect(directory.findApiKey).toHaveBeenCalledWith(hashApiKey(VERIFIER_KEY));
  });

  it('looks keys up by their hash only', async () => {
    await call(postThing(body));
    const [lookedUp] = directory.findApiKey.mock.calls[0] ?? [];
    expect(lookedUp).toMatch(/^[0-9a-f]{64}$/);
    expect(lookedUp).not.toContain(VERIFIER_KEY);
  });
});

describe('the language of the detail', () => {
  it.each([
    ['no Accept-Language', 'id', {}],
    ['Accept-Language: id-ID', 'id', { 'Accept-Language': 'id-ID,id;q=0.9' }],
    ['Accept-Language: en', 'en', { 'Accept-Language': 'en' }],
    ['Accept-Language: en-US first', 'en', { 'accept-language': 'en-US,en;q=0.9,id;q=0.8' }],
    ['Accept-Language: id first, en second', 'id', { 'accept-language': 'id, en;q=0.5' }],
  ])('with %s the detail is in %s', async (_label, language, headers: Record<string, string>) => {
    const response = await call(postThing(JSON.stringify({ name: 'Laptop' }), headers));
    const problem = problemOf(response);
    const expected = language === 'en'
      ? { detail: 'Some fields are not valid. Check the fields listed.', message: 'Required.' }
      : { detail: 'Data yang dikirim belum sesuai. Periksa isian yang ditandai.', message: 'Wajib diisi.' };
    expect(problem.detail).toBe(expected.detail);
    expect(problem.errors[0]?.message).toBe(expected.message);
    // The title stays English and stable whatever the language.
    expect(problem.title).toBe('Some fields are not valid. Check the fields listed.');
  });

  it('tells the action the language', async () => {
    await call(postThing(JSON.stringify({ name: 'Laptop', count: 2 }), { 'accept-language': 'en' }));
    expect(actions.createThing.mock.calls[0]?.[0].language).toBe('en');
  });

  it('uses the more specific detail an AppError carries', async () => {
    actions.createThing.mockRejectedValueOnce(new AppError('CONFLICT', [], { detail: { id: 'Sudah ada.', en: 'Already there.' } }));
    const response = await call(postThing(JSON.stringify({ name: 'Laptop', count: 2 }), { 'accept-language': 'en' }));
    expect(response.statusCode).toBe(409);
    expect(problemOf(response)).toMatchObject({ code: 'CONFLICT', detail: 'Already there.' });
  });
});

describe('failures inside the action', () => {
  const body = JSON.stringify({ name: 'Laptop', count: 2 });

  it('maps an AppError to its status and code', async () => {
    actions.createThing.mockRejectedValueOnce(new AppError('EMAIL_ALREADY_REGISTERED', [], { internal: 'pk EMAIL#x exists' }));
    const response = await call(postThing(body));
    expect(response.statusCode).toBe(409);
    const problem = problemOf(response);
    expect(problem).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED', type: 'urn:tte:problem:email-already-registered' });
    expect(response.body).not.toContain('pk EMAIL#x exists');
  });

  it('turns a plain Error into 500 INTERNAL_ERROR without leaking its message, and logs it', async () => {
    const errorSpy = vi.spyOn(logger, 'error');
    actions.createThing.mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.7:5432 secret-table-name'));
    const response = await call(postThing(body));
    expect(response.statusCode).toBe(500);
    expect(problemOf(response).code).toBe('INTERNAL_ERROR');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toContain('secret-table-name');
    expect(errorSpy).toHaveBeenCalledTimes(1);
  });

  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'TooManyRequestsException'])(
    'turns %s into 503 SERVICE_UNAVAILABLE',
    async (name) => {
      actions.createThing.mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name }));
      const response = await call(postThing(body));
      expect(response.statusCode).toBe(503);
      expect(problemOf(response).code).toBe('SERVICE_UNAVAILABLE');
      expect(response.body).not.toContain('Rate exceeded');
    },
  );

  it('turns an SDK error marked retryable into 503', async () => {
    actions.createThing.mockRejectedValueOnce(Object.assign(new Error('busy'), { name: 'SomethingTransient', $retryable: {} }));
    expect((await call(postThing(body))).statusCode).toBe(503);
  });

  it.each([
    ['400 MALFORMED_REQUEST', () => call(postThing('not json'))],
    ['401 UNAUTHENTICATED', () => call(postThing(body, { 'x-api-key': 'nope' }))],
    ['413 PAYLOAD_TOO_LARGE', () => call(postThing('x'.repeat(MAX_BODY_BYTES + 1)))],
    ['500 INTERNAL_ERROR', () => {
      actions.createThing.mockRejectedValueOnce(new Error('boom'));
      return call(postThing(body));
    }],
  ])('sets the security headers on %s', async (_label, send) => {
    const response = await send();
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(header(response, 'strict-transport-security')).toMatch(/max-age=\d+/);
    expect(header(response, 'x-content-type-options')).toBe('nosniff');
    expect(header(response, 'cache-control')).toBe('no-store');
  });
});

describe('a table API Gateway forwards whole (gatewayProxy)', () => {
  const pages = defineRoutes('pages', {
    home: { method: 'GET', path: '/web', summary: 'Home', access: 'public', responses: { 200: { description: 'Home' } } },
    user: {
      method: 'GET', path: '/web/users/{userId}', summary: 'A user', access: 'public',
      params: z.strictObject({ userId: z.string() }), responses: { 200: { description: 'The user' } },
    },
    usersNew: { method: 'GET', path: '/web/users/new', summary: 'The form', access: 'public', responses: { 200: { description: 'The form' } } },
  }, { gatewayProxy: '/web' });
  const proxied = createHttpHandler(pages, {
    home: async () => ({ status: 200, body: 'home' }),
    user: async ({ params }) => ({ status: 200, body: `user ${params.userId}` }),
    usersNew: async () => ({ status: 200, body: 'form' }),
  }, { authenticator: new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock }), logger: createLogger('test') });
  const send = async (method: string, resource: string, proxy?: string) => {
    return (await proxied(apiEvent({ method, resource, ...(proxy !== undefined ? { pathParameters: { proxy } } : {}) }), lambdaContext)) as APIGatewayProxyResult;
  };

  it('finds the route from the path, with its parameters (API Gateway decoded them already), literal segments first', async () => {
    expect((await send('GET', '/web')).body).toBe('home');
    expect((await send('GET', '/web/{proxy+}', 'users/ab%2Fc d')).body).toBe('user ab%2Fc d');
    expect((await send('GET', '/web/{proxy+}', 'users/new')).body).toBe('form');
  });

  it('answers an unknown path or method as unknown, never as another route', async () => {
    expect((await send('GET', '/web/{proxy+}', 'users/a/b')).statusCode).toBe(404);
    expect((await send('POST', '/web/{proxy+}', 'users/new')).statusCode).toBe(404);
    expect((await send('DELETE', '/web')).statusCode).toBe(404);
  });

  it('still serves an event whose resource the gateway matched itself (the local gateway)', async () => {
    expect((await proxied(apiEvent({ method: 'GET', resource: '/web/users/{userId}', pathParameters: { userId: 'u-1' } }), lambdaContext) as APIGatewayProxyResult).body).toBe('user u-1');
  });
});

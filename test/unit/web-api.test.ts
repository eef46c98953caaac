import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { accountsRoutes } from '../../functions/accounts/routes.js';
import { enrollmentRoutes } from '../../functions/enrollment/routes.js';
import { signingRoutes } from '../../functions/signing/routes.js';
import { verificationRoutes } from '../../functions/verification/routes.js';
import { PageApi } from '../../functions/web/api.js';
import type { loginRoutes } from '../../functions/web/flows/login.js';
import { LambdaApiClient } from '../../shared/adapters/aws/lambda-api-client.js';
import { InProcessApiClient } from '../../shared/adapters/local/in-process-api-client.js';
import { errorCatalog } from '../../shared/domain/errors.js';
import { answerOf, apiGatewayEvent, fillPath } from '../../shared/http/api-event.js';
import type { RouteRequest } from '../../shared/http/route.js';
import type { HttpHandler } from '../../shared/http/service.js';
import type { ApiAnswer, ApiCall, ApiClient } from '../../shared/ports/api-client.js';

const NAME = 'Siti Aminah Ñ';

const baseCall: ApiCall = {
  context: 'accounts',
  method: 'POST',
  resource: '/v1/auth/login',
  headers: { cookie: 'tte_session=abc', 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ email: 'siti@contoh.go.id', password: 'Rahasia#2025' })),
  sourceIp: '203.0.113.9',
  requestId: 'req-web-1',
};

describe('fillPath', () => {
  it('fills each parameter of the resource', () => {
    expect(fillPath('/v1/users/{userId}/certificates/{serial}/revocation', { userId: 'u-1', serial: '0A1B' }))
      .toBe('/v1/users/u-1/certificates/0A1B/revocation');
  });

  it('URL-encodes the values, so a value cannot add path segments or a query', () => {
    expect(fillPath('/v1/activation/{token}', { token: 'a/../b?x=1#y %' })).toBe('/v1/activation/a%2F..%2Fb%3Fx%3D1%23y%20%25');
    expect(fillPath('/v1/me/devices/{deviceId}', { deviceId: NAME })).toBe('/v1/me/devices/Siti%20Aminah%20%C3%91');
  });

  it('leaves a path without parameters as it is', () => {
    expect(fillPath('/v1/me')).toBe('/v1/me');
  });
});

describe('apiGatewayEvent', () => {
  it('carries the body as base64, as API Gateway does with binary media types */*', () => {
    const event = apiGatewayEvent(baseCall);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(baseCall.body);
  });

  it('passes the method, the resource, the filled path, the headers, the query, the source IP and the request id', () => {
    const event = apiGatewayEvent({
      ...baseCall,
      method: 'GET',
      resource: '/v1/otp-device/{token}',
      pathParameters: { token: 'tok en' },
      query: { limit: '10' },
      headers: { cookie: 'tte_session=abc', 'accept-language': 'id-ID' },
      body: undefined,
    });
    expect(event).toMatchObject({
      httpMethod: 'GET',
      resource: '/v1/otp-device/{token}',
      path: '/v1/otp-device/tok%20en',
      pathParameters: { token: 'tok en' },
      headers: { cookie: 'tte_session=abc', 'accept-language': 'id-ID' },
      queryStringParameters: { limit: '10' },
      body: null,
      isBase64Encoded: false,
    });
    expect(event.requestContext.requestId).toBe('req-web-1');
    expect(event.requestContext.identity.sourceIp).toBe('203.0.113.9');
  });

  it('gives null for an empty query, no parameters and an empty body, as API Gateway does', () => {
    const event = apiGatewayEvent({ ...baseCall, query: {}, pathParameters: {}, body: Buffer.alloc(0) });
    expect(event.queryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('keeps the path it is given (the local gateway passes the real one)', () => {
    expect(apiGatewayEvent({ ...baseCall, path: '/prod/v1/auth/login' }).path).toBe('/prod/v1/auth/login');
  });
});

describe('answerOf', () => {
  it('lower-cases header names and keeps a plain body as UTF-8', () => {
    const answer = answerOf({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'tte_session=x' }, body: JSON.stringify({ name: NAME }) });
    expect(answer.status).toBe(201);
    expect(answer.headers).toEqual({ 'content-type': 'application/json', 'set-cookie': 'tte_session=x' });
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ name: NAME });
  });

  it('decodes a base64 body to its bytes', () => {
    const bytes = Buffer.from([0x30, 0x82, 0x00, 0xff, 0x80]);
    const answer = answerOf({ statusCode: 200, headers: { 'Content-Type': 'application/pkix-crl' }, body: bytes.toString('base64'), isBase64Encoded: true });
    expect(answer.body).toEqual(bytes);
  });

  it('gives an empty body when there is none', () => {
    const answer = answerOf({ statusCode: 204, body: '' });
    expect(answer.body).toHaveLength(0);
    expect(answer.headers).toEqual({});
  });
});

/** An ApiClient that records each call and answers what the test says. */
function fakeApi(answers: ApiAnswer[] = []) {
  const calls: ApiCall[] = [];
  const client: ApiClient = {
    send: async (call) => {
      calls.push(call);
      return answers.shift() ?? { status: 204, headers: {}, body: Buffer.alloc(0) };
    },
  };
  return { client, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer => ({
  status,
  headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});

/** A page request as the kernel hands it to a public page's action. */
function pageRequest(headers: Record<string, string> = {}): RouteRequest<typeof loginRoutes.loginPage> {
  return {
    params: undefined,
    query: {},
    body: undefined,
    actor: undefined,
    requestId: 'req-page-1',
    sourceIp: '198.51.100.7',
    language: 'id',
    headers,
  };
}

describe('PageApi', () => {
  const browserHeaders = {
    cookie: 'tte_session=s3cr3t; tte_csrf=c',
    'accept-language': 'id-ID,id;q=0.9',
    'user-agent': 'Mozilla/5.0 (Android)',
    'x-api-key': 'tte_someone-elses-key',
    authorization: 'Bearer stolen',
    'x-csrf-token': 'c',
    'content-type': 'application/x-www-form-urlencoded',
    'x-forwarded-for': '10.0.0.1',
    host: 'tte.example.go.id',
  };

  it("carries on only the browser's cookie, language and user agent, with its address and request id", async () => {
    const { client, calls } = fakeApi([json(200, {})]);
    await new PageApi(client, pageRequest(browserHeaders)).call(accountsRoutes, 'getMe');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers).toEqual({
      cookie: 'tte_session=s3cr3t; tte_csrf=c',
      'accept-language': 'id-ID,id;q=0.9',
      'user-agent': 'Mozilla/5.0 (Android)',
    });
    expect(calls[0]).toMatchObject({ sourceIp: '198.51.100.7', requestId: 'req-page-1' });
  });

  it('sends no header the browser did not send', async () => {
    const { client, calls } = fakeApi([json(200, {})]);
    await new PageApi(client, pageRequest({})).call(accountsRoutes, 'getMe');
    expect(calls[0]?.headers).toEqual({});
    expect(calls[0]?.body).toBeUndefined();
  });

  it('fills the context, method and resource from the route table', async () => {
    const { client, calls } = fakeApi();
    const api = new PageApi(client, pageRequest());
    await api.call(accountsRoutes, 'getMe');
    await api.call(accountsRoutes, 'removeDevice', { params: { deviceId: 'dev/1' } });
    expect(calls[0]).toMatchObject({ context: 'accounts', method: 'GET', resource: '/v1/me' });
    expect(calls[0]).not.toHaveProperty('pathParameters');
    expect(calls[1]).toMatchObject({ context: 'accounts', method: 'DELETE', resource: '/v1/me/devices/{deviceId}', pathParameters: { deviceId: 'dev/1' } });
    await api.call(enrollmentRoutes, 'importUsers', { csv: 'fullName,email' });
    expect(calls[2]).toMatchObject({ context: 'enrollment', method: 'POST', resource: '/v1/users/import' });
  });

  it('sends a body as JSON', async () => {
    const { client, calls } = fakeApi([json(200, { loginTicket: 't', devices: [] })]);
    const body = { email: 'siti@contoh.go.id', password: 'Rahasia#2025 Ñ' };
    await new PageApi(client, pageRequest(browserHeaders)).call(accountsRoutes, 'login', { body });
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]?.body?.toString('utf8') ?? '')).toEqual(body);
  });

  it('sends CSV as text/csv in UTF-8', async () => {
    const { client, calls } = fakeApi([json(200, { created: [], rejected: [] })]);
    const csv = `fullName,email\n${NAME},siti@contoh.go.id`;
    await new PageApi(client, pageRequest()).call(enrollmentRoutes, 'importUsers', { csv });
    expect(calls[0]?.headers['content-type']).toMatch(/^text\/csv(;|$)/);
    expect(calls[0]?.body?.toString('utf8')).toBe(csv);
  });

  it('drops empty query values', async () => {
    const { client, calls } = fakeApi([json(200, { items: [], nextCursor: null })]);
    await new PageApi(client, pageRequest()).call(accountsRoutes, 'listDeviceRequests', { query: { status: '', limit: '25', cursor: undefined } });
    expect(calls[0]?.query).toEqual({ limit: '25' });
  });

  it('collects the cookies the API sets, in order', async () => {
    const { client } = fakeApi([
      json(200, { loginTicket: 't', devices: [] }),
      json(200, { sessionToken: 's', csrfToken: 'c', expiresAt: 'x', user: { userId: 'u', role: 'USER', tenantId: 't' } }, { 'set-cookie': 'tte_session=new; HttpOnly; Secure' }),
    ]);
    const api = new PageApi(client, pageRequest());
    await api.call(accountsRoutes, 'login', { body: {} });
    expect(api.setCookies).toEqual([]);
    await api.call(accountsRoutes, 'loginWithOtp', { body: {} });
    expect(api.setCookies).toEqual(['tte_session=new; HttpOnly; Secure']);
  });

  it('answers a 2xx with ok and the parsed body', async () => {
    const { client } = fakeApi([json(200, { loginTicket: 'ticket-1', devices: [{ deviceId: 'd', name: NAME }] })]);
    const result = await new PageApi(client, pageRequest()).call(accountsRoutes, 'login', { body: {} });
    expect(result).toEqual({ ok: true, status: 200, body: { loginTicket: 'ticket-1', devices: [{ deviceId: 'd', name: NAME }] } });
  });

  it('answers a 204 with ok and no body', async () => {
    const { client } = fakeApi([{ status: 204, headers: {}, body: Buffer.alloc(0) }]);
    expect(await new PageApi(client, pageRequest()).call(accountsRoutes, 'logout')).toEqual({ ok: true, status: 204, body: undefined });
  });

  it('answers a 4xx with the problem: code, detail, field errors and extensions', async () => {
    const errors = [{ field: 'email', code: 'EMAIL_INVALID', message: 'Alamat e-mail tidak valid.' }];
    const { client } = fakeApi([
      json(422, { type: 'urn:tte:problem:validation-failed', status: 422, code: 'VALIDATION_FAILED', detail: 'Periksa isian.', errors }),
      json(423, { status: 423, code: 'ACCOUNT_LOCKED', detail: errorCatalog.ACCOUNT_LOCKED.id, errors: [], lockedUntil: '2026-01-01T00:15:00Z' }),
    ]);
    const api = new PageApi(client, pageRequest());
    const invalid = await api.call(accountsRoutes, 'login', { body: {} });
    expect(invalid.ok).toBe(false);
    if (invalid.ok) return;
    expect(invalid.status).toBe(422);
    expect(invalid.problem).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', detail: 'Periksa isian.', errors });

    const locked = await api.call(accountsRoutes, 'login', { body: {} });
    expect(locked).toMatchObject({ ok: false, status: 423, problem: { code: 'ACCOUNT_LOCKED', lockedUntil: '2026-01-01T00:15:00Z', errors: [] } });
  });

  it('turns an unknown code into INTERNAL_ERROR with the catalog detail', async () => {
    const { client } = fakeApi([json(409, { status: 409, code: 'SOMETHING_NEWER' })]);
    const result = await new PageApi(client, pageRequest()).call(accountsRoutes, 'login', { body: {} });
    expect(result).toMatchObject({ ok: false, status: 409, problem: { status: 409, code: 'INTERNAL_ERROR', detail: errorCatalog.INTERNAL_ERROR.id, errors: [] } });
  });

  it('turns an error body that is not JSON into INTERNAL_ERROR with the Indonesian catalog detail', async () => {
    const { client } = fakeApi([{ status: 502, headers: { 'content-type': 'text/html' }, body: Buffer.from('<h1>Bad Gateway</h1>') }]);
    const result = await new PageApi(client, pageRequest()).call(accountsRoutes, 'getMe');
    expect(result).toEqual({
      ok: false,
      status: 502,
      problem: { status: 502, code: 'INTERNAL_ERROR', detail: 'Terjadi kesalahan pada layanan. Silakan coba lagi.', errors: [] },
      headers: { 'content-type': 'text/html' },
    });
  });

  it('sends a file as its bytes with its content type, and headers of the call (Idempotency-Key) beside the browser\'s', async () => {
    const { client, calls } = fakeApi([json(200, { conclusion: 'NO_SIGNATURE' })]);
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff]);
    await new PageApi(client, pageRequest(browserHeaders)).call(verificationRoutes, 'verifyPdf', { file: { contentType: 'application/pdf', bytes }, headers: { 'Idempotency-Key': 'k-1' } });
    expect(calls[0]?.headers).toMatchObject({ 'content-type': 'application/pdf', 'idempotency-key': 'k-1', cookie: browserHeaders.cookie });
    expect([...(calls[0]?.body ?? [])]).toEqual([...bytes]);
  });

  it('gives a file answer as its bytes, and an error answer as the problem with the headers (Retry-After)', async () => {
    const pdf = Buffer.from('%PDF-1.7\n\u00ff', 'latin1');
    const { client } = fakeApi([
      { status: 200, headers: { 'content-type': 'application/pdf' }, body: pdf },
      json(429, { status: 429, code: 'TOO_MANY_REQUESTS', detail: 'Tunggu.', errors: [], retryAfterSeconds: 30 }, { 'retry-after': '30' }),
    ]);
    const api = new PageApi(client, pageRequest());
    const file = await api.file(signingRoutes, 'getSignedDocument', { params: { documentId: 'b-1.1' } });
    expect(file.ok && Buffer.from(file.bytes).equals(pdf)).toBe(true);
    const limited = await api.call(verificationRoutes, 'verifyPdf', { file: { contentType: 'application/pdf', bytes: pdf } });
    expect(limited).toMatchObject({ ok: false, status: 429, problem: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 30 }, headers: { 'retry-after': '30' } });
  });
});

describe('LambdaApiClient', () => {
  const lambda = mockClient(LambdaClient);
  const functionNames = { accounts: 'tte-accounts-fn', enrollment: 'tte-enrollment-fn' };
  const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as NonNullable<InvokeCommandOutput['Payload']>;
  const client = () => new LambdaApiClient(new LambdaClient({ region: 'ap-southeast-3' }), functionNames);

  beforeEach(() => lambda.reset());

  it("invokes the context's function with the API Gateway event as the payload", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ statusCode: 204, body: '' }) });
    await client().send(baseCall);

    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('tte-accounts-fn');
    const event = JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString('utf8')) as APIGatewayProxyEvent;
    expect(event).toEqual(JSON.parse(JSON.stringify(apiGatewayEvent(baseCall))));
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(baseCall.body);
    expect(event.isBase64Encoded).toBe(true);
  });

  it("decodes the handler's result", async () => {
    const bytes = Buffer.from(JSON.stringify({ name: NAME }));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'tte_session=x' }, body: bytes.toString('base64'), isBase64Encoded: true }),
    });
    const answer = await client().send(baseCall);
    expect(answer.status).toBe(201);
    expect(answer.headers).toEqual({ 'content-type': 'application/json', 'set-cookie': 'tte_session=x' });
    expect(answer.body).toEqual(bytes);
  });

  it('passes an API error on as the answer it is', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ statusCode: 401, headers: { 'content-type': 'application/problem+json' }, body: '{"code":"INVALID_CREDENTIALS"}' }) });
    const answer = await client().send(baseCall);
    expect(answer.status).toBe(401);
    expect(answer.body.toString('utf8')).toBe('{"code":"INVALID_CREDENTIALS"}');
  });

  it.each(['Unhandled', 'Handled'])('throws on a function error (%s), so the page shows a 500 page and never a wrong answer', async (functionError) => {
    // A crashed function's payload can look like anything, even a result.
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: functionError,
      Payload: payload({ errorType: 'Error', errorMessage: 'boom', statusCode: 200, body: '{}' }),
    });
    await expect(client().send(baseCall)).rejects.toThrow(/tte-accounts-fn/);
  });

  it('throws when the invoke itself fails', async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(client().send(baseCall)).rejects.toThrow('Rate exceeded');
  });

  it('throws for a context it has no function for, and invokes nothing', async () => {
    await expect(client().send({ ...baseCall, context: 'pki' })).rejects.toThrow(/pki/);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });
});

describe('InProcessApiClient', () => {
  it("calls the context's handler with the event and decodes its result", async () => {
    const accounts = vi.fn<HttpHandler>(async (): Promise<APIGatewayProxyResult> => ({
      statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: NAME }),
    }));
    const enrollment = vi.fn<HttpHandler>();
    const client = new InProcessApiClient(() => ({ accounts, enrollment }));

    const answer = await client.send(baseCall);

    expect(enrollment).not.toHaveBeenCalled();
    expect(accounts).toHaveBeenCalledTimes(1);
    const [event, context] = accounts.mock.calls[0] as [APIGatewayProxyEvent, Context];
    expect(event).toEqual(apiGatewayEvent(baseCall));
    expect(context.awsRequestId).toBe('req-web-1');
    expect(answer).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ name: NAME })) });
  });

  it('throws for a context without a handler', async () => {
    const client = new InProcessApiClient(() => ({}));
    await expect(client.send(baseCall)).rejects.toThrow(/accounts/);
  });
});

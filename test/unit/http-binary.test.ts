import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { Authenticator } from '../../shared/http/auth.js';
import { defineRoutes, type Reply, type RouteActions } from '../../shared/http/route.js';
import { createHttpHandler, MAX_BODY_BYTES, type HttpHandler } from '../../shared/http/service.js';
import { createLogger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { apiEvent, lambdaContext } from './support/api-event.js';

// Routes shaped like the PKI context's: bytes in (OCSP), bytes out (CRL, OCSP), text out (PEM), and JSON.
const routes = defineRoutes('binary-test', {
  postOcsp: {
    method: 'POST',
    path: '/pki/ocsp',
    summary: 'OCSP',
    access: 'public',
    bodyType: 'application/ocsp-request',
    responses: { 200: { description: 'OCSP response', contentType: 'application/ocsp-response' } },
  },
  getCrl: {
    method: 'GET',
    path: '/pki/crl',
    summary: 'The CRL',
    access: 'public',
    responses: { 200: { description: 'The CRL', contentType: 'application/pkix-crl' } },
  },
  getCaPem: {
    method: 'GET',
    path: '/pki/ca.pem',
    summary: 'The CA certificate',
    access: 'public',
    responses: { 200: { description: 'PEM', contentType: 'application/x-pem-file' } },
  },
  echo: {
    method: 'POST',
    path: '/v1/echo',
    summary: 'JSON in, JSON out',
    access: 'public',
    body: z.strictObject({ fullName: z.string().max(60), count: z.number().int() }),
    responses: { 200: { description: 'Echo' } },
  },
});

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, index) => index);
const CRL_DER = Uint8Array.from([0x30, 0x82, 0x01, 0x0a, 0x00, 0xff, 0x0d, 0x0a, 0x80, 0x7f]);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBCA==\n-----END CERTIFICATE-----\n';

/** As API Gateway sends a body with binary media types '*\/*': always base64. */
const base64Post = (resource: string, contentType: string | undefined, bytes: Uint8Array) => apiEvent({
  method: 'POST', resource, headers: contentType === undefined ? {} : { 'Content-Type': contentType }, body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true,
});

const header = (response: APIGatewayProxyResult, name: string) =>
  Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

let actions: {
  postOcsp: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['postOcsp']>>;
  getCrl: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['getCrl']>>;
  getCaPem: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['getCaPem']>>;
  echo: ReturnType<typeof vi.fn<RouteActions<typeof routes.routes>['echo']>>;
};
let handler: HttpHandler;
const call = (event: APIGatewayProxyEvent) => handler(event, lambdaContext);

beforeEach(() => {
  actions = {
    postOcsp: vi.fn(async (request): Promise<Reply> => ({
      status: 200, body: Uint8Array.from(request.body).reverse(), headers: { 'content-type': 'application/ocsp-response' },
    })),
    getCrl: vi.fn(async (): Promise<Reply> => ({
      status: 200, body: CRL_DER, headers: { 'content-type': 'application/pkix-crl', 'cache-control': 'public, max-age=3600' },
    })),
    getCaPem: vi.fn(async (): Promise<Reply> => ({ status: 200, body: PEM, headers: { 'content-type': 'application/x-pem-file' } })),
    echo: vi.fn(async (request): Promise<Reply> => ({ status: 200, body: { echoed: request.body } })),
  };
  const logger = createLogger('http-binary-test');
  logger.setLogLevel('SILENT');
  const authenticator = new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock });
  handler = createHttpHandler(routes, actions, { authenticator, logger });
});

describe('binary request bodies', () => {
  it('hands a base64-encoded OCSP request to the action as the exact bytes (all 256 values)', async () => {
    const response = await call(base64Post('/pki/ocsp', 'application/ocsp-request', ALL_BYTES));
    expect(response.statusCode).toBe(200);
    const body = actions.postOcsp.mock.calls[0]?.[0].body;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(body!)).toEqual(Buffer.from(ALL_BYTES));
  });

  it.each([['APPLICATION/OCSP-REQUEST'], ['application/ocsp-request; charset=binary']])('accepts the content type written as %j', async (contentType) => {
    const response = await call(base64Post('/pki/ocsp', contentType, Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00])));
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(actions.postOcsp.mock.calls[0]![0].body)).toEqual(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]));
  });

  it('takes a body that was not base64-encoded byte for byte', async () => {
    const raw = Buffer.from([0x30, 0x81, 0xff, 0x00, 0x7f]).toString('latin1');
    await call(apiEvent({ method: 'POST', resource: '/pki/ocsp', headers: { 'content-type': 'application/ocsp-request' }, body: raw }));
    expect(Buffer.from(actions.postOcsp.mock.calls[0]![0].body)).toEqual(Buffer.from([0x30, 0x81, 0xff, 0x00, 0x7f]));
  });

  it('hands an empty body to the action as no bytes (the action answers it)', async () => {
    await call(apiEvent({ method: 'POST', resource: '/pki/ocsp', headers: { 'content-type': 'application/ocsp-request' }, body: null }));
    expect(actions.postOcsp.mock.calls[0]![0].body).toEqual(new Uint8Array());
  });

  it.each([
    ['JSON', 'application/json', Buffer.from('{"serial":"7f"}')],
    ['text', 'text/plain', Buffer.from('MEIwQDA+')],
    ['form encoding', 'application/x-www-form-urlencoded', Buffer.from('request=MEIwQDA%2B')],
    ['a near miss', 'application/ocsp-response', ALL_BYTES],
    ['no content type', undefined, ALL_BYTES],
  ])('answers %s on the OCSP route with a 415 problem, running nothing', async (_case, contentType, bytes) => {
    const response = await call(base64Post('/pki/ocsp', contentType, bytes));
    expect(response.statusCode).toBe(415);
    expect(header(response, 'content-type')).toBe('application/problem+json');
    expect(response.isBase64Encoded).not.toBe(true);
    expect(JSON.parse(response.body)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(actions.postOcsp).not.toHaveBeenCalled();
  });

  it('limits the size of the bytes, not of their base64 form', async () => {
    // Exactly 1 MB of bytes is about 1.33 MB of base64: allowed.
    expect((await call(base64Post('/pki/ocsp', 'application/ocsp-request', new Uint8Array(MAX_BODY_BYTES)))).statusCode).toBe(200);
    const tooLarge = await call(base64Post('/pki/ocsp', 'application/ocsp-request', new Uint8Array(MAX_BODY_BYTES + 1)));
    expect(tooLarge.statusCode).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(actions.postOcsp).toHaveBeenCalledTimes(1);
  });

  it('answers an action\'s failure on a binary route as a problem, not as bytes', async () => {
    actions.postOcsp.mockRejectedValueOnce(new AppError('VALIDATION_FAILED', [{ field: 'body', code: 'VALUE_INVALID' }]));
    const response = await call(base64Post('/pki/ocsp', 'application/ocsp-request', Uint8Array.from([1, 2, 3])));
    expect(response.statusCode).toBe(422);
    expect(header(response, 'content-type')).toBe('application/problem+json');
    expect(response.isBase64Encoded).not.toBe(true);
  });
});

describe('binary replies', () => {
  it('sends bytes as base64 with isBase64Encoded, the reply\'s content type and cache policy', async () => {
    const response = await call(apiEvent({ method: 'GET', resource: '/pki/crl' }));
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(true);
    expect(Buffer.from(response.body, 'base64')).toEqual(Buffer.from(CRL_DER));
    expect(header(response, 'content-type')).toBe('application/pkix-crl');
    expect(header(response, 'cache-control')).toBe('public, max-age=3600');
    // Security headers are there whatever the body.
    expect(header(response, 'x-content-type-options')).toBe('nosniff');
  });

  it('round-trips every byte value through an OCSP exchange', async () => {
    const response = await call(base64Post('/pki/ocsp', 'application/ocsp-request', ALL_BYTES));
    expect(response.isBase64Encoded).toBe(true);
    expect(header(response, 'content-type')).toBe('application/ocsp-response');
    expect(header(response, 'cache-control')).toBe('no-store');
    expect(Buffer.from(response.body, 'base64')).toEqual(Buffer.from(ALL_BYTES).reverse());
  });

  it('sends a Buffer as bytes too', async () => {
    actions.getCrl.mockResolvedValueOnce({ status: 200, body: Buffer.from([0xde, 0xad, 0xbe, 0xef]), headers: { 'content-type': 'application/pkix-crl' } });
    const response = await call(apiEvent({ method: 'GET', resource: '/pki/crl' }));
    expect(response.isBase64Encoded).toBe(true);
    expect(response.body).toBe('3q2+7w==');
  });

  it('sends text as it is, not base64 and not as JSON', async () => {
    const response = await call(apiEvent({ method: 'GET', resource: '/pki/ca.pem' }));
    expect(response.isBase64Encoded).not.toBe(true);
    expect(response.body).toBe(PEM);
    expect(header(response, 'content-type')).toBe('application/x-pem-file');
  });
});

describe('JSON when API Gateway base64-encodes every body (binary media types */*)', () => {
  const post = (json: string, contentType = 'application/json') => apiEvent({
    method: 'POST', resource: '/v1/echo', headers: { 'content-type': contentType }, body: Buffer.from(json, 'utf8').toString('base64'), isBase64Encoded: true,
  });

  it('decodes and parses the body, UTF-8 included, and replies in plain JSON', async () => {
    const response = await call(post(JSON.stringify({ fullName: 'Siti Aminah — Ã ✓', count: 2 }), 'application/json; charset=utf-8'));
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).not.toBe(true);
    expect(header(response, 'content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({ echoed: { fullName: 'Siti Aminah — Ã ✓', count: 2 } });
  });

  it('still validates the decoded body field by field', async () => {
    const response = await call(post(JSON.stringify({ fullName: 'Siti', count: 2, role: 'OPERATOR' })));
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).errors).toEqual([expect.objectContaining({ field: 'role', code: 'UNKNOWN_FIELD' })]);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await call(post('{"fullName": "Siti",'));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'MALFORMED_REQUEST' });
    expect(actions.echo).not.toHaveBeenCalled();
  });

  it('refuses bytes sent to a JSON route with 415', async () => {
    const response = await call(base64Post('/v1/echo', 'application/ocsp-request', ALL_BYTES));
    expect(response.statusCode).toBe(415);
    expect(actions.echo).not.toHaveBeenCalled();
  });

  it('refuses a body on a route that takes none, even base64-encoded', async () => {
    const response = await call(apiEvent({
      method: 'GET', resource: '/pki/crl', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"sneaky":true}').toString('base64'), isBase64Encoded: true,
    }));
    expect(response.statusCode).toBe(422);
    expect(actions.getCrl).not.toHaveBeenCalled();
  });
});

import type { AddressInfo } from 'node:net';
import { Agent, request as httpRequest, type Server } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGateway } from '../../infra/local/gateway.js';
import { defineRoutes } from '../../shared/http/route.js';

// Two contexts, as the local runtime has many: the gateway picks the handler by the route's table.
const pki = defineRoutes('pki', {
  postOcsp: { method: 'POST', path: '/pki/ocsp', summary: 'OCSP', access: 'public', bodyType: 'application/ocsp-request', responses: { 200: { description: 'OCSP' } } },
  getCrl: { method: 'GET', path: '/pki/crl', summary: 'CRL', access: 'public', responses: { 200: { description: 'CRL' } } },
});
const certificates = defineRoutes('certificates', {
  revoke: { method: 'POST', path: '/v1/me/certificates/{serial}/revocation', summary: 'Revoke', access: 'public', responses: { 200: { description: 'Revoked' } } },
  renewal: { method: 'POST', path: '/v1/me/certificates/renewal', summary: 'A literal segment', access: 'public', responses: { 200: { description: 'Renewal' } } },
});

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, index) => index);

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const handlers = {
  pki: vi.fn<Handler>(),
  certificates: vi.fn<Handler>(),
};
const onError = vi.fn();
let server: Server;
let base: string;

beforeAll(async () => {
  server = await startGateway({ port: 0, tables: [pki, certificates], handlers, onError });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  handlers.pki.mockReset();
  handlers.certificates.mockReset();
  onError.mockReset();
});

/** The one event the context's handler got. */
const eventOf = (handler: (typeof handlers)[keyof typeof handlers]) => {
  expect(handler).toHaveBeenCalledTimes(1);
  return handler.mock.calls[0]![0];
};

describe('the local gateway, as API Gateway with binary media types */*', () => {
  it('hands the body to the handler base64-encoded, with isBase64Encoded, every byte value intact', async () => {
    handlers.pki.mockResolvedValue({ statusCode: 200, headers: {}, body: '' });
    const response = await fetch(`${base}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: ALL_BYTES });
    expect(response.status).toBe(200);

    const event = eventOf(handlers.pki);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from(ALL_BYTES).toString('base64'));
    expect(Buffer.from(event.body!, 'base64')).toEqual(Buffer.from(ALL_BYTES));
    expect(event).toMatchObject({ resource: '/pki/ocsp', httpMethod: 'POST', headers: { 'content-type': 'application/ocsp-request' } });
    expect(handlers.certificates).not.toHaveBeenCalled();
  });

  it('base64-encodes JSON bodies too, so their UTF-8 arrives unchanged', async () => {
    handlers.certificates.mockResolvedValue({ statusCode: 200, headers: {}, body: '' });
    const json = JSON.stringify({ reason: 'keyCompromise', note: 'Siti — ✓' });
    await fetch(`${base}/v1/me/certificates/7f00aa/revocation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
    const event = eventOf(handlers.certificates);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64').toString('utf8')).toBe(json);
  });

  it('sends no body as null, not base64', async () => {
    handlers.pki.mockResolvedValue({ statusCode: 200, headers: {}, body: '' });
    await fetch(`${base}/pki/crl`);
    const event = eventOf(handlers.pki);
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('sends a base64 reply as the raw bytes, every byte value, with the reply\'s headers', async () => {
    handlers.pki.mockResolvedValue({
      statusCode: 200, headers: { 'content-type': 'application/pkix-crl', 'cache-control': 'public, max-age=3600' }, body: Buffer.from(ALL_BYTES).toString('base64'), isBase64Encoded: true,
    });
    const response = await fetch(`${base}/pki/crl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(ALL_BYTES));
  });

  it('round-trips bytes: what the client posts, the handler gets, and what it answers, the client gets', async () => {
    // The handler answers the bytes it received, reversed.
    handlers.pki.mockImplementation(async (event) => ({
      statusCode: 200, headers: { 'content-type': 'application/ocsp-response' }, body: Buffer.from(event.body!, 'base64').reverse().toString('base64'), isBase64Encoded: true,
    }));
    const response = await fetch(`${base}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: ALL_BYTES });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(ALL_BYTES).reverse());
  });

  it('sends a text reply as it is (not decoded as base64)', async () => {
    handlers.pki.mockResolvedValue({ statusCode: 200, headers: { 'content-type': 'application/x-pem-file' }, body: 'AAAA' });
    const response = await fetch(`${base}/pki/crl`);
    expect(await response.text()).toBe('AAAA');
  });
});

describe('the local gateway: routing', () => {
  it('decodes path parameters and gives the route\'s resource, preferring a literal segment', async () => {
    handlers.certificates.mockResolvedValue({ statusCode: 200, headers: {}, body: '' });
    await fetch(`${base}/v1/me/certificates/7f%2000/revocation`, { method: 'POST' });
    expect(eventOf(handlers.certificates)).toMatchObject({ resource: '/v1/me/certificates/{serial}/revocation', pathParameters: { serial: '7f 00' } });

    handlers.certificates.mockClear();
    await fetch(`${base}/v1/me/certificates/renewal`, { method: 'POST' });
    expect(eventOf(handlers.certificates)).toMatchObject({ resource: '/v1/me/certificates/renewal', pathParameters: null });
  });

  it.each([
    ['an unknown path', '/pki/nothing', 'GET', 404, 'ROUTE_NOT_FOUND'],
    ['a known path with another method', '/pki/ocsp', 'GET', 405, 'METHOD_NOT_ALLOWED'],
  ])('answers %s with a problem, calling no handler', async (_case, path, method, status, code) => {
    const response = await fetch(`${base}${path}`, { method });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code });
    expect(handlers.pki).not.toHaveBeenCalled();
  });

  it('answers a handler that throws with a 500 problem and reports the error', async () => {
    const failure = new Error('boom');
    handlers.pki.mockRejectedValue(failure);
    const response = await fetch(`${base}/pki/crl`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(onError).toHaveBeenCalledWith(failure);
  });
});

describe('the local gateway: keep-alive connections', () => {
  /** POSTs on one keep-alive connection (one socket at most), as a client's connection pool reuses it. */
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  afterAll(() => agent.destroy());
  const post = (path: string, body: Buffer) => new Promise<{ status: number; text: string; reused: boolean }>((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString(), reused: request.reusedSocket }));
    });
    request.on('error', reject);
    request.end(body);
  });

  it('answers a body over API Gateway\'s 10 MB with a 413 the client reads (not a reset), and the connection serves the next request', async () => {
    handlers.pki.mockResolvedValue({ statusCode: 200, headers: {}, body: 'ok' });
    const tooLarge = Buffer.alloc(12 * 1024 * 1024, 'x');
    // The refusal used to close the connection while fetch was still writing: ECONNRESET, most times.
    for (let attempt = 0; attempt < 5; attempt++) {
      const refused = await fetch(`${base}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tooLarge });
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    }
    expect((await post('/pki/ocsp', tooLarge)).status).toBe(413);
    expect(handlers.pki).not.toHaveBeenCalled();
    const next = await post('/pki/ocsp', Buffer.from('{}'));
    expect(next).toEqual({ status: 200, text: 'ok', reused: true });
  });

  it('reads the whole body of a request it refuses without a handler (unknown path), and the connection serves the next one', async () => {
    handlers.pki.mockResolvedValue({ statusCode: 200, headers: {}, body: 'ok' });
    const refused = await post('/pki/nothing', Buffer.alloc(3 * 1024 * 1024, 'x'));
    expect(refused.status).toBe(404);
    expect(await post('/pki/ocsp', Buffer.from('{}'))).toEqual({ status: 200, text: 'ok', reused: true });
  });
});

import type { APIGatewayProxyResult } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { Authenticator } from '../../shared/http/auth.js';
import { defineRoutes, type Reply, type RouteActions } from '../../shared/http/route.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { createLogger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { pageHeaders } from '../../shared/web/headers.js';
import { apiEvent, lambdaContext } from './support/api-event.js';

// A page that takes a posted form, as the web context declares them.
const routes = defineRoutes('form-test', {
  postForm: {
    method: 'POST',
    path: '/web/form',
    summary: 'A posted form',
    access: 'public',
    bodyType: 'application/x-www-form-urlencoded',
    body: z.record(z.string(), z.string()),
    responses: { 200: { description: 'The page', contentType: 'text/html' } },
  },
});

type Actions = RouteActions<typeof routes.routes>;

const FORM = 'application/x-www-form-urlencoded';
// What a browser sends for "Siti Aminah Ñ" and "Jl. Merdeka No. 1": UTF-8, percent-encoded, spaces as + or %20.
const ENCODED = 'fullName=Siti+Aminah+%C3%91&address=Jl.%20Merdeka%20No.%201&empty=';
const DECODED = { fullName: 'Siti Aminah Ñ', address: 'Jl. Merdeka No. 1', empty: '' };

const header = (response: APIGatewayProxyResult, name: string) =>
  Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

const postForm = (body: string | null, contentType: string | null = FORM, isBase64Encoded = false) => apiEvent({
  method: 'POST',
  resource: '/web/form',
  headers: contentType === null ? {} : { 'Content-Type': contentType },
  body,
  isBase64Encoded,
});

let postAction: ReturnType<typeof vi.fn<Actions['postForm']>>;
let logger: ReturnType<typeof createLogger>;

function handlerFor(pages?: { basePath: string }): HttpHandler {
  const authenticator = new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock });
  return createHttpHandler(routes, { postForm: postAction }, { authenticator, logger, ...(pages ? { pages } : {}) });
}

beforeEach(() => {
  postAction = vi.fn(async (): Promise<Reply> => ({ status: 200, body: '<p>ok</p>', headers: { 'content-type': 'text/html; charset=utf-8' } }));
  logger = createLogger('form-test');
  logger.setLogLevel('SILENT');
});

describe('a form body reaches the action as an object of strings', () => {
  it.each([
    ['plain', ENCODED, FORM, false],
    ['base64, as API Gateway sends it', Buffer.from(ENCODED).toString('base64'), FORM, true],
    ['with a charset', ENCODED, `${FORM}; charset=UTF-8`, false],
    ['base64 of UTF-8 typed as is', Buffer.from('fullName=Siti Aminah Ñ&address=Jl. Merdeka No. 1&empty=').toString('base64'), FORM, true],
  ])('%s', async (_label, body, contentType, isBase64Encoded) => {
    const response = await handlerFor()(postForm(body, contentType, isBase64Encoded), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect(postAction).toHaveBeenCalledTimes(1);
    expect(postAction.mock.calls[0]?.[0].body).toEqual(DECODED);
  });

  it('keeps characters that mean something elsewhere as text', async () => {
    const fields = { note: 'a&b=c+d%e "<x>"', 'strange key': '✓' };
    await handlerFor()(postForm(new URLSearchParams(fields).toString()), lambdaContext);
    expect(postAction.mock.calls[0]?.[0].body).toEqual(fields);
  });

  it('gives an empty object for an empty form', async () => {
    const response = await handlerFor()(postForm(null), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect(postAction.mock.calls[0]?.[0].body).toEqual({});
  });

  it('passes the request id, source address and language on with it', async () => {
    const event = postForm(ENCODED);
    event.headers['Accept-Language'] = 'en-US,en;q=0.9';
    await handlerFor()(event, lambdaContext);
    expect(postAction.mock.calls[0]?.[0]).toMatchObject({ requestId: 'req-123', sourceIp: '203.0.113.9', language: 'en' });
  });
});

describe('other content types on a form route', () => {
  it.each([
    ['JSON', 'application/json', JSON.stringify(DECODED)],
    ['JSON with a charset', 'application/json; charset=utf-8', JSON.stringify(DECODED)],
    ['text/plain', 'text/plain', ENCODED],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="fullName"\r\n\r\nSiti\r\n--x--'],
    ['no content type', null, ENCODED],
  ])('refuses %s with 415 UNSUPPORTED_MEDIA_TYPE and runs nothing', async (_label, contentType, body) => {
    const response = await handlerFor()(postForm(body, contentType), lambdaContext);
    expect(response.statusCode).toBe(415);
    expect(header(response, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(postAction).not.toHaveBeenCalled();
  });
});

describe('a context that serves pages', () => {
  const pages = { basePath: '/web' };
  const expectPageHeaders = (response: APIGatewayProxyResult) => {
    expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
    const csp = header(response, 'content-security-policy');
    expect(csp).toBe(pageHeaders()['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    // Not middy's JSON default, whose sandbox would stop the page's forms and script.
    expect(csp).not.toMatch(/sandbox/);
    expect(csp).not.toContain("form-action 'none'");
    expect(header(response, 'x-content-type-options')).toBe('nosniff');
    expect(header(response, 'referrer-policy')).toBe('no-referrer');
    expect(header(response, 'cache-control')).toBe('no-store');
  };

  it('answers a JSON body on the form route with a 415 page, not problem+json', async () => {
    const response = await handlerFor(pages)(postForm(JSON.stringify(DECODED), 'application/json'), lambdaContext);
    expect(response.statusCode).toBe(415);
    expectPageHeaders(response);
    expect(response.body).toMatch(/^<!doctype html>/);
    expect(response.body).toContain('<html lang="id">');
    expect(response.body).toContain('Jenis konten tidak didukung untuk alamat ini.');
    expect(response.body).toContain('UNSUPPORTED_MEDIA_TYPE');
    expect(response.body).toContain('<a href="/web">');
    expect(postAction).not.toHaveBeenCalled();
  });

  it('answers an error the action throws with a page of its status', async () => {
    postAction.mockRejectedValueOnce(new AppError('TOKEN_EXPIRED'));
    const response = await handlerFor(pages)(postForm(ENCODED), lambdaContext);
    expect(response.statusCode).toBe(410);
    expectPageHeaders(response);
    expect(response.body).toContain('<h1>Tautan sudah tidak berlaku</h1>');
    expect(response.body).toContain('TOKEN_EXPIRED');
  });

  it('answers a crash with a 500 page that does not leak its message', async () => {
    postAction.mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.7 table tte-users'));
    const response = await handlerFor(pages)(postForm(ENCODED), lambdaContext);
    expect(response.statusCode).toBe(500);
    expectPageHeaders(response);
    expect(response.body).toContain('INTERNAL_ERROR');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toContain('tte-users');
  });

  it('answers an unknown route with a 404 page', async () => {
    const response = await handlerFor(pages)(apiEvent({ method: 'GET', resource: '/web/nowhere' }), lambdaContext);
    expect(response.statusCode).toBe(404);
    expectPageHeaders(response);
    expect(response.body).toContain('ROUTE_NOT_FOUND');
  });

  it('puts the HTML header set on a page the action renders too', async () => {
    postAction.mockResolvedValueOnce({ status: 200, body: '<!doctype html><p>ok</p>' });
    const response = await handlerFor(pages)(postForm(ENCODED), lambdaContext);
    expect(response.statusCode).toBe(200);
    expectPageHeaders(response);
    expect(response.body).toBe('<!doctype html><p>ok</p>');
  });
});

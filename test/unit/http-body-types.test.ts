import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { Authenticator } from '../../shared/http/auth.js';
import { defineRoutes, type Reply, type RouteActions } from '../../shared/http/route.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { createLogger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/runtime.js';
import { apiEvent, lambdaContext } from './support/api-event.js';

// Routes shaped like the verification route (a PDF or JSON), a multipart upload, and a route
// whose callers expect their own error body (the BSrE-compatible paths).
const routes = defineRoutes('body-types-test', {
  pdfOrJson: {
    method: 'POST', path: '/check', summary: 'A PDF or JSON', access: 'public',
    bodyType: ['application/pdf', 'application/json'],
    body: z.strictObject({ pdfBase64: z.string().min(1) }),
    responses: { 200: { description: 'ok' } },
  },
  upload: {
    method: 'POST', path: '/upload', summary: 'A multipart form', access: 'public',
    bodyType: 'multipart/form-data',
    body: z.strictObject({ nik: z.string().regex(/^\d{16}$/), reason: z.string().optional() }),
    errorRenderer: (error, language) => ({
      statusCode: error.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: `${language}:${error.code}`, status_code: 2001 }),
    }),
    responses: { 200: { description: 'ok' } },
  },
});

type Actions = RouteActions<typeof routes.routes>;
let pdfOrJson: ReturnType<typeof vi.fn<Actions['pdfOrJson']>>;
let upload: ReturnType<typeof vi.fn<Actions['upload']>>;
let handler: HttpHandler;

beforeEach(() => {
  pdfOrJson = vi.fn(async (): Promise<Reply> => ({ status: 200, body: { ok: true } }));
  upload = vi.fn(async (): Promise<Reply> => ({ status: 200, body: { ok: true } }));
  const logger = createLogger('body-types-test');
  logger.setLogLevel('SILENT');
  handler = createHttpHandler(routes, { pdfOrJson, upload }, {
    authenticator: new Authenticator({ apiKeys: { findApiKey: async () => undefined }, clock: systemClock }),
    logger,
  });
});

const post = (resource: string, contentType: string, body: Buffer) =>
  handler(apiEvent({ method: 'POST', resource, headers: { 'Content-Type': contentType }, body: body.toString('base64'), isBase64Encoded: true }), lambdaContext);

/** A multipart body as a browser or curl builds it, made by the platform's own encoder. */
async function multipart(parts: Record<string, string | File>): Promise<{ contentType: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts)) form.append(name, value);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { contentType: request.headers.get('content-type')!, body: Buffer.from(await request.arrayBuffer()) };
}

describe('a route that takes several body types', () => {
  it('gives the bytes of a PDF body and the checked object of a JSON body', async () => {
    const pdf = Buffer.from('%PDF-1.7\n\xff\x00binary', 'latin1');
    expect((await post('/check', 'application/pdf', pdf)).statusCode).toBe(200);
    expect(Buffer.from(pdfOrJson.mock.calls[0]![0].body as Uint8Array)).toEqual(pdf);

    expect((await post('/check', 'application/json; charset=utf-8', Buffer.from('{"pdfBase64":"JVBERg=="}'))).statusCode).toBe(200);
    expect(pdfOrJson.mock.calls[1]![0].body).toEqual({ pdfBase64: 'JVBERg==' });
  });

  it('refuses a type it does not take, and a JSON body that breaks its schema, without calling the action', async () => {
    const other = await post('/check', 'text/plain', Buffer.from('hello'));
    expect(other.statusCode).toBe(415);
    expect(JSON.parse(other.body).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const wrong = await post('/check', 'application/json', Buffer.from('{"pdf":"x"}'));
    expect(wrong.statusCode).toBe(422);
    expect(JSON.parse(wrong.body).code).toBe('VALIDATION_FAILED');
    expect(pdfOrJson).not.toHaveBeenCalled();
  });
});

describe('a multipart form', () => {
  it('gives the checked text fields and every file with its name, type and bytes', async () => {
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const form = await multipart({
      nik: '3171012345678901',
      reason: 'Persetujuan',
      file: new File([bytes], 'surat.pdf', { type: 'application/pdf' }),
    });
    // What a browser adds for a file input left empty: a part with an empty file name and no bytes.
    const boundary = /boundary=(.+)$/.exec(form.contentType)![1]!;
    const emptyFileInput = `--${boundary}\r\nContent-Disposition: form-data; name="imageTTD"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(emptyFileInput), form.body]);
    expect((await post('/upload', form.contentType, body)).statusCode).toBe(200);
    const { fields, files } = upload.mock.calls[0]![0].body;
    expect(fields).toEqual({ nik: '3171012345678901', reason: 'Persetujuan' });
    expect(Object.keys(files)).toEqual(['file']);
    expect(files.file![0]).toMatchObject({ fileName: 'surat.pdf', contentType: 'application/pdf' });
    expect([...files.file![0]!.bytes]).toEqual([...bytes]);
  });

  it('answers a broken form and bad fields in the route\'s own error body', async () => {
    const broken = await post('/upload', 'multipart/form-data; boundary=xyz', Buffer.from('--xyz\r\nnot a part'));
    expect(broken.statusCode).toBe(400);
    expect(JSON.parse(broken.body)).toEqual({ error: 'id:MALFORMED_REQUEST', status_code: 2001 });

    const form = await multipart({ nik: '12' });
    const invalid = await post('/upload', form.contentType, form.body);
    expect(invalid.statusCode).toBe(422);
    expect(JSON.parse(invalid.body).error).toBe('id:VALIDATION_FAILED');
    expect(upload).not.toHaveBeenCalled();
  });

  it('keeps problem+json for the routes that name no renderer', async () => {
    const response = await post('/check', 'text/plain', Buffer.from('x'));
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(new AppError('UNSUPPORTED_MEDIA_TYPE').status).toBe(response.statusCode);
  });
});

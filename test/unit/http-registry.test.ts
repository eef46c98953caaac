import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpRegistry } from '../../shared/adapters/aws/http-registry.js';
import { RegistryUnavailableError, type CivilServiceRecord } from '../../shared/ports/registry.js';

const SITI: CivilServiceRecord = {
  employmentType: 'ASN',
  nip: '198503152010012003',
  nik: '7271015503850001',
  fullName: 'Siti Aminah',
  position: 'Analis Kebijakan Ahli Muda',
  unitName: 'Bidang Aplikasi Informatika',
  agency: 'Pemerintah Kabupaten Contoh',
};
const BUDI: CivilServiceRecord = {
  employmentType: 'POLRI',
  nrp: '85031501',
  nik: '7271011503850002',
  fullName: 'Budi Santoso',
  position: 'Kepala Urusan Teknologi Informasi',
  unitName: 'Bidang TIK',
  agency: 'Kepolisian Daerah Contoh',
};

/** What the stand-in registry answers for each path (after any gateway prefix). */
const answers: Record<string, (send: (status: number, body: string) => void) => void> = {
  '/asn/198503152010012003': (send) => send(200, JSON.stringify(SITI)),
  '/polri/85031501': (send) => send(200, JSON.stringify(BUDI)),
  '/asn/500': (send) => send(500, JSON.stringify({ message: 'internal' })),
  '/asn/503': (send) => send(503, ''),
  '/asn/401': (send) => send(401, JSON.stringify({ message: 'bad token' })),
  '/asn/slow': (send) => { setTimeout(() => send(200, JSON.stringify(SITI)), 1500); },
  '/asn/not-json': (send) => send(200, '<html>gateway error</html>'),
  '/asn/truncated-json': (send) => send(200, JSON.stringify(SITI).slice(0, 40)),
  '/asn/missing-fields': (send) => send(200, JSON.stringify({ employmentType: 'ASN', nip: '1' })),
  '/asn/wrong-type': (send) => send(200, JSON.stringify({ ...SITI, employmentType: 'TNI' })),
  '/asn/array': (send) => send(200, JSON.stringify([SITI])),
  '/asn/empty': (send) => send(200, ''),
};

let server: Server;
let baseUrl: string;
const seen: { method: string | undefined; url: string | undefined; authorization: string | undefined; accept: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, accept: request.headers.accept });
    const path = (request.url ?? '').replace(/^\/gateway/, '');
    const send = (status: number, body: string) => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    };
    const answer = answers[path];
    if (answer) answer(send);
    else send(404, JSON.stringify({ message: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const registry = (options: { base?: string; credential?: string; timeoutMs?: number } = {}) =>
  new HttpRegistry(options.base ?? baseUrl, async () => options.credential ?? 'secret-credential', options.timeoutMs ?? 200);

/** The rejection of a lookup; fails the test when the lookup succeeds. */
async function failure(lookup: Promise<unknown>): Promise<Error> {
  const outcome = await lookup.then(() => undefined, (error: unknown) => error);
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

describe('HttpRegistry', () => {
  it('returns the record of a known ASN and a known POLRI member', async () => {
    expect(await registry().find('ASN', SITI.nip!)).toEqual(SITI);
    expect(await registry().find('POLRI', BUDI.nrp!)).toEqual(BUDI);
  });

  it('asks GET /asn/<nip> and /polri/<nrp> with the bearer credential, asking for JSON', async () => {
    await registry({ credential: 'tok-123' }).find('ASN', SITI.nip!);
    await registry({ credential: 'tok-456' }).find('POLRI', BUDI.nrp!);
    expect(seen).toEqual([
      { method: 'GET', url: `/asn/${SITI.nip}`, authorization: 'Bearer tok-123', accept: 'application/json' },
      { method: 'GET', url: `/polri/${BUDI.nrp}`, authorization: 'Bearer tok-456', accept: 'application/json' },
    ]);
  });

  it('fetches the credential for every lookup, so a rotated one is used at once', async () => {
    const credentials = ['first', 'second'];
    const rotating = new HttpRegistry(baseUrl, async () => credentials.shift() ?? 'none', 200);
    await rotating.find('ASN', SITI.nip!);
    await rotating.find('ASN', SITI.nip!);
    expect(seen.map((request) => request.authorization)).toEqual(['Bearer first', 'Bearer second']);
  });

  it.each([
    ['ASN', '199912312020121001'],
    ['POLRI', '99999999'],
  ] as const)('returns undefined when the registry answers 404 for %s %s', async (type, number) => {
    expect(await registry().find(type, number)).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['a 500', '500'],
    ['a 503 with an empty body', '503'],
    ['a 401 (the credential was refused)', '401'],
    ['a 200 whose body is not JSON', 'not-json'],
    ['a 200 whose JSON is cut off', 'truncated-json'],
    ['a 200 with an empty body', 'empty'],
    ['a 200 record missing its fields', 'missing-fields'],
    ['a 200 record with an unknown employment type', 'wrong-type'],
    ['a 200 with an array instead of a record', 'array'],
  ])('is RegistryUnavailable on %s', async (_label, number) => {
    const error = await failure(registry().find('ASN', number));
    expect(error.name).toBe('RegistryUnavailable');
    expect(error).toBeInstanceOf(RegistryUnavailableError);
  });

  it('is RegistryUnavailable when the answer takes longer than the timeout', async () => {
    const started = Date.now();
    const error = await failure(registry({ timeoutMs: 200 }).find('ASN', 'slow'));
    expect(error.name).toBe('RegistryUnavailable');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('is RegistryUnavailable when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(registry({ base: `http://127.0.0.1:${port}` }).find('ASN', SITI.nip!));
    expect(error.name).toBe('RegistryUnavailable');
    expect(error).toBeInstanceOf(RegistryUnavailableError);
  });

  it('encodes the number into one path segment', async () => {
    expect(await registry().find('ASN', 'a/b c?d#e')).toBeUndefined();
    expect(await registry().find('POLRI', '../asn/198503152010012003')).toBeUndefined();
    expect(seen.map((request) => request.url)).toEqual([
      '/asn/a%2Fb%20c%3Fd%23e',
      '/polri/..%2Fasn%2F198503152010012003',
    ]);
  });

  it.each([
    ['one trailing slash', '/', `/asn/${SITI.nip}`],
    ['several trailing slashes', '///', `/asn/${SITI.nip}`],
    ['a gateway path', '/gateway', `/gateway/asn/${SITI.nip}`],
    ['a gateway path with a trailing slash', '/gateway/', `/gateway/asn/${SITI.nip}`],
  ])('joins a base URL with %s', async (_label, suffix, path) => {
    expect(await registry({ base: `${baseUrl}${suffix}` }).find('ASN', SITI.nip!)).toEqual(SITI);
    expect(seen.map((request) => request.url)).toEqual([path]);
  });
});

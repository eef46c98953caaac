// F2 of docs/security.md: the public routes that make the CA or the TSA sign (OCSP, timestamps)
// sign once per question and instance (OCSP), count each client against a limit before signing,
// and never let a cached "good" outlive a revocation. Driven through the pki function's handler.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeCertificate } from '../../functions/certificates/use-cases/lifecycle.js';
import { createPkiHandler } from '../../functions/pki/handler.js';
import { OCSP_CACHE_SECONDS } from '../../functions/pki/ocsp-cache.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import type { CertificateAuthority } from '../../shared/pki/certificate-authority.js';
import type { TimestampAuthority } from '../../shared/pki/timestamp-authority.js';
import { apiEvent, lambdaContext } from '../unit/support/api-event.js';
import { certificatesSetup, openssl, type CertificatesContext } from './certificates-harness.js';
import { quietLogger } from './harness.js';

const MINUTE = 60_000;
const LIMIT = 3;
let ctx: CertificatesContext;
const tools = openssl();
/** What the CA and the TSA were asked to sign (each OCSP answer and each granted token is one KMS Sign on AWS). */
const signed = { ocsp: 0, tsa: 0 };
let handler: ReturnType<typeof createPkiHandler>;

/** Counts the calls of one method, leaving every other member as it is. */
function counting<T extends object>(target: T, method: string, count: () => void): T {
  return new Proxy(target, {
    get: (object, property) => {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(object);
      return (...args: unknown[]) => {
        count();
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

beforeAll(async () => {
  // openssl checks the answers' times against the wall clock: this CA lives in the present.
  ctx = await certificatesSetup({ start: new Date(Date.now() - MINUTE) });
  tools.file('ca.pem', ctx.ca.pem);
  const authority = async () => counting<CertificateAuthority>(await ctx.pkiDeps.authority(), 'ocsp', () => signed.ocsp++);
  const tsa = async () => counting<TimestampAuthority>(await ctx.pkiDeps.tsa(), 'respond', () => signed.tsa++);
  handler = createPkiHandler({
    ...ctx.pkiDeps, authority, tsa, tenants: ctx.tenants, logger: quietLogger(),
    rateLimiter: new DynamoRateLimiter(ctx.dynamo, ctx.tableName, ctx.clock),
    rateLimit: { limit: LIMIT, windowSeconds: 60 },
  });
}, 60_000);
afterAll(() => tools.remove());

/** A fresh OCSP request from openssl (with its own random nonce, openssl's default). */
async function ocspRequest(target: string[]): Promise<Buffer> {
  const name = `q-${randomBytes(4).toString('hex')}.req`;
  const made = await tools.run(['ocsp', '-issuer', 'ca.pem', ...target, '-reqout', name]);
  expect(made.ok, made.output).toBe(true);
  return tools.read(name);
}

async function call(method: 'POST' | 'GET', resource: string, body: Uint8Array | undefined, sourceIp: string, contentType = 'application/ocsp-request') {
  const event = apiEvent({
    method, resource, isBase64Encoded: body !== undefined, body: body ? Buffer.from(body).toString('base64') : null,
    headers: body ? { 'content-type': contentType } : {},
  });
  event.requestContext.identity.sourceIp = sourceIp;
  if (method === 'GET' && body) {
    const request = Buffer.from(body).toString('base64');
    Object.assign(event, { resource: '/pki/ocsp/{request}', path: `/pki/ocsp/${encodeURIComponent(request)}`, pathParameters: { request }, body: null, isBase64Encoded: false, headers: {} });
  }
  const response = await handler(event, lambdaContext) as { statusCode: number; headers?: Record<string, string>; body: string; isBase64Encoded?: boolean };
  return { ...response, bytes: new Uint8Array(Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8')) };
}

/** openssl's reading of an answer for a certificate: verified under the CA, with its status. */
async function statusIn(answer: Uint8Array, target: string[]) {
  const file = tools.file(`a-${randomBytes(4).toString('hex')}.der`, answer);
  const report = await tools.run(['ocsp', '-respin', file, '-issuer', 'ca.pem', '-CAfile', 'ca.pem', '-no_nonce', ...target]);
  expect(report.output).toContain('Response verify OK');
  return report.output;
}

describe('OCSP answers are signed once per question, and a revocation shows at once', () => {
  it('two clients asking about one certificate (different nonces, POST and GET): one signature, the same answer', async () => {
    const holder = await ctx.holder('Sekali Tanda');
    tools.file('once.pem', holder.certificate.pem);
    const before = signed.ocsp;
    const first = await call('POST', '/pki/ocsp', await ocspRequest(['-cert', 'once.pem']), '198.51.100.1');
    const second = await call('GET', '/pki/ocsp', await ocspRequest(['-cert', 'once.pem']), '198.51.100.2');
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(signed.ocsp - before).toBe(1);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(await statusIn(first.bytes, ['-cert', 'once.pem'])).toContain('once.pem: good');
    // A CDN may keep the GET answer no longer than this instance does (the CRL's 5 minutes).
    const maxAge = Number(/max-age=(\d+)/.exec(second.headers?.['cache-control'] ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(OCSP_CACHE_SECONDS);
  });

  it('ten clients asking the same new question at once: one signature', async () => {
    const serial = ['-serial', `0x7b${randomBytes(15).toString('hex')}`];
    const requests = await Promise.all(Array.from({ length: 10 }, () => ocspRequest(serial)));
    const before = signed.ocsp;
    const answers = await Promise.all(requests.map((request, i) => call('POST', '/pki/ocsp', request, `198.51.100.${100 + i}`)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(10).fill(200));
    expect(signed.ocsp - before).toBe(1);
    expect(new Set(answers.map((answer) => Buffer.from(answer.bytes).toString('base64'))).size).toBe(1);
  });

  it('a certificate revoked after its "good" was cached answers revoked on the next request', async () => {
    const holder = await ctx.holder('Segera Dicabut');
    tools.file('revoked.pem', holder.certificate.pem);
    const good = await call('POST', '/pki/ocsp', await ocspRequest(['-cert', 'revoked.pem']), '198.51.100.3');
    expect(await statusIn(good.bytes, ['-cert', 'revoked.pem'])).toContain('revoked.pem: good');
    await revokeCertificate(ctx.deps, { actor: holder.actor, serialNumber: holder.serial, reason: 'keyCompromise' });
    const before = signed.ocsp;
    const after = await call('POST', '/pki/ocsp', await ocspRequest(['-cert', 'revoked.pem']), '198.51.100.3');
    expect(signed.ocsp - before).toBe(1);
    const report = await statusIn(after.bytes, ['-cert', 'revoked.pem']);
    expect(report).toContain('revoked.pem: revoked');
    expect(report).toContain('Reason: keyCompromise');
    // And the revoked answer is itself cached: asked again, no new signature.
    await call('POST', '/pki/ocsp', await ocspRequest(['-cert', 'revoked.pem']), '198.51.100.4');
    expect(signed.ocsp - before).toBe(1);
  });

  it(`signs again once the answer is ${OCSP_CACHE_SECONDS} s old`, async () => {
    const serial = ['-serial', `0x7f${randomBytes(15).toString('hex')}`];
    const before = signed.ocsp;
    await call('POST', '/pki/ocsp', await ocspRequest(serial), '198.51.100.5');
    ctx.clock.advance((OCSP_CACHE_SECONDS - 1) * 1000);
    await call('POST', '/pki/ocsp', await ocspRequest(serial), '198.51.100.5');
    expect(signed.ocsp - before).toBe(1);
    ctx.clock.advance(1000);
    await call('POST', '/pki/ocsp', await ocspRequest(serial), '198.51.100.5');
    expect(signed.ocsp - before).toBe(2);
  });

  it('a malformed request is 400 OCSP_REQUEST_INVALID, counts nothing and signs nothing', async () => {
    const before = { ...signed };
    const snapshot = await ctx.snapshot();
    const garbage = await call('POST', '/pki/ocsp', randomBytes(40), '198.51.100.6');
    expect(garbage.statusCode).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({ code: 'OCSP_REQUEST_INVALID' });
    expect(signed).toEqual(before);
    expect(await ctx.snapshot()).toEqual(snapshot);
  });
});

describe('a client over the signing limit', () => {
  it(`gets 429 with Retry-After after ${LIMIT} signatures a minute, OCSP and TSA together, and nothing more is signed; cached answers still come`, async () => {
    const ip = '192.0.2.77';
    const cachedSerial = ['-serial', `0x7e${randomBytes(15).toString('hex')}`];
    // Made cached by another client first: answering it again costs this client nothing.
    await call('POST', '/pki/ocsp', await ocspRequest(cachedSerial), '192.0.2.1');
    const before = { ...signed };
    for (let i = 0; i < LIMIT - 1; i++) {
      const answer = await call('POST', '/pki/ocsp', await ocspRequest(['-serial', `0x7d${randomBytes(15).toString('hex')}`]), ip);
      expect(answer.statusCode).toBe(200);
    }
    const query = await tools.run(['ts', '-query', '-digest', 'aa'.repeat(32), '-sha256', '-cert', '-out', tools.file('limit.tsq', '')]);
    expect(query.ok, query.output).toBe(true);
    const granted = await call('POST', '/pki/tsa', tools.read('limit.tsq'), ip, 'application/timestamp-query');
    expect(granted.statusCode).toBe(200);
    expect(signed).toEqual({ ocsp: before.ocsp + LIMIT - 1, tsa: before.tsa + 1 });

    const refusedOcsp = await call('POST', '/pki/ocsp', await ocspRequest(['-serial', `0x7c${randomBytes(15).toString('hex')}`]), ip);
    const refusedTsa = await call('POST', '/pki/tsa', tools.read('limit.tsq'), ip, 'application/timestamp-query');
    for (const refused of [refusedOcsp, refusedTsa]) {
      expect(refused.statusCode).toBe(429);
      expect(refused.headers?.['content-type']).toContain('application/problem+json');
      expect(Number(refused.headers?.['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    }
    expect(signed).toEqual({ ocsp: before.ocsp + LIMIT - 1, tsa: before.tsa + 1 });

    expect((await call('POST', '/pki/ocsp', await ocspRequest(cachedSerial), ip)).statusCode).toBe(200);
    // Another client is not affected.
    expect((await call('POST', '/pki/tsa', tools.read('limit.tsq'), '192.0.2.78', 'application/timestamp-query')).statusCode).toBe(200);
  });
});

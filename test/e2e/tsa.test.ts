import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl } from '../openssl.js';
import { bootLocalRuntime } from './runtime.js';

// The service's RFC 3161 timestamp authority over HTTP, checked end to end by openssl: a query
// made by `openssl ts -query`, POSTed to /pki/tsa, and the reply verified by `openssl ts -verify`
// against the CA from /pki/ca.pem.
let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
const tools = openssl();
let caFile: string;
let tsaFile: string;
let dataFile: string;

beforeAll(async () => {
  runtime = await bootLocalRuntime();
  caFile = tools.file('ca.pem', await (await fetch(`${runtime.api}/pki/ca.pem`)).text());
  dataFile = tools.file('surat.txt', 'Surat Keputusan Bupati Contoh Nomor 800/123/2026 tentang Pengangkatan Pegawai');
});
afterAll(async () => {
  await runtime?.shutdown();
  tools.remove();
});

/** POSTs a file's bytes to /pki/tsa; the reply as bytes, with its status and headers. */
async function postQuery(body: Uint8Array, contentType = 'application/timestamp-query') {
  const response = await fetch(`${runtime.api}/pki/tsa`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function query(name: string, ...args: string[]): Promise<Uint8Array> {
  const made = await tools.run(['ts', '-query', '-data', dataFile, ...args, '-out', tools.file(`${name}.tsq`, '')]);
  expect(made.ok, made.output).toBe(true);
  return new Uint8Array(tools.read(`${name}.tsq`));
}

describe('POST /pki/tsa: RFC 3161 timestamps that openssl verifies', () => {
  it('serves the TSA certificate at /pki/tsa.pem: issued by the CA, EKU timeStamping (critical), its own key', async () => {
    const response = await fetch(`${runtime.api}/pki/tsa.pem`);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/x-pem-file']);
    const pem = await response.text();
    tsaFile = tools.file('tsa.pem', pem);
    const verified = await tools.run(['verify', '-purpose', 'timestampsign', '-CAfile', caFile, tsaFile]);
    expect(verified.output, verified.output).toMatch(/: OK/);
    const text = (await tools.run(['x509', '-in', tsaFile, '-noout', '-text'])).output;
    expect(text).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping\s/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\s/);
    expect(text).toMatch(/Subject: C\s*=\s*ID, O\s*=\s*TTE Lokal, CN\s*=\s*TTE Lokal Timestamp Authority/);
    const ca = new X509Certificate(await (await fetch(`${runtime.api}/pki/ca.pem`)).text());
    expect(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).equals(ca.publicKey.export({ type: 'spki', format: 'der' }))).toBe(false);
    // Locally the TSA key is a key file of its own beside the CA's.
    expect(existsSync(join(runtime.dataDir, 'keys', 'tsa-key.pem'))).toBe(true);
  });

  it('grants an openssl query (SHA-256, nonce, -cert): "Verification: OK" against the data, the CA and the TSA certificate', async () => {
    const reply = await postQuery(await query('sha256', '-sha256', '-cert'));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/timestamp-reply');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const replyFile = tools.file('reply.tsr', reply.bytes);
    const verified = await tools.run(['ts', '-verify', '-data', dataFile, '-in', replyFile, '-CAfile', caFile, '-untrusted', tsaFile]);
    expect(verified.output, verified.output).toMatch(/Verification: OK/);
    // The reply carries the query's nonce and imprint: openssl checks both against the query file.
    const againstQuery = await tools.run(['ts', '-verify', '-queryfile', join(tools.dir, 'sha256.tsq'), '-in', replyFile, '-CAfile', caFile]);
    expect(againstQuery.output, againstQuery.output).toMatch(/Verification: OK/);
    await query('other', '-sha256', '-cert');
    const otherQuery = await tools.run(['ts', '-verify', '-queryfile', join(tools.dir, 'other.tsq'), '-in', replyFile, '-CAfile', caFile]);
    expect(otherQuery.output).toMatch(/Verification: FAILED/); // another query, another nonce

    const text = (await tools.run(['ts', '-reply', '-in', replyFile, '-text'])).output;
    expect(text).toMatch(/Status: Granted/);
    expect(text).toMatch(/Policy OID: 2\.25\.\d+\.2/);
    expect(text).toMatch(/Accuracy: 0x01 seconds/);
    expect(text).toMatch(/Time stamp: .* GMT/);
    expect(text).toMatch(/TSA: DirName:\/C=ID\/O=TTE Lokal\/CN=TTE Lokal Timestamp Authority/);
  });

  it('puts the TSA certificate (and the CA) in the token when asked: the very one /pki/tsa.pem serves', async () => {
    const replyFile = tools.file('certs.tsr', (await postQuery(await query('certs', '-sha512', '-cert'))).bytes);
    const tokenFile = tools.file('token.der', '');
    expect((await tools.run(['ts', '-reply', '-in', replyFile, '-token_out', '-out', tokenFile])).ok).toBe(true);
    const certs = (await tools.run(['pkcs7', '-inform', 'DER', '-in', tokenFile, '-print_certs'])).output;
    const pems = certs.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems).toHaveLength(2);
    expect(new X509Certificate(pems[0]!).raw.equals(new X509Certificate(tools.read('tsa.pem')).raw)).toBe(true);
    expect(new X509Certificate(pems[1]!).raw.equals(new X509Certificate(tools.read('ca.pem')).raw)).toBe(true);
    // With the certificate from the token, openssl needs nothing but the CA.
    const verified = await tools.run(['ts', '-verify', '-data', dataFile, '-in', tokenFile, '-token_in', '-CAfile', caFile]);
    expect(verified.output, verified.output).toMatch(/Verification: OK/);
  });

  it('leaves the certificates out when the query does not ask; -untrusted tsa.pem then verifies it', async () => {
    const replyFile = tools.file('nocert.tsr', (await postQuery(await query('nocert', '-sha384'))).bytes);
    const alone = await tools.run(['ts', '-verify', '-data', dataFile, '-in', replyFile, '-CAfile', caFile]);
    expect(alone.output).toMatch(/Verification: FAILED/);
    const withTsa = await tools.run(['ts', '-verify', '-data', dataFile, '-in', replyFile, '-CAfile', caFile, '-untrusted', tsaFile]);
    expect(withTsa.output, withTsa.output).toMatch(/Verification: OK/);
  });

  it('OCSP answers the TSA certificate good (a B-LT signature carries that answer)', async () => {
    const ocsp = await tools.ocsp(`${runtime.api}/pki/ocsp`, caFile, { cert: tsaFile });
    expect(ocsp.output, ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/: good/);
  });

  it('answers an MD5 query and garbage with a rejection TimeStampResp (200), never a 5xx', async () => {
    const md5 = await postQuery(await query('md5', '-md5'));
    expect(md5.status).toBe(200);
    const md5Text = (await tools.run(['ts', '-reply', '-in', tools.file('md5.tsr', md5.bytes), '-text'])).output;
    expect(md5Text).toMatch(/Status: Rejected/);
    expect(md5Text).toMatch(/unrecognized or unsupported algorithm/);

    const garbage = await postQuery(new TextEncoder().encode('ini bukan permintaan cap waktu'));
    expect(garbage.status).toBe(200);
    const garbageText = (await tools.run(['ts', '-reply', '-in', tools.file('garbage.tsr', garbage.bytes), '-text'])).output;
    expect(garbageText).toMatch(/Status: Rejected/);
    expect(garbageText).toMatch(/wrong format/);
  });

  it('refuses another content type (415) and a body far larger than any query (413), as problem+json', async () => {
    const body = await query('typed', '-sha256');
    const wrongType = await postQuery(body, 'application/octet-stream');
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const json = await fetch(`${runtime.api}/pki/tsa`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"digest":"abc"}' });
    expect(json.status).toBe(415);
    const huge = await postQuery(new Uint8Array(9 * 1024).fill(0x30));
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDF } from '@libpdf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsClient, ahmadFauzi, sitiAminah, type Credentials } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { samplePdf } from './signing-tools.js';

// Public verification over HTTP on the local runtime: PDFs signed through the API, checked with
// both body types; revocation after signing; bad input; the per-client limit. The limit is set
// per day here so no window boundary falls inside a test; each test that counts uses a loopback
// address of its own (the gateway sees the socket's address as the client's).
const LIMIT = 20;
let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let siti: { auth: Credentials };
const passphrase = 'Tanda#Tangan2026';
const run = promisify(execFile);

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0, verificationRateLimit: { limit: LIMIT, windowSeconds: 86_400 } });
  people = accountsClient(runtime);
  const email = 'siti.verifikasi@contoh.go.id';
  siti = await certificatesClient(people).holder(people.approvedCivilServant({ ...sitiAminah, email }), email, 'Kantor#Palu2026', passphrase);
}, 120_000);
afterAll(async () => {
  await runtime?.shutdown();
});

async function signWith(auth: Credentials, pdf: Uint8Array, level?: string): Promise<Buffer> {
  const answer = await people.send('POST', '/v1/signatures/pdf', {
    auth, body: { passphrase, reason: 'Disetujui', location: 'Palu', ...(level ? { level } : {}), documents: [{ name: 'surat.pdf', pdfBase64: Buffer.from(pdf).toString('base64') }] },
  });
  if (answer.status !== 200) throw new Error(`sign: ${answer.status} ${answer.text}`);
  return Buffer.from(String(answer.body.documents[0].pdfBase64), 'base64');
}

const signed = async (auth: Credentials, title: string, level?: string) => signWith(auth, await samplePdf(title), level);

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: any }

/** POST /v1/verifications/pdf from a given loopback address (the client the limit counts). */
function verify(body: Uint8Array | string, contentType: string, from = '127.0.0.1'): Promise<Reply> {
  const url = new URL('/v1/verifications/pdf', runtime.api);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'content-type': contentType } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const asJson = (pdf: Uint8Array) => JSON.stringify({ pdfBase64: Buffer.from(pdf).toString('base64') });

describe('POST /v1/verifications/pdf', () => {
  it('a PDF signed through the API (B-LT by default) is VALID, sent as application/pdf or as JSON alike', async () => {
    const pdf = await signed(siti.auth, 'Nota Dinas');
    const raw = await verify(pdf, 'application/pdf');
    const json = await verify(asJson(pdf), 'application/json');
    expect(raw.status, JSON.stringify(raw.body)).toBe(200);
    expect(json.status).toBe(200);
    expect(json.body).toEqual(raw.body);
    expect(raw.body.conclusion).toBe('VALID');
    expect(raw.body.signatures).toHaveLength(1);
    expect(raw.body.signatures[0]).toMatchObject({
      signerName: 'Siti Aminah', reason: 'Disetujui', location: 'Palu', integrityValid: true, certificateTrusted: true,
      level: 'PAdES-B-LT', ltv: true, conclusion: 'VALID', revocation: { status: 'good', source: 'DSS_CRL' },
      timestamp: { valid: true, trusted: true, tsaName: 'TTE Lokal Timestamp Authority' },
      // The DSS follows in its own revision: not the whole file, but only validation data after it.
      coversWholeDocument: false, changesAfter: 'VALIDATION_DATA', notes: [],
    });

    // Text drawn on the page afterwards (an incremental update, as an editor saves): the signed
    // revision is intact, but the document is no longer what was signed.
    const edited = await PDF.load(pdf);
    edited.getPage(0)!.drawText('Dibatalkan', { x: 72, y: 600, size: 24 });
    const changed = await verify(await edited.save({ incremental: true }), 'application/pdf');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      conclusion: 'INDETERMINATE',
      signatures: [{ integrityValid: true, changesAfter: 'OTHER', conclusion: 'INDETERMINATE', notes: [{ code: 'MODIFIED_AFTER_SIGNING', description: expect.stringContaining('diubah setelah ditandatangani') }] }],
    });
  });

  it('B-LTA: the document timestamp is reported apart and makes the level', async () => {
    const report = await verify(await signed(siti.auth, 'Arsip', 'B-LTA'), 'application/pdf');
    expect(report.status).toBe(200);
    expect(report.body.signatures).toHaveLength(1);
    expect(report.body.signatures[0]).toMatchObject({ level: 'PAdES-B-LTA', ltv: true, conclusion: 'VALID', coversWholeDocument: false, changesAfter: 'VALIDATION_DATA' });
    expect(report.body.documentTimestamps).toEqual([expect.objectContaining({ integrityValid: true, certificateTrusted: true, changesAfter: 'VALIDATION_DATA' })]);
  });

  it('a PDF with cross-reference and object streams, signed twice: both signatures read and valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tte-verify-'));
    writeFileSync(join(dir, 'plain.pdf'), await samplePdf('Dokumen dengan object stream'));
    await run('qpdf', ['--object-streams=generate', join(dir, 'plain.pdf'), join(dir, 'streams.pdf')]);
    const once = await signWith(siti.auth, readFileSync(join(dir, 'streams.pdf')), 'B-T');
    const twice = await signWith(siti.auth, once, 'B-LT');
    const report = await verify(twice, 'application/pdf');
    expect(report.body.conclusion).toBe('VALID');
    // The later revisions are cross-reference streams like the original's: the first signature
    // sees a signature and DSS data added, the second its DSS.
    expect(report.body.signatures.map((signature: { level: string; coversWholeDocument: boolean; changesAfter: string }) => [signature.level, signature.coversWholeDocument, signature.changesAfter])).toEqual([
      ['PAdES-B-LT', false, 'SIGNATURES'], ['PAdES-B-LT', false, 'VALIDATION_DATA'],
    ]);
  });

  it('a changed byte: INVALID; an unsigned PDF: NO_SIGNATURE', async () => {
    const pdf = Buffer.from(await signed(siti.auth, 'Keputusan', 'B-B'));
    // The second line of the PDF is a comment of binary bytes: a change there keeps it readable.
    pdf[11] = pdf[11]! ^ 0x01;
    const tampered = await verify(pdf, 'application/pdf');
    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({ conclusion: 'INVALID', signatures: [{ integrityValid: false, conclusion: 'INVALID', notes: [{ code: 'DIGEST_MISMATCH' }] }] });
    const unsigned = await verify(await samplePdf('Belum ditandatangani'), 'application/pdf');
    expect(unsigned.body).toMatchObject({ conclusion: 'NO_SIGNATURE', signatures: [] });
  });

  it('signed, then the certificate revoked: still VALID (the timestamp came first), with the revocation reported', async () => {
    const email = 'ahmad.verifikasi@contoh.go.id';
    const ahmad = await certificatesClient(people).holder(people.approvedCivilServant({ ...ahmadFauzi, email }), email, 'Kantor#Palu2026', passphrase);
    const pdf = await signed(ahmad.auth, 'Surat Tugas', 'B-T');
    const revoked = await people.send('POST', `/v1/users/${ahmad.userId}/certificates/${ahmad.certificate!.serialNumber}/revocation`, {
      auth: { key: runtime.seed.verifier.apiKey }, body: { reason: 'keyCompromise' },
    });
    expect(revoked.status, revoked.text).toBe(200);
    const report = await verify(pdf, 'application/pdf');
    expect(report.body.conclusion).toBe('VALID');
    expect(report.body.signatures[0]).toMatchObject({
      signerName: 'Ahmad Fauzi', level: 'PAdES-B-T', conclusion: 'VALID',
      revocation: { status: 'good', source: 'SERVICE', revocationReason: 'keyCompromise', revokedAt: expect.any(String) },
      notes: [expect.objectContaining({ code: 'REVOKED_AFTER_SIGNING' })],
    });
    expect(new Date(report.body.signatures[0].revocation.revokedAt).getTime()).toBeGreaterThan(new Date(report.body.signatures[0].timestamp.time).getTime());
  });

  it('bad input gets its 4xx problem: not a PDF, another media type, bad base64, a body over 6 MB', async () => {
    const notPdf = await verify(Buffer.from('ini bukan pdf'), 'application/pdf');
    expect(notPdf.status).toBe(422);
    expect(notPdf.headers['content-type']).toContain('application/problem+json');
    expect(notPdf.body.code).toBe('PDF_INVALID');
    expect((await verify('halo', 'text/plain')).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badBase64 = await verify(JSON.stringify({ pdfBase64: '***' }), 'application/json');
    expect(badBase64.status).toBe(422);
    expect(badBase64.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'pdfBase64' }] });
    const large = await verify(Buffer.alloc(6 * 1024 * 1024 + 1, 0x20), 'application/pdf');
    expect(large.status).toBe(413);
    expect(large.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it(`limits each client to ${LIMIT} verifications a window: then 429 problem+json with the wait, other clients unaffected, no 5xx`, async () => {
    const pdf = await samplePdf('Uji batas');
    const statuses: number[] = [];
    for (let index = 0; index < LIMIT; index += 1) statuses.push((await verify(pdf, 'application/pdf', '127.0.0.2')).status);
    expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 200));
    const refused = await verify(pdf, 'application/pdf', '127.0.0.2');
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', detail: expect.stringContaining('Terlalu banyak permintaan') });
    expect(refused.body.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.body.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    expect(refused.headers['retry-after']).toBe(String(refused.body.retryAfterSeconds));
    // Refused requests are not work done: still refused, and another client is served.
    expect((await verify(pdf, 'application/pdf', '127.0.0.2')).status).toBe(429);
    expect((await verify(pdf, 'application/pdf', '127.0.0.3')).status).toBe(200);
  });
});

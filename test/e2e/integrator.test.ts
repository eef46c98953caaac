import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDF } from '@libpdf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsClient, sitiAminah, type Credentials } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { nssTrustingCa, pdfsig, requireTools, samplePdf, usageCount } from './signing-tools.js';

/**
 * An agency's system signing for its people: the tenant's keys made and revoked by its verifier,
 * the /v1 signing routes with a `signing` key naming the signer, and the BSrE-compatible paths
 * with the request bodies BSrE's clients send (HTTP Basic, multipart v1, JSON v2).
 */

const work = mkdtempSync(join(tmpdir(), 'tte-integrator-'));
const passphrase = 'Integrasi#Surat2026';
const email = 'siti.integrasi@contoh.go.id';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let verifier: Credentials;
let signingKey: { keyId: string; secret: string; apiKey: string };
let usersKey: { apiKey: string };
let nss: string;

/** pdfsig's verdict on a signed file, with the service's CA trusted. */
async function pdfsigOf(pdf: Uint8Array, name: string): Promise<string> {
  const file = join(work, name);
  writeFileSync(file, pdf);
  return pdfsig(file, nss);
}

const basic = (key: { keyId: string; secret: string }) => `Basic ${Buffer.from(`${key.keyId}:${key.secret}`).toString('base64')}`;

/** A BSrE v1 multipart request, as an e-office system sends it. */
async function bsreV1(path: string, fields: Record<string, string>, files: Record<string, { bytes: Uint8Array; name: string; type: string }>, authorization = basic(signingKey)) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, file] of Object.entries(files)) form.append(name, new Blob([Buffer.from(file.bytes)], { type: file.type }), file.name);
  const response = await fetch(`${runtime.api}${path}`, { method: 'POST', headers: { authorization }, body: form });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
  return { status: response.status, headers: response.headers, bytes, json };
}

const signedCount = () => usageCount(runtime);

beforeAll(async () => {
  await requireTools();
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  const seed = runtime.seed.verifier;
  verifier = { bearer: (await people.logIn(seed.email, seed.password, [seed.totpSecret])).sessionToken };
  await certificatesClient(people).holder(people.approvedCivilServant({ ...sitiAminah, email }), email, 'Kantor#Palu2026', passphrase);

  nss = await nssTrustingCa(runtime.api, work);
}, 120_000);

afterAll(async () => {
  await runtime?.shutdown();
});

describe("a tenant's integrator keys", () => {
  const tenantPath = () => `/v1/tenants/${runtime.seed.tenant.tenantId}/api-keys`;

  it('the verifier makes a signing key and a users key: the secret once, never in the list', async () => {
    const made = await people.send('POST', tenantPath(), { auth: verifier, body: { name: 'E-Office Dinas', scopes: ['signing'] } });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ name: 'E-Office Dinas', scopes: ['signing'], keyId: expect.stringMatching(/^key_/) });
    expect(made.body.apiKey).toBe(`${made.body.keyId}.${made.body.secret}`);
    signingKey = made.body as typeof signingKey;
    const users = await people.send('POST', tenantPath(), { auth: verifier, body: { name: 'SIMPEG', scopes: ['users'] } });
    expect(users.status).toBe(201);
    usersKey = users.body as typeof usersKey;

    const listed = await people.send('GET', tenantPath(), { auth: verifier });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((key: { name: string }) => key.name)).toEqual(expect.arrayContaining(['E-Office Dinas', 'SIMPEG', 'Integrator demo (penandatanganan)']));
    expect(listed.text).not.toContain(signingKey.secret);
    expect(listed.text).not.toContain('keyHash');
  });

  it("refuses bad requests and another tenant's keys, writing nothing", async () => {
    const bad = await people.send('POST', tenantPath(), { auth: verifier, body: { name: 'x', scopes: ['admin'] } });
    expect([bad.status, bad.body.code]).toEqual([422, 'VALIDATION_FAILED']);
    const twice = await people.send('POST', tenantPath(), { auth: verifier, body: { name: 'x', scopes: ['signing', 'signing'] } });
    expect(twice.status).toBe(422);
    const other = await people.send('GET', '/v1/tenants/tenant-lain/api-keys', { auth: verifier });
    expect([other.status, other.body.code]).toEqual([404, 'TENANT_NOT_FOUND']);
    // A key cannot make keys, not even a verifier's own.
    const byKey = await people.send('POST', tenantPath(), { auth: { key: runtime.seed.verifier.apiKey }, body: { name: 'x', scopes: ['users'] } });
    expect(byKey.status).toBe(403);
  });

  it('a revoked key stops at once (never used, so never cached) and stays listed as revoked', async () => {
    const made = await people.send('POST', tenantPath(), { auth: verifier, body: { name: 'Sementara', scopes: ['users'] } });
    const revoked = await people.send('DELETE', `${tenantPath()}/${made.body.keyId}`, { auth: verifier });
    expect(revoked.status).toBe(204);
    expect((await people.send('DELETE', `${tenantPath()}/${made.body.keyId}`, { auth: verifier })).status).toBe(204);
    expect((await people.send('GET', '/v1/users', { auth: { key: made.body.apiKey } })).status).toBe(401);
    const listed = await people.send('GET', tenantPath(), { auth: verifier });
    expect(listed.body.items.find((key: { keyId: string }) => key.keyId === made.body.keyId)).toMatchObject({ revokedAt: expect.any(String) });
    expect((await people.send('DELETE', `${tenantPath()}/key_unknown`, { auth: verifier })).body.code).toBe('API_KEY_NOT_FOUND');
  });

  it('a users key registers and reads people, and cannot sign', async () => {
    const registered = await people.send('POST', '/v1/users', { auth: { key: usersKey.apiKey }, body: { fullName: 'Pegawai Dari Simpeg', email: 'simpeg.1@contoh.go.id' } });
    expect(registered.status, registered.text).toBe(201);
    expect((await people.send('GET', `/v1/users/${registered.body.userId}`, { auth: { key: usersKey.apiKey } })).status).toBe(200);
    const sign = await people.send('POST', '/v1/signatures/pdf', { auth: { key: usersKey.apiKey }, body: { signer: { email }, passphrase, documents: [{ name: 'a.pdf', pdfBase64: 'JVBERg==' }] } });
    expect(sign.status).toBe(403);
  });
});

describe('signing through /v1 with a signing key', () => {
  it('signs for a person named by e-mail and by NIK; the tenant downloads the file; pdfsig trusts it', async () => {
    const before = await signedCount();
    const pdf = await samplePdf('Nota Dinas');
    for (const signer of [{ email }, { nik: sitiAminah.nik }]) {
      const signed = await people.send('POST', '/v1/signatures/pdf', {
        auth: { key: signingKey.apiKey },
        body: { signer, passphrase, reason: 'Persetujuan', documents: [{ name: 'nota.pdf', pdfBase64: Buffer.from(pdf).toString('base64') }] },
      });
      expect(signed.status, signed.text).toBe(200);
      const report = await pdfsigOf(Buffer.from(signed.body.documents[0].pdfBase64, 'base64'), `v1-${Object.keys(signer)[0]}.pdf`);
      expect(report).toContain('Signer Certificate Common Name: Siti Aminah');
      expect(report).toContain('Signature Validation: Signature is Valid.');
      expect(report).toContain('Certificate Validation: Certificate is Trusted.');
      const download = await people.send('GET', `/v1/signatures/documents/${signed.body.documents[0].documentId}`, { auth: { key: signingKey.apiKey } });
      expect(download.status).toBe(200);
    }
    expect(await signedCount()).toBe(before + 2);
  });

  it('says why not, and signs and counts nothing, for every refusal', async () => {
    const before = await signedCount();
    const document = { name: 'a.pdf', pdfBase64: Buffer.from(await samplePdf('Tolak')).toString('base64') };
    const sign = (body: Record<string, unknown>, key = signingKey.apiKey) => people.send('POST', '/v1/signatures/pdf', { auth: { key }, body: { documents: [document], ...body } });

    const nobody = await sign({ signer: { nik: '3171015503850009' }, passphrase });
    expect([nobody.status, nobody.body.code, nobody.body.reason]).toEqual([409, 'SIGNER_NOT_ELIGIBLE', 'NOT_REGISTERED']);
    // The operator is a person of another tenant (the platform's): unknown here, like nobody.
    const otherTenant = await sign({ signer: { email: runtime.seed.operator.email }, passphrase });
    expect([otherTenant.status, otherTenant.body.reason]).toEqual([409, 'NOT_REGISTERED']);
    const noSigner = await sign({ passphrase });
    expect([noSigner.status, noSigner.body.errors[0].field]).toEqual([422, 'signer']);
    const wrong = await sign({ signer: { email }, passphrase: 'Salah#Sekali2026' });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'PASSPHRASE_INVALID']);
    const badNik = await sign({ signer: { nik: '12' }, passphrase });
    expect([badNik.status, badNik.body.errors[0].code]).toEqual([422, 'NIK_INVALID']);
    // A person signs as themselves only, and never with their own key.
    const personKey = await sign({ passphrase }, runtime.seed.verifier.apiKey);
    expect(personKey.status).toBe(403);
    expect(await signedCount()).toBe(before);
  });
});

describe('the BSrE-compatible endpoints', () => {
  it('v1: signs a multipart request under HTTP Basic, answers the PDF with id_dokumen, and downloads it again', async () => {
    const pdf = await samplePdf('Surat Edaran', 2);
    const answer = await bsreV1('/api/sign/pdf', {
      nik: sitiAminah.nik, passphrase, tampilan: 'visible', image: 'false', linkQR: 'https://tte.contoh.go.id/verify', halaman: 'pertama',
      xAxis: '350', yAxis: '80', width: '200', height: '90', reason: 'Pengesahan', location: 'Palu',
    }, { file: { bytes: pdf, name: 'edaran.pdf', type: 'application/pdf' } });
    expect(answer.status, answer.json?.error).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    const documentId = answer.headers.get('id_dokumen')!;
    expect(documentId).toMatch(/\.1$/);
    const report = await pdfsigOf(answer.bytes, 'bsre-v1.pdf');
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(Buffer.from(answer.bytes).toString('latin1')).toContain('/Reason (Pengesahan)');

    const download = await fetch(`${runtime.api}/api/sign/download/${documentId}`, { headers: { authorization: basic(signingKey) } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(answer.bytes))).toBe(true);
  });

  it("v1: errors keep BSrE's body and numeric codes with a real 4xx, and nothing is counted", async () => {
    const before = await signedCount();
    const file = { file: { bytes: await samplePdf('Salah'), name: 'salah.pdf', type: 'application/pdf' } };
    const wrong = await bsreV1('/api/sign/pdf', { nik: sitiAminah.nik, passphrase: 'Bukan#Passphrase1' }, file);
    expect([wrong.status, wrong.json.status_code]).toEqual([401, 2031]);
    expect(wrong.json.error).toMatch(/Passphrase salah/);
    const unknown = await bsreV1('/api/sign/pdf', { nik: '3171015503850009', passphrase }, file);
    expect([unknown.status, unknown.json.status_code]).toEqual([409, 2011]);
    const malformed = await bsreV1('/api/sign/pdf', { nik: '123', passphrase }, file);
    expect([malformed.status, malformed.json.status_code]).toEqual([422, 2001]);
    expect(malformed.json.error).toMatch(/nik: NIK tidak valid/);
    const notPdf = await bsreV1('/api/sign/pdf', { nik: sitiAminah.nik, passphrase }, { file: { bytes: new TextEncoder().encode('bukan pdf'), name: 'x.pdf', type: 'application/pdf' } });
    expect([notPdf.status, notPdf.json.status_code]).toEqual([422, 2001]);
    const noFile = await bsreV1('/api/sign/pdf', { nik: sitiAminah.nik, passphrase }, {});
    expect([noFile.status, noFile.json.status_code]).toEqual([422, 2001]);
    const noKey = await bsreV1('/api/sign/pdf', { nik: sitiAminah.nik, passphrase }, file, basic({ keyId: signingKey.keyId, secret: 'salah' }));
    expect([noKey.status, noKey.json.status_code]).toEqual([401, 2001]);
    expect(await signedCount()).toBe(before);
  });

  it('tag_koordinat places the stamp on that text (the last page it is on); a missing tag is 2001 and nothing is signed', async () => {
    const document = PDF.create();
    document.addPage().drawText('Halaman satu', { x: 72, y: 720, size: 14 });
    const last = document.addPage();
    last.drawText('Kepala Dinas,', { x: 380, y: 220, size: 12 });
    last.drawText('#ttd#', { x: 400, y: 150, size: 12 });
    const pdf = await document.save();
    const answer = await bsreV1('/api/sign/pdf', { nik: sitiAminah.nik, passphrase, tampilan: 'visible', tag_koordinat: '#ttd#', width: '160', height: '70' },
      { file: { bytes: pdf, name: 'anchor.pdf', type: 'application/pdf' } });
    expect(answer.status, answer.json?.error).toBe(200);
    const rect = /\/Rect \[([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\]/.exec(Buffer.from(answer.bytes).toString('latin1').slice(pdf.length))!.slice(1).map(Number);
    // Centred on the tag: it lies inside the rectangle, which has the size asked.
    expect(rect[0]! < 410 && rect[2]! > 410 && rect[1]! < 154 && rect[3]! > 154).toBe(true);
    expect([Math.round(rect[2]! - rect[0]!), Math.round(rect[3]! - rect[1]!)]).toEqual([160, 70]);
    expect(await pdfsigOf(answer.bytes, 'anchor.pdf')).toContain('Signature Validation: Signature is Valid.');

    const before = await signedCount();
    const missing = await bsreV1('/api/sign/pdf', { nik: sitiAminah.nik, passphrase, tampilan: 'visible', tag_koordinat: '#tidak-ada#', width: '160', height: '70' },
      { file: { bytes: pdf, name: 'anchor.pdf', type: 'application/pdf' } });
    expect([missing.status, missing.json.status_code]).toEqual([422, 2001]);
    expect(await signedCount()).toBe(before);

    const v1 = await people.send('POST', '/v1/signatures/pdf', {
      auth: { key: signingKey.apiKey },
      body: { signer: { email }, passphrase, appearance: { visible: true, anchorText: '#tidak-ada#', width: 160, height: 70 }, documents: [{ name: 'a.pdf', pdfBase64: Buffer.from(pdf).toString('base64') }] },
    });
    expect([v1.status, v1.body.code]).toEqual([422, 'SIGNATURE_ANCHOR_NOT_FOUND']);
  });

  it('v1 and v2 user status: ISSUE for a signer, NOT_REGISTERED for an unknown NIK', async () => {
    const status = async (nik: string) => (await fetch(`${runtime.api}/api/user/status/${nik}`, { headers: { authorization: basic(signingKey) } })).json();
    expect(await status(sitiAminah.nik)).toMatchObject({ status_code: 1111, status: 'ISSUE' });
    expect(await status('3171015503850009')).toMatchObject({ status_code: 1110, status: 'NOT_REGISTERED' });
    const v2 = (body: unknown) => people.send('POST', '/api/v2/user/check/status', { auth: { key: signingKey.apiKey }, body });
    expect((await v2({ email })).body).toMatchObject({ status: 'ISSUE', message: expect.stringContaining('dapat menandatangani') });
    expect((await v2({ nik: '3171015503850009' })).body.status).toBe('NOT_REGISTERED');
    const invited = await people.send('POST', '/v1/users', { auth: { key: runtime.seed.verifier.apiKey }, body: { fullName: 'Pegawai Baru', email: 'baru.status@contoh.go.id' } });
    expect(invited.status).toBe(201);
    expect((await v2({ email: 'baru.status@contoh.go.id' })).body.status).toBe('NEW');
    const neither = await v2({});
    expect([neither.status, neither.body.status_code]).toEqual([422, 2001]);
  });

  it('v2: signs two files in one request, each with its own signature properties', async () => {
    const files = [await samplePdf('Lampiran 1'), await samplePdf('Lampiran 2')];
    const answer = await people.send('POST', '/api/v2/sign/pdf', {
      auth: { key: signingKey.apiKey },
      body: {
        email, passphrase,
        signatureProperties: [
          { tampilan: 'INVISIBLE', reason: 'Lampiran pertama', location: 'Palu' },
          { tampilan: 'VISIBLE', page: 1, originX: 300, originY: 60, width: 220, height: 90, reason: 'Lampiran kedua' },
        ],
        file: files.map((file) => Buffer.from(file).toString('base64')),
      },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.time).toEqual(expect.any(Number));
    expect(answer.body.file).toHaveLength(2);
    const reports = await Promise.all(answer.body.file.map((file: string, index: number) => pdfsigOf(Buffer.from(file, 'base64'), `bsre-v2-${index}.pdf`)));
    const texts = answer.body.file.map((file: string) => Buffer.from(file, 'base64').toString('latin1'));
    expect(texts[0]).toContain('/Reason (Lampiran pertama)');
    expect(texts[1]).toContain('/Reason (Lampiran kedua)');
    // The second carries its stamp where it was asked; the first is invisible.
    expect(texts[0]).toMatch(/\/Rect \[0 0 0 0\]/);
    expect(texts[1]).toMatch(/\/Rect \[300 60 520 150\]/);
    for (const report of reports) expect(report).toContain('Signature Validation: Signature is Valid.');
  });
});

describe('the BSrE-compatible verification', () => {
  const verificationCount = () => usageCount(runtime, 'VERIFICATION');

  it('v1 and v2 read a file signed here as valid, in their shapes, and each counts once for the tenant', async () => {
    const signed = await people.send('POST', '/v1/signatures/pdf', {
      auth: { key: signingKey.apiKey },
      body: { signer: { email }, passphrase, reason: 'Diverifikasi', location: 'Palu', documents: [{ name: 'cek.pdf', pdfBase64: Buffer.from(await samplePdf('Cek')).toString('base64') }] },
    });
    expect(signed.status).toBe(200);
    const pdf = Buffer.from(signed.body.documents[0].pdfBase64, 'base64');
    const before = await verificationCount();

    const v1 = await bsreV1('/api/sign/verify', {}, { signed_file: { bytes: pdf, name: 'cek.pdf', type: 'application/pdf' } });
    expect(v1.status, JSON.stringify(v1.json)).toBe(200);
    expect(v1.json).toMatchObject({ nama_dokumen: 'cek.pdf', jumlah_signature: 1, summary: 'VALID' });
    expect(v1.json.details[0]).toMatchObject({
      info_signer: { signer_name: 'Siti Aminah', cert_user_certified: true },
      signature_document: { document_integrity: true, signed_using_tsa: true, reason: 'Diverifikasi', location: 'Palu' },
    });

    const v2 = await people.send('POST', '/api/v2/verify/pdf', { auth: { key: signingKey.apiKey }, body: { file: pdf.toString('base64') } });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ conclusion: 'VALID', signatureCount: 1 });
    expect(v2.body.signatureInformations[0]).toMatchObject({
      signerName: 'Siti Aminah', signatureFormat: 'PAdES_BASELINE_LT', integrityValid: true, certificateTrusted: true, lastSignature: true, ltv: true,
      timestampInfomation: { timestamp: expect.any(String) },
    });
    expect(await verificationCount()).toBe(before + 2);
  });

  it('a tampered file is INVALID; not a PDF is 2001 and not counted', async () => {
    const signed = await people.send('POST', '/v1/signatures/pdf', {
      auth: { key: signingKey.apiKey },
      body: { signer: { email }, passphrase, level: 'B-B', documents: [{ name: 'ubah.pdf', pdfBase64: Buffer.from(await samplePdf('Ubah')).toString('base64') }] },
    });
    const pdf = Buffer.from(signed.body.documents[0].pdfBase64, 'base64');
    // One signed byte changed: the header's version (%PDF-1.7 → %PDF-1.6).
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    pdf[7] = '6'.charCodeAt(0);
    const v2 = await people.send('POST', '/api/v2/verify/pdf', { auth: { key: signingKey.apiKey }, body: { file: pdf.toString('base64') } });
    expect(v2.body.conclusion).toBe('INVALID');
    expect(v2.body.signatureInformations[0].integrityValid).toBe(false);

    const before = await verificationCount();
    const notPdf = await people.send('POST', '/api/v2/verify/pdf', { auth: { key: signingKey.apiKey }, body: { file: Buffer.from('bukan pdf').toString('base64') } });
    expect([notPdf.status, notPdf.body.status_code]).toEqual([422, 2001]);
    const noFile = await bsreV1('/api/sign/verify', {}, {});
    expect([noFile.status, noFile.json.status_code]).toEqual([422, 2001]);
    expect(await verificationCount()).toBe(before);
  });
});

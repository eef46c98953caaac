import { createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsClient, ahmadFauzi, sitiAminah, type Credentials } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { openssl } from '../openssl.js';
import { usageCount, nssTrustingCa, pdfsig, requireTools, run, samplePdf } from './signing-tools.js';
import { pkijs } from '../unit/pki-support.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let siti: { auth: Credentials; certificate: Record<string, string> };
const passphrase = 'Tanda#Tangan2026';
const work = mkdtempSync(join(tmpdir(), 'tte-signing-'));

/** The n-th signature of a PDF: its CMS (DER) and the bytes its ByteRange covers. */
function signatureOf(pdf: Buffer, nth = 0): { cms: Buffer; signedBytes: Buffer } {
  const text = pdf.toString('latin1');
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const [, a, b, c, d] = matches[nth]!.map(Number);
  const hex = text.slice(a! + b!, c!).replace(/[<>\s]/g, '').replace(/(00)+$/, '');
  return { cms: Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'), signedBytes: Buffer.concat([pdf.subarray(a!, a! + b!), pdf.subarray(c!, c! + d!)]) };
}

/** The RFC 3161 token in the CMS's unsigned attributes (id-aa-signatureTimeStampToken), and the signature value it covers. */
function timestampOf(cms: Buffer): { token: Buffer; signatureValue: Buffer } {
  const content = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content });
  const signer = content.signerInfos[0]!;
  const attribute = signer.unsignedAttrs!.attributes.find((entry) => entry.type === '1.2.840.113549.1.9.16.2.14')!;
  return { token: Buffer.from(attribute.values[0]!.toBER()), signatureValue: Buffer.from(signer.signature.valueBlock.valueHexView) };
}

let nss: string;
beforeAll(async () => {
  await requireTools();
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  const email = 'siti.tte@contoh.go.id';
  const held = await certificatesClient(people).holder(people.approvedCivilServant({ ...sitiAminah, email }), email, 'Kantor#Palu2026', passphrase);
  siti = { auth: held.auth, certificate: held.certificate! };
  nss = await nssTrustingCa(runtime.api, work);
}, 120_000);
afterAll(async () => {
  await runtime?.shutdown();
});

const sign = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  people.send('POST', '/v1/signatures/pdf', { auth: siti.auth, body, headers });

describe('signing PDFs (PAdES)', () => {
  it('signs a PDF at B-B: pdfsig says valid and trusted, the whole document signed, qpdf finds no damage', async () => {
    const original = await samplePdf('Surat Keputusan Nomor 1');
    const answer = await sign({ passphrase, level: 'B-B', reason: 'Persetujuan', location: 'Manado', documents: [{ name: 'sk-1.pdf', pdfBase64: Buffer.from(original).toString('base64') }] });
    expect(answer.status, answer.text).toBe(200);
    const signed = Buffer.from(answer.body.documents[0].pdfBase64, 'base64');
    // An incremental update: the original bytes are a prefix.
    expect(signed.subarray(0, original.length).equals(Buffer.from(original))).toBe(true);
    const file = join(work, 'b-b.pdf');
    writeFileSync(file, signed);
    const report = await pdfsig(file, nss);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Certificate Validation: Certificate is Trusted.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signer Certificate Common Name: Siti Aminah');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    await run('qpdf', ['--check', file]);
    // openssl, independently: the CMS over the signed byte ranges, chained to the service's CA.
    const { cms, signedBytes } = signatureOf(signed);
    const tools = openssl();
    const verified = await tools.run(['cms', '-verify', '-binary', '-inform', 'DER', '-in', tools.file('sig.der', cms), '-content', tools.file('data.bin', signedBytes),
      '-CAfile', join(work, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null']);
    expect(verified.output).toContain('Verification successful');

    const download = await people.send('GET', `/v1/signatures/documents/${answer.body.documents[0].documentId}`, { auth: siti.auth });
    expect(download.status).toBe(200);
  });

  it('signs two PDFs at the default level (B-LT) under one authorisation: timestamped, with a DSS, both valid and trusted', async () => {
    const documents = await Promise.all(['Nota Dinas 1', 'Nota Dinas 2'].map(async (title, index) => ({ name: `nd-${index + 1}.pdf`, pdfBase64: Buffer.from(await samplePdf(title)).toString('base64') })));
    const answer = await sign({ passphrase, reason: 'Disetujui', location: 'Manado', documents });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.level).toBe('B-LT');
    expect(answer.body.documents).toHaveLength(2);
    for (const [index, document] of (answer.body.documents as { pdfBase64: string }[]).entries()) {
      const file = join(work, `b-lt-${index}.pdf`);
      const signed = Buffer.from(document.pdfBase64, 'base64');
      writeFileSync(file, signed);
      const report = await pdfsig(file, nss);
      expect(report).toContain('Signature Validation: Signature is Valid.');
      expect(report).toContain('Certificate Validation: Certificate is Trusted.');
      // The DSS (certificates and the CRL) is a later revision: the signature covers all but it.
      expect(signed.toString('latin1')).toMatch(/\/DSS\s/);
      expect(signed.toString('latin1')).toMatch(/\/CRLs\s/);
      await run('qpdf', ['--check', file]);
      // The signature's timestamp verifies with openssl against the CA, over the signature value.
      const { token, signatureValue } = timestampOf(signatureOf(signed).cms);
      const tools = openssl();
      const tsa = await (await fetch(`${runtime.api}/pki/tsa.pem`)).text();
      const checked = await tools.run(['ts', '-verify', '-digest', createHash('sha256').update(signatureValue).digest('hex'), '-in', tools.file('token.der', token), '-token_in',
        '-CAfile', join(work, 'ca.pem'), '-untrusted', tools.file('tsa.pem', tsa)]);
      expect(checked.output).toContain('Verification: OK');
    }
  });

  it('B-LTA adds a document timestamp after the DSS: openssl verifies it over the bytes it covers, the signature stays valid', async () => {
    const answer = await sign({ passphrase, level: 'B-LTA', documents: [{ name: 'arsip.pdf', pdfBase64: Buffer.from(await samplePdf('Arsip')).toString('base64') }] });
    expect(answer.status, answer.text).toBe(200);
    const signed = Buffer.from(answer.body.documents[0].pdfBase64, 'base64');
    const file = join(work, 'b-lta.pdf');
    writeFileSync(file, signed);
    // poppler cannot check RFC 3161 document timestamps ("Signature Type: unknown"); openssl can.
    const report = await pdfsig(file, nss);
    expect(report.split('Signature #2:')[0]).toContain('Signature Validation: Signature is Valid.');
    expect(signed.toString('latin1')).toMatch(/\/Type\s*\/DocTimeStamp/);
    const { cms: token, signedBytes } = signatureOf(signed, 1);
    const tools = openssl();
    const tsa = await (await fetch(`${runtime.api}/pki/tsa.pem`)).text();
    const checked = await tools.run(['ts', '-verify', '-data', tools.file('covered.bin', signedBytes), '-in', tools.file('doc-ts.der', token), '-token_in',
      '-CAfile', join(work, 'ca.pem'), '-untrusted', tools.file('tsa.pem', tsa)]);
    expect(checked.output).toContain('Verification: OK');
    await run('qpdf', ['--check', file]);
  });

  it('a retry with the same Idempotency-Key answers the same files, signed and counted once', async () => {
    const body = { passphrase, level: 'B-T', documents: [{ name: 'ulang.pdf', pdfBase64: Buffer.from(await samplePdf('Ulang')).toString('base64') }] };
    const first = await sign(body, { 'idempotency-key': 'permintaan-42' });
    const second = await sign(body, { 'idempotency-key': 'permintaan-42' });
    expect(first.status, first.text).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.documents[0].documentId).toBe(first.body.documents[0].documentId);
    expect(second.body.documents[0].pdfBase64).toBe(first.body.documents[0].pdfBase64);
  });

  it('20 concurrent identical requests with one Idempotency-Key: one signed batch, counted once', async () => {
    const before = await usageCount(runtime);
    const body = { passphrase, level: 'B-B', documents: [{ name: 'serentak.pdf', pdfBase64: Buffer.from(await samplePdf('Serentak')).toString('base64') }] };
    const answers = await Promise.all(Array.from({ length: 20 }, () => sign(body, { 'idempotency-key': 'serentak-20' })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.body.documents[0].documentId)).size).toBe(1);
    expect(await usageCount(runtime)).toBe(before + 1);
  });

  it('signs a PDF with cross-reference and object streams, and an encrypted PDF given its password; without it, PDF_PASSWORD_REQUIRED', async () => {
    const plain = join(work, 'polos.pdf');
    writeFileSync(plain, await samplePdf('Dokumen rahasia'));
    const streams = join(work, 'xref-streams.pdf');
    await run('qpdf', ['--object-streams=generate', plain, streams]);
    const encrypted = join(work, 'terenkripsi.pdf');
    await run('qpdf', ['--encrypt', 'rahasia', 'pemilik', '256', '--', plain, encrypted]);
    const asBase64 = (file: string) => readFileSync(file).toString('base64');

    const locked = await sign({ passphrase, level: 'B-T', documents: [{ name: 'terenkripsi.pdf', pdfBase64: asBase64(encrypted) }] });
    expect(locked.status).toBe(422);
    expect(locked.body.code).toBe('PDF_PASSWORD_REQUIRED');

    const answer = await sign({ passphrase, level: 'B-T', documents: [
      { name: 'xref-streams.pdf', pdfBase64: asBase64(streams) },
      { name: 'terenkripsi.pdf', pdfBase64: asBase64(encrypted), pdfPassword: 'rahasia' },
    ] });
    expect(answer.status, answer.text).toBe(200);
    for (const [index, document] of (answer.body.documents as { pdfBase64: string }[]).entries()) {
      const file = join(work, `signed-${index}.pdf`);
      const signed = Buffer.from(document.pdfBase64, 'base64');
      writeFileSync(file, signed);
      const original = readFileSync(index === 0 ? streams : encrypted);
      expect(signed.subarray(0, original.length).equals(original)).toBe(true);
      const report = index === 0 ? await pdfsig(file, nss) : (await run('pdfsig', ['-nssdir', `sql:${nss}`, '-opw', 'pemilik', '-upw', 'rahasia', file])).stdout;
      expect(report, `document ${index}`).toContain('Signature Validation: Signature is Valid.');
      expect(report).toContain('Certificate Validation: Certificate is Trusted.');
      await run('qpdf', ['--check', ...(index === 1 ? ['--password=rahasia'] : []), file]);
    }
  });

  it('a second signer signs the signed file: both signatures stay valid; a changed byte is caught', async () => {
    const email = 'ahmad.tte@contoh.go.id';
    const ahmad = await certificatesClient(people).holder(people.approvedCivilServant({ ...ahmadFauzi, email }), email, 'Kantor#Palu2027', passphrase);
    const first = await sign({ passphrase, level: 'B-T', documents: [{ name: 'kontrak.pdf', pdfBase64: Buffer.from(await samplePdf('Kontrak Kerja Sama')).toString('base64') }] });
    expect(first.status, first.text).toBe(200);
    const second = await people.send('POST', '/v1/signatures/pdf', { auth: ahmad.auth, body: { passphrase, level: 'B-T', documents: [{ name: 'kontrak.pdf', pdfBase64: first.body.documents[0].pdfBase64 }] } });
    expect(second.status, second.text).toBe(200);
    const file = join(work, 'dua-penanda-tangan.pdf');
    const signed = Buffer.from(second.body.documents[0].pdfBase64, 'base64');
    writeFileSync(file, signed);
    const report = await pdfsig(file, nss);
    expect(report).toContain('Signer Certificate Common Name: Siti Aminah');
    expect(report).toContain('Signer Certificate Common Name: Ahmad Fauzi');
    expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(report.split('Signature #2:')[1]).toContain('Total document signed');

    // One byte changed inside both signatures' ranges (in the binary comment after the header, so
    // the file still parses): pdfsig exits 0 whatever it finds, so its text is read.
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('\n%', 0) + 2;
    expect(at).toBeLessThan(20);
    tampered[at] = tampered[at]! ^ 0x01;
    const tamperedFile = join(work, 'diubah.pdf');
    writeFileSync(tamperedFile, tampered);
    const tamperedReport = await pdfsig(tamperedFile, nss);
    expect(tamperedReport).not.toContain('Signature is Valid.');
    expect(tamperedReport).toMatch(/Digest Mismatch|Signature is Invalid/);
  });

  it('a visible stamp (photo, QR, text) is drawn in the rectangle on the last page, in the signature\'s own update', async () => {
    const original = await samplePdf('Surat Undangan');
    const appearance = { visible: true, page: 'last', x: 300, y: 80, width: 260, height: 90, imageBase64: readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url)).toString('base64'), qr: 'https://tte.example.go.id/web/verify' };
    const answer = await sign({ passphrase, level: 'B-T', reason: 'Mengetahui', location: 'Manado', appearance, documents: [{ name: 'undangan.pdf', pdfBase64: Buffer.from(original).toString('base64') }] });
    expect(answer.status, answer.text).toBe(200);
    const file = join(work, 'terlihat.pdf');
    const signed = Buffer.from(answer.body.documents[0].pdfBase64, 'base64');
    writeFileSync(file, signed);
    const report = await pdfsig(file, nss);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    // One incremental update after the original: the stamp came with the signature.
    const count = (bytes: Buffer, marker: string) => bytes.toString('latin1').split(marker).length - 1;
    expect(count(signed, '%%EOF')).toBe(count(Buffer.from(original), '%%EOF') + 1);
    await run('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', file, join(work, 'terlihat')]);
    const page = PNG.sync.read(readFileSync(join(work, 'terlihat-1.png')));
    const darkPixelsIn = (x0: number, y0: number, width: number, height: number) => {
      let dark = 0;
      for (let y = y0; y < y0 + height; y += 1) for (let x = x0; x < x0 + width; x += 1) if (page.data[(y * page.width + x) * 4]! < 200) dark += 1;
      return dark;
    };
    // PDF y grows upwards; the PNG's rows downwards (72 dpi: one pixel per point).
    expect(darkPixelsIn(300, page.height - 170, 260, 90)).toBeGreaterThan(500);
    expect(darkPixelsIn(300, page.height - 400, 260, 90)).toBe(0);

    const beyond = await sign({ passphrase, level: 'B-B', appearance: { ...appearance, page: 7 }, documents: [{ name: 'x.pdf', pdfBase64: Buffer.from(original).toString('base64') }] });
    expect(beyond.status).toBe(422);
    expect(beyond.body.code).toBe('SIGNATURE_PAGE_INVALID');
    const outside = await sign({ passphrase, level: 'B-B', appearance: { ...appearance, x: 500 }, documents: [{ name: 'x.pdf', pdfBase64: Buffer.from(original).toString('base64') }] });
    expect(outside.body.code).toBe('SIGNATURE_RECTANGLE_INVALID');
    const notImage = await sign({ passphrase, level: 'B-B', appearance: { ...appearance, imageBase64: Buffer.from(original).toString('base64') }, documents: [{ name: 'x.pdf', pdfBase64: Buffer.from(original).toString('base64') }] });
    expect(notImage.body.code).toBe('SIGNATURE_IMAGE_INVALID');
  });

  it('a wrong passphrase signs nothing and says how many attempts are left', async () => {
    const answer = await sign({ passphrase: 'Salah#Sekali1', level: 'B-B', documents: [{ name: 'a.pdf', pdfBase64: Buffer.from(await samplePdf('x')).toString('base64') }] });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'PASSPHRASE_INVALID', attemptsLeft: 4 });
  });

  it('not a PDF, or a PDF whose structure had to be rebuilt, is refused with PDF_INVALID', async () => {
    const notPdf = await sign({ passphrase, level: 'B-B', documents: [{ name: 'a.pdf', pdfBase64: Buffer.from('bukan pdf').toString('base64') }] });
    expect(notPdf.status).toBe(422);
    expect(notPdf.body.code).toBe('PDF_INVALID');
    expect(readFileSync).toBeDefined();
  });
});

describe('requests that sign nothing and count nothing', () => {
  const signedCount = () => usageCount(runtime);

  it('0 documents, 101 documents, an unknown level, a 60 MB body: each its code, nothing counted', async () => {
    const before = await signedCount();
    const one = { name: 'a.pdf', pdfBase64: Buffer.from(await samplePdf('x')).toString('base64') };
    const none = await sign({ passphrase, documents: [] });
    expect(none.status).toBe(422);
    expect(none.body.errors[0].field).toBe('documents');
    const tooMany = await sign({ passphrase, level: 'B-B', documents: Array.from({ length: 101 }, () => one) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors[0].field).toBe('documents');
    const level = await sign({ passphrase, level: 'B-LTV', documents: [one] });
    expect(level.status).toBe(422);
    expect(level.body.errors[0].field).toBe('level');
    const huge = await people.send('POST', '/v1/signatures/pdf', { auth: siti.auth, raw: { body: 'x'.repeat(60 * 1024 * 1024), contentType: 'application/json' } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await signedCount()).toBe(before);
    // The counter does move when something is signed: two documents count two.
    expect((await sign({ passphrase, level: 'B-B', documents: [one, one] })).status).toBe(200);
    expect(await signedCount()).toBe(before + 2);
  });
});

describe('signing hashes (for clients that build their own CMS)', () => {
  it('returns DER ECDSA signatures that verify with the certificate over the data the client hashed', async () => {
    const data = ['dokumen satu', 'dokumen dua'].map((text) => Buffer.from(text));
    const hashes = data.map((bytes) => createHash('sha256').update(bytes).digest('base64'));
    const before = await usageCount(runtime, 'HASH_SIGNED');
    const answer = await people.send('POST', '/v1/signatures/hashes', { auth: siti.auth, body: { passphrase, hashAlgorithm: 'SHA-256', hashes } });
    expect(answer.status, answer.text).toBe(200);
    // Each hash counts once in the tenant's usage, recorded with the signing.
    expect(await usageCount(runtime, 'HASH_SIGNED')).toBe(before + 2);
    const certificate = new X509Certificate(answer.body.certificate);
    expect(certificate.subject).toContain('CN=Siti Aminah');
    expect(new X509Certificate(answer.body.chain[0]).verify(new X509Certificate(answer.body.chain[0]).publicKey)).toBe(true);
    (answer.body.signatures as string[]).forEach((signature, index) => {
      expect(verify('sha256', data[index]!, { key: certificate.publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'))).toBe(true);
    });
  });

  it('a hash that is not 32 bytes is a field error, and nothing is signed or counted', async () => {
    const before = await usageCount(runtime, 'HASH_SIGNED');
    const answer = await people.send('POST', '/v1/signatures/hashes', { auth: siti.auth, body: { passphrase, hashAlgorithm: 'SHA-256', hashes: [Buffer.from('pendek').toString('base64')] } });
    expect(answer.status).toBe(422);
    expect(answer.body.errors[0]).toMatchObject({ field: 'hashes.0', code: 'VALUE_INVALID' });
    const wrong = await people.send('POST', '/v1/signatures/hashes', { auth: siti.auth, body: { passphrase: 'Salah#Passphrase9', hashAlgorithm: 'SHA-256', hashes: [Buffer.alloc(32, 1).toString('base64')] } });
    expect(wrong.status).toBe(401);
    expect(await usageCount(runtime, 'HASH_SIGNED')).toBe(before);
  });
});

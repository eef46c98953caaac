import { CryptoKeySigner, PDF, PdfArray, PdfDict, PdfName, PdfRef, PdfStream, rgb, type RevocationProvider, type TimestampAuthority as PdfTimestampAuthority } from '@libpdf/core';
import * as asn1js from 'asn1js';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import type { CertificateStatusAnswer } from '../../shared/domain/certificates.js';
import { createCertificateRequest, type IssuedCertificate, type SubjectProfile } from '../../shared/pki/certificate-authority.js';
import { readElement } from '../../shared/pki/der.js';
import { TimestampAuthority } from '../../shared/pki/timestamp-authority.js';
import type { SignatureAppearance } from '../../shared/signing/pdf-appearance.js';
import { signingKeyFromPkcs8, signPdf, type SigningParty } from '../../shared/signing/pdf-signature.js';
import { parsePdfDate, verifyPdfSignatures, type PdfVerificationDeps } from '../../shared/signing/pdf-verification.js';
import type { SignatureLevel } from '../../shared/domain/signing.js';
import { newTestCa, NOW, pkijs, SUBJECT, type TestCa } from './pki-support.js';

// The service's CA and TSA as the signing core uses them, a holder or two, and the CA's CRL.
let ca: TestCa;
let tsa: TimestampAuthority;
let budi: { party: SigningParty; issued: IssuedCertificate };
let siti: { party: SigningParty; issued: IssuedCertificate };
const clock = { now: () => new Date() };
const timestamps: PdfTimestampAuthority = { timestamp: (digest, algorithm) => tsa.timestamp({ digest, algorithm }) };

async function holder(subject: SubjectProfile, authority = ca) {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issued = await authority.authority.issue({ csrDer: (await createCertificateRequest(keys, subject)).der, subject, now: NOW });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { party: { certificateDer: issued.der, chainDer: [authority.ca.der], privateKey: await signingKeyFromPkcs8(pkcs8) }, issued };
}

/** The CA's CRL as the DSS carries it: current at the signing time, listing these revocations. */
const crlProvider = (entries: { serialNumber: string; revokedAt: Date }[] = []): RevocationProvider => ({
  getCRL: async () => ca.authority.crl({
    crlNumber: 1, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 86_400_000),
    entries: entries.map((entry) => ({ ...entry, reason: 'keyCompromise' as const })),
  }),
});

/** OCSP answers from the CA itself, for whatever the lookup says, as an OCSP responder would give the DSS. */
const ocspProvider = (lookup: (serial: string) => Promise<CertificateStatusAnswer>): RevocationProvider => ({
  getOCSP: async (cert, issuer) => {
    const request = new pkijs.OCSPRequest();
    await request.createForCertificate(pkijs.Certificate.fromBER(cert), { hashAlgorithm: 'SHA-1', issuerCertificate: pkijs.Certificate.fromBER(issuer) });
    return (await ca.authority.ocsp(new Uint8Array(request.toSchema(true).toBER()), lookup, new Date())).der;
  },
});

async function letter(title = 'Surat Keputusan'): Promise<Uint8Array> {
  const document = PDF.create();
  document.addPage().drawText(title, { x: 72, y: 720, size: 16 });
  return document.save();
}

const sign = (pdf: Uint8Array, level: SignatureLevel, options: { who?: typeof budi; revocation?: RevocationProvider; signingTime?: Date; appearance?: SignatureAppearance } = {}) => signPdf({
  pdf,
  party: (options.who ?? budi).party,
  level,
  signingTime: options.signingTime ?? NOW,
  reason: 'Disetujui',
  location: 'Palu',
  ...(level === 'B-B' ? {} : { timestampAuthority: timestamps }),
  ...(level === 'B-LT' || level === 'B-LTA' ? { revocation: options.revocation ?? crlProvider() } : {}),
  ...(options.appearance ? { appearance: options.appearance } : {}),
});

/** A visible stamp as the service draws it: an image, a QR code and the signer's lines. */
function stamp(name: string): SignatureAppearance {
  const image = new PNG({ width: 4, height: 4 });
  image.data.fill(0x80);
  return { page: 'first', x: 72, y: 100, width: 240, height: 80, imageBytes: new Uint8Array(PNG.sync.write(image)), qr: 'https://tte.contoh.go.id/web/verify', lines: [name, 'Disetujui'] };
}

/** The signed file with one more incremental revision, made with @libpdf/core as an editor would. */
async function editedAfterSigning(signed: Uint8Array, edit: (document: PDF) => void): Promise<Uint8Array> {
  const document = await PDF.load(signed);
  edit(document);
  const edited = await document.save({ incremental: true });
  // Appended: the signed bytes are still the file's prefix.
  expect(Buffer.from(edited.subarray(0, signed.length)).equals(Buffer.from(signed))).toBe(true);
  return edited;
}

/** The service's records: every certificate good unless told otherwise. */
function records(statuses: Record<string, CertificateStatusAnswer> = {}) {
  const asked: string[] = [];
  const deps: PdfVerificationDeps = {
    trustAnchors: [ca.ca.der],
    liveStatus: async (serial) => {
      asked.push(serial);
      return statuses[serial] ?? { status: 'good' };
    },
    clock,
  };
  return { deps, asked };
}

beforeAll(async () => {
  ca = await newTestCa();
  const tsaSigner = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const tsaCertificate = await ca.authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: 'TTE Test TSA', now: NOW, validityYears: 5 });
  tsa = new TimestampAuthority({ signer: tsaSigner, certificate: tsaCertificate.der, caCertificate: ca.ca.der, clock, policyOid: '1.3.6.1.4.1.99999.1.1.2' });
  budi = await holder(SUBJECT);
  siti = await holder({ ...SUBJECT, commonName: 'Siti Aminah', email: 'siti.aminah@contoh.go.id' });
});

describe('verifying PAdES signatures made by the signing core', () => {
  it('B-B: valid, trusted, the whole document, no timestamp, live status from the service\'s records', async () => {
    const signed = await sign(await letter(), 'B-B');
    const { deps, asked } = records();
    const report = await verifyPdfSignatures(signed, deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures).toHaveLength(1);
    const [signature] = report.signatures;
    expect(signature).toMatchObject({
      fieldName: 'Signature_1', signerName: 'Budi Santoso', reason: 'Disetujui', location: 'Palu', signingTime: new Date(Math.floor(NOW.getTime() / 1000) * 1000).toISOString(),
      coversWholeDocument: true, changesAfter: 'NONE', integrityValid: true, certificateTrusted: true, timestamp: null, level: 'PAdES-B-B', ltv: false, conclusion: 'VALID',
      subFilter: 'ETSI.CAdES.detached', revocation: { status: 'good', source: 'SERVICE' },
    });
    expect(signature!.certificate?.serialNumber).toBe(budi.issued.serialNumber);
    expect(asked).toEqual([budi.issued.serialNumber]);
    expect(report.documentTimestamps).toEqual([]);
  });

  it('B-T: the signature timestamp verifies over the signature value, from the service\'s TSA', async () => {
    const report = await verifyPdfSignatures(await sign(await letter(), 'B-T'), records().deps);
    const [signature] = report.signatures;
    expect(report.conclusion).toBe('VALID');
    expect(signature).toMatchObject({ level: 'PAdES-B-T', ltv: false, timestamp: { tsaName: 'TTE Test TSA', valid: true, trusted: true } });
    expect(Math.abs(new Date(signature!.timestamp!.time).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('B-LT: revocation at the signing time comes from the CRL in the DSS; the DSS revision after the signature is only validation data', async () => {
    const report = await verifyPdfSignatures(await sign(await letter(), 'B-LT'), records().deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures[0]).toMatchObject({
      level: 'PAdES-B-LT', ltv: true, coversWholeDocument: false, changesAfter: 'VALIDATION_DATA', conclusion: 'VALID', notes: [],
      revocation: { status: 'good', source: 'DSS_CRL', checkedAt: new Date(Math.floor(NOW.getTime() / 1000) * 1000).toISOString() },
    });
  });

  it('B-LT with OCSP responses in the DSS reads them (signed by the CA) instead of the records', async () => {
    const signed = await sign(await letter(), 'B-LT', { revocation: ocspProvider(async () => ({ status: 'good' })) });
    const { deps } = records();
    const report = await verifyPdfSignatures(signed, deps);
    expect(report.signatures[0]).toMatchObject({ level: 'PAdES-B-LT', ltv: true, conclusion: 'VALID', revocation: { status: 'good', source: 'DSS_OCSP' } });
  });

  it('B-LTA: the document timestamp is reported apart, counts toward the level, and is no signer', async () => {
    const report = await verifyPdfSignatures(await sign(await letter(), 'B-LTA'), records().deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures).toHaveLength(1);
    // After the signature: its DSS, the document timestamp, and the DSS for the timestamp's own token.
    expect(report.signatures[0]).toMatchObject({ level: 'PAdES-B-LTA', ltv: true, conclusion: 'VALID', coversWholeDocument: false, changesAfter: 'VALIDATION_DATA', notes: [] });
    expect(report.documentTimestamps).toEqual([expect.objectContaining({ tsaName: 'TTE Test TSA', integrityValid: true, certificateTrusted: true, coversWholeDocument: false, changesAfter: 'VALIDATION_DATA', notes: [] })]);
  });

  it('two signers in sequence: both valid, the first does not cover the whole document, the second does', async () => {
    const first = await sign(await letter(), 'B-B');
    const both = await sign(first, 'B-B', { who: siti });
    const report = await verifyPdfSignatures(both, records().deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures.map((signature) => [signature.signerName, signature.coversWholeDocument, signature.changesAfter, signature.conclusion])).toEqual([
      ['Budi Santoso', false, 'SIGNATURES', 'VALID'],
      ['Siti Aminah', true, 'NONE', 'VALID'],
    ]);
  });

  it('a second signer\'s visible stamp (widget, image, QR, font) and both DSS revisions: the first signature sees only a signature added', async () => {
    const first = await sign(await letter(), 'B-LT');
    const both = await sign(first, 'B-LTA', { who: siti, appearance: stamp('Siti Aminah') });
    const report = await verifyPdfSignatures(both, records().deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures.map((signature) => [signature.signerName, signature.coversWholeDocument, signature.changesAfter, signature.conclusion, signature.notes])).toEqual([
      ['Budi Santoso', false, 'SIGNATURES', 'VALID', []],
      ['Siti Aminah', false, 'VALIDATION_DATA', 'VALID', []],
    ]);
    expect(report.documentTimestamps.map((stamp) => stamp.changesAfter)).toEqual(['VALIDATION_DATA']);
  });

  it('a changed byte in the signed part: INVALID, the digest no longer matches', async () => {
    const signed = await sign(await letter(), 'B-T');
    // The second line of a PDF is a comment of binary bytes: changing one keeps the file readable.
    expect(String.fromCharCode(signed[9]!)).toBe('%');
    const tampered = new Uint8Array(signed);
    tampered[11] = tampered[11]! ^ 0x01;
    const report = await verifyPdfSignatures(tampered, records().deps);
    expect(report.conclusion).toBe('INVALID');
    expect(report.signatures[0]).toMatchObject({ integrityValid: false, conclusion: 'INVALID', notes: [expect.objectContaining({ code: 'DIGEST_MISMATCH' })] });
    // The same file untouched is valid: the verdict is the byte's doing.
    expect((await verifyPdfSignatures(signed, records().deps)).conclusion).toBe('VALID');
  });

  it('a changed byte in the signature value itself: INVALID, the signature does not verify', async () => {
    const signed = await sign(await letter(), 'B-B');
    const text = Buffer.from(signed).toString('latin1');
    const [, , , holeEnd] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!.map(Number);
    const contents = text.lastIndexOf('>', holeEnd! - 1);
    // The CMS ends with the ECDSA signature value; its last hex digits sit before the zero padding.
    const lastSignificant = text.slice(0, contents).search(/[1-9A-Fa-f]0*$/);
    const tampered = new Uint8Array(signed);
    tampered[lastSignificant] = tampered[lastSignificant] === 0x31 ? 0x32 : 0x31;
    const report = await verifyPdfSignatures(tampered, records().deps);
    expect(report.conclusion).toBe('INVALID');
    expect(report.signatures[0]!.notes.map((note) => note.code)).toEqual(['SIGNATURE_INVALID']);
  });

  it('a signature from an unknown CA: INDETERMINATE with the reason, integrity still checked, no live lookup', async () => {
    const stranger = await holder(SUBJECT, await newTestCa('CA Lain'));
    const signed = await sign(await letter(), 'B-B', { who: stranger });
    const { deps, asked } = records();
    const report = await verifyPdfSignatures(signed, deps);
    expect(report.conclusion).toBe('INDETERMINATE');
    expect(report.signatures[0]).toMatchObject({
      integrityValid: true, certificateTrusted: false, conclusion: 'INDETERMINATE',
      revocation: { status: 'unknown', source: null }, notes: [{ code: 'CERTIFICATE_UNTRUSTED', description: expect.stringContaining('CA tidak dikenal') }],
    });
    expect(asked).toEqual([]);
  });

  it('an unsigned PDF: NO_SIGNATURE', async () => {
    const report = await verifyPdfSignatures(await letter(), records().deps);
    expect(report).toMatchObject({ conclusion: 'NO_SIGNATURE', signatures: [], documentTimestamps: [] });
    expect(report.description).toContain('tidak memiliki tanda tangan');
  });

  it('not a PDF, or a PDF only readable by rebuilding it: PDF_INVALID (422)', async () => {
    await expect(verifyPdfSignatures(new Uint8Array(Buffer.from('bukan pdf')), records().deps)).rejects.toMatchObject({ code: 'PDF_INVALID', status: 422 });
    const broken = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
    await expect(verifyPdfSignatures(new Uint8Array(broken), records().deps)).rejects.toMatchObject({ code: 'PDF_INVALID', status: 422 });
  });
});

describe('revocation at the signing time', () => {
  it('revoked after the timestamp: still VALID, the revocation reported', async () => {
    const signed = await sign(await letter(), 'B-T');
    const revokedAt = new Date(Date.now() + 1000);
    const report = await verifyPdfSignatures(signed, records({ [budi.issued.serialNumber]: { status: 'revoked', revokedAt, reason: 'keyCompromise' } }).deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures[0]).toMatchObject({
      conclusion: 'VALID',
      revocation: { status: 'good', source: 'SERVICE', revokedAt: revokedAt.toISOString(), revocationReason: 'keyCompromise' },
      notes: [expect.objectContaining({ code: 'REVOKED_AFTER_SIGNING' })],
    });
  });

  it('B-LT, revoked later: good from the DSS at the signing time, the later revocation from the records', async () => {
    const signed = await sign(await letter(), 'B-LT');
    const revokedAt = new Date(Date.now() + 1000);
    const report = await verifyPdfSignatures(signed, records({ [budi.issued.serialNumber]: { status: 'revoked', revokedAt, reason: 'superseded' } }).deps);
    expect(report.signatures[0]).toMatchObject({ conclusion: 'VALID', revocation: { status: 'good', source: 'DSS_CRL', revokedAt: revokedAt.toISOString() } });
  });

  it('revoked before the timestamp: INVALID', async () => {
    const signed = await sign(await letter(), 'B-T');
    const report = await verifyPdfSignatures(signed, records({ [budi.issued.serialNumber]: { status: 'revoked', revokedAt: new Date(Date.now() - 5000), reason: 'keyCompromise' } }).deps);
    expect(report.conclusion).toBe('INVALID');
    expect(report.signatures[0]).toMatchObject({ conclusion: 'INVALID', revocation: { status: 'revoked', source: 'SERVICE' }, notes: [expect.objectContaining({ code: 'CERTIFICATE_REVOKED' })] });
  });

  it('revoked on the DSS\'s own CRL before signing: INVALID from the DSS alone', async () => {
    const carol = await holder({ ...SUBJECT, commonName: 'Carol Dewi', email: 'carol@contoh.go.id' });
    const signed = await sign(await letter(), 'B-LT', { who: carol, revocation: crlProvider([{ serialNumber: carol.issued.serialNumber, revokedAt: new Date(NOW.getTime() - 1000) }]) });
    const report = await verifyPdfSignatures(signed, { trustAnchors: [ca.ca.der], clock });
    expect(report.signatures[0]).toMatchObject({ conclusion: 'INVALID', revocation: { status: 'revoked', source: 'DSS_CRL', revocationReason: 'keyCompromise' } });
  });

  it('B-B with a revocation after the stated time: INDETERMINATE, nothing proves when it was signed', async () => {
    const signed = await sign(await letter(), 'B-B');
    const report = await verifyPdfSignatures(signed, records({ [budi.issued.serialNumber]: { status: 'revoked', revokedAt: new Date(), reason: 'keyCompromise' } }).deps);
    expect(report.signatures[0]).toMatchObject({ conclusion: 'INDETERMINATE', notes: [expect.objectContaining({ code: 'REVOKED_NO_POE' })] });
  });

  it('a serial the records do not know: INDETERMINATE, revocation unknown', async () => {
    const signed = await sign(await letter(), 'B-B');
    const report = await verifyPdfSignatures(signed, records({ [budi.issued.serialNumber]: { status: 'unknown' } }).deps);
    expect(report.signatures[0]).toMatchObject({ conclusion: 'INDETERMINATE', revocation: { status: 'unknown', source: 'SERVICE' }, notes: [expect.objectContaining({ code: 'REVOCATION_UNKNOWN' })] });
  });
});

// ---- Other signers: RSA and ECDSA P-384 chains made here, adbe.pkcs7.detached, SHA-384/512 ----

async function foreignChain(kind: 'RSA' | 'P-384', digest: string) {
  // A WebCrypto RSA key is bound to one hash: the holder's to the digest its signatures name.
  const algorithm = (hash: string) => (kind === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash }
    : { name: 'ECDSA', namedCurve: 'P-384' });
  const caKeys = (await webcrypto.subtle.generateKey(algorithm('SHA-256'), true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leafKeys = (await webcrypto.subtle.generateKey(algorithm(digest), true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = async (subject: string, issuer: string, publicKey: webcrypto.CryptoKey, signingKey: webcrypto.CryptoKey, isCa: boolean, serial: number) => {
    const cert = new pkijs.Certificate();
    cert.version = 2;
    cert.serialNumber = new asn1js.Integer({ value: serial });
    cert.issuer.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: issuer }) }));
    cert.subject.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: subject }) }));
    cert.notBefore.value = new Date(Date.now() - 86_400_000);
    cert.notAfter.value = new Date(Date.now() + 365 * 86_400_000);
    cert.extensions = [new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: isCa }).toSchema().toBER(false) })];
    await cert.subjectPublicKeyInfo.importKey(publicKey);
    await cert.sign(signingKey, kind === 'RSA' ? 'SHA-256' : 'SHA-384');
    return new Uint8Array(cert.toSchema(true).toBER(false));
  };
  const caDer = await certificate('Other Root CA', 'Other Root CA', caKeys.publicKey, caKeys.privateKey, true, 1);
  const leafDer = await certificate('Signer Elsewhere', 'Other Root CA', leafKeys.publicKey, caKeys.privateKey, false, 2);
  return { caDer, signer: new CryptoKeySigner(leafKeys.privateKey, leafDer, kind === 'RSA' ? 'RSA' : 'EC', kind === 'RSA' ? 'RSASSA-PKCS1-v1_5' : 'ECDSA', [caDer]) };
}

describe('signatures from other signers', () => {
  it.each([
    ['RSA', 'SHA-512', 'adbe.pkcs7.detached'],
    ['P-384', 'SHA-384', 'ETSI.CAdES.detached'],
  ] as const)('%s with %s (%s): integrity read and valid; trusted once its CA is an anchor', async (kind, digestAlgorithm, subFilter) => {
    const { caDer, signer } = await foreignChain(kind, digestAlgorithm);
    const document = await PDF.load(await letter());
    const { bytes } = await document.sign({ signer, digestAlgorithm, subFilter, reason: 'Uji' });
    const unknown = await verifyPdfSignatures(bytes, { trustAnchors: [ca.ca.der], clock });
    expect(unknown.signatures[0]).toMatchObject({ signerName: 'Signer Elsewhere', subFilter, integrityValid: true, certificateTrusted: false, conclusion: 'INDETERMINATE' });
    // With its CA as the anchor and no revocation source, the chain is trusted but the status unknown.
    const anchored = await verifyPdfSignatures(bytes, { trustAnchors: [caDer], clock });
    expect(anchored.signatures[0]).toMatchObject({ integrityValid: true, certificateTrusted: true, conclusion: 'INDETERMINATE', notes: [expect.objectContaining({ code: 'REVOCATION_UNKNOWN' })] });
  });

  it('ECDSA P-256 with SHA-384 from the service\'s CA: valid', async () => {
    const document = await PDF.load(await letter());
    const signer = new CryptoKeySigner(budi.party.privateKey, budi.party.certificateDer, 'EC', 'ECDSA', [ca.ca.der]);
    const { bytes } = await document.sign({ signer, digestAlgorithm: 'SHA-384' });
    expect((await verifyPdfSignatures(bytes, records().deps)).signatures[0]).toMatchObject({ conclusion: 'VALID', integrityValid: true });
  });

  it('a CMS in BER (indefinite length, as some signers write it) is read too', async () => {
    const signed = await sign(await letter(), 'B-T');
    const text = Buffer.from(signed).toString('latin1');
    const [, , holeStart, holeEnd] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!.map(Number);
    const hex = text.slice(holeStart! + 1, holeEnd! - 1);
    const der = readElement(Buffer.from(hex, 'hex'));
    // The hole is outside what is signed: the same ContentInfo with an indefinite outer length.
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), der.contents, Buffer.from([0, 0])]).toString('hex');
    const rewritten = new Uint8Array(signed);
    rewritten.set(Buffer.from(ber.padEnd(hex.length, '0'), 'latin1'), holeStart! + 1);
    expect(Buffer.from(rewritten).equals(Buffer.from(signed))).toBe(false);
    const report = await verifyPdfSignatures(rewritten, records().deps);
    expect(report.signatures[0]).toMatchObject({ conclusion: 'VALID', integrityValid: true, level: 'PAdES-B-T', timestamp: { valid: true, trusted: true } });
  });

  it('an encrypted PDF without its password: signatures checked, its encrypted texts not read', async () => {
    const plain = await PDF.load(await letter());
    plain.setProtection({ userPassword: 'rahasia', ownerPassword: 'pemilik' });
    const encrypted = await plain.save();
    const signed = await signPdf({ pdf: encrypted, password: 'rahasia', party: budi.party, level: 'B-B', signingTime: NOW });
    const report = await verifyPdfSignatures(signed, records().deps);
    expect(report.conclusion).toBe('VALID');
    expect(report.signatures[0]).toMatchObject({ integrityValid: true, fieldName: null, reason: null, notes: [expect.objectContaining({ code: 'DOCUMENT_ENCRYPTED' })] });
  });
});

describe('what the revisions after a signature add', () => {
  const modified = expect.objectContaining({ code: 'MODIFIED_AFTER_SIGNING', description: expect.stringContaining('diubah setelah ditandatangani') });

  it('object and cross-reference streams (qpdf): a later object under the number of an earlier cross-reference stream is new, not a change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tte-verify-'));
    writeFileSync(join(dir, 'plain.pdf'), await letter('Surat dengan object stream'));
    execFileSync('qpdf', ['--object-streams=generate', join(dir, 'plain.pdf'), join(dir, 'streams.pdf')]);
    const signed = await sign(new Uint8Array(readFileSync(join(dir, 'streams.pdf'))), 'B-T');
    rmSync(dir, { recursive: true, force: true });
    // The number of the signature revision's cross-reference stream, taken by a DSS (as
    // @libpdf/core's numbering can do when it writes the DSS right after the signature).
    const xrefStreams = [...Buffer.from(signed).toString('latin1').matchAll(/(\d+) 0 obj\s*<<[^>]*\/Type \/XRef/g)].map((match) => Number(match[1]));
    const reused = PdfRef.of(xrefStreams.at(-1)!, 0);
    const edited = await editedAfterSigning(signed, (document) => {
      document.context.registry.registerAt(reused, PdfDict.of({ Type: PdfName.of('DSS'), Certs: new PdfArray([document.createStream({}, ca.ca.der)]) }));
      document.getCatalog().set('DSS', reused);
    });
    expect(Buffer.from(edited).toString('latin1').lastIndexOf(`${reused.objectNumber} 0 obj`)).toBeGreaterThan(signed.length);
    const report = await verifyPdfSignatures(edited, records().deps);
    expect(report.signatures[0]).toMatchObject({ changesAfter: 'VALIDATION_DATA', conclusion: 'VALID' });
  });

  it('text drawn on the page after signing: OTHER, the signed revision intact, INDETERMINATE with the note', async () => {
    const signed = await sign(await letter(), 'B-LT');
    const edited = await editedAfterSigning(signed, (document) => document.getPage(0)!.drawText('Dibatalkan', { x: 72, y: 600, size: 24 }));
    const report = await verifyPdfSignatures(edited, records().deps);
    expect(report.conclusion).toBe('INDETERMINATE');
    expect(report.signatures[0]).toMatchObject({ integrityValid: true, certificateTrusted: true, coversWholeDocument: false, changesAfter: 'OTHER', conclusion: 'INDETERMINATE', notes: [modified] });
    // The same file before the edit.
    expect((await verifyPdfSignatures(signed, records().deps)).signatures[0]).toMatchObject({ changesAfter: 'VALIDATION_DATA', conclusion: 'VALID' });
  });

  it('a non-signature annotation added after signing: OTHER', async () => {
    const signed = await sign(await letter(), 'B-B');
    const edited = await editedAfterSigning(signed, (document) => document.getPage(0)!.addSquareAnnotation({ rect: { x: 72, y: 500, width: 200, height: 50 }, color: rgb(1, 0, 0), contents: 'Catatan' }));
    const report = await verifyPdfSignatures(edited, records().deps);
    expect(report.conclusion).toBe('INDETERMINATE');
    expect(report.signatures[0]).toMatchObject({ integrityValid: true, changesAfter: 'OTHER', conclusion: 'INDETERMINATE', notes: [modified] });
  });

  it('a content stream rewritten under its own number (the page dictionary untouched): OTHER, for every signature and timestamp before it', async () => {
    const first = await sign(await letter(), 'B-T');
    const both = await sign(first, 'B-LTA', { who: siti });
    const edited = await editedAfterSigning(both, (document) => {
      const page = document.getPage(0)!.dict;
      const content = document.getObject(page.getRef('Contents')!);
      expect(content).toBeInstanceOf(PdfStream);
      (content as PdfStream).setData(new Uint8Array(Buffer.from('BT /F0 16 Tf 72 720 Td (Surat Palsu) Tj ET\n')));
    });
    const report = await verifyPdfSignatures(edited, records().deps);
    expect(report.signatures.map((signature) => [signature.integrityValid, signature.changesAfter, signature.conclusion])).toEqual([[true, 'OTHER', 'INDETERMINATE'], [true, 'OTHER', 'INDETERMINATE']]);
    expect(report.documentTimestamps).toEqual([expect.objectContaining({ integrityValid: true, changesAfter: 'OTHER', notes: [modified] })]);
  });

  it('a changed signature still reports INVALID (the change after it is noted, not the cause)', async () => {
    const signed = Buffer.from(await sign(await letter(), 'B-B'));
    signed[11] = signed[11]! ^ 0x01;
    const edited = await editedAfterSigning(new Uint8Array(signed), (document) => document.getPage(0)!.drawText('Lagi', { x: 72, y: 600, size: 24 }));
    const report = await verifyPdfSignatures(edited, records().deps);
    expect(report.conclusion).toBe('INVALID');
    expect(report.signatures[0]).toMatchObject({ integrityValid: false, changesAfter: 'OTHER', conclusion: 'INVALID' });
    expect(report.signatures[0]!.notes.map((note) => note.code)).toEqual(['DIGEST_MISMATCH', 'MODIFIED_AFTER_SIGNING']);
  });

  it('a page added after signing, or the document information changed: OTHER', async () => {
    const signed = await sign(await letter(), 'B-B');
    const added = await editedAfterSigning(signed, (document) => document.addPage().drawText('Lampiran', { x: 72, y: 720 }));
    expect((await verifyPdfSignatures(added, records().deps)).signatures[0]).toMatchObject({ changesAfter: 'OTHER', conclusion: 'INDETERMINATE' });
    const retitled = await editedAfterSigning(signed, (document) => document.setTitle('Judul lain'));
    expect((await verifyPdfSignatures(retitled, records().deps)).signatures[0]).toMatchObject({ changesAfter: 'OTHER' });
  });
});

describe('PDF dates', () => {
  it.each([
    ['D:20261205083000+07\'00\'', '2026-12-05T01:30:00.000Z'],
    ['D:20261205013000Z', '2026-12-05T01:30:00.000Z'],
    ['D:2026', '2026-01-01T00:00:00.000Z'],
    ['kemarin', null],
  ])('%s → %s', (text, expected) => {
    expect(parsePdfDate(text)?.toISOString() ?? null).toBe(expected);
  });
});

import { PDF, PdfArray, PdfDict, PdfRef, PdfStream, PdfString } from '@libpdf/core';
import { describe, expect, it } from 'vitest';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import { TimestampAuthority } from '../../shared/pki/timestamp-authority.js';
import { signingKeyFromPkcs8, signPdf, type SigningStep, type SigningTimestampAuthority } from '../../shared/signing/pdf-signature.js';
import { newTestCa, NOW, pkijs, SUBJECT } from './pki-support.js';
import { createCertificateRequest } from '../../shared/pki/certificate-authority.js';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, verify, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const OID = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};

async function signer() {
  const { authority, ca } = await newTestCa();
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await createCertificateRequest(keys, SUBJECT);
  const issued = await authority.issue({ csrDer: csr.der, subject: SUBJECT, now: NOW });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { party: { certificateDer: issued.der, chainDer: [ca.der], privateKey: await signingKeyFromPkcs8(pkcs8) }, issued, authority, ca };
}

/** A signer, and a TSA and a published CRL from the same CA, as B-LT needs them. */
async function longTermSigner() {
  const { party, authority, ca } = await signer();
  const tsaSigner = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const tsaCertificate = await authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: 'TTE Test TSA', now: NOW, validityYears: 1 });
  const tsa = new TimestampAuthority({ signer: tsaSigner, certificate: tsaCertificate.der, caCertificate: ca.der, clock: { now: () => new Date() }, policyOid: '1.3.6.1.4.1.99999.1.1.2' });
  const crl = await authority.crl({ crlNumber: 7, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 86_400_000), entries: [] });
  const timestamps: SigningTimestampAuthority = { certificates: [tsaCertificate.der, ca.der], timestamp: (digest, algorithm) => tsa.timestamp({ digest, algorithm: algorithm as 'SHA-256' }) };
  return { party, authority, ca, tsaCertificate, crl, timestamps, revocation: { getCRL: async () => crl } };
}

const run = promisify(execFile);
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex').toUpperCase();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The DSS as a reader finds it: its streams' bytes, and each VRI entry's (by key). */
async function dssOf(pdf: Uint8Array) {
  const document = await PDF.load(pdf);
  const resolve = (ref: PdfRef) => document.getObject(ref);
  const dss = document.getCatalog().getDict('DSS', resolve)!;
  const streams = (array: PdfArray | undefined) => [...(array ?? [])].map((ref) => hex((document.getObject(ref as PdfRef) as PdfStream).getDecodedData()));
  const vri = new Map<string, { certs: string[]; crls: string[]; tu: string | undefined }>();
  for (const [key, entry] of dss.getDict('VRI', resolve) ?? []) {
    const dict = entry as PdfDict;
    vri.set(key.value, { certs: streams(dict.getArray('Cert', resolve)), crls: streams(dict.getArray('CRL', resolve)), tu: dict.getString('TU', resolve)?.asString() });
  }
  const signatures = document.getForm()!.getSignatureFields().filter((field) => field.isSigned()).map((field) => (field.getSignatureDict()!.get('Contents') as PdfString).bytes);
  return { certs: streams(dss.getArray('Certs', resolve)), crls: streams(dss.getArray('CRLs', resolve)), ocsps: streams(dss.getArray('OCSPs', resolve)), vri, signatures };
}

/** The RFC 3161 token in a CMS's unsigned attributes (id-aa-signatureTimeStampToken). */
function tokenOf(cms: pkijs.SignedData): Uint8Array {
  const attribute = cms.signerInfos[0]!.unsignedAttrs!.attributes.find((entry) => entry.type === '1.2.840.113549.1.9.16.2.14')!;
  return new Uint8Array(attribute.values[0]!.toBER());
}

async function letter(): Promise<Uint8Array> {
  const document = PDF.create();
  document.addPage().drawText('Surat Keputusan', { x: 72, y: 720, size: 16 });
  return document.save();
}

/**
 * The CMS of the n-th signature: /Contents cut to the length its DER header gives (stripping the
 * trailing zeros of the padding would also cut a signature value that happens to end in 00).
 */
function cmsOf(pdf: Uint8Array, nth = 0): pkijs.SignedData {
  const text = Buffer.from(pdf).toString('latin1');
  const [, a, b, c] = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)][nth]!.map(Number);
  const padded = Buffer.from(text.slice(a! + b!, c!).replace(/[<>\s]/g, ''), 'hex');
  const lengthOctets = padded[1]! & 0x80 ? padded[1]! & 0x7f : 0;
  const length = lengthOctets ? padded.subarray(2, 2 + lengthOctets).reduce((total, octet) => total * 256 + octet, 0) : padded[1]!;
  return new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(padded.subarray(0, 2 + lengthOctets + length)).content });
}

/** The bytes a signature covers: the file without its /Contents (the two ranges of its /ByteRange). */
function signedBytes(pdf: Uint8Array, nth = 0): Buffer {
  const text = Buffer.from(pdf).toString('latin1');
  const [, a, b, c, d] = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)][nth]!.map(Number);
  return Buffer.concat([pdf.subarray(a!, a! + b!), pdf.subarray(c!, c! + d!)]);
}

describe('a PAdES signature (B-B) as the signing core makes it', () => {
  it('is CAdES-detached with content type, message digest and ESS signing-certificate-v2, and no CMS signing-time (the time is /M)', async () => {
    const { party, issued } = await signer();
    const original = await letter();
    const signed = await signPdf({ pdf: original, party, level: 'B-B', signingTime: new Date('2026-12-05T01:00:00Z'), reason: 'Disetujui' });
    expect(Buffer.from(signed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    const text = Buffer.from(signed).toString('latin1');
    expect(text).toMatch(/\/SubFilter\s*\/ETSI\.CAdES\.detached/);
    expect(text).toMatch(/\/M\s*\(D:20261205/);
    const cms = cmsOf(signed);
    const attributes = cms.signerInfos[0]!.signedAttrs!.attributes.map((attribute) => attribute.type);
    expect(attributes).toEqual(expect.arrayContaining([OID.contentType, OID.messageDigest, OID.signingCertificateV2]));
    expect(attributes).not.toContain(OID.signingTime);
    // The signer is the certificate issued to the holder, and the CA travels with it.
    expect(cms.certificates).toHaveLength(2);
    expect(Buffer.from((cms.certificates![0] as pkijs.Certificate).toSchema().toBER())).toEqual(Buffer.from(issued.der));
  });

  it('refuses what is not a PDF, and a PDF it could only read by rebuilding its structure', async () => {
    const { party } = await signer();
    await expect(signPdf({ pdf: new Uint8Array(Buffer.from('bukan pdf')), party, level: 'B-B', signingTime: new Date() })).rejects.toMatchObject({ code: 'PDF_INVALID' });
    const broken = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
    await expect(signPdf({ pdf: new Uint8Array(broken), party, level: 'B-B', signingTime: new Date() })).rejects.toMatchObject({ code: 'PDF_INVALID' });
  });
});

describe('a PAdES B-LT signature: its DSS', () => {
  it('follows the signature in its own revision, with the signer\'s, the CA\'s and the TSA\'s certificates, the CRL, and a VRI entry for the signature and for its timestamp', async () => {
    const { party, ca, tsaCertificate, crl, timestamps, revocation } = await longTermSigner();
    const original = await letter();
    const steps = new Map<SigningStep, number>();
    const signingTime = new Date('2026-12-05T01:00:00Z');
    const signed = await signPdf({ pdf: original, party, level: 'B-LT', signingTime, timestampAuthority: timestamps, revocation, observe: (step, ms) => steps.set(step, ms) });

    const text = Buffer.from(signed).toString('latin1');
    expect(text.split('%%EOF').length - 1).toBe(Buffer.from(original).toString('latin1').split('%%EOF').length - 1 + 2);
    // The signature covers everything up to its own revision; the DSS revision comes after it.
    const [, , , c, d] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!.map(Number);
    expect(c! + d!).toBeLessThan(signed.length);
    expect(text.slice(c! + d!)).toMatch(/\/DSS\s/);

    const dss = await dssOf(signed);
    expect(dss.certs.sort()).toEqual([party.certificateDer, ca.der, tsaCertificate.der].map(hex).sort());
    expect(dss.crls).toEqual([hex(crl)]);
    expect(dss.ocsps).toEqual([]);
    const [contents] = dss.signatures;
    const signature = dss.vri.get(sha1(contents!))!;
    expect(signature.certs.sort()).toEqual(dss.certs.sort());
    expect(signature.crls).toEqual([hex(crl)]);
    expect(signature.tu).toBe('D:20261205010000Z');
    const timestamp = dss.vri.get(sha1(tokenOf(cmsOf(signed))))!;
    expect(timestamp.certs.sort()).toEqual([tsaCertificate.der, ca.der].map(hex).sort());
    expect(dss.vri.size).toBe(2);
    expect([...steps.keys()].sort()).toEqual(['cms', 'dss', 'open', 'signature', 'timestamp']);
  });

  it('a second signature keeps the first one\'s DSS entries and adds no copy of what is there', async () => {
    const first = await longTermSigner();
    const once = await signPdf({ pdf: await letter(), party: first.party, level: 'B-LT', signingTime: new Date(), timestampAuthority: first.timestamps, revocation: first.revocation });
    // Another holder of the same CA: only their certificate is new to the DSS.
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const subject = { ...SUBJECT, commonName: 'Siti Aminah', email: 'siti.aminah@contoh.go.id' };
    const issued = await first.authority.issue({ csrDer: (await createCertificateRequest(keys, subject)).der, subject, now: NOW });
    const second = { certificateDer: issued.der, chainDer: [first.ca.der], privateKey: await signingKeyFromPkcs8(new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))) };
    const twice = await signPdf({ pdf: once, party: second, level: 'B-LT', signingTime: new Date(), timestampAuthority: first.timestamps, revocation: first.revocation });

    const before = await dssOf(once);
    const after = await dssOf(twice);
    expect(after.certs.sort()).toEqual([...before.certs, hex(issued.der)].sort());
    expect(after.crls).toEqual(before.crls);
    expect(after.signatures).toHaveLength(2);
    for (const contents of after.signatures) expect(after.vri.has(sha1(contents))).toBe(true);
    expect(after.vri.size).toBe(4);
    expect([...before.vri.keys()].every((key) => after.vri.has(key))).toBe(true);
  });

  it('reads the TSA\'s certificates from its token when the TSA does not give them', async () => {
    const { party, ca, tsaCertificate, timestamps, revocation } = await longTermSigner();
    const signed = await signPdf({ pdf: await letter(), party, level: 'B-LT', signingTime: new Date(), timestampAuthority: { timestamp: timestamps.timestamp }, revocation });
    expect((await dssOf(signed)).certs.sort()).toEqual([party.certificateDer, ca.der, tsaCertificate.der].map(hex).sort());
  });

  it('prepares everything up to the ECDSA while the key is still being unsealed: the PDF opened and the CRL read before the key comes, the timestamp only after', async () => {
    const { party, timestamps, revocation } = await longTermSigner();
    const order: string[] = [];
    let giveKey!: (key: webcrypto.CryptoKey) => void;
    const key = new Promise<webcrypto.CryptoKey>((resolve) => { giveKey = resolve; });
    const signing = signPdf({
      pdf: await letter(), party: { ...party, privateKey: key }, level: 'B-LT', signingTime: new Date(),
      timestampAuthority: { ...timestamps, timestamp: (digest, algorithm) => { order.push('timestamp'); return timestamps.timestamp(digest, algorithm); } },
      revocation: { getCRL: () => { order.push('crl'); return revocation.getCRL(); } },
      observe: (step) => order.push(step),
    });
    // Until the key comes, the signature waits at its ECDSA with everything before it done.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual(['crl', 'crl', 'open']);
    order.push('key');
    giveKey(party.privateKey as webcrypto.CryptoKey);
    const signed = await signing;
    expect(order.slice(3)).toEqual(['key', 'cms', 'timestamp', 'signature', 'timestamp', 'dss']);
    // The ECDSA made with the key that came late covers the signed attributes, and they the file.
    const info = cmsOf(signed).signerInfos[0]!;
    const digest = info.signedAttrs!.attributes.find((attribute) => attribute.type === OID.messageDigest)!.values[0]!.valueBlock.valueHexView;
    expect(hex(digest)).toBe(createHash('sha256').update(signedBytes(signed)).digest('hex'));
    const publicKey = new X509Certificate(party.certificateDer).publicKey;
    expect(verify('sha256', Buffer.from(info.signedAttrs!.encodedValue), { key: publicKey, dsaEncoding: 'der' }, info.signature.valueBlock.valueHexView)).toBe(true);
  });

  it('fails at the ECDSA, before any timestamp is asked for, when the key never comes (a wrong passphrase)', async () => {
    const { party, timestamps, revocation } = await longTermSigner();
    const asked: string[] = [];
    const wrongPassphrase = new Error('PASSPHRASE_INVALID');
    await expect(signPdf({
      pdf: await letter(), party: { ...party, privateKey: Promise.reject(wrongPassphrase) }, level: 'B-LT', signingTime: new Date(),
      timestampAuthority: { ...timestamps, timestamp: (digest, algorithm) => { asked.push('timestamp'); return timestamps.timestamp(digest, algorithm); } },
      revocation,
    })).rejects.toBe(wrongPassphrase);
    expect(asked).toEqual([]);
  });

  it('fails rather than write a B-LT signature without its revocation data when the CRL cannot be read', async () => {
    const { party, timestamps } = await longTermSigner();
    const revocation = { getCRL: async () => { throw new Error('the PKI bucket is unreachable'); } };
    await expect(signPdf({ pdf: await letter(), party, level: 'B-LT', signingTime: new Date(), timestampAuthority: timestamps, revocation })).rejects.toThrow('unreachable');
  });

  /** Signs at B-LT and reads the DSS back from the file: the signer's, CA's and TSA's certificates, the CRL, the VRI key. */
  async function signedAndReadBack(original: Uint8Array, password?: string) {
    const { party, ca, tsaCertificate, crl, timestamps, revocation } = await longTermSigner();
    const signed = await signPdf({ pdf: original, ...(password ? { password } : {}), party, level: 'B-LT', signingTime: new Date(), timestampAuthority: timestamps, revocation });
    expect(Buffer.from(signed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    const reopened = await PDF.load(signed, password ? { credentials: password } : {});
    expect(reopened.recoveredViaBruteForce).toBe(false);
    const resolve = (ref: PdfRef) => reopened.getObject(ref);
    const dss = reopened.getCatalog().getDict('DSS', resolve)!;
    const certs = [...dss.getArray('Certs', resolve)!].map((ref) => hex((reopened.getObject(ref as PdfRef) as PdfStream).getDecodedData()));
    expect(certs.sort()).toEqual([party.certificateDer, ca.der, tsaCertificate.der].map(hex).sort());
    expect(hex((reopened.getObject(dss.getArray('CRLs', resolve)!.at(0) as PdfRef) as PdfStream).getDecodedData())).toBe(hex(crl));
    const contents = (reopened.getForm()!.getSignatureFields()[0]!.getSignatureDict()!.get('Contents') as PdfString).bytes;
    expect(dss.getDict('VRI', resolve)!.has(sha1(contents))).toBe(true);
    return signed;
  }

  it('signs at B-LT a PDF with a cross-reference stream: the DSS update chains to the signature\'s, reads back, and takes no number already used', async () => {
    const plain = PDF.create();
    plain.addPage().drawText('Surat Keputusan', { x: 72, y: 720, size: 16 });
    const signed = await signedAndReadBack(await plain.save({ useXRefStream: true }));
    // Object numbers defined in each revision (a cross-reference stream is an object too). The DSS
    // revision redefines the catalog only; anything else it redefined would read to a validator
    // as a change to what the signature covers.
    const text = Buffer.from(signed).toString('latin1');
    const ends = [...text.matchAll(/%%EOF/g)].map((match) => match.index!);
    const revisions = ends.map((end, index) => [...text.slice(index ? ends[index - 1] : 0, end).matchAll(/(\d+) 0 obj/g)].map((match) => Number(match[1])));
    const dssRevision = revisions.at(-1)!;
    const before = Math.max(...revisions.slice(0, -1).flat());
    const catalog = (await PDF.load(signed)).context.info.trailer.getRef('Root')!.objectNumber;
    expect(dssRevision.filter((number) => number !== catalog && number <= before)).toEqual([]);
  });

  it('signs at B-LT and B-LTA an encrypted PDF given its password: the DSS streams are encrypted with the file and read back', async (context) => {
    const absent = await run('which', ['qpdf']).then(() => undefined, () => 'qpdf is missing: install it (apt-get install qpdf) to run this check');
    if (absent) context.skip(absent);
    const work = mkdtempSync(join(tmpdir(), 'tte-signature-'));
    try {
      writeFileSync(join(work, 'plain.pdf'), await letter());
      await run('qpdf', ['--encrypt', 'rahasia', 'pemilik', '256', '--', join(work, 'plain.pdf'), join(work, 'locked.pdf')]);
      const locked = new Uint8Array(readFileSync(join(work, 'locked.pdf')));
      const signed = await signedAndReadBack(locked, 'rahasia');
      writeFileSync(join(work, 'signed.pdf'), signed);
      await run('qpdf', ['--check', '--password=rahasia', join(work, 'signed.pdf')]);
      // B-LTA goes on past the DSS (a document timestamp and its own DSS), on the same password.
      const { party, timestamps, revocation } = await longTermSigner();
      const archived = await signPdf({ pdf: locked, password: 'rahasia', party, level: 'B-LTA', signingTime: new Date(), timestampAuthority: timestamps, revocation });
      expect(Buffer.from(archived).toString('latin1')).toMatch(/\/Type\s*\/DocTimeStamp/);
      writeFileSync(join(work, 'archived.pdf'), archived);
      await run('qpdf', ['--check', '--password=rahasia', join(work, 'archived.pdf')]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

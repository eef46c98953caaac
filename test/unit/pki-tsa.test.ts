import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import type { IssuedCertificate } from '../../shared/pki/certificate-authority.js';
import { toArrayBuffer } from '../../shared/pki/encoding.js';
import {
  ID_AA_SIGNING_CERTIFICATE_V2,
  ID_CT_TST_INFO,
  ID_KP_TIME_STAMPING,
  MAX_TIMESTAMP_REQUEST_BYTES,
  TimestampAuthority,
  TimestampRequestInvalidError,
  parseTimestampToken,
  timestampRejection,
  type TimestampAuthorityDeps,
} from '../../shared/pki/timestamp-authority.js';
import { timestampAuthority, TSA_VALIDITY_YEARS, type TsaSettings } from '../../shared/pki/tsa-runtime.js';
import type { PkiStore, StoredTsaCertificate } from '../../shared/ports/pki.js';
import { NOW, SETTINGS, SUBJECT, Workdir, bytes, extensionOf, newCsr, newTestCa, pkijs, type TestCa } from './pki-support.js';

const POLICY = '1.3.6.1.4.1.99999.1.1.2';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** A clock with milliseconds, a minute after the certificates start (openssl checks them against the wall clock). */
const GEN_TIME = new Date(Math.floor(NOW.getTime() / 1000) * 1000 + 60_000 + 123);
const fixedClock = { now: () => new Date(GEN_TIME) };

let testCa: TestCa;
let tsaSigner: FileCaSigner;
let tsaCert: IssuedCertificate;
let tsa: TimestampAuthority;
const work = new Workdir();

const newSigner = () => new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

function authorityWith(overrides: Partial<TimestampAuthorityDeps> = {}): TimestampAuthority {
  return new TimestampAuthority({ signer: tsaSigner, certificate: tsaCert.der, caCertificate: testCa.ca.der, clock: fixedClock, policyOid: POLICY, ...overrides });
}

beforeAll(async () => {
  testCa = await newTestCa();
  tsaSigner = newSigner();
  tsaCert = await testCa.authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: 'TTE Test Timestamp Authority', now: NOW, validityYears: 10 });
  tsa = authorityWith();
  work.write('ca.pem', testCa.ca.pem);
  work.write('tsa.pem', tsaCert.pem);
  work.write('data.txt', 'Surat Keputusan Nomor 800/123/2026');
});
afterAll(() => work.remove());

/** The token's parts, read with pkijs. */
function open(token: Uint8Array) {
  const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(token));
  expect(contentInfo.contentType).toBe('1.2.840.113549.1.7.2');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  expect(signedData.encapContentInfo.eContentType).toBe(ID_CT_TST_INFO);
  const eContent = new Uint8Array(signedData.encapContentInfo.eContent!.getValue());
  const tstInfo = pkijs.TSTInfo.fromBER(toArrayBuffer(eContent));
  const signerInfo = signedData.signerInfos[0]!;
  const attribute = (oid: string) => {
    const found = signerInfo.signedAttrs?.attributes.filter((a) => a.type === oid) ?? [];
    expect(found, oid).toHaveLength(1);
    expect(found[0]!.values, oid).toHaveLength(1);
    return found[0]!.values[0] as asn1js.AsnType;
  };
  return { signedData, tstInfo, eContent, signerInfo, attribute };
}

/** The DER of the signed attributes as signed: the SET (tag 0x31) in place of the [0] IMPLICIT tag. */
function signedAttributesDer(signerInfo: pkijs.SignerInfo): Buffer {
  const encoded = Buffer.from(signerInfo.signedAttrs!.encodedValue);
  expect(encoded[0]).toBe(0x31);
  return encoded;
}

function responseOf(der: Uint8Array) {
  const response = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
  return { response, status: response.status.status, failInfo: response.status.failInfo ? Buffer.from(response.status.failInfo.toBER()).toString('hex') : undefined };
}

/** A TimeStampReq made with pkijs (for the shapes openssl will not make). */
function request(fields: Partial<{ version: number; algorithm: string; digest: Uint8Array; reqPolicy: string; nonce: asn1js.Integer; certReq: boolean; extensions: pkijs.Extension[]; params: asn1js.AsnType }> = {}): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: fields.version ?? 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: fields.algorithm ?? SHA256, ...(fields.params ? { algorithmParams: fields.params } : {}) }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(fields.digest ?? sha256('x')) }),
    }),
    ...(fields.reqPolicy ? { reqPolicy: fields.reqPolicy } : {}),
    ...(fields.nonce ? { nonce: fields.nonce } : {}),
    ...(fields.certReq !== undefined ? { certReq: fields.certReq } : {}),
    ...(fields.extensions ? { extensions: fields.extensions } : {}),
  });
  return new Uint8Array(req.toSchema().toBER());
}

describe('the TSA certificate (issued by the CA for the TSA key)', () => {
  let certificate: pkijs.Certificate;
  beforeAll(() => {
    certificate = pkijs.Certificate.fromBER(toArrayBuffer(tsaCert.der));
  });

  it('has EKU timeStamping, critical and alone, and KU digitalSignature (critical) only', () => {
    const eku = extensionOf(certificate, '2.5.29.37');
    expect(eku.critical).toBe(true);
    expect((eku.parsedValue as pkijs.ExtKeyUsage).keyPurposes).toEqual([ID_KP_TIME_STAMPING]);
    const keyUsage = extensionOf(certificate, '2.5.29.15');
    expect(keyUsage.critical).toBe(true);
    // digitalSignature is bit 0; nothing else is set.
    expect(bytes((keyUsage.parsedValue as asn1js.BitString).valueBlock.valueHexView).toString('hex')).toBe('80');
    const basic = extensionOf(certificate, '2.5.29.19');
    expect(basic.critical).toBe(true);
    expect((basic.parsedValue as pkijs.BasicConstraints).cA).toBe(false);
  });

  it('names C=ID, the CA\'s organisation and its own CN, under the CA, with the CA\'s CRL and OCSP addresses', () => {
    const x509 = new X509Certificate(tsaCert.der);
    expect(x509.subject.split('\n')).toEqual(['C=ID', 'O=Kementerian Uji Coba', 'CN=TTE Test Timestamp Authority']);
    expect(tsaCert.subject).toBe('CN=TTE Test Timestamp Authority, O=Kementerian Uji Coba, C=ID');
    expect(x509.checkIssued(new X509Certificate(testCa.ca.der))).toBe(true);
    expect(x509.verify(new X509Certificate(testCa.ca.der).publicKey)).toBe(true);
    expect(x509.infoAccess).toContain(`OCSP - URI:${SETTINGS.publicBaseUrl}/pki/ocsp`);
    expect(extensionOf(certificate, '2.5.29.31')).toBeDefined();
    expect(extensionOf(certificate, '2.5.29.32')).toBeDefined();
    expect(extensionOf(certificate, '2.5.29.35')).toBeDefined();
    expect(extensionOf(certificate, '2.5.29.14')).toBeDefined();
  });

  it('holds the TSA signer\'s key (not the CA\'s), for ten years within the CA\'s validity', async () => {
    const key = new X509Certificate(tsaCert.der).publicKey.export({ type: 'spki', format: 'der' });
    expect(key.equals(Buffer.from(await tsaSigner.publicKeySpki()))).toBe(true);
    expect(key.equals(Buffer.from(await testCa.signer.publicKeySpki()))).toBe(false);
    expect(new Date(tsaCert.notAfter).getUTCFullYear() - new Date(tsaCert.notBefore).getUTCFullYear()).toBe(10);
    const short = await newTestCa('Short CA', 3);
    const capped = await short.authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: 'TSA', now: NOW, validityYears: 10 });
    expect(capped.notAfter).toBe(short.ca.notAfter);
  });

  it('passes openssl verify for the timestampsign purpose', () => {
    const result = work.openssl('verify', '-purpose', 'timestampsign', '-CAfile', 'ca.pem', 'tsa.pem');
    expect(result.output).toMatch(/tsa\.pem: OK/);
  });

  it('is refused for a key that is not EC P-256, or not a key, and for a bad CN', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    await expect(testCa.authority.issueTsaCertificate({ spki: rsa, commonName: 'TSA', now: NOW, validityYears: 10 })).rejects.toThrow(/P-256/);
    await expect(testCa.authority.issueTsaCertificate({ spki: randomBytes(40), commonName: 'TSA', now: NOW, validityYears: 10 })).rejects.toThrow(/SubjectPublicKeyInfo/);
    await expect(testCa.authority.issueTsaCertificate({ spki: await tsaSigner.publicKeySpki(), commonName: ' TSA', now: NOW, validityYears: 10 })).rejects.toThrow(/commonName/);
  });
});

describe('TimestampAuthority.timestamp: the token', () => {
  it('is CMS SignedData over a TSTInfo: version 1, the policy, the imprint, genTime with milliseconds, accuracy 1 s, no ordering, the TSA named', async () => {
    const digest = sha256('dokumen');
    const { tstInfo, signedData, signerInfo } = open(await tsa.timestamp({ digest, algorithm: 'SHA-256' }));
    expect(signedData.version).toBe(3);
    expect(tstInfo.version).toBe(1);
    expect(tstInfo.policy).toBe(POLICY);
    expect(tstInfo.messageImprint.hashAlgorithm.algorithmId).toBe(SHA256);
    expect(bytes(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView)).toEqual(digest);
    expect(tstInfo.genTime.toISOString()).toBe(GEN_TIME.toISOString());
    expect(tstInfo.genTime.getUTCMilliseconds()).toBe(123);
    expect(tstInfo.accuracy?.seconds).toBe(1);
    expect(tstInfo.ordering).toBeUndefined(); // DEFAULT FALSE: absent in DER
    expect(tstInfo.nonce).toBeUndefined();
    expect(tstInfo.tsa?.type).toBe(4);
    expect(Buffer.from((tstInfo.tsa!.value as pkijs.RelativeDistinguishedNames).toSchema().toBER())).toEqual(
      Buffer.from(pkijs.Certificate.fromBER(toArrayBuffer(tsaCert.der)).subject.toSchema().toBER()),
    );
    expect(signerInfo.version).toBe(1);
    expect(signerInfo.digestAlgorithm.algorithmId).toBe(SHA256);
    expect(signerInfo.signatureAlgorithm.algorithmId).toBe(ECDSA_WITH_SHA256);
  });

  it('has a random, positive 128-bit serial number, unique per token', async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const info = parseTimestampToken(await tsa.timestamp({ digest: sha256('same'), algorithm: 'SHA-256' }));
      expect(info.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/);
      serials.add(info.serialNumber);
    }
    expect(serials.size).toBe(20);
  });

  it('takes genTime from the clock, close to now with the system clock', async () => {
    const live = authorityWith({ clock: { now: () => new Date() } });
    const before = Date.now();
    const { genTime } = parseTimestampToken(await live.timestamp({ digest: sha256('now'), algorithm: 'SHA-256' }));
    expect(genTime.getTime()).toBeGreaterThanOrEqual(before);
    expect(genTime.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('echoes the nonce, given as a bigint or as INTEGER content octets', async () => {
    const fromBigint = open(await tsa.timestamp({ digest: sha256('n'), algorithm: 'SHA-256', nonce: 0x1234567890abcdefn }));
    expect(bytes(fromBigint.tstInfo.nonce!.valueBlock.valueHexView).toString('hex')).toBe('1234567890abcdef');
    const octets = Uint8Array.from([0x00, 0xff, 0x01, 0x02]);
    expect(parseTimestampToken(await tsa.timestamp({ digest: sha256('n'), algorithm: 'SHA-256', nonce: octets })).nonce).toEqual(octets);
  });

  it('signs contentType, signingTime, messageDigest and ESS signing-certificate-v2 naming the TSA certificate by hash and issuer/serial', async () => {
    const { signerInfo, eContent, attribute } = open(await tsa.timestamp({ digest: sha256('x'), algorithm: 'SHA-256' }));
    expect(signerInfo.signedAttrs!.attributes.map((a) => a.type).sort()).toEqual(
      ['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.5', ID_AA_SIGNING_CERTIFICATE_V2].sort(),
    );
    expect((attribute('1.2.840.113549.1.9.3') as asn1js.ObjectIdentifier).valueBlock.toString()).toBe(ID_CT_TST_INFO);
    expect(bytes((attribute('1.2.840.113549.1.9.4') as asn1js.OctetString).valueBlock.valueHexView)).toEqual(sha256(eContent));
    expect((attribute('1.2.840.113549.1.9.5') as asn1js.UTCTime).toDate().getTime()).toBe(Math.floor(GEN_TIME.getTime() / 1000) * 1000);

    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
    const signingCertificate = attribute(ID_AA_SIGNING_CERTIFICATE_V2) as asn1js.Sequence;
    expect(signingCertificate.valueBlock.value).toHaveLength(1); // no policies
    const certs = signingCertificate.valueBlock.value[0] as asn1js.Sequence;
    expect(certs.valueBlock.value).toHaveLength(1);
    // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (absent), certHash, issuerSerial }
    const [certHash, issuerSerialSchema, ...rest] = (certs.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
    expect(rest).toEqual([]);
    expect(certHash).toBeInstanceOf(asn1js.OctetString);
    expect(bytes((certHash as asn1js.OctetString).valueBlock.valueHexView)).toEqual(sha256(tsaCert.der));
    const issuerSerial = new pkijs.IssuerSerial({ schema: issuerSerialSchema });
    expect(bytes(issuerSerial.serialNumber.valueBlock.valueHexView).toString('hex')).toBe(tsaCert.serialNumber);
    const [issuerName] = issuerSerial.issuer.names;
    expect(issuerName?.type).toBe(4);
    expect(Buffer.from((issuerName!.value as pkijs.RelativeDistinguishedNames).toSchema().toBER())).toEqual(
      Buffer.from(pkijs.Certificate.fromBER(toArrayBuffer(testCa.ca.der)).subject.toSchema().toBER()),
    );
  });

  it('names its signer by the TSA certificate\'s issuer and serial', async () => {
    const { signerInfo } = open(await tsa.timestamp({ digest: sha256('x'), algorithm: 'SHA-256' }));
    const sid = signerInfo.sid as pkijs.IssuerAndSerialNumber;
    expect(sid).toBeInstanceOf(pkijs.IssuerAndSerialNumber);
    expect(bytes(sid.serialNumber.valueBlock.valueHexView).toString('hex')).toBe(tsaCert.serialNumber);
    expect(sid.issuer.isEqual(pkijs.Certificate.fromBER(toArrayBuffer(testCa.ca.der)).subject)).toBe(true);
  });

  it('has a signature over the DER of the signed attributes that verifies with the TSA public key (and not the CA\'s)', async () => {
    const { signerInfo } = open(await tsa.timestamp({ digest: sha256('x'), algorithm: 'SHA-256' }));
    const signed = signedAttributesDer(signerInfo);
    const signature = bytes(signerInfo.signature.valueBlock.valueHexView);
    const tsaKey = new X509Certificate(tsaCert.der).publicKey;
    expect(verify('sha256', signed, { key: tsaKey, dsaEncoding: 'der' }, signature)).toBe(true);
    const caKey = createPublicKey({ key: Buffer.from(await testCa.signer.publicKeySpki()), format: 'der', type: 'spki' });
    expect(verify('sha256', signed, { key: caKey, dsaEncoding: 'der' }, signature)).toBe(false);
    // The signed attributes are a DER SET OF: ordered by their encodings.
    const encodings = signerInfo.signedAttrs!.attributes.map((a) => Buffer.from(a.toSchema().toBER()));
    expect([...encodings].sort(Buffer.compare)).toEqual(encodings);
  });

  it('carries the TSA and CA certificates, byte for byte, unless told not to', async () => {
    const withCerts = open(await tsa.timestamp({ digest: sha256('x'), algorithm: 'SHA-256' })).signedData;
    expect(withCerts.certificates?.map((c) => Buffer.from((c as pkijs.Certificate).toSchema().toBER()))).toEqual([Buffer.from(tsaCert.der), Buffer.from(testCa.ca.der)]);
    const without = open(await tsa.timestamp({ digest: sha256('x'), algorithm: 'SHA-256', certReq: false })).signedData;
    expect(without.certificates).toBeUndefined();
  });

  it('takes SHA-384 and SHA-512 imprints; refuses other algorithms and digests of the wrong length', async () => {
    for (const [algorithm, length, oid] of [['SHA-384', 48, '2.16.840.1.101.3.4.2.2'], ['SHA-512', 64, '2.16.840.1.101.3.4.2.3']] as const) {
      const info = open(await tsa.timestamp({ digest: randomBytes(length), algorithm })).tstInfo;
      expect(info.messageImprint.hashAlgorithm.algorithmId).toBe(oid);
    }
    await expect(tsa.timestamp({ digest: randomBytes(16), algorithm: 'MD5' as never })).rejects.toMatchObject({ name: 'TimestampRequestInvalidError', failure: 'badAlg' });
    await expect(tsa.timestamp({ digest: randomBytes(20), algorithm: 'SHA-256' })).rejects.toMatchObject({ failure: 'badDataFormat' });
    await expect(tsa.timestamp({ digest: sha256('x'), algorithm: 'SHA-256', nonce: randomBytes(65) })).rejects.toBeInstanceOf(TimestampRequestInvalidError);
  });

  it('openssl verifies the token against the CA, for the digest it was made for', async () => {
    const digest = sha256('Surat Keputusan Nomor 800/123/2026');
    work.write('token.der', await tsa.timestamp({ digest, algorithm: 'SHA-256' }));
    const ok = work.openssl('ts', '-verify', '-digest', digest.toString('hex'), '-in', 'token.der', '-token_in', '-CAfile', 'ca.pem');
    expect(ok.output).toMatch(/Verification: OK/);
    const wrong = work.openssl('ts', '-verify', '-digest', sha256('other').toString('hex'), '-in', 'token.der', '-token_in', '-CAfile', 'ca.pem');
    expect(wrong.output).toMatch(/Verification: FAILED/);
  });

  it('is not made with a signer whose key is not the certificate\'s, nor outside the certificate\'s validity', async () => {
    await expect(authorityWith({ signer: newSigner() }).timestamp({ digest: sha256('x'), algorithm: 'SHA-256' })).rejects.toThrow(/does not match/);
    await expect(authorityWith({ signer: testCa.signer }).timestamp({ digest: sha256('x'), algorithm: 'SHA-256' })).rejects.toThrow(/does not match/);
    const later = authorityWith({ clock: { now: () => new Date(new Date(tsaCert.notAfter).getTime() + 1000) } });
    await expect(later.timestamp({ digest: sha256('x'), algorithm: 'SHA-256' })).rejects.toThrow(/not valid/);
  });

  it('refuses a certificate that is not a TSA certificate, or not from this CA, and a bad policy or accuracy', async () => {
    const userCert = await testCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
    expect(() => authorityWith({ certificate: userCert.der })).toThrow(/timeStamping/);
    const other = await newTestCa('Another CA');
    expect(() => authorityWith({ caCertificate: other.ca.der })).toThrow(/not issued by the CA/);
    expect(() => authorityWith({ policyOid: 'not an oid' })).toThrow(RangeError);
    expect(() => authorityWith({ accuracySeconds: 0 })).toThrow(RangeError);
  });
});

describe('TimestampAuthority.respond: RFC 3161 requests', () => {
  it('grants an openssl query (SHA-256, nonce, certReq): openssl verifies the reply against the query and the data', async () => {
    expect(work.openssl('ts', '-query', '-data', 'data.txt', '-sha256', '-cert', '-out', 'query.tsq').status).toBe(0);
    const reply = await tsa.respond(work.read('query.tsq'));
    const { status, response } = responseOf(reply);
    expect(status).toBe(pkijs.PKIStatus.granted);
    expect(response.status.failInfo).toBeUndefined();
    work.write('reply.tsr', reply);
    expect(work.openssl('ts', '-verify', '-queryfile', 'query.tsq', '-in', 'reply.tsr', '-CAfile', 'ca.pem').output).toMatch(/Verification: OK/);
    expect(work.openssl('ts', '-verify', '-data', 'data.txt', '-in', 'reply.tsr', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem').output).toMatch(/Verification: OK/);
    // The nonce and the imprint are the query's.
    const query = pkijs.TimeStampReq.fromBER(toArrayBuffer(work.read('query.tsq')));
    const info = parseTimestampToken(new Uint8Array(response.timeStampToken!.toSchema().toBER()));
    expect(bytes(info.nonce!)).toEqual(bytes(query.nonce!.valueBlock.valueHexView));
    expect(bytes(info.digest)).toEqual(sha256(work.read('data.txt')));
  });

  it('leaves the certificates out when the query does not ask for them (openssl then needs -untrusted tsa.pem)', async () => {
    expect(work.openssl('ts', '-query', '-data', 'data.txt', '-sha512', '-out', 'nocert.tsq').status).toBe(0);
    const reply = await tsa.respond(work.read('nocert.tsq'));
    const token = responseOf(reply).response.timeStampToken!;
    expect(new pkijs.SignedData({ schema: token.content }).certificates).toBeUndefined();
    work.write('nocert.tsr', reply);
    expect(work.openssl('ts', '-verify', '-queryfile', 'nocert.tsq', '-in', 'nocert.tsr', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem').output).toMatch(/Verification: OK/);
  });

  it.each([['-md5'], ['-sha1']])('rejects a %s query with badAlg (a TimeStampResp, never an exception)', async (hash) => {
    expect(work.openssl('ts', '-query', '-data', 'data.txt', hash, '-out', `weak${hash}.tsq`).status).toBe(0);
    const reply = await tsa.respond(work.read(`weak${hash}.tsq`));
    const { status, failInfo, response } = responseOf(reply);
    expect(status).toBe(pkijs.PKIStatus.rejection);
    expect(failInfo).toBe('03020780'); // badAlg (bit 0)
    expect(response.timeStampToken).toBeUndefined();
    work.write(`weak${hash}.tsr`, reply);
    expect(work.openssl('ts', '-reply', '-in', `weak${hash}.tsr`, '-text').output).toMatch(/Status: Rejected[\s\S]*unrecognized or unsupported algorithm/);
  });

  it.each([
    ['garbage', Buffer.from('ini bukan permintaan cap waktu')],
    ['an empty body', new Uint8Array()],
    ['an OCSP-shaped SEQUENCE', Buffer.from('3003020101', 'hex')],
    ['a query with trailing bytes', Buffer.concat([Buffer.from(request()), Buffer.from([0x00])])],
    ['a body far larger than any query', new Uint8Array(MAX_TIMESTAMP_REQUEST_BYTES + 1).fill(0x30)],
  ])('rejects %s with badDataFormat', async (_label, body) => {
    const { status, failInfo } = responseOf(await tsa.respond(body));
    expect(status).toBe(pkijs.PKIStatus.rejection);
    expect(failInfo).toBe('03020204'); // badDataFormat (bit 5)
  });

  it('rejects a digest of the wrong length (badDataFormat), an unknown version (badRequest), another policy, extensions and a huge nonce', async () => {
    expect(responseOf(await tsa.respond(request({ digest: randomBytes(20) }))).failInfo).toBe('03020204');
    expect(responseOf(await tsa.respond(request({ version: 2 }))).failInfo).toBe('03020520'); // badRequest (bit 2)
    expect(responseOf(await tsa.respond(request({ reqPolicy: '1.2.3.4' }))).failInfo).toBe('0303000001'); // unacceptedPolicy (bit 15)
    const extension = new pkijs.Extension({ extnID: '1.2.3.4', critical: false, extnValue: new asn1js.OctetString({ valueHex: new ArrayBuffer(2) }).toBER() });
    expect(responseOf(await tsa.respond(request({ extensions: [extension] }))).failInfo).toBe('030407000080'); // unacceptedExtension (bit 16)
    expect(responseOf(await tsa.respond(request({ nonce: new asn1js.Integer({ valueHex: toArrayBuffer(Uint8Array.from([0x01, ...randomBytes(70)])) }) }))).status).toBe(pkijs.PKIStatus.rejection);
    expect(responseOf(await tsa.respond(request({ params: new asn1js.OctetString({ valueHex: new ArrayBuffer(1) }) }))).failInfo).toBe('03020780');
  });

  it('grants its own policy, NULL hash parameters, and echoes the imprint as sent', async () => {
    const digest = sha256('y');
    const reply = responseOf(await tsa.respond(request({ reqPolicy: POLICY, params: new asn1js.Null(), digest, certReq: true })));
    expect(reply.status).toBe(pkijs.PKIStatus.granted);
    const info = parseTimestampToken(new Uint8Array(reply.response.timeStampToken!.toSchema().toBER()));
    expect(info.policy).toBe(POLICY);
    expect(info.algorithm).toBe('SHA-256');
    expect(bytes(info.digest)).toEqual(digest);
  });

  it('encodes each failure as a minimal DER named BIT STRING with a reason', () => {
    const reply = responseOf(timestampRejection('systemFailure', 'down'));
    expect(reply.failInfo).toBe('03050600000040'); // systemFailure (bit 25): 4 octets, 6 unused bits
    expect(reply.response.status.statusStrings?.[0]?.valueBlock.value).toBe('down');
  });
});

/** An in-memory PkiStore with DynamoDB's conditional-put semantics for the TSA certificates. */
function memoryPki(caPem?: string) {
  const tsaRecords = new Map<string, StoredTsaCertificate>();
  let saves = 0;
  const store: Pick<PkiStore, 'findCaCertificate' | 'findTsaCertificate' | 'saveTsaCertificate' | 'tsaSerialNumbers'> = {
    findCaCertificate: async () => caPem,
    findTsaCertificate: async (keyHash) => tsaRecords.get(keyHash)?.pem,
    saveTsaCertificate: async (keyHash, certificate) => {
      saves++;
      if (tsaRecords.has(keyHash)) return false;
      tsaRecords.set(keyHash, certificate);
      return true;
    },
    tsaSerialNumbers: async () => [...tsaRecords.values()].map((record) => record.serialNumber),
  };
  return { store, records: tsaRecords, saves: () => saves };
}

describe('timestampAuthority (the runtime: the TSA certificate made on first use)', () => {
  const settings: TsaSettings = { commonName: 'TTE Test Timestamp Authority', policyOid: POLICY, validityYears: TSA_VALIDITY_YEARS };
  const clock = { now: () => new Date(NOW.getTime() + 1000) };

  it('makes the certificate once per TSA key, under the key\'s hash; racing loaders agree on one', async () => {
    const pki = memoryPki();
    const signer = newSigner();
    const deps = { pki: pki.store, signer, clock, settings, authority: async () => testCa.authority };
    const [first, second] = await Promise.all([timestampAuthority(deps)(), timestampAuthority(deps)()]);
    expect(pki.records.size).toBe(1);
    expect(pki.saves()).toBe(2);
    expect(first.certificate.pem).toBe(second.certificate.pem);
    const keyHash = sha256(await signer.publicKeySpki()).toString('hex');
    expect(pki.records.get(keyHash)?.serialNumber).toBe(first.certificate.serialNumber);
    expect(first.policyOid).toBe(POLICY);
    expect(first.certificate.subject).toBe('CN=TTE Test Timestamp Authority, O=Kementerian Uji Coba, C=ID');
    expect(Buffer.from(first.caCertificate)).toEqual(Buffer.from(testCa.ca.der));
    const token = await first.timestamp({ digest: sha256('x'), algorithm: 'SHA-256' });
    expect(parseTimestampToken(token).policy).toBe(POLICY);
  });

  it('is cached: the second call reads nothing', async () => {
    const pki = memoryPki();
    const load = timestampAuthority({ pki: pki.store, signer: newSigner(), clock, settings, authority: async () => testCa.authority });
    expect(await load()).toBe(await load());
    expect(pki.saves()).toBe(1);
  });

  it('without the CA (the signing function) reads the stored certificate and the stored CA certificate, and makes none', async () => {
    const pki = memoryPki(testCa.ca.pem);
    const signer = newSigner();
    await expect(timestampAuthority({ pki: pki.store, signer, clock, settings })()).rejects.toThrow(/no TSA certificate/);
    expect(pki.saves()).toBe(0);
    const made = await timestampAuthority({ pki: pki.store, signer, clock, settings, authority: async () => testCa.authority })();
    const read = await timestampAuthority({ pki: pki.store, signer, clock, settings })();
    expect(read.certificate.pem).toBe(made.certificate.pem);
    expect(Buffer.from(read.caCertificate)).toEqual(Buffer.from(testCa.ca.der));
  });

  it('gives a new TSA key a new certificate, and both stay on record (OCSP answers them good)', async () => {
    const pki = memoryPki();
    const first = await timestampAuthority({ pki: pki.store, signer: newSigner(), clock, settings, authority: async () => testCa.authority })();
    const rotated = await timestampAuthority({ pki: pki.store, signer: newSigner(), clock, settings, authority: async () => testCa.authority })();
    expect(rotated.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
    expect((await pki.store.tsaSerialNumbers()).sort()).toEqual([first.certificate.serialNumber, rotated.certificate.serialNumber].sort());
  });

  it('refuses a stored certificate of another key, or one that has expired, and retries after a failure', async () => {
    const pki = memoryPki();
    const signer = newSigner();
    const keyHash = sha256(await signer.publicKeySpki()).toString('hex');
    pki.records.set(keyHash, { pem: tsaCert.pem, serialNumber: tsaCert.serialNumber }); // tsaSigner's certificate
    const load = timestampAuthority({ pki: pki.store, signer, clock, settings, authority: async () => testCa.authority });
    await expect(load()).rejects.toThrow(/does not match/);
    pki.records.delete(keyHash);
    await expect(load()).resolves.toBeInstanceOf(TimestampAuthority);

    const expired = memoryPki();
    const late = { now: () => new Date(new Date(tsaCert.notAfter).getTime() + 1000) };
    expired.records.set(sha256(await tsaSigner.publicKeySpki()).toString('hex'), { pem: tsaCert.pem, serialNumber: tsaCert.serialNumber });
    await expect(timestampAuthority({ pki: expired.store, signer: tsaSigner, clock: late, settings, authority: async () => testCa.authority })()).rejects.toThrow(/expired/);
  });
});

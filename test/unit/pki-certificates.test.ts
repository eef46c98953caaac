import { createHash, generateKeyPairSync, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCaSigner } from '../../shared/adapters/local/key-vault.js';
import {
  CertificateAuthority,
  CsrInvalidError,
  SubjectInvalidError,
  createCaCertificate,
  createCertificateRequest,
  parseCaCertificate,
  toPem,
} from '../../shared/pki/certificate-authority.js';
import { NOW, SETTINGS, SUBJECT, Workdir, bytes, extensionOf, extensionValueHex, newCsr, newHolderKeys, newTestCa, pkijs, type TestCa } from './pki-support.js';

const DAY = 86_400_000;
const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

let testCa: TestCa;
let caCert: pkijs.Certificate;
const work = new Workdir();

beforeAll(async () => {
  testCa = await newTestCa();
  caCert = pkijs.Certificate.fromBER(testCa.ca.der);
  work.write('ca.pem', testCa.ca.pem);
});
afterAll(() => work.remove());

function attributes(name: pkijs.RelativeDistinguishedNames): [string, string][] {
  return name.typesAndValues.map((tv) => [tv.type, String(tv.value.valueBlock.value)]);
}

describe('createCaCertificate', () => {
  it('makes a self-signed v3 CA certificate that pkijs and openssl accept', async () => {
    expect(caCert.version).toBe(2);
    expect(caCert.signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.2');
    expect(caCert.signatureAlgorithm.algorithmParams).toBeUndefined();
    await expect(caCert.verify()).resolves.toBe(true);
    expect(attributes(caCert.subject)).toEqual([
      ['2.5.4.6', 'ID'],
      ['2.5.4.10', 'Kementerian Uji Coba'],
      ['2.5.4.3', 'TTE Test CA'],
    ]);
    expect(bytes(caCert.issuer.toSchema().toBER())).toEqual(bytes(caCert.subject.toSchema().toBER()));
    const verify = work.openssl('verify', '-CAfile', 'ca.pem', 'ca.pem');
    expect(verify.output).toContain('ca.pem: OK');
    expect(verify.status).toBe(0);
  });

  it('has the CA profile: basicConstraints cA pathLen 0, keyCertSign + cRLSign + digitalSignature, SKI', () => {
    const basicConstraints = extensionOf(caCert, '2.5.29.19');
    expect(basicConstraints.critical).toBe(true);
    const bc = basicConstraints.parsedValue as pkijs.BasicConstraints;
    expect(bc.cA).toBe(true);
    expect(Number(bc.pathLenConstraint)).toBe(0);

    const keyUsage = extensionOf(caCert, '2.5.29.15');
    expect(keyUsage.critical).toBe(true);
    // bits 0 (digitalSignature), 5 (keyCertSign), 6 (cRLSign): 1000 0110, one unused bit
    expect(extensionValueHex(keyUsage)).toBe('03020186');

    const ski = extensionOf(caCert, '2.5.29.14');
    const keyBits = caCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    expect(extensionValueHex(ski)).toBe(`0414${createHash('sha1').update(keyBits).digest('hex')}`);
    expect(caCert.extensions).toHaveLength(3);

    const text = work.openssl('x509', '-in', 'ca.pem', '-noout', '-text').output;
    expect(text).toContain('CA:TRUE, pathlen:0');
    expect(text).toContain('Digital Signature, Certificate Sign, CRL Sign');
  });

  it('runs from now for validityYears, in whole seconds', () => {
    expect(testCa.ca.notBefore).toBe(wholeSeconds(NOW).toISOString());
    const end = wholeSeconds(NOW);
    end.setUTCFullYear(end.getUTCFullYear() + 10);
    expect(testCa.ca.notAfter).toBe(end.toISOString());
    expect(caCert.notBefore.value.toISOString()).toBe(testCa.ca.notBefore);
    expect(caCert.notAfter.value.toISOString()).toBe(testCa.ca.notAfter);
    expect(testCa.ca.subject).toBe('CN=TTE Test CA, O=Kementerian Uji Coba, C=ID');
    expect(testCa.ca.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(testCa.ca.serialNumber).toBe(bytes(caCert.serialNumber.valueBlock.valueHexView).toString('hex'));
  });

  it('round-trips through parseCaCertificate(pem)', () => {
    expect(parseCaCertificate(testCa.ca.pem)).toEqual(testCa.ca);
    expect(new CertificateAuthority(testCa.signer, parseCaCertificate(testCa.ca.pem), SETTINGS).certificate).toEqual(testCa.ca);
    expect(toPem(testCa.ca.der, 'CERTIFICATE')).toBe(testCa.ca.pem);
  });

  it('parseCaCertificate refuses what is not a CA certificate', async () => {
    const leaf = await testCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
    expect(() => parseCaCertificate(leaf.pem)).toThrow(/Not a CA/);
    expect(() => parseCaCertificate('not a pem')).toThrow();
  });
});

describe('createCertificateRequest', () => {
  it('makes a CSR that openssl verifies, with the subject and the e-mail SAN requested', async () => {
    const csr = await createCertificateRequest(await newHolderKeys(), SUBJECT);
    work.write('req.pem', csr.pem);
    const result = work.openssl('req', '-in', 'req.pem', '-noout', '-verify', '-text');
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/verify OK/i);
    expect(result.output).toContain('C = ID, O = Pemerintah Kota Contoh, OU = Dinas Komunikasi dan Informatika, CN = Budi Santoso');
    expect(result.output).toContain('email:budi.santoso@contoh.go.id');
    await expect(pkijs.CertificationRequest.fromBER(csr.der).verify()).resolves.toBe(true);
  });

  it('refuses a key pair that is not ECDSA P-256', async () => {
    const p384 = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    await expect(createCertificateRequest(p384, SUBJECT)).rejects.toThrow(/P-256/);
  });
});

describe('CertificateAuthority.issue', () => {
  let issued: Awaited<ReturnType<CertificateAuthority['issue']>>;
  let cert: pkijs.Certificate;
  let holderSpki: Buffer;

  beforeAll(async () => {
    const keys = await newHolderKeys();
    holderSpki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
    // The CSR asks for another name and e-mail: the RA's subject wins, only the key is taken.
    const csr = await createCertificateRequest(keys, { commonName: 'Someone Else', organizationName: 'Elsewhere', email: 'evil@example.com' });
    issued = await testCa.authority.issue({ csrDer: csr.der, subject: SUBJECT, now: NOW });
    cert = pkijs.Certificate.fromBER(issued.der);
    work.write('leaf.pem', issued.pem);
  });

  it('issues a certificate that verifies under the CA (pkijs and openssl)', async () => {
    await expect(cert.verify(caCert)).resolves.toBe(true);
    const result = work.openssl('verify', '-CAfile', 'ca.pem', 'leaf.pem');
    expect(result.output).toContain('leaf.pem: OK');
    expect(result.status).toBe(0);
  });

  it('takes only the public key from the CSR; the subject and SAN come from the RA', () => {
    expect(bytes(cert.subjectPublicKeyInfo.toSchema().toBER())).toEqual(holderSpki);
    expect(attributes(cert.subject)).toEqual([
      ['2.5.4.6', 'ID'],
      ['2.5.4.10', 'Pemerintah Kota Contoh'],
      ['2.5.4.11', 'Dinas Komunikasi dan Informatika'],
      ['2.5.4.3', 'Budi Santoso'],
    ]);
    expect(issued.subject).toBe('CN=Budi Santoso, OU=Dinas Komunikasi dan Informatika, O=Pemerintah Kota Contoh, C=ID');
    expect(bytes(cert.issuer.toSchema().toBER())).toEqual(bytes(caCert.subject.toSchema().toBER()));
    const text = bytes(issued.der).toString('latin1');
    expect(text).not.toContain('Someone Else');
    expect(text).not.toContain('evil@example.com');
  });

  it('has the end-entity profile', () => {
    expect(cert.version).toBe(2);
    expect(cert.signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.2');
    expect(cert.extensions?.map((e) => e.extnID).sort()).toEqual(
      ['1.3.6.1.5.5.7.1.1', '2.5.29.14', '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.31', '2.5.29.32', '2.5.29.35', '2.5.29.37'].sort(),
    );

    const keyUsage = extensionOf(cert, '2.5.29.15');
    expect(keyUsage.critical).toBe(true);
    expect(extensionValueHex(keyUsage)).toBe('030206c0'); // digitalSignature + nonRepudiation

    const eku = extensionOf(cert, '2.5.29.37');
    expect(eku.critical).toBe(false);
    expect((eku.parsedValue as pkijs.ExtKeyUsage).keyPurposes).toEqual(['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36']);

    const basicConstraints = extensionOf(cert, '2.5.29.19');
    expect(basicConstraints.critical).toBe(true);
    expect((basicConstraints.parsedValue as pkijs.BasicConstraints).cA).toBe(false);

    const san = (extensionOf(cert, '2.5.29.17').parsedValue as pkijs.AltName).altNames;
    expect(san.map((n) => [n.type, n.value])).toEqual([[1, 'budi.santoso@contoh.go.id']]);

    const keyBits = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    expect(extensionValueHex(extensionOf(cert, '2.5.29.14'))).toBe(`0414${createHash('sha1').update(keyBits).digest('hex')}`);
    const caSki = extensionValueHex(extensionOf(caCert, '2.5.29.14')).slice(4);
    const aki = extensionOf(cert, '2.5.29.35').parsedValue as pkijs.AuthorityKeyIdentifier;
    expect(bytes(aki.keyIdentifier!.valueBlock.valueHexView).toString('hex')).toBe(caSki);

    const policies = (extensionOf(cert, '2.5.29.32').parsedValue as pkijs.CertificatePolicies).certificatePolicies;
    expect(policies.map((p) => p.policyIdentifier)).toEqual([SETTINGS.policyOid]);

    const crlDp = (extensionOf(cert, '2.5.29.31').parsedValue as pkijs.CRLDistributionPoints).distributionPoints;
    expect((crlDp[0]?.distributionPoint as pkijs.GeneralName[]).map((n) => n.value)).toEqual(['http://127.0.0.1:3000/pki/crl']);

    const aia = (extensionOf(cert, '1.3.6.1.5.5.7.1.1').parsedValue as pkijs.InfoAccess).accessDescriptions;
    expect(aia.map((d) => [d.accessMethod, d.accessLocation.value])).toEqual([
      ['1.3.6.1.5.5.7.48.1', 'http://127.0.0.1:3000/pki/ocsp'],
      ['1.3.6.1.5.5.7.48.2', 'http://127.0.0.1:3000/pki/ca.crt'],
    ]);

    const text = work.openssl('x509', '-in', 'leaf.pem', '-noout', '-text').output;
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('E-mail Protection, 1.3.6.1.5.5.7.3.36');
    expect(text).toContain('CA:FALSE');
    expect(text).toContain('email:budi.santoso@contoh.go.id');
    expect(text).toContain('Policy: 1.3.6.1.4.1.99999.1.1');
    expect(text).toContain('URI:http://127.0.0.1:3000/pki/crl');
    expect(text).toContain('OCSP - URI:http://127.0.0.1:3000/pki/ocsp');
    expect(text).toContain('CA Issuers - URI:http://127.0.0.1:3000/pki/ca.crt');
  });

  it('is valid from now for validityDays', () => {
    const start = wholeSeconds(NOW);
    expect(issued.notBefore).toBe(start.toISOString());
    expect(issued.notAfter).toBe(new Date(start.getTime() + 730 * DAY).toISOString());
    expect(cert.notBefore.value.toISOString()).toBe(issued.notBefore);
    expect(cert.notAfter.value.toISOString()).toBe(issued.notAfter);
  });

  it('gives 128-bit serials: 32 lowercase hex characters, positive, full length and distinct', async () => {
    expect(bytes(cert.serialNumber.valueBlock.valueHexView).toString('hex')).toBe(issued.serialNumber);
    const serials = new Set<string>([issued.serialNumber]);
    const csrDer = await newCsr();
    for (let i = 0; i < 50; i++) serials.add((await testCa.authority.issue({ csrDer, subject: SUBJECT, now: NOW })).serialNumber);
    expect(serials.size).toBe(51);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeGreaterThanOrEqual(0x40);
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeLessThanOrEqual(0x7f);
    }
  });

  it('leaves OU out when none is given and escapes RFC 4514 specials in the subject text', async () => {
    const subject = { commonName: 'Siti, S.Kom', organizationName: 'Dinas "A" + B', email: 'siti@contoh.go.id' };
    const result = await testCa.authority.issue({ csrDer: await newCsr(), subject, now: NOW });
    expect(result.subject).toBe('CN=Siti\\, S.Kom, O=Dinas \\"A\\" \\+ B, C=ID');
    expect(attributes(pkijs.Certificate.fromBER(result.der).subject).map(([type]) => type)).toEqual(['2.5.4.6', '2.5.4.10', '2.5.4.3']);
  });

  it('refuses a CSR whose signature has been tampered with', async () => {
    const csr = Buffer.from(await newCsr());
    const badSignature = Buffer.from(csr);
    badSignature[badSignature.length - 5]! ^= 0x01;
    await expect(testCa.authority.issue({ csrDer: badSignature, subject: SUBJECT, now: NOW })).rejects.toBeInstanceOf(CsrInvalidError);

    // A changed byte inside the signed part (the subject's "Budi" → "Cudi") breaks the signature as well.
    const badInfo = Buffer.from(csr);
    const at = badInfo.indexOf('Budi');
    badInfo[at] = 'C'.charCodeAt(0);
    await expect(testCa.authority.issue({ csrDer: badInfo, subject: SUBJECT, now: NOW })).rejects.toBeInstanceOf(CsrInvalidError);
  });

  it('refuses undecodable CSRs and keys other than P-256', async () => {
    await expect(testCa.authority.issue({ csrDer: new Uint8Array([1, 2, 3]), subject: SUBJECT, now: NOW })).rejects.toBeInstanceOf(CsrInvalidError);
    await expect(testCa.authority.issue({ csrDer: testCa.ca.der, subject: SUBJECT, now: NOW })).rejects.toBeInstanceOf(CsrInvalidError);

    const p384 = work.openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'p384.key', '-subj', '/CN=x', '-outform', 'DER', '-out', 'p384.der');
    expect(p384.status).toBe(0);
    await expect(testCa.authority.issue({ csrDer: work.read('p384.der'), subject: SUBJECT, now: NOW })).rejects.toThrow(/P-256/);
  });

  it('accepts a P-256 CSR made by openssl (and ignores its subject, NIK included)', async () => {
    const made = work.openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'p256.key',
      '-subj', '/serialNumber=3171234567890001/CN=Budi', '-outform', 'DER', '-out', 'p256.der');
    expect(made.status).toBe(0);
    const result = await testCa.authority.issue({ csrDer: work.read('p256.der'), subject: SUBJECT, now: NOW });
    expect(bytes(result.der).toString('latin1')).not.toContain('3171234567890001');
    await expect(pkijs.Certificate.fromBER(result.der).verify(caCert)).resolves.toBe(true);
  });

  it('refuses an invalid subject', async () => {
    const csrDer = await newCsr();
    await expect(testCa.authority.issue({ csrDer, subject: { ...SUBJECT, commonName: ' ' }, now: NOW })).rejects.toBeInstanceOf(SubjectInvalidError);
    await expect(testCa.authority.issue({ csrDer, subject: { ...SUBJECT, commonName: 'x'.repeat(65) }, now: NOW })).rejects.toBeInstanceOf(SubjectInvalidError);
    await expect(testCa.authority.issue({ csrDer, subject: { ...SUBJECT, email: 'bud\u00ed@contoh.go.id' }, now: NOW })).rejects.toBeInstanceOf(SubjectInvalidError);
    await expect(testCa.authority.issue({ csrDer, subject: { ...SUBJECT, email: 'not-an-address' }, now: NOW })).rejects.toBeInstanceOf(SubjectInvalidError);
  });

  it('never outlives the CA, and refuses to issue outside the CA validity', async () => {
    const shortCa = await newTestCa('Short CA', 1);
    const csrDer = await newCsr();
    const result = await shortCa.authority.issue({ csrDer, subject: SUBJECT, now: NOW });
    expect(result.notAfter).toBe(shortCa.ca.notAfter);
    await expect(shortCa.authority.issue({ csrDer, subject: SUBJECT, now: new Date(Date.parse(shortCa.ca.notAfter) + 1000) })).rejects.toThrow(/not valid/);
  });

  it('refuses to work with a signer whose key is not the CA certificate key', async () => {
    const otherSigner = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const authority = new CertificateAuthority(otherSigner, testCa.ca, SETTINGS);
    await expect(authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW })).rejects.toThrow(/does not match/);
  });

  it('checks its settings', () => {
    expect(() => new CertificateAuthority(testCa.signer, testCa.ca, { ...SETTINGS, policyOid: 'policy' })).toThrow(RangeError);
    expect(() => new CertificateAuthority(testCa.signer, testCa.ca, { ...SETTINGS, validityDays: 0 })).toThrow(RangeError);
    expect(() => new CertificateAuthority(testCa.signer, testCa.ca, { ...SETTINGS, publicBaseUrl: 'ftp://x' })).toThrow(RangeError);
  });

  it('issues at well over 1,000 certificates per second with a FileCaSigner', async () => {
    const csrDer = await newCsr();
    for (let i = 0; i < 50; i++) await testCa.authority.issue({ csrDer, subject: SUBJECT, now: NOW }); // warm-up
    const count = 500;
    const start = performance.now();
    for (let i = 0; i < count; i++) await testCa.authority.issue({ csrDer, subject: SUBJECT, now: NOW });
    const perSecond = count / ((performance.now() - start) / 1000);
    console.info(`pki: issue() ${perSecond.toFixed(0)} certificates/s (FileCaSigner, sequential)`);
    // Loose floor so a busy CI machine does not flake; the bench holds the real target.
    expect(perSecond).toBeGreaterThan(300);
  });
});

describe('CaCertificate creation', () => {
  it('refuses a CA key that is not P-256', async () => {
    const signer = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
    await expect(createCaCertificate(signer, { commonName: 'X', organizationName: 'Y', now: NOW, validityYears: 1 })).rejects.toThrow(/P-256/);
  });
});

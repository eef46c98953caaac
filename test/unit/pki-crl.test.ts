import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationReason } from '../../shared/domain/certificates.js';
import { toPem, type IssuedCertificate, type RevokedEntry } from '../../shared/pki/certificate-authority.js';
import { NOW, SUBJECT, Workdir, bytes, extensionOf, extensionValueHex, newCsr, newTestCa, pkijs, type TestCa } from './pki-support.js';

const HOUR = 3_600_000;
let testCa: TestCa;
let caCert: pkijs.Certificate;
let good: IssuedCertificate;
let revoked: IssuedCertificate;
const work = new Workdir();

beforeAll(async () => {
  testCa = await newTestCa();
  caCert = pkijs.Certificate.fromBER(testCa.ca.der);
  good = await testCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
  revoked = await testCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
  work.write('ca.pem', testCa.ca.pem);
  work.write('good.pem', good.pem);
  work.write('revoked.pem', revoked.pem);
});
afterAll(() => work.remove());

function crlOf(entries: readonly RevokedEntry[], crlNumber = 1): Promise<Uint8Array> {
  return testCa.authority.crl({ crlNumber, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 24 * HOUR), entries });
}

describe('CertificateAuthority.crl', () => {
  it('makes a v2 CRL that pkijs verifies under the CA, with its entries and reason codes', async () => {
    const revokedAt = new Date(NOW.getTime() - HOUR);
    const entries: RevokedEntry[] = [
      { serialNumber: revoked.serialNumber, revokedAt, reason: 'keyCompromise' },
      { serialNumber: '4a0bcd', revokedAt, reason: 'unspecified' },
      { serialNumber: '5a0bcd', revokedAt, reason: 'affiliationChanged' },
      { serialNumber: '6a0bcd', revokedAt, reason: 'superseded' },
      { serialNumber: '7a0bcd', revokedAt, reason: 'cessationOfOperation' },
    ];
    const der = await crlOf(entries, 42);
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    await expect(crl.verify({ issuerCertificate: caCert })).resolves.toBe(true);
    expect(crl.version).toBe(1);
    expect(crl.signature.algorithmId).toBe('1.2.840.10045.4.3.2');
    expect(bytes(crl.issuer.toSchema().toBER())).toEqual(bytes(caCert.subject.toSchema().toBER()));
    expect(crl.thisUpdate.value.getTime()).toBe(Math.floor(NOW.getTime() / 1000) * 1000);
    expect(crl.nextUpdate?.value.getTime()).toBe(Math.floor(NOW.getTime() / 1000) * 1000 + 24 * HOUR);

    const listed = (crl.revokedCertificates ?? []).map((entry) => ({
      serial: bytes(entry.userCertificate.valueBlock.valueHexView).toString('hex'),
      at: entry.revocationDate.value.getTime(),
      reasonExtensions: entry.crlEntryExtensions?.extensions.map((e) => [e.extnID, extensionValueHex(e)]),
    }));
    const at = Math.floor(revokedAt.getTime() / 1000) * 1000;
    expect(listed).toEqual([
      { serial: revoked.serialNumber, at, reasonExtensions: [['2.5.29.21', '0a0101']] },
      { serial: '4a0bcd', at, reasonExtensions: undefined }, // unspecified: no reasonCode (RFC 5280 §5.3.1)
      { serial: '5a0bcd', at, reasonExtensions: [['2.5.29.21', '0a0103']] },
      { serial: '6a0bcd', at, reasonExtensions: [['2.5.29.21', '0a0104']] },
      { serial: '7a0bcd', at, reasonExtensions: [['2.5.29.21', '0a0105']] },
    ]);

    expect(crl.crlExtensions?.extensions.map((e) => e.extnID)).toEqual(['2.5.29.35', '2.5.29.20']);
    const aki = extensionOf(crl, '2.5.29.35').parsedValue as pkijs.AuthorityKeyIdentifier;
    expect(`0414${bytes(aki.keyIdentifier!.valueBlock.valueHexView).toString('hex')}`).toBe(extensionValueHex(extensionOf(caCert, '2.5.29.14')));
    expect(extensionValueHex(extensionOf(crl, '2.5.29.20'))).toBe('02012a');

    const text = work.openssl('crl', '-inform', 'DER', '-in', work.write('reasons.crl', der), '-noout', '-text').output;
    expect(text).toContain('CRL Number: \n                42');
    expect(text).toContain('Key Compromise');
    expect(text).toContain('Affiliation Changed');
    expect(text).toContain('Superseded');
    expect(text).toContain('Cessation Of Operation');
  });

  it('is encoded exactly as the ASN.1 schema library encodes the same CertificateList', async () => {
    const der = await crlOf([
      { serialNumber: revoked.serialNumber, revokedAt: NOW, reason: 'keyCompromise' },
      { serialNumber: '00ff', revokedAt: new Date('2051-06-01T00:00:00Z'), reason: 'unspecified' },
    ]);
    const parsed = AsnConvert.parse(der, CertificateList);
    expect(bytes(AsnConvert.serialize(parsed))).toEqual(bytes(der));
    expect(bytes(AsnConvert.serialize(parsed.tbsCertList))).toEqual(bytes(parsed.tbsCertListRaw!));
  });

  it('openssl: a good certificate passes the CRL check, a revoked one fails with "certificate revoked"', async () => {
    const der = await crlOf([{ serialNumber: revoked.serialNumber, revokedAt: NOW, reason: 'keyCompromise' }]);
    work.write('crl.pem', toPem(der, 'X509 CRL'));

    const ok = work.openssl('verify', '-crl_check', '-CRLfile', 'crl.pem', '-CAfile', 'ca.pem', 'good.pem');
    expect(ok.output).toContain('good.pem: OK');
    expect(ok.status).toBe(0);

    const refused = work.openssl('verify', '-crl_check', '-CRLfile', 'crl.pem', '-CAfile', 'ca.pem', 'revoked.pem');
    expect(refused.output).toContain('certificate revoked');
    expect(refused.status).not.toBe(0);
  });

  it('leaves revokedCertificates out when nothing is revoked', async () => {
    const der = await crlOf([]);
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    expect(crl.revokedCertificates).toBeUndefined();
    await expect(crl.verify({ issuerCertificate: caCert })).resolves.toBe(true);
    const text = work.openssl('crl', '-inform', 'DER', '-in', work.write('empty.crl', der), '-noout', '-text').output;
    expect(text).toContain('No Revoked Certificates.');
    work.write('empty.pem', toPem(der, 'X509 CRL'));
    expect(work.openssl('verify', '-crl_check', '-CRLfile', 'empty.pem', '-CAfile', 'ca.pem', 'revoked.pem').status).toBe(0);
  });

  it('carries a large CRL number', async () => {
    const der = await crlOf([], 1_764_000_000_123);
    expect(extensionValueHex(extensionOf(pkijs.CertificateRevocationList.fromBER(der), '2.5.29.20'))).toBe(`0206${(1_764_000_000_123).toString(16).padStart(12, '0')}`);
  });

  it('refuses bad input', async () => {
    await expect(crlOf([{ serialNumber: 'XYZ', revokedAt: NOW, reason: 'superseded' }])).rejects.toThrow(RangeError);
    await expect(crlOf([{ serialNumber: 'abc', revokedAt: NOW, reason: 'superseded' }])).rejects.toThrow(RangeError);
    await expect(crlOf([{ serialNumber: '4a', revokedAt: NOW, reason: 'bogus' as RevocationReason }])).rejects.toThrow(RangeError);
    await expect(testCa.authority.crl({ crlNumber: -1, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + HOUR), entries: [] })).rejects.toThrow(RangeError);
    await expect(testCa.authority.crl({ crlNumber: 1, thisUpdate: NOW, nextUpdate: NOW, entries: [] })).rejects.toThrow(RangeError);
  });

  it('builds a CRL of 10,000 entries fast', async () => {
    const reasons = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;
    const entries: RevokedEntry[] = Array.from({ length: 10_000 }, (_, i) => {
      const serial = randomBytes(16);
      serial[0] = (serial[0]! & 0x7f) | 0x40;
      return { serialNumber: serial.toString('hex'), revokedAt: new Date(NOW.getTime() - i * 60_000), reason: reasons[i % reasons.length]! };
    });
    await crlOf(entries.slice(0, 100)); // warm-up
    const start = performance.now();
    const der = await crlOf(entries, 7);
    const elapsed = performance.now() - start;
    console.info(`pki: CRL of 10,000 entries built and signed in ${elapsed.toFixed(0)} ms, ${der.byteLength} bytes`);
    expect(elapsed).toBeLessThan(1_000);

    // pkijs 4 (asn1js 4) stops at 10,000 ASN.1 nodes by default; a CRL this size has ~70,000.
    expect(() => pkijs.CertificateRevocationList.fromBER(der)).toThrow(/Data is not correct/);

    work.write('big.crl', der);
    const checked = work.openssl('crl', '-inform', 'DER', '-in', 'big.crl', '-CAfile', 'ca.pem', '-noout', '-text');
    expect(checked.output).toContain('verify OK');
    expect(checked.output.match(/Serial Number:/g)).toHaveLength(10_000);
    expect(checked.output).toContain(`Serial Number: ${entries[9_999]!.serialNumber.toUpperCase()}`);
  });
});

// The DER framing of the hot paths must give exactly what the ASN.1 schema library gives.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Time } from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsrInvalidError } from '../../shared/pki/certificate-authority.js';
import { DerError, integer, readChildren, readElement, readSingle, time, tlv } from '../../shared/pki/der.js';
import { buildName, encodeName, formatAttributes, formatName, type NameAttribute } from '../../shared/pki/names.js';
import { NOW, SUBJECT, bytes, newCsr, newTestCa, type TestCa } from './pki-support.js';

const hex = (data: Uint8Array | ArrayBuffer): string => bytes(data).toString('hex');

describe('der framing', () => {
  it('tlv gives the library encoding for every length form', () => {
    for (const size of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 70_000]) {
      const content = new Uint8Array(size).fill(7);
      expect(hex(tlv(0x04, [content]))).toBe(hex(AsnConvert.serialize(new OctetString(content))));
    }
  });

  it('time gives the library Time (UTCTime through 2049, GeneralizedTime after)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(hex(time(date))).toBe(hex(AsnConvert.serialize(new Time(date))));
      }),
      { numRuns: 500 },
    );
    expect(time(new Date('2049-12-31T23:59:59.999Z'))[0]).toBe(0x17);
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(() => time(new Date('1949-12-31T23:59:59Z'))).toThrow(DerError);
    expect(() => time(new Date(Number.NaN))).toThrow(DerError);
  });

  it('integer takes minimal content octets only', () => {
    expect(hex(integer(Uint8Array.of(0x00, 0x80)))).toBe('02020080');
    expect(hex(integer(Uint8Array.of(0x7f)))).toBe('02017f');
    expect(() => integer(Uint8Array.of(0x00, 0x7f))).toThrow(DerError);
    expect(() => integer(Uint8Array.of(0xff, 0x80))).toThrow(DerError);
    expect(() => integer(new Uint8Array(0))).toThrow(DerError);
  });

  it('the reader refuses what is not DER', () => {
    const bad = ['', '30', '3080', '30810100', '3003020100ff', '1f0100', '3085000000000100', '300502030100', '308200030201'];
    for (const input of bad) {
      expect(() => readChildren(readSingle(Buffer.from(input, 'hex'))), input).toThrow(DerError);
    }
    const ok = readSingle(Buffer.from('3006020101020102', 'hex'));
    expect(readChildren(ok).map((c) => hex(c.bytes))).toEqual(['020101', '020102']);
    expect(hex(readElement(Buffer.from('0401ff0000', 'hex')).contents)).toBe('ff');
  });
});

describe('names', () => {
  const attribute = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 });

  it('encodeName gives the library encoding of buildName, and formatAttributes its text', () => {
    fc.assert(
      fc.property(attribute, attribute, fc.option(attribute, { nil: undefined }), (o, cn, ou) => {
        const attributes: NameAttribute[] = [['C', 'ID'], ['O', o], ...(ou === undefined ? [] : [['OU', ou] as const]), ['CN', cn]];
        const name = buildName(attributes);
        expect(hex(encodeName(attributes))).toBe(hex(AsnConvert.serialize(name)));
        expect(formatAttributes(attributes)).toBe(formatName(name));
      }),
      { numRuns: 300 },
    );
  });

  it('escapes RFC 4514 specials', () => {
    expect(formatAttributes([['C', 'ID'], ['O', '#1 Dinas, "A" + <B>; C\\D '], ['CN', ' Budi']])).toBe(
      'CN=\\ Budi, O=\\#1 Dinas\\, \\"A\\" \\+ \\<B\\>\\; C\\\\D\\ , C=ID',
    );
  });
});

describe('issued structures', () => {
  let testCa: TestCa;
  let csr: Uint8Array;
  beforeAll(async () => {
    testCa = await newTestCa();
    csr = await newCsr();
  });

  it('a certificate is encoded exactly as the library encodes the same Certificate', async () => {
    for (const subject of [SUBJECT, { commonName: 'Ñoño Ünal — 山田', organizationName: 'Dinas "X", Y', email: 'n@contoh.go.id' }]) {
      const issued = await testCa.authority.issue({ csrDer: csr, subject, now: NOW });
      const parsed = AsnConvert.parse(issued.der, Certificate);
      expect(hex(AsnConvert.serialize(parsed))).toBe(hex(issued.der));
      expect(hex(AsnConvert.serialize(parsed.tbsCertificate))).toBe(hex(parsed.tbsCertificateRaw!));
    }
  });

  it('any bit flipped in a valid CSR, or random bytes, is refused as CsrInvalidError', async () => {
    const issue = (csrDer: Uint8Array) => testCa.authority.issue({ csrDer, subject: SUBJECT, now: NOW });
    // Every single-bit flip, anywhere in the request.
    for (let at = 0; at < csr.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const mutated = Buffer.from(csr);
        mutated[at]! ^= 1 << bit;
        await expect(issue(mutated), `byte ${at} bit ${bit}`).rejects.toBeInstanceOf(CsrInvalidError);
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (garbage) => {
        await expect(issue(garbage)).rejects.toBeInstanceOf(CsrInvalidError);
      }),
      { numRuns: 200 },
    );
    await expect(issue(Buffer.concat([csr, Buffer.of(0)]))).rejects.toBeInstanceOf(CsrInvalidError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Field, isBase64 } from '../../shared/http/base64-field.js';
import { Base64Bytes, jsonWithBytes } from '../../functions/signing/json-bytes.js';

const pattern = /^[A-Za-z0-9+/]+={0,2}$/;

describe('the signing routes\' base64 check, without the backtracking regex', () => {
  it('accepts and refuses exactly what the pattern does', () => {
    const alphabet = fc.constantFrom(...'AZaz09+/=-_ \n.é'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 12 }).map((chars) => chars.join('')), (value) => {
      expect(isBase64(value)).toBe(pattern.test(value));
    }), { numRuns: 5000 });
    for (const value of ['', '=', '==', 'a', 'ab=', 'ab==', 'ab===', 'a=b', 'a=b=', '=ab', 'QUJD\n', Buffer.from('tte').toString('base64')]) {
      expect(isBase64(value)).toBe(pattern.test(value));
    }
  });

  it('keeps the pattern in the OpenAPI document and answers VALUE_INVALID as before', () => {
    const schema = base64Field();
    expect(schema.safeParse('QUJD').success).toBe(true);
    const refused = schema.safeParse('QU=JD');
    expect(refused.success).toBe(false);
    expect(JSON.stringify(schema.toJSONSchema())).toContain(JSON.stringify(pattern.source));
  });
});

describe('a JSON answer with a signed PDF in base64', () => {
  it('is the JSON.stringify of the same answer with the bytes as base64 strings', () => {
    const pdf = Uint8Array.from({ length: 3000 }, (_, index) => (index * 7) % 256);
    const view = new Uint8Array(pdf.buffer, 10, 100);
    const answer = (bytes: (value: Uint8Array) => unknown) => ({
      signedAt: '2026-12-05T11:00:00.000Z', level: 'B-LT', skipped: undefined, count: 2, ok: true, none: null,
      documents: [{ name: 'Surat "resmi" \u2028 é.pdf', documentId: 'b.1', pdfBase64: bytes(pdf) }, { name: 'potongan.pdf', documentId: 'b.2', pdfBase64: bytes(view) }],
      file: [bytes(view)],
    });
    const written = jsonWithBytes(answer((value) => new Base64Bytes(value)));
    expect(written).toBe(JSON.stringify(answer((value) => Buffer.from(value).toString('base64'))));
    expect(JSON.parse(written).documents[1].pdfBase64).toBe(Buffer.from(view).toString('base64'));
  });
});

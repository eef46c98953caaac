import { PDF } from '@libpdf/core';
import { describe, expect, it } from 'vitest';
import { signingKeyFromPkcs8, signPdf } from '../../shared/signing/pdf-signature.js';
import { newTestCa, NOW, pkijs, SUBJECT } from './pki-support.js';
import { createCertificateRequest } from '../../shared/pki/certificate-authority.js';
import { webcrypto } from 'node:crypto';

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
  return { party: { certificateDer: issued.der, chainDer: [ca.der], privateKey: await signingKeyFromPkcs8(pkcs8) }, issued };
}

async function letter(): Promise<Uint8Array> {
  const document = PDF.create();
  document.addPage().drawText('Surat Keputusan', { x: 72, y: 720, size: 16 });
  return document.save();
}

function cmsOf(pdf: Uint8Array): pkijs.SignedData {
  const text = Buffer.from(pdf).toString('latin1');
  const [, a, b, c] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!.map(Number);
  const hex = text.slice(a! + b!, c!).replace(/[<>\s]/g, '').replace(/(00)+$/, '');
  return new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex')).content });
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

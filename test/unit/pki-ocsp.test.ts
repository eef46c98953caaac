import { createHash, randomBytes } from 'node:crypto';
import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CertificateStatusAnswer } from '../../shared/domain/certificates.js';
import { MAX_OCSP_REQUESTS, OcspRequestInvalidError, ocspErrorResponse, type IssuedCertificate } from '../../shared/pki/certificate-authority.js';
import { NOW, SUBJECT, Workdir, bytes, newCsr, newTestCa, pkijs, type TestCa } from './pki-support.js';

const HOUR = 3_600_000;
let testCa: TestCa;
let otherCa: TestCa;
let caCert: pkijs.Certificate;
let leaf: IssuedCertificate;
let second: IssuedCertificate;
let foreign: IssuedCertificate;
const work = new Workdir();

beforeAll(async () => {
  testCa = await newTestCa();
  otherCa = await newTestCa('Another CA');
  caCert = pkijs.Certificate.fromBER(testCa.ca.der);
  leaf = await testCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
  second = await testCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
  foreign = await otherCa.authority.issue({ csrDer: await newCsr(), subject: SUBJECT, now: NOW });
  work.write('ca.pem', testCa.ca.pem);
  work.write('other-ca.pem', otherCa.ca.pem);
  work.write('leaf.pem', leaf.pem);
  work.write('second.pem', second.pem);
  work.write('foreign.pem', foreign.pem);
});
afterAll(() => work.remove());

/** An OCSP request made by openssl, for the leaf unless told otherwise. */
function opensslRequest(name: string, ...args: string[]): Buffer {
  const made = work.openssl('ocsp', '-reqout', name, ...(args.length > 0 ? args : ['-issuer', 'ca.pem', '-cert', 'leaf.pem']));
  expect(made.status, made.output).toBe(0);
  return work.read(name);
}

/** A time as openssl prints it: `Mar  2 03:04:05 2026 GMT`. */
function opensslTime(date: Date): string {
  const month = date.toUTCString().split(' ')[2];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${month} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()} GMT`;
}

function answering(answer: CertificateStatusAnswer) {
  return vi.fn(async (_serial: string) => answer);
}

function basicOf(der: Uint8Array): pkijs.BasicOCSPResponse {
  const response = pkijs.OCSPResponse.fromBER(der);
  expect(response.responseStatus.valueBlock.valueDec).toBe(0);
  expect(response.responseBytes?.responseType).toBe('1.3.6.1.5.5.7.48.1.1');
  return pkijs.BasicOCSPResponse.fromBER(response.responseBytes!.response.valueBlock.valueHexView);
}

/** openssl's verdict on a response for the leaf: verification and its status line. */
function opensslCheck(response: Uint8Array, ...extra: string[]): string {
  work.write('resp.der', response);
  return work.openssl('ocsp', '-respin', 'resp.der', '-issuer', 'ca.pem', '-CAfile', 'ca.pem', ...extra, '-cert', 'leaf.pem', '-no_nonce', '-resp_text').output;
}

describe('CertificateAuthority.ocsp', () => {
  it('answers good, signed by the CA, echoing the nonce (openssl checks it against the request)', async () => {
    const request = opensslRequest('nonce.req');
    const lookup = answering({ status: 'good' });
    const { der, nextUpdate } = await testCa.authority.ocsp(request, lookup, NOW);
    expect(lookup).toHaveBeenCalledExactlyOnceWith(leaf.serialNumber);

    const output = opensslCheck(der);
    expect(output).toContain('Response verify OK');
    expect(output).toContain('leaf.pem: good');

    // With the original request, openssl also matches the nonce...
    work.write('resp.der', der);
    const withRequest = work.openssl('ocsp', '-reqin', 'nonce.req', '-respin', 'resp.der', '-issuer', 'ca.pem', '-CAfile', 'ca.pem');
    expect(withRequest.output).toContain('Response verify OK');
    expect(withRequest.output).not.toContain('Nonce Verify error');
    // ...and refuses it against a request with another nonce.
    opensslRequest('other-nonce.req');
    expect(work.openssl('ocsp', '-reqin', 'other-nonce.req', '-respin', 'resp.der', '-issuer', 'ca.pem', '-CAfile', 'ca.pem').output).toContain('Nonce Verify error');

    const basic = basicOf(der);
    const requestExtensions = pkijs.OCSPRequest.fromBER(request).tbsRequest.requestExtensions ?? [];
    const requestNonce = requestExtensions.find((e) => e.extnID === '1.3.6.1.5.5.7.48.1.2');
    const responseNonce = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === '1.3.6.1.5.5.7.48.1.2');
    expect(requestNonce).toBeDefined();
    expect(bytes(responseNonce!.extnValue.valueBlock.valueHexView)).toEqual(bytes(requestNonce!.extnValue.valueBlock.valueHexView));

    const producedAt = Math.floor(NOW.getTime() / 1000) * 1000;
    expect(nextUpdate.getTime()).toBe(producedAt + HOUR);
    expect(basic.tbsResponseData.producedAt.getTime()).toBe(producedAt);
    const [single] = basic.tbsResponseData.responses;
    expect(single?.thisUpdate.getTime()).toBe(producedAt);
    expect(single?.nextUpdate?.getTime()).toBe(producedAt + HOUR);
    expect(single?.certStatus.idBlock.tagNumber).toBe(0);
  });

  it('is verified by pkijs under the CA, responder by key hash, no certs, ecdsa-with-SHA256', async () => {
    const { der } = await testCa.authority.ocsp(opensslRequest('plain.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce'), answering({ status: 'good' }), NOW);
    const basic = basicOf(der);
    expect(basic.certs).toBeUndefined();
    // pkijs looks for the signer among the response's certs: hand it the CA as a client would.
    basic.certs = [caCert];
    await expect(basic.verify({ trustedCerts: [caCert] })).resolves.toBe(true);
    const tampered = basicOf(der);
    tampered.certs = [caCert];
    tampered.signature.valueBlock.valueHexView[12]! ^= 0x01;
    await expect(tampered.verify({ trustedCerts: [caCert] }).catch(() => false)).resolves.toBe(false);
    expect(basic.signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.2');
    expect(basic.tbsResponseData.responseExtensions).toBeUndefined();
    const responderId = basic.tbsResponseData.responderID;
    expect(responderId).toBeInstanceOf(asn1js.OctetString);
    const keyBits = caCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    expect(bytes((responderId as asn1js.OctetString).valueBlock.valueHexView)).toEqual(createHash('sha1').update(keyBits).digest());
    const status = await basic.getCertificateStatus(pkijs.Certificate.fromBER(leaf.der), caCert);
    expect(status.status).toBe(0);
  });

  it('echoes each CertID exactly', async () => {
    const request = opensslRequest('two.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-cert', 'second.pem');
    const { der } = await testCa.authority.ocsp(request, answering({ status: 'good' }), NOW);
    const asked = pkijs.OCSPRequest.fromBER(request).tbsRequest.requestList.map((r) => bytes(r.reqCert.toSchema().toBER()));
    const answered = basicOf(der).tbsResponseData.responses.map((r) => bytes(r.certID.toSchema().toBER()));
    expect(answered).toEqual(asked);
    for (const certId of asked) expect(bytes(der).includes(certId)).toBe(true);
  });

  it('answers revoked with time and reason; without a reason for unspecified', async () => {
    const revokedAt = new Date(NOW.getTime() - 2 * HOUR);
    const request = opensslRequest('revoked.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce');

    const withReason = await testCa.authority.ocsp(request, answering({ status: 'revoked', revokedAt, reason: 'keyCompromise' }), NOW);
    const output = opensslCheck(withReason.der);
    expect(output).toContain('Response verify OK');
    expect(output).toContain('leaf.pem: revoked');
    expect(output).toContain('Reason: keyCompromise');
    expect(output).toContain(`Revocation Time: ${opensslTime(revokedAt)}`);
    const single = basicOf(withReason.der).tbsResponseData.responses[0]!;
    expect(single.certStatus.idBlock.tagNumber).toBe(1);

    const unspecified = await testCa.authority.ocsp(request, answering({ status: 'revoked', revokedAt, reason: 'unspecified' }), NOW);
    const plain = opensslCheck(unspecified.der);
    expect(plain).toContain('Response verify OK');
    expect(plain).toContain('leaf.pem: revoked');
    expect(plain).not.toContain('Reason:');
  });

  it('answers unknown', async () => {
    const request = opensslRequest('unknown.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce');
    const { der } = await testCa.authority.ocsp(request, answering({ status: 'unknown' }), NOW);
    const output = opensslCheck(der);
    expect(output).toContain('Response verify OK');
    expect(output).toContain('leaf.pem: unknown');
  });

  it('recognises a CertID made with SHA-256', async () => {
    const request = opensslRequest('sha256.req', '-issuer', 'ca.pem', '-sha256', '-cert', 'leaf.pem', '-no_nonce');
    const lookup = answering({ status: 'good' });
    const { der } = await testCa.authority.ocsp(request, lookup, NOW);
    expect(lookup).toHaveBeenCalledExactlyOnceWith(leaf.serialNumber);
    const output = opensslCheck(der, '-sha256');
    expect(output).toContain('Response verify OK');
    expect(output).toContain('leaf.pem: good');
  });

  it('answers one SingleResponse per CertID, in order, asking about each serial', async () => {
    const request = opensslRequest('pair.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-cert', 'second.pem', '-no_nonce');
    const lookup = vi.fn(async (serial: string): Promise<CertificateStatusAnswer> =>
      serial === second.serialNumber ? { status: 'revoked', revokedAt: NOW, reason: 'superseded' } : { status: 'good' });
    const { der } = await testCa.authority.ocsp(request, lookup, NOW);
    expect(lookup.mock.calls.map(([serial]) => serial).sort()).toEqual([leaf.serialNumber, second.serialNumber].sort());
    const statuses = basicOf(der).tbsResponseData.responses.map((r) => r.certStatus.idBlock.tagNumber);
    expect(statuses).toEqual([0, 1]);
  });

  it('answers unauthorized, unsigned, for a request about another CA only', async () => {
    const request = opensslRequest('foreign.req', '-issuer', 'other-ca.pem', '-cert', 'foreign.pem');
    const lookup = answering({ status: 'good' });
    const { der, nextUpdate } = await testCa.authority.ocsp(request, lookup, NOW);
    expect(lookup).not.toHaveBeenCalled();
    const response = pkijs.OCSPResponse.fromBER(der);
    expect(response.responseStatus.valueBlock.valueDec).toBe(6);
    expect(response.responseBytes).toBeUndefined();
    expect(nextUpdate.getTime()).toBe(Math.floor(NOW.getTime() / 1000) * 1000);
    work.write('unauthorized.der', der);
    expect(work.openssl('ocsp', '-respin', 'unauthorized.der', '-resp_text', '-noverify').output).toMatch(/unauthorized \(6\)/);
  });

  it('answers unknown for the other issuer in a mixed request, without asking about it', async () => {
    const ours = opensslRequest('ours.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce');
    const theirs = opensslRequest('theirs.req', '-issuer', 'other-ca.pem', '-cert', 'foreign.pem', '-no_nonce');
    // One request with both CertIDs: openssl builds it with -issuer before each -cert.
    const mixed = opensslRequest('mixed.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-issuer', 'other-ca.pem', '-cert', 'foreign.pem', '-no_nonce');
    expect(mixed.length).toBeGreaterThan(Math.max(ours.length, theirs.length));
    const lookup = answering({ status: 'good' });
    const { der } = await testCa.authority.ocsp(mixed, lookup, NOW);
    expect(lookup).toHaveBeenCalledExactlyOnceWith(leaf.serialNumber);
    expect(basicOf(der).tbsResponseData.responses.map((r) => r.certStatus.idBlock.tagNumber)).toEqual([0, 2]);
  });

  it('throws OcspRequestInvalidError for what is not an OCSP request', async () => {
    const lookup = answering({ status: 'good' });
    for (const garbage of [new Uint8Array(0), randomBytes(64), Buffer.from('30030201', 'hex'), testCa.ca.der, Buffer.from('not der at all')]) {
      await expect(testCa.authority.ocsp(garbage, lookup, NOW)).rejects.toBeInstanceOf(OcspRequestInvalidError);
    }
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses a nonce over 32 octets (RFC 8954) and more than MAX_OCSP_REQUESTS CertIDs', async () => {
    const request = AsnConvert.parse(opensslRequest('limits.req'), OCSPRequest);
    const nonce = request.tbsRequest.requestExtensions!.find((e) => e.extnID === '1.3.6.1.5.5.7.48.1.2')!;
    nonce.extnValue = new OctetString(Buffer.concat([Buffer.of(0x04, 33), randomBytes(33)]));
    const lookup = answering({ status: 'good' });
    await expect(testCa.authority.ocsp(new Uint8Array(AsnConvert.serialize(request)), lookup, NOW)).rejects.toBeInstanceOf(OcspRequestInvalidError);

    nonce.extnValue = new OctetString(Buffer.concat([Buffer.of(0x04, 32), randomBytes(32)]));
    await expect(testCa.authority.ocsp(new Uint8Array(AsnConvert.serialize(request)), lookup, NOW)).resolves.toBeDefined();

    request.tbsRequest.requestExtensions = undefined;
    request.tbsRequest.requestList = Array.from({ length: MAX_OCSP_REQUESTS + 1 }, () => request.tbsRequest.requestList[0]!);
    await expect(testCa.authority.ocsp(new Uint8Array(AsnConvert.serialize(request)), lookup, NOW)).rejects.toBeInstanceOf(OcspRequestInvalidError);
  });

  it('reads a request held in a slice of a larger buffer', async () => {
    const request = opensslRequest('slice.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce');
    const pool = Buffer.concat([randomBytes(7), request, randomBytes(9)]);
    const lookup = answering({ status: 'good' });
    await testCa.authority.ocsp(pool.subarray(7, 7 + request.length), lookup, NOW);
    expect(lookup).toHaveBeenCalledExactlyOnceWith(leaf.serialNumber);
  });

  it('passes a lookup failure on (the HTTP layer answers internalError)', async () => {
    const request = opensslRequest('fail.req', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce');
    await expect(testCa.authority.ocsp(request, async () => { throw new Error('table unavailable'); }, NOW)).rejects.toThrow('table unavailable');
  });
});

describe('ocspErrorResponse', () => {
  it('encodes a bare OCSPResponse with the status', () => {
    expect(bytes(ocspErrorResponse('malformedRequest')).toString('hex')).toBe('30030a0101');
    expect(pkijs.OCSPResponse.fromBER(ocspErrorResponse('internalError')).responseStatus.valueBlock.valueDec).toBe(2);
    expect(pkijs.OCSPResponse.fromBER(ocspErrorResponse('tryLater')).responseStatus.valueBlock.valueDec).toBe(3);
  });
});

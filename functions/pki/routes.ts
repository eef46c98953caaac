import * as z from 'zod';
import { defineRoutes } from '../../shared/http/route.js';

const pem = { description: 'The CA certificate (PEM)', contentType: 'application/x-pem-file' };
const ocspResponse = {
  description: 'A signed OCSP response: good, revoked (time, reason) or unknown per certificate. A request\'s nonce is ignored (RFC 5019): the same question with the same statuses gets the same answer for up to 5 minutes; a revocation is answered at once',
  contentType: 'application/ocsp-response',
};
/** Only requests that make a new signature count (docs/security.md F2). */
const tooManySignatures = { description: 'TOO_MANY_REQUESTS: this address asked for more signatures (uncached OCSP answers and timestamps together) than the limit per window; Retry-After says when to try again' };

/** The CA's public face: anyone may fetch the CA certificate and the CRL, ask OCSP, and timestamp. */
export const pkiRoutes = defineRoutes('pki', {
  getCaPem: {
    method: 'GET',
    path: '/pki/ca.pem',
    summary: 'The CA certificate, PEM',
    access: 'public',
    responses: { 200: pem },
  },
  getCaDer: {
    method: 'GET',
    path: '/pki/ca.crt',
    summary: 'The CA certificate, DER (the "CA issuers" address inside every certificate)',
    access: 'public',
    responses: { 200: { description: 'The CA certificate (DER)', contentType: 'application/pkix-cert' } },
  },
  getCrl: {
    method: 'GET',
    path: '/pki/crl',
    summary: 'The current CRL (DER), signed by the CA; a new one after every revocation and at least daily',
    access: 'public',
    responses: { 200: { description: 'The CRL', contentType: 'application/pkix-crl' } },
  },
  postOcsp: {
    method: 'POST',
    path: '/pki/ocsp',
    summary: 'OCSP (RFC 6960): application/ocsp-request in, application/ocsp-response out',
    access: 'public',
    bodyType: 'application/ocsp-request',
    responses: { 200: ocspResponse, 400: { description: 'OCSP_REQUEST_INVALID' }, 415: { description: 'UNSUPPORTED_MEDIA_TYPE' }, 429: tooManySignatures },
  },
  getOcsp: {
    method: 'GET',
    path: '/pki/ocsp/{request}',
    summary: 'OCSP over GET (RFC 6960 appendix A): the DER request, base64 and URL-encoded; cacheable for what is left of its 5 minutes (Cache-Control max-age)',
    access: 'public',
    params: z.strictObject({ request: z.string().min(1).max(2000) }),
    responses: { 200: ocspResponse, 400: { description: 'OCSP_REQUEST_INVALID' }, 429: tooManySignatures },
  },
  postTsa: {
    method: 'POST',
    path: '/pki/tsa',
    summary: 'Timestamps (RFC 3161 over HTTP): application/timestamp-query in, application/timestamp-reply out; SHA-256, SHA-384 or SHA-512 imprints',
    access: 'public',
    bodyType: 'application/timestamp-query',
    responses: {
      200: {
        description: 'A TimeStampResp: granted with the token (TSA and CA certificates included when certReq is set), or rejection with its failure info (badAlg, badRequest, badDataFormat, unacceptedPolicy, unacceptedExtension)',
        contentType: 'application/timestamp-reply',
      },
      413: { description: 'PAYLOAD_TOO_LARGE (a timestamp query is 8 KB at most)' },
      415: { description: 'UNSUPPORTED_MEDIA_TYPE' },
      429: tooManySignatures,
    },
  },
  getTsaPem: {
    method: 'GET',
    path: '/pki/tsa.pem',
    summary: 'The TSA certificate, PEM: issued by the CA, EKU timeStamping (critical); for `openssl ts -verify -untrusted`',
    access: 'public',
    responses: { 200: { description: 'The TSA certificate (PEM)', contentType: 'application/x-pem-file' } },
  },
});

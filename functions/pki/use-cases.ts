import type { CertificateStatusAnswer } from '../../shared/domain/certificates.js';
import { AppError } from '../../shared/domain/errors.js';
import { OcspRequestInvalidError, type CertificateAuthority } from '../../shared/pki/certificate-authority.js';
import { currentCrl, type CrlDeps } from '../../shared/pki/crl-publisher.js';
import { MAX_TIMESTAMP_REQUEST_BYTES, type TimestampAuthority } from '../../shared/pki/timestamp-authority.js';
import type { CertificateStore } from '../../shared/ports/certificates.js';
import { serviceSerialNumbers } from '../../shared/pki/seal-runtime.js';
import type { Clock } from '../../shared/ports/runtime.js';
import type { RateLimit, RateLimiter } from '../../shared/ports/rate-limiter.js';
import { takeOrRefuse } from '../../shared/rate-limits.js';

/** The rate-limit scope of the public routes that make the service sign with KMS (an uncached OCSP answer, a timestamp): one budget per client. */
export const PKI_SIGN_RATE_SCOPE = 'pki-sign';

export interface PkiDeps extends CrlDeps {
  certificates: Pick<CertificateStore, 'findCertificate'>;
  authority: () => Promise<CertificateAuthority>;
  /** The timestamp authority (its key apart from the CA's); its certificate is made on first use. */
  tsa: () => Promise<TimestampAuthority>;
  clock: Clock;
}

export async function caCertificate(deps: Pick<PkiDeps, 'authority'>) {
  return (await deps.authority()).certificate;
}

export async function tsaCertificate(deps: Pick<PkiDeps, 'tsa'>) {
  return (await deps.tsa()).certificate;
}

/**
 * RFC 3161 over HTTP (§3.4): a TimeStampReq in, a TimeStampResp out. A request the TSA cannot
 * grant (unknown hash, wrong digest length, not a TimeStampReq at all) is answered with a
 * `rejection` TimeStampResp, as the protocol says, not with an HTTP error; only a body far larger
 * than any TimeStampReq is refused before parsing.
 */
export async function answerTimestamp(
  deps: Pick<PkiDeps, 'tsa'> & { rateLimiter?: RateLimiter; rateLimit?: RateLimit },
  requestDer: Uint8Array,
  clientKey?: string,
): Promise<Uint8Array> {
  if (requestDer.byteLength > MAX_TIMESTAMP_REQUEST_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', [], {
      detail: { id: `Permintaan cap waktu terlalu besar (maksimal ${MAX_TIMESTAMP_REQUEST_BYTES / 1024} KB).`, en: `A timestamp query is ${MAX_TIMESTAMP_REQUEST_BYTES / 1024} KB at most.` },
    });
  }
  // Every granted reply is a KMS Sign: the client's count is taken first (429, nothing signed).
  if (deps.rateLimiter && deps.rateLimit && clientKey !== undefined) await takeOrRefuse(deps.rateLimiter, PKI_SIGN_RATE_SCOPE, clientKey, deps.rateLimit);
  return (await deps.tsa()).respond(requestDer);
}

export async function crl(deps: PkiDeps) {
  return currentCrl(deps);
}

/** A serial's status from its certificate record (one consistent read), as OCSP answers it. */
export function certificateStatus(deps: Pick<PkiDeps, 'certificates' | 'pki'>): (serialNumber: string) => Promise<CertificateStatusAnswer> {
  return async (serialNumber) => {
    const certificate = await deps.certificates.findCertificate(serialNumber);
    // The TSA's and the seal's certificates are the CA's own, never revoked: good, so timestamps and seals validate (B-LT).
    if (!certificate) return (await serviceSerialNumbers(deps.pki)).includes(serialNumber) ? { status: 'good' } : { status: 'unknown' };
    if (certificate.status === 'REVOKED' && certificate.revocation) {
      return { status: 'revoked', revokedAt: new Date(certificate.revocation.at), reason: certificate.revocation.reason };
    }
    return { status: 'good' };
  };
}

/**
 * Answers an OCSP request from the certificate records themselves (one consistent read per
 * serial), so a revocation shows at once. Expired, renewed and suspended certificates were never
 * revoked: they answer good, as RFC 6960 allows, and so do the TSA's certificates (one query of
 * the CA's partition, only for a serial no user holds); a serial this CA never issued answers
 * unknown.
 */
export async function answerOcsp(deps: PkiDeps, requestDer: Uint8Array): Promise<{ der: Uint8Array; nextUpdate: Date }> {
  try {
    return await (await deps.authority()).ocsp(requestDer, certificateStatus(deps), deps.clock.now());
  } catch (error) {
    if (error instanceof OcspRequestInvalidError) throw new AppError('OCSP_REQUEST_INVALID', [], { internal: error.message });
    throw error;
  }
}

/** The GET form carries the DER request base64-encoded (standard or URL-safe alphabet) in the path. */
export function decodeOcspPath(encoded: string): Uint8Array {
  const compact = encoded.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(compact)) throw new AppError('OCSP_REQUEST_INVALID');
  return new Uint8Array(Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

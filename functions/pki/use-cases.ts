import type { CertificateStatusAnswer } from '../../shared/domain/certificates.js';
import { AppError } from '../../shared/domain/errors.js';
import { OcspRequestInvalidError, type CertificateAuthority } from '../../shared/pki/certificate-authority.js';
import { currentCrl, type CrlDeps } from '../../shared/pki/crl-publisher.js';
import type { CertificateStore } from '../../shared/ports/certificates.js';
import type { Clock } from '../../shared/ports/runtime.js';

export interface PkiDeps extends CrlDeps {
  certificates: Pick<CertificateStore, 'findCertificate'>;
  authority: () => Promise<CertificateAuthority>;
  clock: Clock;
}

export async function caCertificate(deps: Pick<PkiDeps, 'authority'>) {
  return (await deps.authority()).certificate;
}

export async function crl(deps: PkiDeps) {
  return currentCrl(deps);
}

/**
 * Answers an OCSP request from the certificate records themselves (one consistent read per
 * serial), so a revocation shows at once. Expired, renewed and suspended certificates were never
 * revoked: they answer good, as RFC 6960 allows; a serial this CA never issued answers unknown.
 */
export async function answerOcsp(deps: PkiDeps, requestDer: Uint8Array): Promise<{ der: Uint8Array; nextUpdate: Date }> {
  const lookup = async (serialNumber: string): Promise<CertificateStatusAnswer> => {
    const certificate = await deps.certificates.findCertificate(serialNumber);
    if (!certificate) return { status: 'unknown' };
    if (certificate.status === 'REVOKED' && certificate.revocation) {
      return { status: 'revoked', revokedAt: new Date(certificate.revocation.at), reason: certificate.revocation.reason };
    }
    return { status: 'good' };
  };
  try {
    return await (await deps.authority()).ocsp(requestDer, lookup, deps.clock.now());
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

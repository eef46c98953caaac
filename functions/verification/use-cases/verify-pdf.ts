import type { CertificateStatusAnswer } from '../../../shared/domain/certificates.js';
import { takeOrRefuse } from '../../../shared/rate-limits.js';
import type { Actor } from '../../../shared/domain/actor.js';
import type { UsageCounter } from '../../../shared/ports/usage.js';
import type { CertificateStore } from '../../../shared/ports/certificates.js';
import type { PkiStore } from '../../../shared/ports/pki.js';
import { serviceSerialNumbers } from '../../../shared/pki/seal-runtime.js';
import type { RateLimit, RateLimiter } from '../../../shared/ports/rate-limiter.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import { verifyPdfSignatures, type PdfVerificationReport } from '../../../shared/signing/pdf-verification.js';

/** The rate-limit scope of public PDF verification (its counters are apart from any other limit's). */
export const VERIFICATION_RATE_SCOPE = 'verify-pdf';

export interface VerificationDeps {
  rateLimiter: RateLimiter;
  rateLimit: RateLimit;
  /** The service's CA certificate (DER), the one trust anchor; undefined before the CA exists. */
  caCertificate: () => Promise<Uint8Array | undefined>;
  certificates: Pick<CertificateStore, 'findCertificate'>;
  pki: Pick<PkiStore, 'tsaSerialNumbers' | 'sealSerialNumbers'>;
  clock: Clock;
}

/**
 * The status of a certificate of this CA from its records, as the OCSP responder gives it: a
 * revocation with its time and reason; expired, renewed and suspended certificates were never
 * revoked, so good; the TSA's and the seal's certificates good; a serial the CA never issued unknown.
 */
export function recordedStatus(deps: Pick<VerificationDeps, 'certificates' | 'pki'>): (serialNumber: string) => Promise<CertificateStatusAnswer> {
  return async (serialNumber) => {
    const certificate = await deps.certificates.findCertificate(serialNumber);
    if (!certificate) return (await serviceSerialNumbers(deps.pki)).includes(serialNumber) ? { status: 'good' } : { status: 'unknown' };
    if (certificate.status === 'REVOKED' && certificate.revocation) {
      return { status: 'revoked', revokedAt: new Date(certificate.revocation.at), reason: certificate.revocation.reason };
    }
    return { status: 'good' };
  };
}

/**
 * Verifies the signatures of a PDF for anyone.
 * 1. Count the request against the client's window; once it is spent, TOO_MANY_REQUESTS with the
 *    seconds until the next one (before any parsing: the limit exists to spare that work).
 * 2. The trust anchor: the service's CA certificate.
 * 3. Verify every signature, the service's certificate records being the live revocation source.
 */
export async function verifyPdf(deps: VerificationDeps, input: { pdf: Uint8Array; clientKey: string }): Promise<PdfVerificationReport> {
  await takeOrRefuse(deps.rateLimiter, VERIFICATION_RATE_SCOPE, input.clientKey, deps.rateLimit);
  const anchor = await deps.caCertificate();
  return verifyPdfSignatures(input.pdf, { trustAnchors: anchor ? [anchor] : [], liveStatus: recordedStatus(deps), clock: deps.clock });
}

/**
 * Verifies a PDF for an integrator of a tenant: no client limit (the key is the tenant's, and each
 * verification is metered), counted once it has been read; an unreadable file is not counted.
 */
export async function verifyForTenant(
  deps: Omit<VerificationDeps, 'rateLimiter' | 'rateLimit'> & { usage: UsageCounter },
  input: { actor: Actor; pdf: Uint8Array },
): Promise<PdfVerificationReport> {
  const anchor = await deps.caCertificate();
  const report = await verifyPdfSignatures(input.pdf, { trustAnchors: anchor ? [anchor] : [], liveStatus: recordedStatus(deps), clock: deps.clock });
  await deps.usage.count(input.actor.tenantId, 'VERIFICATION', deps.clock.now());
  return report;
}

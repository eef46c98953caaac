import { hasEnded } from './certificates.js';
import type { CertificateRecord } from '../ports/certificates.js';
import type { UserStatus } from './user.js';

/** PAdES baseline levels (ETSI EN 319 142-1); B-LT unless the caller asks otherwise. */
export const signatureLevels = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type SignatureLevel = (typeof signatureLevels)[number];
export const DEFAULT_SIGNATURE_LEVEL: SignatureLevel = 'B-LT';

/** A signed PDF is kept this long for download (the documents bucket's lifecycle says a day too). */
export const SIGNED_DOCUMENT_KEEP_HOURS = 24;

/** At most this many hashes in one request, under one authorisation. */
export const MAX_HASHES_PER_REQUEST = 1000;

/** At most this many documents in one request, under one authorisation. */
export const MAX_DOCUMENTS_PER_REQUEST = 100;

/** Lambda takes at most 6 MB per request: the documents of one request, base64 included (and a PDF to verify). */
export const MAX_SIGNING_REQUEST_BYTES = 6 * 1024 * 1024;

/** Why a person may not sign now (API.md "Signing": the `reason` of SIGNER_NOT_ELIGIBLE). */
export type IneligibleReason = 'NOT_REGISTERED' | 'NO_CERTIFICATE' | 'EXPIRED' | 'REVOKED' | 'SUSPENDED' | 'DISABLED';

/**
 * Only an ACTIVE person with an ISSUED certificate in its validity signs. A disabled account or a
 * suspended certificate (a data change pending) holds signing; otherwise the most telling reason
 * among their certificates is given.
 */
export function signingEligibility(
  status: UserStatus | undefined,
  certificates: readonly CertificateRecord[],
  now: Date,
): { certificate: CertificateRecord } | { reason: IneligibleReason } {
  if (status === undefined) return { reason: 'NOT_REGISTERED' };
  if (status === 'DISABLED') return { reason: 'DISABLED' };
  if (status !== 'ACTIVE') return { reason: 'NOT_REGISTERED' };
  const usable = certificates.find((certificate) => certificate.status === 'ISSUED' && !hasEnded(certificate.notAfter, now));
  if (usable) return { certificate: usable };
  if (certificates.some((certificate) => certificate.status === 'SUSPENDED' && !hasEnded(certificate.notAfter, now))) return { reason: 'SUSPENDED' };
  const latest = [...certificates].sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))[0];
  if (!latest) return { reason: 'NO_CERTIFICATE' };
  if (latest.status === 'REVOKED') return { reason: 'REVOKED' };
  return { reason: latest.status === 'EXPIRED' || hasEnded(latest.notAfter, now) ? 'EXPIRED' : 'NO_CERTIFICATE' };
}

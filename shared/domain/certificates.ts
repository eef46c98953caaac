/**
 * Certificate lifecycle rules shared by the certificates, pki and (later) signing contexts.
 */

export const certificateStatuses = ['ISSUED', 'REVOKED', 'RENEWED', 'EXPIRED', 'SUSPENDED'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

/**
 * The RFC 5280 reasons a holder or verifier may give, with their CRLReason codes. `unspecified`
 * is never written into a CRL entry (RFC 5280 §5.3.1); the others are.
 */
export const revocationReasonCodes = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
} as const;
export type RevocationReason = keyof typeof revocationReasonCodes;
export const revocationReasons = Object.keys(revocationReasonCodes) as RevocationReason[];

/** What the service says about a serial number it is asked about (OCSP). */
export type CertificateStatusAnswer =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

/** Renewal opens in the last 30 days of a certificate's life (agencies' procedures). */
export const RENEWAL_WINDOW_DAYS = 30;

/** Consecutive wrong passphrases that lock a signing key until a passphrase reset. */
export const MAX_PASSPHRASE_FAILURES = 5;

/**
 * Serial numbers travel as lowercase hex of the DER INTEGER's content octets (32 characters for
 * the 128-bit serials this CA makes), in URLs, records, CRLs and OCSP lookups alike.
 */
export const serialNumberPattern = /^[0-9a-f]{2,40}$/;

export type RenewalCheck = 'OPEN' | 'NOT_OPEN' | 'EXPIRED';

/** Past its notAfter, whether or not the daily job has marked it EXPIRED yet. */
export const hasEnded = (notAfter: string, now: Date): boolean => new Date(notAfter).getTime() <= now.getTime();

/** Whether a certificate with this end may be renewed now. */
export function renewalCheck(notAfter: string, now: Date): RenewalCheck {
  const end = new Date(notAfter).getTime();
  if (hasEnded(notAfter, now)) return 'EXPIRED';
  return end - now.getTime() <= RENEWAL_WINDOW_DAYS * 86_400_000 ? 'OPEN' : 'NOT_OPEN';
}

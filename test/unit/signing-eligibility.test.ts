import { describe, expect, it } from 'vitest';
import { signingEligibility } from '../../shared/domain/signing.js';
import type { CertificateRecord } from '../../shared/ports/certificates.js';

const now = new Date('2026-12-05T03:00:00Z');
const certificate = (status: CertificateRecord['status'], notAfter: string, issuedAt = '2026-01-01T00:00:00Z') =>
  ({ serialNumber: `${status}-${notAfter}`, status, notAfter, issuedAt }) as CertificateRecord;

describe('who may sign (API.md "Signing": SIGNER_NOT_ELIGIBLE reasons)', () => {
  it('an ACTIVE person with an ISSUED certificate in its validity signs with that certificate', () => {
    const issued = certificate('ISSUED', '2028-01-01T00:00:00Z');
    expect(signingEligibility('ACTIVE', [certificate('REVOKED', '2027-01-01T00:00:00Z'), issued], now)).toEqual({ certificate: issued });
  });

  it.each([
    ['no account in this tenant', undefined, [], 'NOT_REGISTERED'],
    ['an account still being verified', 'AWAITING_REVIEW', [certificate('ISSUED', '2028-01-01T00:00:00Z')], 'NOT_REGISTERED'],
    ['a disabled account, whatever its certificate', 'DISABLED', [certificate('ISSUED', '2028-01-01T00:00:00Z')], 'DISABLED'],
    ['no certificate yet', 'ACTIVE', [], 'NO_CERTIFICATE'],
    ['a certificate suspended for a data change', 'ACTIVE', [certificate('SUSPENDED', '2028-01-01T00:00:00Z')], 'SUSPENDED'],
    ['the latest certificate revoked', 'ACTIVE', [certificate('EXPIRED', '2025-01-01T00:00:00Z', '2023-01-01T00:00:00Z'), certificate('REVOKED', '2028-01-01T00:00:00Z')], 'REVOKED'],
    ['an ISSUED certificate past its notAfter (the daily job has not marked it yet)', 'ACTIVE', [certificate('ISSUED', '2026-12-05T02:59:59Z')], 'EXPIRED'],
    ['only an expired certificate', 'ACTIVE', [certificate('EXPIRED', '2026-11-01T00:00:00Z')], 'EXPIRED'],
  ] as const)('%s: %s', (_what, status, certificates, reason) => {
    expect(signingEligibility(status, certificates, now)).toEqual({ reason });
  });
});

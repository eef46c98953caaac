import type { RevocationReason } from '../../../shared/domain/certificates.js';
import type { CertificateRecord } from '../../../shared/ports/certificates.js';

/** A certificate as its holder and verifier see it; nothing secret is in it. */
export function certificateView(certificate: CertificateRecord) {
  return {
    serialNumber: certificate.serialNumber,
    status: certificate.status,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    subject: certificate.subject,
    pem: certificate.pem,
    issuedAt: certificate.issuedAt,
    ...(certificate.revocation ? { revocation: { at: certificate.revocation.at, reason: certificate.revocation.reason } } : {}),
    ...(certificate.renewedBy ? { renewedBy: certificate.renewedBy } : {}),
  };
}

/** The reasons as the holder reads them in e-mails. */
export const revocationReasonText: Record<RevocationReason, string> = {
  unspecified: 'tidak disebutkan',
  keyCompromise: 'kunci atau passphrase diduga bocor (keyCompromise)',
  affiliationChanged: 'perubahan data atau instansi (affiliationChanged)',
  superseded: 'digantikan oleh sertifikat baru (superseded)',
  cessationOfOperation: 'tidak lagi memerlukan sertifikat (cessationOfOperation)',
};

export { auditEntry } from '../../../shared/audit.js';
export { displayName } from '../../../shared/tenant-users.js';

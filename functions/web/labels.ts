import type { CertificateStatus } from '../../shared/domain/certificates.js';

/** Certificate statuses as the pages name them (holder and verifier alike). */
export const certificateStatusLabels: Record<CertificateStatus, string> = {
  ISSUED: 'Berlaku', SUSPENDED: 'Ditangguhkan', REVOKED: 'Dicabut', EXPIRED: 'Kedaluwarsa', RENEWED: 'Diperbarui',
};

/** Statuses a certificate may still be revoked from (the certificates context's rule, mirrored to offer the button). */
export const revocableStatuses: ReadonlySet<CertificateStatus> = new Set<CertificateStatus>(['ISSUED', 'RENEWED', 'SUSPENDED']);

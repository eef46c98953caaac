import type { OutboxMessage } from './outbox.js';

export const certificateStatuses = ['ISSUED', 'REVOKED', 'RENEWED', 'EXPIRED', 'SUSPENDED'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

export interface CertificateRecord {
  serialNumber: string;
  userId: string;
  tenantId: string;
  email: string;
  fullName: string;
  subject: string;
  status: CertificateStatus;
  notBefore: string;
  notAfter: string;
}

export interface CertificateDirectory {
  /** Certificates whose notAfter falls on the given UTC day (YYYY-MM-DD), any status. */
  listExpiringOn(day: string): Promise<CertificateRecord[]>;
  /** ISSUED → EXPIRED; false when it was no longer ISSUED. */
  markExpired(certificate: CertificateRecord, at: string): Promise<boolean>;
  /** Queues a message once: a message id already queued is left alone. */
  enqueueOnce(message: OutboxMessage): Promise<boolean>;
}

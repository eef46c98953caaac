import type { ExpiringCertificates } from '../../../shared/ports/certificates.js';
import type { Clock } from '../../../shared/ports/runtime.js';

export interface DailyNoticeDeps {
  certificates: ExpiringCertificates;
  clock: Clock;
}

/** Days before expiry on which the holder is told (DESIGN flow 6). */
export const noticeDays = [30, 7, 1] as const;
/** How far back expiry marking looks, so a day the job did not run is caught up. */
const CATCH_UP_DAYS = 7;

const dayOffset = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The daily job.
 * 1. Each live (ISSUED or SUSPENDED) certificate expiring in 30, 7 or 1 days gets "[TTE]
 *    Sertifikat Elektronik Akan Berakhir"; the message id is derived from serial and day, so a
 *    rerun sends nothing twice.
 * 2. Live certificates past their notAfter (today and the days before) become EXPIRED, and their
 *    signing keys are destroyed.
 * All reads are Queries on the expiry index, one day at a time; only live certificates are in
 * it, so the job reads what is due, not every certificate.
 */
export async function runDailyNotices(deps: DailyNoticeDeps) {
  const now = deps.clock.now();
  let noticesQueued = 0;
  let certificatesExpired = 0;

  for (const days of noticeDays) {
    for (const certificate of await deps.certificates.listExpiringOn(dayOffset(now, days))) {
      const queued = await deps.certificates.enqueueOnce({
        messageId: `expiry-${certificate.serialNumber}-${days}`,
        template: 'certificateExpiring',
        to: certificate.email,
        data: { fullName: certificate.fullName, serialNumber: certificate.serialNumber, notAfter: certificate.notAfter, daysLeft: String(days) },
        createdAt: now.toISOString(),
      });
      if (queued) noticesQueued++;
    }
  }

  for (let daysAgo = 0; daysAgo <= CATCH_UP_DAYS; daysAgo++) {
    for (const certificate of await deps.certificates.listExpiringOn(dayOffset(now, -daysAgo))) {
      if (new Date(certificate.notAfter) > now) continue;
      if (await deps.certificates.markExpired(certificate, now.toISOString())) certificatesExpired++;
    }
  }
  return { noticesQueued, certificatesExpired };
}

import type { ExpiringCertificates } from '../../../shared/ports/certificates.js';
import type { Clock } from '../../../shared/ports/runtime.js';

export interface DailyNoticeDeps {
  certificates: ExpiringCertificates;
  clock: Clock;
}

/** Days before expiry on which the holder is told (DESIGN flow 6). */
export const noticeDays = [30, 7, 1] as const;
/** Expiry marking always looks this far back (a retried or late schedule changes nothing). */
const CATCH_UP_DAYS = 7;
/** After an outage the job catches up at most this far back (reads stay bounded). */
const MAX_CATCH_UP_DAYS = 400;
const DAY_MS = 86_400_000;

const dayOffset = (now: Date, days: number) => new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
const daysSince = (day: string, now: Date) => Math.floor((Date.parse(dayOffset(now, 0)) - Date.parse(day)) / DAY_MS);

/**
 * The daily job.
 * 1. Each live (ISSUED or SUSPENDED) certificate expiring in 30, 7 or 1 days gets "[TTE]
 *    Sertifikat Elektronik Akan Berakhir"; the message id is derived from serial and day, so a
 *    rerun sends nothing twice. Notices due on days the job did not run (since the last day it
 *    completed) are sent late, with the days actually left, rather than never.
 * 2. Live certificates past their notAfter (the last week, or back to the last completed run if
 *    that is older) become EXPIRED, and their signing keys are destroyed.
 * All reads are Queries on the expiry index, one day at a time; only live certificates are in
 * it, so the job reads what is due, not every certificate.
 */
export async function runDailyNotices(deps: DailyNoticeDeps) {
  const now = deps.clock.now();
  const last = await deps.certificates.lastCompletedDay();
  const missedDays = last === undefined ? 0 : Math.min(MAX_CATCH_UP_DAYS, Math.max(0, daysSince(last, now) - 1));
  let noticesQueued = 0;
  let certificatesExpired = 0;

  const noticeQueryDays = new Set<string>();
  for (const days of noticeDays) {
    for (let late = 0; late <= missedDays; late++) noticeQueryDays.add(`${days}:${dayOffset(now, days - late)}`);
  }
  for (const entry of noticeQueryDays) {
    const [days, day] = entry.split(':') as [string, string];
    for (const certificate of await deps.certificates.listExpiringOn(day)) {
      const left = Math.ceil((new Date(certificate.notAfter).getTime() - now.getTime()) / DAY_MS);
      if (left <= 0) continue;
      const queued = await deps.certificates.enqueueOnce({
        messageId: `expiry-${certificate.serialNumber}-${days}`,
        template: 'certificateExpiring',
        to: certificate.email,
        data: { fullName: certificate.fullName, serialNumber: certificate.serialNumber, notAfter: certificate.notAfter, daysLeft: String(Math.min(Number(days), left)) },
        createdAt: now.toISOString(),
      });
      if (queued) noticesQueued++;
    }
  }

  const lookBack = Math.max(CATCH_UP_DAYS, missedDays + 1);
  for (let daysAgo = 0; daysAgo <= lookBack; daysAgo++) {
    for (const certificate of await deps.certificates.listExpiringOn(dayOffset(now, -daysAgo))) {
      if (new Date(certificate.notAfter) > now) continue;
      if (await deps.certificates.markExpired(certificate, now.toISOString())) certificatesExpired++;
    }
  }
  await deps.certificates.recordCompletedDay(dayOffset(now, 0));
  return { noticesQueued, certificatesExpired };
}

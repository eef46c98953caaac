/** 00:15 WIB (UTC+7, no daylight saving) is 17:15 UTC the day before. */
const RUN_AT_UTC = { hours: 17, minutes: 15 };

/** Milliseconds from `now` to the next 00:15 WIB. */
export function untilNextRun(now: Date): number {
  const next = new Date(now);
  next.setUTCHours(RUN_AT_UTC.hours, RUN_AT_UTC.minutes, 0, 0);
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

/**
 * The month-end job as the local runtime runs it: every day at 00:15 WIB (on AWS only on the
 * 1st). The job itself knows which months are still to close, so the other days cost it one read,
 * and a machine that was off at month end catches up the next day. (A month's timer is too
 * long for setTimeout, which holds at most 24.8 days.)
 */
export function startMonthEndSchedule(run: () => Promise<unknown>): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void run().finally(schedule), untilNextRun(new Date()));
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

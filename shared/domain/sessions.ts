/** Login sessions end after an idle time, and in any case at their absolute end. */
export interface SessionTimes {
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** A session works until it has been idle too long or reached its absolute end. */
export function isLive(session: SessionTimes, now: Date): boolean {
  const at = now.toISOString();
  return session.idleExpiresAt > at && session.absoluteExpiresAt > at;
}

/** The idle end after activity at `now`: the idle time on, never past the absolute end. */
export function idleExpiry(now: Date, idleMinutes: number, absoluteExpiresAt: string): string {
  return new Date(Math.min(now.getTime() + idleMinutes * 60_000, new Date(absoluteExpiresAt).getTime())).toISOString();
}

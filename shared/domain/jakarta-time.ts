/**
 * The calendar day (yyyy-mm-dd) an instant falls on in Western Indonesia Time. Indonesia has kept
 * UTC+7 without daylight saving since 1964, so a fixed offset is exact and cheaper than Intl.
 */
export function jakartaDay(at: Date | string): string {
  return new Date(new Date(at).getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Times shown to people (e-mails, error details) are for Indonesia: Indonesian words, Western Indonesia Time. */
export function formatJakartaTime(iso: string): string {
  const formatted = new Intl.DateTimeFormat('id-ID', {
    dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta',
  }).format(new Date(iso));
  return `${formatted} WIB`;
}

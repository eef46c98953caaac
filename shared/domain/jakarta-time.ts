/** Times shown to people (e-mails, error details) are for Indonesia: Indonesian words, Western Indonesia Time. */
export function formatJakartaTime(iso: string): string {
  const formatted = new Intl.DateTimeFormat('id-ID', {
    dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta',
  }).format(new Date(iso));
  return `${formatted} WIB`;
}

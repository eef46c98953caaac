/** Dates and times as people in Indonesia read them: Indonesian words, Jakarta time (WIB). */
const dateFormat = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' });
const dateTimeFormat = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Jakarta' });

export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string) => `${dateTimeFormat.format(new Date(iso))} WIB`;

/** A long secret or serial in groups, so it can be read out and typed without losing one's place. */
export const grouped = (value: string, size = 4) => value.match(new RegExp(`.{1,${size}}`, 'g'))?.join(' ') ?? value;

/** A certificate serial as certificate viewers show it: upper-case hex in groups. */
export const formatSerial = (serial: string) => grouped(serial.toUpperCase());

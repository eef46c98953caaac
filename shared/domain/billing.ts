import { usageDay, usageEvents, type DailyUsage, type UsageEvent } from './usage.js';

/**
 * Pay-per-use billing rules (API.md "Operator, tenants and pay-per-use"): a global price list in
 * whole rupiah, versioned by the WIB day it takes effect; usage per day; monthly statements with
 * one line per event and price period; their CSV. Pure: no clock, no I/O.
 */

export const CURRENCY = 'IDR';

/** Rupiah per unit of each metered event: whole numbers, never negative. */
export type Prices = Record<UsageEvent, number>;

/** A unit price above this is a typing mistake, not a tariff (and keeps every amount an exact integer). */
export const MAX_UNIT_PRICE = 100_000_000;

export interface PriceVersion {
  /** The first WIB day (yyyy-mm-dd) these prices apply to. */
  effectiveFrom: string;
  prices: Prices;
  /** Who set it and when (absent on the built-in default). */
  setAt?: string;
  setBy?: string;
}

/**
 * What applies before any operator sets a price list: every event free. A deployment starts
 * billing only when an operator publishes prices, never with prices nobody chose.
 */
export const defaultPriceVersion: PriceVersion = {
  effectiveFrom: '1970-01-01',
  prices: Object.fromEntries(usageEvents.map((event) => [event, 0])) as Prices,
};

/** How people read each event on a statement, in Indonesian. */
export const eventLabels: Record<UsageEvent, string> = {
  USER_APPROVED: 'Pendaftaran pengguna disetujui',
  CERTIFICATE_ISSUED: 'Sertifikat elektronik terbit',
  DOCUMENT_SIGNED: 'Dokumen ditandatangani',
  HASH_SIGNED: 'Hash ditandatangani',
  VERIFICATION: 'Verifikasi dokumen',
  EMAIL_SENT: 'E-mail terkirim',
};

export const monthNames = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'] as const;

// ---- Days and months (WIB calendar days as yyyy-mm-dd strings) ---------------------------------

const DAY_MS = 86_400_000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const periodPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A real calendar day written yyyy-mm-dd (2026-02-30 is not one). */
export function isCalendarDay(value: string): boolean {
  if (!dayPattern.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** A month written yyyy-mm. */
export const isPeriod = (value: string): boolean => periodPattern.test(value);

export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** How many days from `from` to `to`, both counted (1 when they are the same day). */
export const daysInRange = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The month a WIB day or instant belongs to. */
export const periodOfDay = (day: string): string => day.slice(0, 7);
export const currentPeriod = (now: Date): string => periodOfDay(usageDay(now));

export function periodBounds(period: string): { first: string; last: string } {
  const [year, month] = period.split('-').map(Number) as [number, number];
  // Day 0 of the next month is the last day of this one.
  const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  return { first: `${period}-01`, last };
}

export function shiftPeriod(period: string, months: number): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const previousPeriod = (period: string): string => shiftPeriod(period, -1);

/** "November 2026": how a month is named on statements and in e-mail subjects. */
export function periodLabel(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return `${monthNames[month - 1]} ${year}`;
}

/** "5 November 2026", "1–14 November 2026", "28 Februari – 3 Maret 2026": a stretch of days as people write it. */
export function dayRangeLabel(from: string, to: string): string {
  const [fromYear, fromMonth, fromDay] = from.split('-').map(Number) as [number, number, number];
  const [toYear, toMonth, toDay] = to.split('-').map(Number) as [number, number, number];
  const month = (index: number) => monthNames[index - 1];
  if (from === to) return `${fromDay} ${month(fromMonth)} ${fromYear}`;
  if (fromYear === toYear && fromMonth === toMonth) return `${fromDay}–${toDay} ${month(toMonth)} ${toYear}`;
  if (fromYear === toYear) return `${fromDay} ${month(fromMonth)} – ${toDay} ${month(toMonth)} ${toYear}`;
  return `${fromDay} ${month(fromMonth)} ${fromYear} – ${toDay} ${month(toMonth)} ${toYear}`;
}

/**
 * Where a month stands on the WIB calendar: the current one is OPEN (its statement is computed
 * live), a past one CLOSED (frozen), a later one FUTURE (no statement yet).
 */
export function periodStatus(period: string, now: Date): 'OPEN' | 'CLOSED' | 'FUTURE' {
  const current = currentPeriod(now);
  return period === current ? 'OPEN' : period < current ? 'CLOSED' : 'FUTURE';
}

// ---- Prices ----------------------------------------------------------------------------------

/** The versions in force over time, oldest first, the default at the start unless one replaces it. */
export function effectiveVersions(versions: readonly PriceVersion[]): PriceVersion[] {
  const sorted = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return sorted[0]?.effectiveFrom === defaultPriceVersion.effectiveFrom ? sorted : [defaultPriceVersion, ...sorted];
}

/** The version that applies on `day`. */
export function versionOn(versions: readonly PriceVersion[], day: string): PriceVersion {
  return effectiveVersions(versions).filter((version) => version.effectiveFrom <= day).at(-1)!;
}

export interface PricePeriod {
  from: string;
  to: string;
  prices: Prices;
}

/** The stretches of `from`..`to` over which one price version applies, in order. */
export function pricePeriods(versions: readonly PriceVersion[], from: string, to: string): PricePeriod[] {
  const effective = effectiveVersions(versions);
  const periods: PricePeriod[] = [];
  effective.forEach((version, index) => {
    const next = effective[index + 1];
    const start = version.effectiveFrom > from ? version.effectiveFrom : from;
    const endOfVersion = next ? addDays(next.effectiveFrom, -1) : to;
    const end = endOfVersion < to ? endOfVersion : to;
    if (start <= end) periods.push({ from: start, to: end, prices: version.prices });
  });
  return periods;
}

/** The price list as the API shows it: what applies today, and every version set (oldest first). */
export function priceListView(versions: readonly PriceVersion[], today: string) {
  const current = versionOn(versions, today);
  return {
    current: { effectiveFrom: current.effectiveFrom, prices: current.prices },
    versions: [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)),
  };
}

// ---- Usage -----------------------------------------------------------------------------------

export type EventCounts = Record<UsageEvent, number>;

const zeroCounts = (): EventCounts => Object.fromEntries(usageEvents.map((event) => [event, 0])) as EventCounts;

/** Every day of the range with a count for every event (zero where nothing happened), and the totals. */
export function usageSummary(usage: readonly DailyUsage[], from: string, to: string): { days: { day: string; counts: EventCounts }[]; totals: EventCounts } {
  const byDay = new Map<string, EventCounts>(eachDay(from, to).map((day) => [day, zeroCounts()]));
  const totals = zeroCounts();
  for (const entry of usage) {
    const counts = byDay.get(entry.day);
    if (!counts) continue;
    counts[entry.event] += entry.count;
    totals[entry.event] += entry.count;
  }
  return { days: [...byDay].map(([day, counts]) => ({ day, counts })), totals };
}

// ---- Statements ------------------------------------------------------------------------------

export interface StatementLine {
  event: UsageEvent;
  quantity: number;
  /** Rupiah per unit over `from`..`to`. */
  unitPrice: number;
  amount: number;
  from: string;
  to: string;
}

export interface Statement {
  tenant: { tenantId: string; name: string; organisationName: string };
  period: string;
  status: 'OPEN' | 'CLOSED';
  currency: typeof CURRENCY;
  lines: StatementLine[];
  total: number;
  /** When a past month's statement was frozen. */
  closedAt?: string;
  /** When it was queued to the tenant's billing e-mail address. */
  emailedAt?: string;
}

/**
 * The lines of a month: for each event (in the catalogue's order) one line per stretch of the
 * month with one unit price. Stretches where only another event's price changed are one line;
 * a stretch with no use of the event has no line.
 */
export function statementLines(usage: readonly DailyUsage[], versions: readonly PriceVersion[], period: string): StatementLine[] {
  const { first, last } = periodBounds(period);
  const periods = pricePeriods(versions, first, last);
  const lines: StatementLine[] = [];
  for (const event of usageEvents) {
    const stretches: { from: string; to: string; unitPrice: number; quantity: number }[] = [];
    for (const stretch of periods) {
      const unitPrice = stretch.prices[event];
      const previous = stretches.at(-1);
      if (previous && previous.unitPrice === unitPrice) previous.to = stretch.to;
      else stretches.push({ from: stretch.from, to: stretch.to, unitPrice, quantity: 0 });
    }
    for (const entry of usage) {
      if (entry.event !== event || entry.day < first || entry.day > last) continue;
      const stretch = stretches.find((candidate) => candidate.from <= entry.day && entry.day <= candidate.to);
      if (stretch) stretch.quantity += entry.count;
    }
    for (const stretch of stretches) {
      if (stretch.quantity > 0) lines.push({ event, quantity: stretch.quantity, unitPrice: stretch.unitPrice, amount: stretch.quantity * stretch.unitPrice, from: stretch.from, to: stretch.to });
    }
  }
  return lines;
}

export const statementTotal = (lines: readonly StatementLine[]): number => lines.reduce((sum, line) => sum + line.amount, 0);

/** A number with Indonesian thousands separators: 1234567 → "1.234.567". */
export const formatNumber = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

/** Rupiah as Indonesians write it: "Rp 1.234.567". */
export const formatRupiah = (value: number): string => `Rp ${formatNumber(value)}`;

/** A CSV cell: quoted when it holds the separator, a quote or a line break; formula starts defused. */
function csvCell(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The statement as a spreadsheet opens it in Indonesia: UTF-8 with a byte-order mark (so Excel
 * reads the encoding), `;` between cells (the comma is the decimal separator there), CRLF rows,
 * amounts as plain integers so they stay numbers.
 */
export function statementCsv(statement: Pick<Statement, 'lines' | 'total'>): string {
  const rows: (string | number)[][] = [
    ['Layanan', 'Kode', 'Dari', 'Sampai', 'Kuantitas', 'Harga satuan (IDR)', 'Jumlah (IDR)'],
    ...statement.lines.map((line) => [eventLabels[line.event], line.event, line.from, line.to, line.quantity, line.unitPrice, line.amount]),
    ['Total', '', '', '', '', '', statement.total],
  ];
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

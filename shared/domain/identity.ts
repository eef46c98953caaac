import { provinces, regencies } from './regions.data.js';
import { jakartaDay } from './jakarta-time.js';

/**
 * Rules for the numbers on Indonesian identity documents. They catch typing errors and
 * impossible numbers early, with a clear field error, before anything is stored or looked up.
 */

const provinceCodes = new Set(provinces.map((province) => province.code));

export interface NikFacts {
  provinceCode: string;
  regencyCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: 'MALE' | 'FEMALE';
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isoDate = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;


/**
 * NIK: 16 digits. 1–2 province (an existing one), 3–4 regency/city, 5–6 district, 7–12 the birth
 * date as DDMMYY where women add 40 to the day, 13–16 a serial that is never 0000. The century is
 * the latest one that does not put the birth date in the future.
 */
export function parseNik(nik: string, today: Date = new Date()): NikFacts | undefined {
  if (!/^\d{16}$/.test(nik)) return undefined;
  const provinceCode = nik.slice(0, 2);
  if (!provinceCodes.has(provinceCode) || nik.slice(2, 4) === '00' || nik.slice(12) === '0000') return undefined;
  const rawDay = Number(nik.slice(6, 8));
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  const month = Number(nik.slice(8, 10));
  const shortYear = Number(nik.slice(10, 12));
  const todayDate = jakartaDay(today);
  let year = 2000 + shortYear;
  if (isoDate(year, month, day) > todayDate) year -= 100;
  if (!isCalendarDate(year, month, day)) return undefined;
  return { provinceCode, regencyCode: `${provinceCode}.${nik.slice(2, 4)}`, birthDate: isoDate(year, month, day), gender: female ? 'FEMALE' : 'MALE' };
}

export interface NipFacts {
  birthDate: string;
  /** YYYY-MM */
  appointment: string;
  gender: 'MALE' | 'FEMALE';
}

/**
 * NIP (civil servant number): 18 digits. 1–8 birth date YYYYMMDD, 9–14 appointment year and month
 * (when the person was at least 18), 15 gender (1 male, 2 female), 16–18 a serial, never 000.
 */
export function parseNip(nip: string, today: Date = new Date()): NipFacts | undefined {
  if (!/^\d{18}$/.test(nip)) return undefined;
  const [year, month, day] = [Number(nip.slice(0, 4)), Number(nip.slice(4, 6)), Number(nip.slice(6, 8))];
  const [appointedYear, appointedMonth] = [Number(nip.slice(8, 12)), Number(nip.slice(12, 14))];
  const genderDigit = nip[14];
  if (!isCalendarDate(year, month, day) || year < 1900) return undefined;
  if (appointedMonth < 1 || appointedMonth > 12) return undefined;
  const birthDate = isoDate(year, month, day);
  const appointment = `${appointedYear}-${String(appointedMonth).padStart(2, '0')}`;
  const eighteenth = `${year + 18}-${String(month).padStart(2, '0')}`;
  const todayDate = jakartaDay(today);
  if (appointment < eighteenth || appointment > todayDate.slice(0, 7) || birthDate > todayDate) return undefined;
  if (genderDigit !== '1' && genderDigit !== '2') return undefined;
  if (nip.slice(15) === '000') return undefined;
  return { birthDate, appointment, gender: genderDigit === '1' ? 'MALE' : 'FEMALE' };
}

/** NRP (Polri personnel number): 8 digits. */
export const isValidNrp = (nrp: string): boolean => /^\d{8}$/.test(nrp);

export interface Region {
  provinceCode: string;
  provinceName: string;
  cityCode: string;
  cityName: string;
}

const normaliseRegionName = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/** A province by code ("72") or name ("Sulawesi Tengah", any case). */
export function findProvince(value: string) {
  const wanted = normaliseRegionName(value);
  return provinces.find((province) => province.code === value.trim() || normaliseRegionName(province.name) === wanted);
}

/** A regency or city of that province, by code ("72.71") or name ("Kota Palu", any case). */
export function findCity(provinceCode: string, value: string) {
  const wanted = normaliseRegionName(value);
  const match = regencies.find(([code, name]) => code.startsWith(`${provinceCode}.`)
    && (code === value.trim() || normaliseRegionName(name) === wanted));
  return match ? { code: match[0], name: match[1] } : undefined;
}

/** The reference list as the activation form needs it. */
export function regionList() {
  return provinces.map((province) => ({
    code: province.code,
    name: province.name,
    cities: regencies.filter(([code]) => code.startsWith(`${province.code}.`)).map(([code, name]) => ({ code, name })),
  }));
}

/**
 * Names as registries compare them: case, spacing and marks do not matter
 * ("Siti  aminah" = "SITI AMINAH"; titles were already refused at entry).
 */
export function comparableName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().replace(/[^\p{L}]+/gu, ' ').trim();
}

/** The sealing context of a user's NIK: it opens for that user's record only. */
export const nikSealingContext = (userId: string) => ({ purpose: 'nik', userId });

import { describe, expect, it } from 'vitest';
import { billingRoutes } from '../../functions/operator/billing-routes.js';
import { renderMessage } from '../../functions/outbox/templates.js';
import { untilNextRun } from '../../infra/local/month-end-schedule.js';
import {
  currentPeriod, dayRangeLabel, daysInRange, defaultPriceVersion, formatRupiah, isCalendarDay, isPeriod, periodBounds, periodLabel,
  periodStatus, previousPeriod, pricePeriods, priceListView, shiftPeriod, statementCsv, statementLines, statementTotal, usageSummary,
  versionOn, type PriceVersion, type Prices, type StatementLine,
} from '../../shared/domain/billing.js';
import { AppError } from '../../shared/domain/errors.js';
import type { DailyUsage, UsageEvent } from '../../shared/domain/usage.js';
import { parseOrThrow } from '../../shared/validation.js';

const prices = (overrides: Partial<Prices> = {}): Prices => ({ ...defaultPriceVersion.prices, ...overrides });
const version = (effectiveFrom: string, overrides: Partial<Prices>): PriceVersion => ({ effectiveFrom, prices: prices(overrides) });
const used = (day: string, event: UsageEvent, count: number): DailyUsage => ({ day, event, count });

describe('days and months (WIB)', () => {
  it.each<[string, boolean]>([
    ['2026-11-01', true], ['2024-02-29', true], ['2026-02-29', false], ['2026-02-30', false], ['2026-13-01', false],
    ['2026-11-1', false], ['2026/11/01', false], ['', false], ['2026-11-01T00:00:00Z', false], ['0000-01-01', true],
  ])('isCalendarDay(%j) → %s', (value, expected) => {
    expect(isCalendarDay(value)).toBe(expected);
  });

  it.each<[string, boolean]>([['2026-11', true], ['2026-01', true], ['2026-12', true], ['2026-00', false], ['2026-13', false], ['2026-1', false], ['26-11', false], ['2026-11-01', false]])(
    'isPeriod(%j) → %s', (value, expected) => {
      expect(isPeriod(value)).toBe(expected);
    },
  );

  it.each<[string, string, string]>([
    ['2026-11', '2026-11-01', '2026-11-30'], ['2026-02', '2026-02-01', '2026-02-28'], ['2024-02', '2024-02-01', '2024-02-29'], ['2026-12', '2026-12-01', '2026-12-31'],
  ])('periodBounds(%s) → %s..%s', (period, first, last) => {
    expect(periodBounds(period)).toEqual({ first, last });
  });

  it.each<[string, number, string]>([['2026-01', -1, '2025-12'], ['2026-12', 1, '2027-01'], ['2026-11', -12, '2025-11'], ['2026-11', 0, '2026-11'], ['2026-03', -14, '2025-01']])(
    'shiftPeriod(%s, %i) → %s', (period, months, expected) => {
      expect(shiftPeriod(period, months)).toBe(expected);
    },
  );

  it('names months in Indonesian', () => {
    expect(periodLabel('2026-11')).toBe('November 2026');
    expect(periodLabel('2027-01')).toBe('Januari 2027');
    expect(periodLabel('2026-08')).toBe('Agustus 2026');
    expect(previousPeriod('2027-01')).toBe('2026-12');
  });

  it.each<[string, string]>([
    // 00:00 WIB on 1 December is 17:00 UTC on 30 November.
    ['2026-11-30T16:59:59.999Z', '2026-11'], ['2026-11-30T17:00:00.000Z', '2026-12'], ['2026-12-31T17:00:00.000Z', '2027-01'], ['2026-11-01T00:00:00.000Z', '2026-11'],
  ])('the WIB month of %s is %s', (instant, period) => {
    expect(currentPeriod(new Date(instant))).toBe(period);
  });

  it.each<[string, 'OPEN' | 'CLOSED' | 'FUTURE']>([['2026-11', 'OPEN'], ['2026-10', 'CLOSED'], ['2025-12', 'CLOSED'], ['2026-12', 'FUTURE'], ['2027-01', 'FUTURE']])(
    'on 22 November 2026 (WIB) the month %s is %s', (period, status) => {
      expect(periodStatus(period, new Date('2026-11-22T03:00:00.000Z'))).toBe(status);
    },
  );

  it.each<[string, string, number]>([['2026-11-01', '2026-11-01', 1], ['2026-11-01', '2026-11-30', 30], ['2024-01-01', '2024-12-31', 366], ['2026-03-28', '2026-04-02', 6]])(
    'daysInRange(%s, %s) → %i', (from, to, days) => {
      expect(daysInRange(from, to)).toBe(days);
    },
  );

  it.each<[string, string, string]>([
    ['2026-11-05', '2026-11-05', '5 November 2026'], ['2026-11-01', '2026-11-14', '1–14 November 2026'],
    ['2026-02-28', '2026-03-03', '28 Februari – 3 Maret 2026'], ['2026-12-30', '2027-01-02', '30 Desember 2026 – 2 Januari 2027'],
  ])('dayRangeLabel(%s, %s) → %s', (from, to, label) => {
    expect(dayRangeLabel(from, to)).toBe(label);
  });

  it.each<[string, number]>([
    ['2026-11-30T17:14:59.000Z', 1000], ['2026-11-30T17:15:00.000Z', 86_400_000], ['2026-11-30T00:00:00.000Z', (17 * 60 + 15) * 60_000],
  ])('the local month-end check after %s runs %i ms later (00:15 WIB)', (now, ms) => {
    expect(untilNextRun(new Date(now))).toBe(ms);
  });
});

describe('price versions', () => {
  const versions = [version('2026-11-15', { DOCUMENT_SIGNED: 1500 }), version('2026-10-01', { DOCUMENT_SIGNED: 1000 }), version('2027-01-01', { DOCUMENT_SIGNED: 2000 })];

  it.each<[string, string, number]>([
    ['before any version: the free default', '2026-09-30', 0], ['the first day of a version', '2026-10-01', 1000], ['the day before the next', '2026-11-14', 1000],
    ['from the change on', '2026-11-15', 1500], ['a later version is not yet in force', '2026-12-31', 1500], ['far ahead', '2030-01-01', 2000],
  ])('%s (%s) → Rp %i', (_case, day, price) => {
    expect(versionOn(versions, day).prices.DOCUMENT_SIGNED).toBe(price);
  });

  it('cuts a range into the stretches of each version', () => {
    expect(pricePeriods(versions, '2026-11-01', '2026-11-30').map(({ from, to, prices: p }) => [from, to, p.DOCUMENT_SIGNED])).toEqual([
      ['2026-11-01', '2026-11-14', 1000], ['2026-11-15', '2026-11-30', 1500],
    ]);
    expect(pricePeriods([], '2026-11-01', '2026-11-30')).toEqual([{ from: '2026-11-01', to: '2026-11-30', prices: defaultPriceVersion.prices }]);
    expect(pricePeriods(versions, '2026-09-01', '2026-09-30').map((period) => period.prices.DOCUMENT_SIGNED)).toEqual([0]);
  });

  it('shows the prices in force today and every version set, oldest first', () => {
    const view = priceListView(versions, '2026-11-22');
    expect(view.current).toEqual({ effectiveFrom: '2026-11-15', prices: prices({ DOCUMENT_SIGNED: 1500 }) });
    expect(view.versions.map((entry) => entry.effectiveFrom)).toEqual(['2026-10-01', '2026-11-15', '2027-01-01']);
    expect(priceListView([], '2026-11-22').current).toEqual({ effectiveFrom: '1970-01-01', prices: defaultPriceVersion.prices });
  });
});

describe('statement lines', () => {
  const november = [version('2026-10-01', { DOCUMENT_SIGNED: 1000, VERIFICATION: 100 }), version('2026-11-15', { DOCUMENT_SIGNED: 1500, VERIFICATION: 100 })];

  it.each<[string, DailyUsage[], PriceVersion[], Omit<StatementLine, 'amount'>[]]>([
    ['no usage, no lines', [], november, []],
    ['a price change mid-month: one line per price period', [used('2026-11-03', 'DOCUMENT_SIGNED', 10), used('2026-11-14', 'DOCUMENT_SIGNED', 5), used('2026-11-15', 'DOCUMENT_SIGNED', 7)], november, [
      { event: 'DOCUMENT_SIGNED', quantity: 15, unitPrice: 1000, from: '2026-11-01', to: '2026-11-14' },
      { event: 'DOCUMENT_SIGNED', quantity: 7, unitPrice: 1500, from: '2026-11-15', to: '2026-11-30' },
    ]],
    ["another event's price change does not split this event's line", [used('2026-11-02', 'VERIFICATION', 3), used('2026-11-20', 'VERIFICATION', 4)], november, [
      { event: 'VERIFICATION', quantity: 7, unitPrice: 100, from: '2026-11-01', to: '2026-11-30' },
    ]],
    ['a price period without use has no line', [used('2026-11-20', 'DOCUMENT_SIGNED', 2)], november, [
      { event: 'DOCUMENT_SIGNED', quantity: 2, unitPrice: 1500, from: '2026-11-15', to: '2026-11-30' },
    ]],
    ['free events are still listed, at Rp 0', [used('2026-11-05', 'EMAIL_SENT', 40)], november, [
      { event: 'EMAIL_SENT', quantity: 40, unitPrice: 0, from: '2026-11-01', to: '2026-11-30' },
    ]],
    ['usage outside the month is not billed', [used('2026-10-31', 'DOCUMENT_SIGNED', 9), used('2026-12-01', 'DOCUMENT_SIGNED', 9), used('2026-11-30', 'DOCUMENT_SIGNED', 1)], november, [
      { event: 'DOCUMENT_SIGNED', quantity: 1, unitPrice: 1500, from: '2026-11-15', to: '2026-11-30' },
    ]],
    ['a price that returns to an earlier value is still three periods', [used('2026-11-01', 'HASH_SIGNED', 1), used('2026-11-10', 'HASH_SIGNED', 1), used('2026-11-20', 'HASH_SIGNED', 1)],
      [version('2026-10-01', { HASH_SIGNED: 100 }), version('2026-11-10', { HASH_SIGNED: 200 }), version('2026-11-20', { HASH_SIGNED: 100 })], [
        { event: 'HASH_SIGNED', quantity: 1, unitPrice: 100, from: '2026-11-01', to: '2026-11-09' },
        { event: 'HASH_SIGNED', quantity: 1, unitPrice: 200, from: '2026-11-10', to: '2026-11-19' },
        { event: 'HASH_SIGNED', quantity: 1, unitPrice: 100, from: '2026-11-20', to: '2026-11-30' },
      ]],
    ['events in the catalogue order', [used('2026-11-05', 'EMAIL_SENT', 1), used('2026-11-05', 'USER_APPROVED', 1)], [], [
      { event: 'USER_APPROVED', quantity: 1, unitPrice: 0, from: '2026-11-01', to: '2026-11-30' },
      { event: 'EMAIL_SENT', quantity: 1, unitPrice: 0, from: '2026-11-01', to: '2026-11-30' },
    ]],
    ['a version from the 1st of the month: one period', [used('2026-11-01', 'DOCUMENT_SIGNED', 3)], [version('2026-11-01', { DOCUMENT_SIGNED: 700 })], [
      { event: 'DOCUMENT_SIGNED', quantity: 3, unitPrice: 700, from: '2026-11-01', to: '2026-11-30' },
    ]],
  ])('%s', (_case, usage, versions, expected) => {
    const lines = statementLines(usage, versions, '2026-11');
    expect(lines).toEqual(expected.map((line) => ({ ...line, amount: line.quantity * line.unitPrice })));
  });

  it('totals the amounts in whole rupiah', () => {
    const lines = statementLines([used('2026-11-03', 'DOCUMENT_SIGNED', 15), used('2026-11-16', 'DOCUMENT_SIGNED', 7), used('2026-11-16', 'VERIFICATION', 3)], november, '2026-11');
    expect(statementTotal(lines)).toBe(15 * 1000 + 7 * 1500 + 3 * 100);
    expect(statementTotal([])).toBe(0);
  });
});

describe('usage per day', () => {
  it('lists every day of the range with all six events, and the totals', () => {
    const summary = usageSummary([used('2026-11-02', 'DOCUMENT_SIGNED', 4), used('2026-11-02', 'VERIFICATION', 1), used('2026-11-03', 'DOCUMENT_SIGNED', 2), used('2026-11-09', 'DOCUMENT_SIGNED', 99)], '2026-11-01', '2026-11-03');
    expect(summary.days.map((entry) => entry.day)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(summary.days[0]!.counts).toEqual(defaultPriceVersion.prices);
    expect(summary.days[1]!.counts).toMatchObject({ DOCUMENT_SIGNED: 4, VERIFICATION: 1, EMAIL_SENT: 0 });
    expect(summary.totals).toEqual({ USER_APPROVED: 0, CERTIFICATE_ISSUED: 0, DOCUMENT_SIGNED: 6, HASH_SIGNED: 0, VERIFICATION: 1, EMAIL_SENT: 0 });
  });
});

describe('rupiah and CSV', () => {
  it.each<[number, string]>([[0, 'Rp 0'], [999, 'Rp 999'], [1000, 'Rp 1.000'], [1234567, 'Rp 1.234.567'], [100_000_000, 'Rp 100.000.000']])('formatRupiah(%i) → %s', (value, text) => {
    expect(formatRupiah(value)).toBe(text);
  });

  it("writes UTF-8 with a BOM, ';' between cells, CRLF rows, integer amounts and a total row", () => {
    const lines: StatementLine[] = [
      { event: 'DOCUMENT_SIGNED', quantity: 1200, unitPrice: 1000, amount: 1_200_000, from: '2026-11-01', to: '2026-11-14' },
      { event: 'EMAIL_SENT', quantity: 3, unitPrice: 0, amount: 0, from: '2026-11-01', to: '2026-11-30' },
    ];
    const csv = statementCsv({ lines, total: 1_200_000 });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Layanan;Kode;Dari;Sampai;Kuantitas;Harga satuan (IDR);Jumlah (IDR)',
      'Dokumen ditandatangani;DOCUMENT_SIGNED;2026-11-01;2026-11-14;1200;1000;1200000',
      'E-mail terkirim;EMAIL_SENT;2026-11-01;2026-11-30;3;0;0',
      'Total;;;;;;1200000',
      '',
    ]);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('the billing routes refuse bad input with the field named', () => {
  const setBody = billingRoutes.setPriceList.body;
  const allPrices = { USER_APPROVED: 5000, CERTIFICATE_ISSUED: 25000, DOCUMENT_SIGNED: 1000, HASH_SIGNED: 500, VERIFICATION: 100, EMAIL_SENT: 0 };
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof AppError) return { code: error.code, errors: error.fieldErrors };
      throw error;
    }
    return 'accepted';
  };

  it.each<[string, unknown, { field: string; code: string }[]]>([
    ['a price below zero', { effectiveFrom: '2026-12-01', prices: { ...allPrices, DOCUMENT_SIGNED: -1 } }, [{ field: 'prices.DOCUMENT_SIGNED', code: 'PRICE_INVALID' }]],
    ['a price with a fraction', { effectiveFrom: '2026-12-01', prices: { ...allPrices, VERIFICATION: 99.5 } }, [{ field: 'prices.VERIFICATION', code: 'PRICE_INVALID' }]],
    ['a price over the ceiling', { effectiveFrom: '2026-12-01', prices: { ...allPrices, HASH_SIGNED: 100_000_001 } }, [{ field: 'prices.HASH_SIGNED', code: 'PRICE_INVALID' }]],
    ['a price as text', { effectiveFrom: '2026-12-01', prices: { ...allPrices, EMAIL_SENT: '100' } }, [{ field: 'prices.EMAIL_SENT', code: 'TYPE_INVALID' }]],
    ['an event left out', { effectiveFrom: '2026-12-01', prices: { ...allPrices, EMAIL_SENT: undefined } }, [{ field: 'prices.EMAIL_SENT', code: 'REQUIRED' }]],
    ['an unknown event', { effectiveFrom: '2026-12-01', prices: { ...allPrices, FAX_SENT: 1 } }, [{ field: 'prices.FAX_SENT', code: 'UNKNOWN_FIELD' }]],
    ['a date that does not exist', { effectiveFrom: '2026-02-30', prices: allPrices }, [{ field: 'effectiveFrom', code: 'DATE_INVALID' }]],
  ])('PUT /v1/price-list: %s', (_case, body, errors) => {
    expect(failure(() => parseOrThrow(setBody, body, 'body'))).toEqual({ code: 'VALIDATION_FAILED', errors });
  });

  it('PUT /v1/price-list accepts whole rupiah from 0', () => {
    expect(parseOrThrow(setBody, { effectiveFrom: '2026-12-01', prices: allPrices }, 'body')).toEqual({ effectiveFrom: '2026-12-01', prices: allPrices });
  });

  it.each<[string, Record<string, string>, { field: string; code: string }[] | 'accepted']>([
    ['to before from', { from: '2026-11-10', to: '2026-11-09' }, [{ field: 'query.to', code: 'DATE_RANGE_INVALID' }]],
    ['367 days', { from: '2026-01-01', to: '2027-01-02' }, [{ field: 'query.to', code: 'DATE_RANGE_INVALID' }]],
    ['366 days', { from: '2024-01-01', to: '2024-12-31' }, 'accepted'],
    ['one day', { from: '2026-11-10', to: '2026-11-10', tenantId: 't' }, 'accepted'],
    ['from missing', { to: '2026-11-10' }, [{ field: 'query.from', code: 'REQUIRED' }]],
    ['a month, not a day', { from: '2026-11', to: '2026-11-30' }, [{ field: 'query.from', code: 'DATE_INVALID' }]],
    ['an unknown parameter', { from: '2026-11-01', to: '2026-11-30', bulan: '2026-11' }, [{ field: 'query.bulan', code: 'UNKNOWN_FIELD' }]],
  ])('GET /v1/usage: %s', (_case, query, expected) => {
    const outcome = failure(() => parseOrThrow(billingRoutes.getUsage.query, query, 'query'));
    expect(outcome).toEqual(expected === 'accepted' ? 'accepted' : { code: 'VALIDATION_FAILED', errors: expected });
  });
});

describe('the "Tagihan Layanan" e-mail', () => {
  it('names the month in Indonesian and lists the lines, the total and the console link', () => {
    const lines: StatementLine[] = [
      { event: 'DOCUMENT_SIGNED', quantity: 1200, unitPrice: 1000, amount: 1_200_000, from: '2026-11-01', to: '2026-11-14' },
      { event: 'DOCUMENT_SIGNED', quantity: 30, unitPrice: 1500, amount: 45_000, from: '2026-11-15', to: '2026-11-30' },
    ];
    const mail = renderMessage('monthlyStatement', 'keuangan@contoh.go.id', {
      tenantName: 'Pemerintah Kabupaten Contoh', period: '2026-11', lines: JSON.stringify(lines), total: '1245000', statementUrl: 'https://tte.example.go.id/web/console/usage?bulan=2026-11',
    }, {}, '[TTE]');
    expect(mail.subject).toBe('[TTE] Tagihan Layanan November 2026');
    expect(mail.text).toContain('Dokumen ditandatangani (1–14 November 2026): 1.200 × Rp 1.000 = Rp 1.200.000');
    expect(mail.text).toContain('Dokumen ditandatangani (15–30 November 2026): 30 × Rp 1.500 = Rp 45.000');
    expect(mail.text).toContain('Total tagihan: Rp 1.245.000');
    expect(mail.text).toContain('Lihat Tagihan: https://tte.example.go.id/web/console/usage?bulan=2026-11');
    expect(mail.html).toContain('Rp 1.245.000');
  });

  it('says so when nothing was used', () => {
    const mail = renderMessage('monthlyStatement', 'keuangan@contoh.go.id', { tenantName: 'Dinas Uji', period: '2027-01', lines: '[]', total: '0', statementUrl: 'https://x.go.id/web/console/usage' }, {}, '[TTE]');
    expect(mail.subject).toBe('[TTE] Tagihan Layanan Januari 2027');
    expect(mail.text).toContain('Tidak ada pemakaian layanan yang ditagihkan pada periode ini.');
    expect(mail.text).toContain('Total tagihan: Rp 0');
  });
});

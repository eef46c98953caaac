import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { usageIncrement } from '../../shared/adapters/aws/table-items.js';
import { keys } from '../../shared/data/table.js';
import { currentPeriod, eachDay, formatRupiah, periodLabel, previousPeriod, statementLines, statementTotal, type Prices } from '../../shared/domain/billing.js';
import { usageDay, type DailyUsage, type UsageEvent } from '../../shared/domain/usage.js';
import { launchBrowser } from '../browser.js';
import { Authenticators } from './accounts-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { lookAt, signsInOnPhone } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
const otp = new Authenticators();

const now = new Date();
const period = currentPeriod(now);
const today = usageDay(now);
const days = eachDay(`${period}-01`, today);
const earlier: Prices = { USER_APPROVED: 5000, CERTIFICATE_ISSUED: 25_000, DOCUMENT_SIGNED: 1000, HASH_SIGNED: 500, VERIFICATION: 200, EMAIL_SENT: 0 };
const fromToday: Prices = { ...earlier, DOCUMENT_SIGNED: 1500 };
/** A month of an agency's work so far: a few approvals and certificates, many signatures, and mail. */
const usage: DailyUsage[] = days.flatMap((day, index) => [
  { day, event: 'DOCUMENT_SIGNED' as UsageEvent, count: 40 + ((index * 37) % 60) },
  { day, event: 'VERIFICATION' as UsageEvent, count: 10 + ((index * 13) % 25) },
  { day, event: 'EMAIL_SENT' as UsageEvent, count: 5 + (index % 7) },
  ...(index % 3 === 0 ? [{ day, event: 'USER_APPROVED' as UsageEvent, count: 2 }, { day, event: 'CERTIFICATE_ISSUED' as UsageEvent, count: 2 }] : []),
  ...(index % 4 === 1 ? [{ day, event: 'HASH_SIGNED' as UsageEvent, count: 15 }] : []),
]);

/** Signs in through the login page, which returns to `path` afterwards. */
const signsIn = (person: { email: string; password: string; totpSecret: string }, path: string) => signsInOnPhone(browser, { api: runtime.api, path }, person, otp);

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0 }), launchBrowser()]);
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    const tenantId = runtime.seed.tenant.tenantId;
    for (const entry of usage) {
      await db.send(new UpdateCommand(usageIncrement(runtime.tableName, tenantId, entry.event, `${entry.day}T05:00:00.000Z`, entry.count).Update));
    }
    // Prices set before this month began (the API takes no past date, so the test writes it), and a change from today.
    await db.send(new PutCommand({ TableName: runtime.tableName, Item: { ...keys.priceVersion(`${period}-01`), effectiveFrom: `${period}-01`, prices: earlier, setAt: now.toISOString(), setBy: 'seed' } }));
  } finally {
    db.destroy();
  }
  const put = await fetch(`${runtime.api}/v1/price-list`, {
    method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': runtime.seed.operator.apiKey }, body: JSON.stringify({ effectiveFrom: today, prices: fromToday }),
  });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

const versions = () => [{ effectiveFrom: `${period}-01`, prices: earlier }, { effectiveFrom: today, prices: fromToday }];

describe('the usage and statement page', () => {
  it("shows a verifier their agency's month: the statement with a line per price period, the chart, and the CSV", async () => {
    const { context, tab } = await signsIn(runtime.seed.verifier, '/web/console/usage');
    const { page } = tab;
    expect(new URL(page.url()).pathname).toBe('/web/console/usage');
    await expect(page.locator('h1').textContent()).resolves.toBe('Pemakaian dan tagihan');
    await expect(page.getByRole('heading', { name: `Tagihan ${periodLabel(period)}` }).count()).resolves.toBe(1);

    const lines = statementLines(usage, versions(), period);
    const rows = page.locator('table.statement-table tbody tr');
    await expect(rows.count()).resolves.toBe(lines.length);
    await expect(page.locator('table.statement-table tfoot td').textContent()).resolves.toBe(formatRupiah(statementTotal(lines)));
    if (today !== `${period}-01`) {
      // The price of a signed document changed today: two lines for it.
      await expect(page.locator('table.statement-table tbody th', { hasText: 'Dokumen ditandatangani' }).count()).resolves.toBe(2);
    }

    const chart = page.getByRole('img', { name: `Pemakaian per hari, ${periodLabel(period)}` });
    await expect(chart.count()).resolves.toBe(1);
    await expect(page.locator('svg.chart rect').count()).resolves.toBe(usage.length);
    await expect(page.locator('.legend li', { hasText: 'Dokumen ditandatangani' }).count()).resolves.toBe(1);
    await lookAt(tab, 'billing-usage-verifier');

    await page.getByText('Tabel pemakaian per hari').click();
    await expect(page.locator('table.usage-table tbody tr').count()).resolves.toBe(usage.length);
    await lookAt(tab, 'billing-usage-verifier-table');

    const csvLink = page.getByRole('link', { name: 'Unduh CSV' });
    const csv = await page.request.get(new URL(String(await csvLink.getAttribute('href')), runtime.api).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = await csv.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('Layanan;Kode;Dari;Sampai;Kuantitas;Harga satuan (IDR);Jumlah (IDR)');
    expect(text).toContain(`Total;;;;;;${statementTotal(lines)}`);

    // Last month: the agency did not exist yet, and the page says so rather than failing.
    await page.getByLabel('Bulan', { exact: true }).selectOption(previousPeriod(period));
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain(`Belum ada tagihan untuk ${periodLabel(previousPeriod(period))}`);
    await lookAt(tab, 'billing-usage-verifier-before');
    await context.close();
  });

  it('lets the operator pick the agency, and set prices from a day on, refusing a negative price', async () => {
    const { context, tab } = await signsIn(runtime.seed.operator, `/web/console/usage?instansi=${runtime.seed.tenant.tenantId}`);
    const { page } = tab;
    await expect(page.locator('h1').textContent()).resolves.toBe('Pemakaian dan tagihan');
    await expect(page.getByLabel('Instansi').inputValue()).resolves.toBe(runtime.seed.tenant.tenantId);
    await expect(page.locator('table.statement-table tfoot td').textContent()).resolves.toBe(formatRupiah(statementTotal(statementLines(usage, versions(), period))));
    await lookAt(tab, 'billing-usage-operator');

    await page.getByRole('link', { name: 'Harga layanan' }).first().click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Harga layanan');
    await expect(page.getByLabel('Dokumen ditandatangani (Rp per unit)').inputValue()).resolves.toBe('1500');
    await page.getByLabel('Dokumen ditandatangani (Rp per unit)').fill('-5');
    await page.getByRole('button', { name: 'Simpan harga' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Harga harus bilangan bulat rupiah');
    await lookAt(tab, 'billing-prices-error');

    const nextMonth = `${currentPeriod(new Date(Date.parse(`${period}-28T00:00:00Z`) + 7 * 86_400_000))}-01`;
    await page.getByLabel('Berlaku mulai').fill(nextMonth);
    await page.getByLabel('Dokumen ditandatangani (Rp per unit)').fill('1.750');
    await page.getByRole('button', { name: 'Simpan harga' }).click();
    await expect(page.locator('.notice--success').textContent()).resolves.toContain('Harga disimpan');
    await expect(page.getByRole('table', { name: /^Harga mulai / }).locator('td', { hasText: formatRupiah(1750) }).count()).resolves.toBe(1);
    await lookAt(tab, 'billing-prices');
    await context.close();
  });
});

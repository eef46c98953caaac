import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageDay } from '../../shared/domain/usage.js';
import { launchBrowser } from '../browser.js';
import { Authenticators } from './accounts-flow.js';
import { client, eventually, otherEmployment } from './enrollment-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { lookAt, signsInOnPhone } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let http: ReturnType<typeof client>;
const otp = new Authenticators();
/** An applicant waiting for review: registered, activated with both photos, screened by the workflow. */
let applicant: { userId: string; email: string };

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  http = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
  const email = 'lestari.wulandari@contoh.go.id';
  const { userId, token } = await http.register('Lestari Wulandari', email);
  await http.activate(token, { fullName: 'Lestari Wulandari', nik: '7271014505900003' }, otherEmployment);
  expect((await http.submitAfterReading(token)).status).toBe(202);
  // Polled through the list, not the profile: opening the profile is a read the trail records.
  const waiting = async () => (await http.call('GET', '/v1/users?status=AWAITING_REVIEW', { key: runtime.seed.verifier.apiKey })).body.items as { userId: string }[];
  await eventually(async () => ((await waiting()).some((user) => user.userId === userId) ? true : undefined), 'the application waiting for review');
  applicant = { userId, email };
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

describe('the audit trail in the console', () => {
  it("shows a verifier who opened a user's data, from where, beside the user's changes and the service's own steps", async () => {
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: `/web/console/users/${applicant.userId}` }, runtime.seed.verifier, otp);
    const { page } = tab;
    try {
      expect(await page.locator('h1').textContent()).toBe('Lestari Wulandari');
      await page.getByRole('link', { name: 'Jejak audit' }).click();
      expect(await page.locator('h1').textContent()).toBe('Jejak audit');
      expect(new URL(page.url()).searchParams.get('pengguna')).toBe(applicant.userId);
      const entries = page.locator('.audit-trail > li');
      const texts = await entries.allTextContents();
      // Newest first: the verifier opening the profile (the photos named), then the workflow's steps and the applicant's.
      expect(texts[0]).toContain('Profil dibuka');
      expect(texts[0]).toContain('oleh verifikator');
      expect(texts[0]).toContain('Foto yang ditampilkan: KTP, selfie');
      expect(texts[0]).toMatch(/Alamat IP (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1) · ID permintaan/);
      expect(texts.some((text) => text.includes('Menunggu keputusan verifikator') && text.includes('Dijalankan oleh layanan'))).toBe(true);
      expect(texts.some((text) => text.includes('Aktivasi dikirim') && text.includes('oleh pengguna'))).toBe(true);
      expect(texts.at(-1)).toContain('Didaftarkan');
      await lookAt(tab, 'console-audit-user');

      // The same over the API: the page's read carries the browser's request.
      const trail = await http.call('GET', `/v1/audit?userId=${applicant.userId}&action=PROFILE_VIEWED`, { key: runtime.seed.verifier.apiKey });
      expect(trail.status).toBe(200);
      expect(trail.body.items).toHaveLength(1);
      expect(trail.body.items[0]).toMatchObject({ actorRole: 'VERIFIER', tenantId: runtime.seed.tenant.tenantId, target: 'KTP,SELFIE', requestId: expect.any(String), sourceIp: expect.any(String) });
    } finally {
      await context.close();
    }
  });

  it("filters the tenant's trail by e-mail, days and action, refuses an upside-down range, and pages on", async () => {
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: '/web/console' }, runtime.seed.verifier, otp);
    const { page } = tab;
    try {
      await page.getByRole('link', { name: 'Jejak audit instansi' }).click();
      expect(await page.locator('h1').textContent()).toBe('Jejak audit');
      expect(await page.locator('.audit-trail > li').count()).toBeGreaterThan(3);
      await lookAt(tab, 'console-audit');

      const today = usageDay(new Date());
      await page.getByLabel('Pengguna (ID atau e-mail)').fill(applicant.email);
      await page.getByLabel('Dari tanggal').fill(today);
      await page.getByLabel('Sampai tanggal').fill(today);
      await page.getByLabel('Aksi').selectOption({ label: 'Profil dibuka' });
      await page.getByRole('button', { name: 'Tampilkan' }).click();
      const filtered = await page.locator('.audit-trail > li').allTextContents();
      expect(filtered).toHaveLength(1);
      expect(filtered[0]).toContain('Profil dibuka');
      expect(await page.locator('h2').first().textContent()).toBe(`Catatan tentang ${applicant.email}`);
      await lookAt(tab, 'console-audit-filtered');

      const yesterday = usageDay(new Date(Date.now() - 86_400_000));
      await page.getByLabel('Dari tanggal').fill(today);
      await page.getByLabel('Sampai tanggal').fill(yesterday);
      const refused = page.waitForResponse((response) => response.url().includes('/web/console/audit'));
      await page.getByRole('button', { name: 'Tampilkan' }).click();
      expect((await refused).status()).toBe(422);
      expect(await page.locator('.error-summary').textContent()).toContain('Sampai tanggal: Tanggal akhir tidak boleh sebelum tanggal awal.');
      expect(await page.getByLabel('Sampai tanggal').getAttribute('aria-invalid')).toBe('true');
      await lookAt(tab, 'console-audit-error');

      // More than a page of entries: 25 registrations more.
      for (let index = 0; index < 25; index += 1) {
        const created = await http.call('POST', '/v1/users', { key: runtime.seed.verifier.apiKey, body: { fullName: 'Pegawai Audit', email: `audit.${index}@contoh.go.id` } });
        expect(created.status).toBe(201);
      }
      await page.goto(`${runtime.api}/web/console/audit`);
      const firstPage = await page.locator('.audit-trail > li').allTextContents();
      expect(firstPage).toHaveLength(25);
      await page.getByRole('link', { name: 'Berikutnya' }).click();
      const secondPage = await page.locator('.audit-trail > li').allTextContents();
      expect(secondPage.length).toBeGreaterThan(0);
      expect(secondPage.some((text) => text.includes('Profil dibuka'))).toBe(true);
      expect(await page.getByRole('link', { name: 'Halaman pertama' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('lets an operator choose a tenant first, then shows its trail', async () => {
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: '/web/console/audit' }, runtime.seed.operator, otp);
    const { page } = tab;
    try {
      expect(await page.locator('h1').textContent()).toBe('Jejak audit');
      expect(await page.locator('.audit-trail').count()).toBe(0);
      expect(await page.locator('nav[aria-label="Bagian konsol operator"] [aria-current="page"]').textContent()).toBe('Jejak audit');
      await page.getByLabel('ID instansi').fill(runtime.seed.tenant.tenantId);
      await page.getByRole('button', { name: 'Tampilkan' }).click();
      expect(await page.locator('.audit-trail > li').count()).toBe(25);
      await lookAt(tab, 'console-audit-operator');
      await page.getByLabel('ID instansi').fill('instansi-yang-tidak-ada');
      await page.getByRole('button', { name: 'Tampilkan' }).click();
      expect(await page.locator('.field--error').textContent()).toContain('Instansi tidak ditemukan');
    } finally {
      await context.close();
    }
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { Authenticators, sitiAminah } from './accounts-flow.js';
import { client } from './enrollment-flow.js';
import { bootLocalRuntime, mailTo } from './runtime.js';
import { lookAt, newTab, phone, sendsPhotosAndConsent, setsPassphrase, setsUpAccount, signsInOnPhone, type PhonePage } from './web-pages.js';

/**
 * Self-application in a browser on a phone: the operator opens it, with review, for the demo
 * tenant; a civil servant applies from the home page; the tenant's verifier sends the activation
 * e-mail from the user's page and she goes on alone to her certificate; the verifier keeps the
 * contacts their people see.
 */

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
const otp = new Authenticators();

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

/** lookAt for a page answered 4xx on purpose: Chromium reports that status as a console error. */
async function lookAtRefused(tab: PhonePage, name: string): Promise<void> {
  for (let index = tab.consoleErrors.length - 1; index >= 0; index -= 1) {
    if (/status of 4\d\d/.test(tab.consoleErrors[index]!)) tab.consoleErrors.splice(index, 1);
  }
  await lookAt(tab, name);
}

describe('self-application pages', () => {
  it('the operator opens self-application with review; a civil servant applies from the home page; the verifier sends the link; she goes on alone to a certificate', async () => {
    const tenantId = runtime.seed.tenant.tenantId;
    const operator = await signsInOnPhone(browser, { api: runtime.api, path: `/web/console/tenants/${tenantId}` }, runtime.seed.operator, otp);
    const { page: console } = operator.tab;
    await expect(console.locator('h2', { hasText: 'Pengajuan mandiri' }).count()).resolves.toBe(1);
    await expect(console.getByLabel(/^Tertutup/).isChecked()).resolves.toBe(true);
    await console.getByLabel(/^Dengan persetujuan/).check();
    await console.getByRole('button', { name: 'Terapkan pengaturan' }).click();
    await expect(console.locator('.notice').textContent()).resolves.toContain('disimpan');
    await expect(console.getByLabel(/^Dengan persetujuan/).isChecked()).resolves.toBe(true);
    await lookAt(operator.tab, 'console-tenant-self-application');
    await operator.context.close();

    const tab = await newTab(await phone(browser));
    const { page } = tab;
    await page.goto(`${runtime.api}/web`);
    await page.getByRole('link', { name: 'Ajukan akun' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Ajukan akun tanda tangan elektronik');
    await lookAt(tab, 'apply');

    // A name with a title and a short NIP: both named, what was typed kept.
    await page.getByLabel('Nama lengkap').fill('Dr. Siti Aminah');
    await page.getByLabel('Email').fill('siti.web@contoh.go.id');
    await page.getByLabel('NIP').fill('1985');
    const refused = await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: 'Kirim' }).click()]);
    expect(refused[0].status()).toBe(422);
    const summary = await page.locator('.error-summary').textContent();
    expect(summary).toContain('Nama lengkap');
    expect(summary).toContain('NIP');
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe('siti.web@contoh.go.id');
    await lookAtRefused(tab, 'apply-errors');

    await page.getByLabel('Nama lengkap').fill('Siti Aminah');
    await page.getByLabel('NIP').fill('198503152010012003');
    await page.getByRole('button', { name: 'Kirim' }).click();
    await page.waitForURL(/\/web\/apply-sent$/);
    await expect(page.locator('main').textContent()).resolves.toContain('Bila alamat ini');
    await lookAt(tab, 'apply-sent');

    // Held for the verifier: nothing goes out until they send the link from the user's page.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await mailTo(runtime.mail, 'siti.web@contoh.go.id')).toEqual([]);
    const verifier = await signsInOnPhone(browser, { api: runtime.api, path: '/web/console' }, runtime.seed.verifier, otp);
    // The console's "Pengajuan mandiri" list holds her (the verifiers were e-mailed too).
    await verifier.tab.page.getByRole('link', { name: 'Pengajuan mandiri' }).click();
    const card = verifier.tab.page.locator('.user-list .card', { hasText: 'siti.web@contoh.go.id' });
    await expect(card.locator('.tag').textContent()).resolves.toBe('Menunggu persetujuan');
    await lookAt(verifier.tab, 'console-held-applications');
    await card.getByRole('link', { name: /Siti Aminah/ }).click();
    await expect(verifier.tab.page.locator('h2', { hasText: 'Pengajuan mandiri menunggu persetujuan' }).count()).resolves.toBe(1);
    await lookAt(verifier.tab, 'console-self-application-held');
    await verifier.tab.page.getByRole('button', { name: 'Kirim tautan aktivasi' }).click();
    await expect(verifier.tab.page.locator('h2', { hasText: 'Pengajuan mandiri menunggu persetujuan' }).count()).resolves.toBe(0);
    await verifier.context.close();

    // From here she goes on alone: nobody types her name or her NIP again.
    const mails = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
    const linkIn = async (subject: string) => /https?:\/\/\S+/.exec((await mails.waitForMail('siti.web@contoh.go.id', subject)).body.text ?? '')![0];
    await page.goto(await linkIn('[TTE] Aktivasi Akun'));
    await expect(page.getByLabel('Nama lengkap').inputValue()).resolves.toBe('Siti Aminah');
    await page.getByLabel('NIK').fill(sitiAminah.nik);
    await page.getByRole('button', { name: 'Lanjut' }).click();
    // The NIP she applied with is already there, as ASN; she adds what only she knows.
    await expect(page.getByLabel('NIP').inputValue()).resolves.toBe(sitiAminah.nip);
    await expect(page.getByLabel('ASN').isChecked()).resolves.toBe(true);
    await page.getByLabel('Jabatan').fill(sitiAminah.position);
    await page.getByLabel('Unit kerja').fill(sitiAminah.unitName);
    await page.getByLabel('Provinsi').selectOption({ label: 'Sulawesi Utara' });
    await page.getByLabel('Kabupaten/Kota').selectOption({ label: 'Kota Manado' });
    await page.getByRole('button', { name: 'Lanjut' }).click();
    await sendsPhotosAndConsent(page);

    // The ASN registry knows her: approved without a verifier, then her account and her certificate.
    await setsUpAccount(page, await linkIn('[TTE] Informasi Akun'), otp, { password: 'Mandiri#Manado2026', deviceName: 'Ponsel Siti' });
    await setsPassphrase(page, await linkIn('[TTE] Set Passphrase'), 'Kunci#Mandiri2026');
    await lookAt(tab, 'apply-certificate-issued');
  }, 150_000);

  it('the verifier keeps the contacts their people see, each named and reachable', async () => {
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: '/web/console' }, runtime.seed.verifier, otp);
    const { page } = tab;
    await page.getByRole('link', { name: /Kontak verifikator/ }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Kontak verifikator');

    // One row to begin with; a row more once one is in use.
    await expect(page.getByLabel('Nama').count()).resolves.toBe(1);
    await page.getByLabel('Nama').first().fill('Budi Verifikator');
    await page.getByLabel('Nomor ponsel').first().fill('021 555 1234');
    const save = () => Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: 'Simpan kontak' }).click()]);
    expect((await save())[0].status()).toBe(422);
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Kontak 1, nomor ponsel');

    await page.getByLabel('Nomor ponsel').first().fill('0812 3456 7890');
    await page.getByLabel('Nama').nth(1).fill('Layanan TTE');
    expect((await save())[0].status()).toBe(422);
    const summary = await page.locator('.error-summary').textContent();
    expect(summary).toContain('Kontak 2, nomor ponsel');
    expect(summary).not.toContain('Kontak 1');
    await lookAtRefused(tab, 'console-contacts-errors');

    await page.getByLabel('Email').nth(1).fill('tte@contoh.go.id');
    await page.getByRole('button', { name: 'Simpan kontak' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toBe('Kontak disimpan.');
    await expect(page.getByLabel('Nomor ponsel').first().inputValue()).resolves.toBe('+6281234567890');
    await expect(page.getByLabel('Email').nth(1).inputValue()).resolves.toBe('tte@contoh.go.id');
    await lookAt(tab, 'console-contacts');
    await context.close();

    // The operator sees them on the tenant's page.
    const operator = await signsInOnPhone(browser, { api: runtime.api, path: `/web/console/tenants/${runtime.seed.tenant.tenantId}` }, runtime.seed.operator, otp);
    await expect(operator.tab.page.locator('main').textContent()).resolves.toContain('Budi Verifikator');
    await operator.context.close();
  }, 90_000);
});

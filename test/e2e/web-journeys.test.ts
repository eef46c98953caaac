import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { Authenticators, accountsClient, sitiAminah } from './accounts-flow.js';
import { businessMetricTotals } from './metrics.js';
import { bootLocalRuntime, type Mail } from './runtime.js';
import { lookAt, newTab, phone, sendsPhotosAndConsent, setsPassphrase, setsUpAccount } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 2 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});


/** The link a person taps in an e-mail: the first http(s) URL of its text. */
const linkIn = (mail: Mail) => /https?:\/\/\S+/.exec(mail.body.text ?? '')![0];

describe('a civil servant with only the e-mails and a phone', () => {
  it('activates, sets up the account, sets a passphrase to a certificate, and signs in', async () => {
    const people = accountsClient(runtime);
    const otp = new Authenticators();
    const email = 'siti.web@contoh.go.id';
    await people.enrollment.register(sitiAminah.fullName, email);
    const context = await phone(browser);
    const tab = await newTab(context);
    const { page } = tab;
    const look = (name: string) => lookAt(tab, name);

    // "[TTE] Aktivasi Akun" → the activation steps.
    await page.goto(linkIn(await people.enrollment.waitForMail(email, '[TTE] Aktivasi Akun')));
    await expect(page.getByLabel('Nama lengkap').inputValue()).resolves.toBe(sitiAminah.fullName);
    await lookAt(tab, 'activation-identity');
    // A wrong NIK first: the error summary links to the field, what was typed stays.
    await page.getByLabel('NIK').fill('1234');
    await page.getByRole('button', { name: 'Lanjut' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('NIK');
    await expect(page.getByLabel('NIK').inputValue()).resolves.toBe('1234');
    await lookAt(tab, 'activation-identity-error');
    await page.getByLabel('NIK').fill(sitiAminah.nik);
    await page.getByRole('button', { name: 'Lanjut' }).click();

    await page.getByLabel('ASN').check();
    await page.getByLabel('NIP').fill(sitiAminah.nip);
    await page.getByLabel('Jabatan').fill(sitiAminah.position);
    await page.getByLabel('Unit kerja').fill(sitiAminah.unitName);
    await page.getByLabel('Provinsi').selectOption({ label: 'Sulawesi Utara' });
    await page.getByLabel('Kabupaten/Kota').selectOption({ label: 'Kota Manado' });
    await lookAt(tab, 'activation-employment');
    await page.getByRole('button', { name: 'Lanjut' }).click();

    await sendsPhotosAndConsent(page, look);

    // The registry approves her: "[TTE] Informasi Akun" → account setup, reading the secret from the page.
    const password = 'Kantor#Manado2026';
    const secret = await setsUpAccount(page, linkIn(await people.enrollment.waitForMail(email, '[TTE] Informasi Akun')), otp, { password, deviceName: 'Ponsel Siti' }, look);

    // "[TTE] Set Passphrase" → fresh selfie, passphrase, agreement → the certificate.
    await setsPassphrase(page, linkIn(await people.enrollment.waitForMail(email, '[TTE] Set Passphrase')), 'Tanda#Tangan2026', look);

    // Sign in: password, then the OTP code; her page lists the certificate.
    await page.getByRole('link', { name: 'Ke halaman akun' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Masuk');
    await lookAt(tab, 'login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Kata sandi').fill(password);
    await page.getByRole('button', { name: 'Lanjut' }).click();
    await expect(page.getByLabel('Kode OTP').getAttribute('autocomplete')).resolves.toBe('one-time-code');
    await expect(page.getByLabel('Kode OTP').getAttribute('inputmode')).resolves.toBe('numeric');
    await lookAt(tab, 'login-otp');
    await page.getByLabel('Kode OTP').fill(await otp.code(secret));
    await page.getByRole('button', { name: 'Masuk' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Akun saya');
    await expect(page.locator('main').textContent()).resolves.toContain('Berlaku');
    await lookAt(tab, 'me');
    await context.close();

    // What the journey did is in the business metrics, as EMF lines the functions write on AWS.
    const totals = businessMetricTotals(runtime);
    expect(totals).toMatchObject({ Registrations: 1, Submissions: 1, Approvals: 1, CertificatesIssued: 1 });
  });
});

describe('links and photos that cannot be used', () => {
  const people = () => accountsClient(runtime);

  it('a link of another purpose is unknown here, and a used link says it was used: Indonesian pages, nothing changed', async () => {
    const email = 'ahmad.web@contoh.go.id';
    const { token } = await people().enrollment.register('Ahmad Fauzi', email);
    const tab = await newTab(await phone(browser));
    // The activation token on the account-setup page: another purpose, so unknown (404).
    const wrongPurpose = await tab.page.goto(`${runtime.api}/web/account-setup/${token}`);
    expect(wrongPurpose!.status()).toBe(404);
    await expect(tab.page.locator('main').textContent()).resolves.toContain('Tautan tidak dikenal');
    await lookAt(tab, 'link-unknown');

    await people().enrollment.activate(token, { fullName: 'Ahmad Fauzi', nik: '7271010101900003' }, {
      employmentType: 'ASN', nip: '199001012015031001', position: 'Pranata Komputer Ahli Pertama', unitName: 'Bidang Persandian', province: '72', city: '72.71',
    });
    // This runtime's minimum reading time is 2 s; the helper waits 1.1 s.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await people().enrollment.submitAfterReading(token)).status).toBe(202);
    const used = await tab.page.goto(`${runtime.api}/web/activate/${token}`);
    expect(used!.status()).toBe(410);
    await expect(tab.page.locator('h1').textContent()).resolves.toBe('Tautan sudah tidak berlaku');
    await expect(tab.page.locator('main').textContent()).resolves.toContain('Tautan ini sudah digunakan');
    await lookAt(tab, 'link-used');
    // Posting to the used link changes nothing either.
    const posted = await fetch(`${runtime.api}/web/activate/${token}/identity`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'fullName=Orang+Lain&nik=7271010101900003',
    });
    expect(posted.status).toBe(410);
    expect(posted.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('a PDF or a 20 MB file as the KTP photo is refused in the page with an Indonesian message, and nothing is uploaded', async () => {
    const email = 'dewi.web@contoh.go.id';
    const { token } = await people().enrollment.register('Dewi Lestari', email);
    const tab = await newTab(await phone(browser));
    await tab.page.goto(`${runtime.api}/web/activate/${token}?langkah=ktp`);
    // Steps before the photo are not done: the page shows the first open step instead.
    await expect(tab.page.getByLabel('NIK').count()).resolves.toBe(1);
    await people().enrollment.call('PUT', `/v1/activation/${token}/identity`, { body: { fullName: 'Dewi Lestari', nik: '7271014107920002' } });
    await people().enrollment.call('PUT', `/v1/activation/${token}/employment`, { body: { employmentType: 'OTHER', position: 'Staf', unitName: 'Sekretariat', province: '72', city: '72.71' } });
    await tab.page.goto(`${runtime.api}/web/activate/${token}?langkah=ktp`);

    await tab.page.getByLabel('Foto KTP').setInputFiles({ name: 'ktp.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
    await tab.page.getByText('bukan foto yang dapat dibaca').waitFor();
    const huge = Buffer.alloc(20 * 1024 * 1024, 0xff);
    await tab.page.getByLabel('Foto KTP').setInputFiles({ name: 'ktp.jpg', mimeType: 'image/jpeg', buffer: huge });
    await tab.page.getByText('Berkas terlalu besar').waitFor();
    await expect(tab.page.getByRole('link', { name: 'Lanjut' }).isVisible()).resolves.toBe(false);
    await lookAt(tab, 'activation-photo-refused');
    const state = await people().enrollment.call('GET', `/v1/activation/${token}`);
    expect(state.body.steps.ktpPhoto).toBe(false);
  });
});

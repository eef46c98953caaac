import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { Authenticators, accountsClient } from './accounts-flow.js';
import { bootLocalRuntime, type Mail } from './runtime.js';
import { expectAGoodPage, lookAt, newTab, phone, screenshots, type PhonePage } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

const otp = new Authenticators();

/** The link a person taps in an e-mail: the first http(s) URL of its text. */
const linkIn = (mail: Mail) => /https?:\/\/\S+/.exec(mail.body.text ?? '')![0];

/** lookAt for a page answered 4xx on purpose: Chromium reports that status as a console error. */
async function lookAtRefused(tab: PhonePage, name: string): Promise<void> {
  for (let index = tab.consoleErrors.length - 1; index >= 0; index -= 1) {
    if (/status of 4\d\d/.test(tab.consoleErrors[index]!)) tab.consoleErrors.splice(index, 1);
  }
  await lookAt(tab, name);
}

/**
 * lookAt for a form low on a long page: Chromium tiles a full-page phone screenshot taller than
 * 8,192 device pixels, so the picture is of the form itself (the page is checked whole).
 */
async function lookAtForm(tab: PhonePage, selector: string, name: string): Promise<void> {
  await expectAGoodPage(tab.page, tab.consoleErrors.filter((error) => !/status of 4\d\d/.test(error)));
  await tab.page.locator(selector).screenshot({ path: `${screenshots}/${name}.png` });
}

/** From a page that asked for a login: e-mail and password, then the code; back to that page. */
async function signIn(page: Page, credentials: { email: string; password: string }, secret: string): Promise<void> {
  await expect(page.locator('h1').textContent()).resolves.toBe('Masuk');
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Kata sandi').fill(credentials.password);
  await page.getByRole('button', { name: 'Lanjut' }).click();
  await page.getByLabel('Kode OTP').fill(await otp.code(secret));
  await page.getByRole('button', { name: 'Masuk' }).click();
}

describe('the operator console', () => {
  it('adds a tenant and invites its verifier, who sets up the account and reaches an empty console; suspension stops them until reactivated', async () => {
    const people = accountsClient(runtime);
    const operator = await newTab(await phone(browser));
    const { page } = operator;

    await page.goto(`${runtime.api}/web/console/tenants`);
    await signIn(page, runtime.seed.operator, runtime.seed.operator.totpSecret);
    await expect(page.locator('h1').textContent()).resolves.toBe('Instansi');
    await expect(page.getByRole('link', { name: 'Konsol operator' }).count()).resolves.toBe(1);
    await expect(page.locator('.cards').textContent()).resolves.toContain('Pemerintah Kabupaten Contoh');

    // A domain the demo tenant owns first: refused by name, what was typed kept.
    await page.getByLabel('Nama instansi').fill('Dinas Komunikasi dan Informatika Kota Palu');
    await page.getByLabel('Nama organisasi pada sertifikat').fill('Pemerintah Kota Palu');
    await page.getByLabel('Domain e-mail dinas').fill('palukota.go.id\ncontoh.go.id');
    await page.getByLabel('Email penagihan').fill('keuangan@palukota.go.id');
    await page.getByRole('button', { name: 'Tambah instansi' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('contoh.go.id sudah dimiliki instansi lain');
    await expect(page.getByLabel('Nama instansi').inputValue()).resolves.toBe('Dinas Komunikasi dan Informatika Kota Palu');
    await lookAtRefused(operator, 'operator-tenant-domain-taken');

    await page.getByLabel('Domain e-mail dinas').fill('palukota.go.id');
    await page.getByRole('button', { name: 'Tambah instansi' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Dinas Komunikasi dan Informatika Kota Palu');
    await expect(page.locator('.notice').textContent()).resolves.toContain('Instansi ditambahkan');
    const tenantPage = page.url().split('?')[0]!;
    const tenantId = decodeURIComponent(new URL(tenantPage).pathname.split('/').pop()!);
    // No registry agencies yet: the operator is told what that means for applications.
    await expect(page.locator('.warning-text').textContent()).resolves.toContain('setiap pendaftaran pegawai instansi ini menunggu keputusan verifikator');
    await expect(page.locator('.summary').textContent()).resolves.toContain('Nama di data kepegawaianBelum diisi');

    await page.getByLabel('Nama lengkap').fill('Rahmat Hidayat');
    await page.getByLabel('Email', { exact: true }).fill('rahmat.hidayat@palukota.go.id');
    await page.getByRole('button', { name: 'Undang verifikator' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Verifikator diundang');
    await expect(page.locator('main').textContent()).resolves.toContain('Belum membuat kata sandi');
    await lookAt(operator, 'operator-tenant');

    // The tenant's data, changed: an emptied name is asked for, the form kept open with what was typed.
    const editForm = page.getByText('Ubah nama, domain e-mail, email penagihan atau nama di data kepegawaian');
    await editForm.click();
    await page.getByLabel('Nama instansi', { exact: true }).fill('');
    await page.getByLabel('Email penagihan').fill('tagihan@palukota.go.id');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Nama instansi: Wajib diisi.');
    await expect(page.getByLabel('Email penagihan').inputValue()).resolves.toBe('tagihan@palukota.go.id');
    await page.getByLabel('Nama instansi', { exact: true }).fill('Dinas Komunikasi dan Informatika Kota Palu');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Perubahan data instansi disimpan');
    await expect(page.locator('.summary').textContent()).resolves.toContain('tagihan@palukota.go.id');

    // The agencies as the civil-service registry writes them, from the notice's link: two names, one a line.
    const tenantByApi = async () => {
      const answer = await people.send('GET', `/v1/tenants/${encodeURIComponent(tenantId)}`, { auth: { key: runtime.seed.operator.apiKey } });
      expect(answer.status).toBe(200);
      return answer.body as { registryAgencies: string[]; updatedAt: string };
    };
    expect((await tenantByApi()).registryAgencies).toEqual([]);
    await page.getByRole('link', { name: 'Isi di bagian Data instansi' }).click();
    const agencyBox = page.getByLabel('Nama instansi di data kepegawaian (BKN/SIPP)');
    await editForm.click();
    await agencyBox.fill('Pemerintah Kota Palu\n\n  Kepolisian Daerah Sulawesi Tengah \n');
    await lookAtForm(operator, 'details:has(#f-registryAgencies)', 'operator-tenant-registry-agencies');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Perubahan data instansi disimpan');
    await expect(page.locator('.summary dt:text-is("Nama di data kepegawaian") + dd').innerText()).resolves.toBe('Pemerintah Kota Palu\nKepolisian Daerah Sulawesi Tengah');
    await expect(page.locator('.warning-text').count()).resolves.toBe(0);
    await lookAtForm(operator, '.summary', 'operator-tenant-registry-agencies-saved');
    const saved = await tenantByApi();
    expect(saved.registryAgencies).toEqual(['Pemerintah Kota Palu', 'Kepolisian Daerah Sulawesi Tengah']);

    // A name twice as the registry compares them (case and punctuation aside): refused beside the field, by its line; nothing written.
    await editForm.click();
    await expect(agencyBox.inputValue()).resolves.toBe('Pemerintah Kota Palu\nKepolisian Daerah Sulawesi Tengah');
    await agencyBox.fill('Pemerintah Kota Palu\nKepolisian Daerah Sulawesi Tengah\nPEMERINTAH  KOTA PALU.');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.locator('#e-registryAgencies').textContent()).resolves.toContain('Baris 3 ("PEMERINTAH  KOTA PALU.") sudah ada di baris sebelumnya');
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Nama instansi di data kepegawaian (BKN/SIPP): Baris 3');
    await expect(agencyBox.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(agencyBox.inputValue()).resolves.toBe('Pemerintah Kota Palu\nKepolisian Daerah Sulawesi Tengah\nPEMERINTAH  KOTA PALU.');
    await lookAtForm(operator, 'details:has(#f-registryAgencies)', 'operator-tenant-registry-agencies-error');
    expect(await tenantByApi()).toEqual(saved);

    // More than ten: said so beside the field, nothing written.
    await agencyBox.fill(Array.from({ length: 11 }, (_, index) => `Pemerintah Kabupaten Contoh ${index + 1}`).join('\n'));
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.locator('#e-registryAgencies').textContent()).resolves.toContain('Paling banyak 10 nama, satu per baris; yang diisi 11.');
    expect(await tenantByApi()).toEqual(saved);
    await page.goto(tenantPage);

    await page.getByRole('link', { name: 'Instansi', exact: true }).click();
    await expect(page.locator('.cards').textContent()).resolves.toContain('Dinas Komunikasi dan Informatika Kota Palu');
    await lookAt(operator, 'operator-tenants');

    // The verifier, on their own phone, with only the e-mail.
    const verifier = await newTab(await phone(browser));
    const mail = await people.enrollment.waitForMail('rahmat.hidayat@palukota.go.id', '[TTE] Informasi Akun');
    await verifier.page.goto(linkIn(mail));
    const secret = (await verifier.page.locator('[data-otp-secret]').textContent())!.replace(/\s/g, '');
    const password = 'Verifikasi#Palu2026';
    await verifier.page.getByLabel('Kata sandi', { exact: true }).fill(password);
    await verifier.page.getByLabel('Ulangi kata sandi').fill(password);
    await verifier.page.getByLabel('Nama perangkat').fill('Ponsel Rahmat');
    await verifier.page.getByLabel('Kode OTP').fill(await otp.code(secret));
    await verifier.page.getByRole('button', { name: 'Simpan' }).click();
    await expect(verifier.page.locator('h1').textContent()).resolves.toBe('Akun aktif');

    await verifier.page.goto(`${runtime.api}/web/console`);
    await signIn(verifier.page, { email: 'rahmat.hidayat@palukota.go.id', password }, secret);
    await expect(verifier.page.locator('h1').textContent()).resolves.toBe('Konsol verifikator');
    await expect(verifier.page.locator('main').textContent()).resolves.toContain('Dinas Komunikasi dan Informatika Kota Palu');
    await expect(verifier.page.locator('main').textContent()).resolves.toContain('Tidak ada pendaftaran yang menunggu verifikasi.');
    await lookAt(verifier, 'verifier-first-console');

    // The operator's list shows the verifier active now.
    await page.goto(tenantPage);
    await expect(page.locator('main').textContent()).resolves.toContain('Rahmat Hidayat');
    await expect(page.locator('.cards').textContent()).resolves.toContain('Aktif');

    // Suspended, after a confirmation: the verifier is refused with the reason, in Indonesian.
    await page.getByRole('link', { name: 'Hentikan sementara layanan' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Hentikan sementara layanan');
    await lookAt(operator, 'operator-tenant-suspend');
    await page.getByRole('button', { name: 'Ya, hentikan layanan' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('dihentikan sementara');
    await expect(page.locator('.summary').textContent()).resolves.toContain('Dihentikan sementara');

    const refused = await verifier.page.goto(`${runtime.api}/web/console`);
    expect(refused?.status()).toBe(403);
    await expect(verifier.page.locator('main').textContent()).resolves.toContain('dihentikan sementara oleh operator');
    await lookAtRefused(verifier, 'verifier-tenant-suspended');

    await page.getByRole('link', { name: 'Aktifkan kembali layanan' }).click();
    await page.getByRole('button', { name: 'Ya, aktifkan kembali' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('aktif kembali');
    const restored = await verifier.page.goto(`${runtime.api}/web/console`);
    expect(restored?.status()).toBe(200);
    await expect(verifier.page.locator('h1').textContent()).resolves.toBe('Konsol verifikator');
  });

  it("erases a person's data from the user's page, only once confirmed; the verifier then sees the record emptied", async () => {
    const people = accountsClient(runtime);
    const invited = await people.send('POST', '/v1/users', {
      auth: { key: runtime.seed.verifier.apiKey }, body: { fullName: 'Yusuf Hapus Data', email: 'yusuf.hapus@contoh.go.id', phone: '081234567890' },
    });
    expect(invited.status).toBe(201);
    const userPage = `${runtime.api}/web/console/users/${String(invited.body.userId)}`;
    const operator = await newTab(await phone(browser));
    const { page } = operator;
    await page.goto(userPage);
    await signIn(page, runtime.seed.operator, runtime.seed.operator.totpSecret);
    await expect(page.locator('h1').textContent()).resolves.toBe('Yusuf Hapus Data');

    // Not confirmed: the page says so and nothing is erased.
    await page.getByRole('button', { name: 'Hapus data pribadi' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Centang konfirmasi');
    await lookAtRefused(operator, 'operator-erasure-unconfirmed');
    expect((await people.send('GET', `/v1/users/${String(invited.body.userId)}`, { auth: { key: runtime.seed.verifier.apiKey } })).body.fullName).toBe('Yusuf Hapus Data');

    await page.getByLabel('Saya memahami').check();
    await page.getByRole('button', { name: 'Hapus data pribadi' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Data pribadi pengguna dihapus');
    await lookAt(operator, 'operator-erasure-done');
    const seen = await people.send('GET', `/v1/users/${String(invited.body.userId)}`, { auth: { key: runtime.seed.verifier.apiKey } });
    expect(seen.body).toMatchObject({ status: 'ERASED', fullName: '', email: '' });
    expect(seen.body.phone).toBeUndefined();
    // The address is free again: the agency may register someone with it.
    expect((await people.send('POST', '/v1/users', { auth: { key: runtime.seed.verifier.apiKey }, body: { fullName: 'Yusuf Baru', email: 'yusuf.hapus@contoh.go.id' } })).status).toBe(201);
  });

  it('is for operators only: a verifier opening it is refused', async () => {
    const tab = await newTab(await phone(browser));
    await tab.page.goto(`${runtime.api}/web/console/tenants`);
    await signIn(tab.page, runtime.seed.verifier, runtime.seed.verifier.totpSecret);
    await expect(tab.page.locator('main').textContent()).resolves.toContain('tidak memiliki hak');
  });
});

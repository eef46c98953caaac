import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { Authenticators, accountsClient, ahmadFauzi } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { client, otherEmployment, sampleSelfie } from './enrollment-flow.js';
import { addOtherTenant, bootLocalRuntime, linkToken, mailTo } from './runtime.js';
import { lookAt, newTab, phone, screenshots, type PhonePage } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let http: ReturnType<typeof client>;
let people: ReturnType<typeof accountsClient>;
/** The verifier's phone, signed in once through the login page for the whole file. */
let verifier: { context: BrowserContext; tab: PhonePage; page: Page };

const otp = new Authenticators();
const key = () => runtime.seed.verifier.apiKey;

/** Signs the verifier in through the pages: the console sends them to the login page and back. */
async function verifierSignsIn(): Promise<typeof verifier> {
  const context = await phone(browser);
  const tab = await newTab(context);
  const { page } = tab;
  await page.goto(`${runtime.api}/web/console`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Masuk');
  await page.getByLabel('Email').fill(runtime.seed.verifier.email);
  await page.getByLabel('Kata sandi').fill(runtime.seed.verifier.password);
  await page.getByRole('button', { name: 'Lanjut' }).click();
  await page.getByLabel('Kode OTP').fill(await otp.code(runtime.seed.verifier.totpSecret));
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.locator('h1').textContent()).resolves.toBe('Konsol verifikator');
  expect(new URL(page.url()).pathname).toBe('/web/console');
  return { context, tab, page };
}

/** lookAt for a page answered 403 on purpose: Chromium reports that status as a console error. */
async function lookAtRefused(tab: PhonePage, name: string): Promise<void> {
  for (let index = tab.consoleErrors.length - 1; index >= 0; index -= 1) {
    if (/status of 403/.test(tab.consoleErrors[index]!)) tab.consoleErrors.splice(index, 1);
  }
  await lookAt(tab, name);
}

/** Waits for an image to finish loading and gives its natural width (0 when it failed). */
async function loadedWidth(page: Page, alt: string): Promise<number> {
  const selector = JSON.stringify(`img[alt="${alt}"]`);
  // Polled from here: waitForFunction would compile the predicate in the page, which its CSP forbids.
  for (let tries = 0; tries < 200 && !(await page.evaluate<boolean>(`document.querySelector(${selector})?.complete === true`)); tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return page.evaluate<number>(`document.querySelector(${selector}).naturalWidth`);
}

/** Someone the registry does not know (OTHER employee): activated and waiting for a verifier. */
async function awaitingReview(fullName: string, email: string, nik: string): Promise<string> {
  const { userId, token } = await http.register(fullName, email);
  await http.activate(token, { fullName, nik }, otherEmployment);
  expect((await http.submitAfterReading(token)).status).toBe(202);
  await expect.poll(() => http.statusOf(userId), { timeout: 15_000 }).toBe('AWAITING_REVIEW');
  return userId;
}

const usersMatching = async (q: string) =>
  (await http.call('GET', `/v1/users?q=${encodeURIComponent(q)}`, { key: key() })).body.items as { userId: string; fullName: string }[];

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  http = client(runtime.api, runtime.mail, key());
  people = accountsClient(runtime);
  verifier = await verifierSignsIn();
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

describe('the verifier console', () => {
  it('shows an applicant the registry does not know in the review queue, with both photos, and approves', async () => {
    const userId = await awaitingReview('Dewi Lestari', 'dewi.lestari@contoh.go.id', '7271016108920004');
    const { page, tab } = verifier;

    await page.goto(`${runtime.api}/web/console`);
    await expect(page.locator('.tabs [aria-current="page"]').textContent()).resolves.toBe('Menunggu verifikasi');
    await lookAt(tab, 'console-queue');
    await page.getByRole('link', { name: 'Dewi Lestari' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Dewi Lestari');
    await expect(page.locator('main').textContent()).resolves.toContain('Tidak diperiksa (bukan ASN atau POLRI)');
    expect(await loadedWidth(page, 'Foto KTP')).toBeGreaterThan(0);
    expect(await loadedWidth(page, 'Foto selfie')).toBeGreaterThan(0);
    await lookAt(tab, 'console-user-review');
    // The part a verifier decides on, as one phone screen (the README shows it).
    await page.evaluate("window.scrollTo(0, document.querySelector('.photo-pair').getBoundingClientRect().top + window.scrollY - 120)");
    await page.screenshot({ path: `${screenshots}/console-photos.png` });

    await page.getByRole('button', { name: 'Setujui' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Pendaftaran disetujui');
    expect(new URL(page.url()).search).toBe('?selesai=disetujui');
    expect(await http.statusOf(userId)).toBe('APPROVED');
    await http.waitForMail('dewi.lestari@contoh.go.id', '[TTE] Informasi Akun');
    await lookAt(tab, 'console-user-approved');

    // The e-mails went astray: both links again from the same page, each a new mail.
    const informasiAkun = async () => (await mailTo(runtime.mail, 'dewi.lestari@contoh.go.id')).filter((mail) => mail.subject === '[TTE] Informasi Akun').length;
    await page.getByRole('button', { name: 'Kirim ulang tautan pembuatan akun' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Tautan pembuatan akun baru sudah dikirim');
    await expect.poll(informasiAkun, { timeout: 15_000 }).toBe(2);
    await page.getByRole('button', { name: 'Kirim ulang tautan Set Passphrase' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Tautan Set Passphrase baru sudah dikirim');
    await expect.poll(async () => (await mailTo(runtime.mail, 'dewi.lestari@contoh.go.id')).filter((mail) => mail.subject === '[TTE] Set Passphrase').length, { timeout: 15_000 }).toBe(2);
  });

  it('rejects with a reason, and asks for the reason first', async () => {
    const userId = await awaitingReview('Rina Wati', 'rina.wati@contoh.go.id', '7271014407950005');
    const { page, tab } = verifier;
    await page.goto(`${runtime.api}/web/console`);
    await page.getByRole('link', { name: 'Rina Wati' }).click();

    await page.getByRole('button', { name: 'Tolak' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Alasan: Wajib diisi.');
    expect(await http.statusOf(userId)).toBe('AWAITING_REVIEW');
    await lookAt(tab, 'console-user-reject-error');

    await page.getByLabel('Alasan', { exact: true }).fill('Foto KTP buram, mohon unggah ulang');
    await page.getByRole('button', { name: 'Tolak' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Pendaftaran ditolak');
    expect(await http.statusOf(userId)).toBe('REJECTED');
    const mail = await http.waitForMail('rina.wati@contoh.go.id', '[TTE] Pendaftaran Ditolak');
    expect(mail.body.text).toContain('Foto KTP buram, mohon unggah ulang');
    await expect(page.locator('.history').textContent()).resolves.toContain('Pendaftaran ditolak');
  });

  it('imports a CSV list: each row created or rejected with its reason', async () => {
    const { page, tab } = verifier;
    await page.goto(`${runtime.api}/web/console`);
    await page.getByRole('link', { name: 'Impor daftar pegawai (CSV)' }).click();
    await lookAt(tab, 'console-import');
    await page.getByLabel('Data CSV').fill([
      'fullName,email,phone',
      'Budi Santoso,budi.santoso@contoh.go.id,081234567890',
      'Dr. Joko Susilo,joko.susilo@contoh.go.id,',
      'Ani Wijaya,ani.wijaya@contoh.go.id,',
    ].join('\n'));
    await page.getByRole('button', { name: 'Impor dan kirim undangan' }).click();

    await expect(page.locator('h1').textContent()).resolves.toBe('Hasil impor');
    await expect(page.locator('.lead').textContent()).resolves.toBe('2 pegawai terdaftar, 1 baris ditolak.');
    const rows = await page.locator('table.import-result tbody tr').allInnerTexts();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^2\s+Terdaftar/);
    expect(rows[1]).toMatch(/^3\s+Ditolak\s+Nama lengkap: Nama hanya boleh berisi huruf/);
    expect(rows[2]).toMatch(/^4\s+Terdaftar/);
    await lookAt(tab, 'console-import-result');
    await http.waitForMail('budi.santoso@contoh.go.id', '[TTE] Aktivasi Akun');
    expect(await usersMatching('joko.susilo@contoh.go.id')).toEqual([]);
  });

  it('finds a user by part of the name, whatever the case, or by the whole e-mail address', async () => {
    const { page, tab } = verifier;
    await page.goto(`${runtime.api}/web/console`);
    await page.getByLabel('Cari nama atau email').fill('SANTO');
    await page.getByRole('button', { name: 'Cari' }).click();
    const found = await page.locator('.user-list li').allInnerTexts();
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('Budi Santoso');
    expect(found[0]).toContain('Diundang');
    await lookAt(tab, 'console-search');

    await page.getByLabel('Cari nama atau email').fill('ani.wijaya@contoh.go.id');
    await page.getByRole('button', { name: 'Cari' }).click();
    await expect(page.locator('.user-list li').allInnerTexts()).resolves.toEqual([expect.stringContaining('Ani Wijaya')]);
    await page.getByLabel('Cari nama atau email').fill('tidak ada orang ini');
    await page.getByRole('button', { name: 'Cari' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('Tidak ada pengguna yang cocok');
  });

  it('registers one employee; without the CSRF token the form is refused and nothing is registered', async () => {
    const { page, tab } = verifier;
    await page.goto(`${runtime.api}/web/console`);
    await page.getByRole('link', { name: 'Daftarkan pegawai' }).click();
    await lookAt(tab, 'console-register');
    await page.getByLabel('Nama lengkap').fill('Citra Kirana');
    await page.getByLabel('Email').fill('citra.kirana@contoh.go.id');
    // Every token on the page: the sign-out form in the header carries one too.
    await page.evaluate("document.querySelectorAll('input[name=csrfToken]').forEach((input) => input.remove())");
    const refused = page.waitForResponse((response) => response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Kirim undangan' }).click();
    expect((await refused).status()).toBe(403);
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('token keamanan (CSRF) tidak ada atau tidak cocok');
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe('citra.kirana@contoh.go.id');
    await lookAtRefused(tab, 'console-csrf-refused');
    expect(await usersMatching('citra')).toEqual([]);

    // The form shown again carries a token: sent as is, it registers her.
    await page.getByRole('button', { name: 'Kirim undangan' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Citra Kirana');
    await expect(page.locator('.notice').textContent()).resolves.toContain('Pegawai terdaftar');
    await lookAt(tab, 'console-user-invited');
    await page.getByRole('button', { name: 'Kirim ulang tautan aktivasi' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Tautan aktivasi baru sudah dikirim');
    await expect.poll(async () => (await people.mailsWith('citra.kirana@contoh.go.id', '[TTE] Aktivasi Akun')).length, { timeout: 15_000 }).toBe(2);
  });

  it('makes an integrator key (its secret shown once, then usable), lists it, and revokes it', async () => {
    const { page, tab } = verifier;
    await page.goto(`${runtime.api}/web/console`);
    await page.getByRole('link', { name: /Kunci API integrator/ }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Kunci API integrator');
    // Nothing chosen: the error sits by the scopes, the name is kept.
    await page.getByLabel('Nama sistem').fill('E-Office Uji');
    await page.getByRole('button', { name: 'Buat kunci' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Hak akses');
    await expect(page.getByLabel('Nama sistem').inputValue()).resolves.toBe('E-Office Uji');
    await page.getByLabel(/^Penandatanganan/).check();
    await page.getByRole('button', { name: 'Buat kunci' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Kunci API dibuat');
    await lookAt(tab, 'console-api-key-made');
    const apiKey = (await page.locator('code.secret').first().textContent())!;
    const status = await fetch(`${runtime.api}/api/user/status/7271015503850001`, { headers: { 'x-api-key': apiKey } });
    expect(status.status).toBe(200);

    await page.getByRole('link', { name: 'Kembali ke daftar kunci' }).click();
    const card = page.locator('.card', { hasText: 'E-Office Uji' });
    await expect(card.textContent()).resolves.toContain('Aktif');
    await expect(page.locator('main').textContent()).resolves.not.toContain(apiKey.split('.')[1]);
    await lookAt(tab, 'console-api-keys');
    await card.getByRole('button', { name: 'Cabut kunci ini' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Kunci dicabut');
    await expect(page.locator('.card', { hasText: 'E-Office Uji' }).textContent()).resolves.toContain('Dicabut');
  });

  it("another tenant's applicant is as unknown as a missing one: 404 page, and a decision posted anyway changes nothing", async () => {
    // A second agency with its own verifier key, and an applicant of theirs waiting for review.
    const otherKey = (await addOtherTenant(runtime, 'web other tenant')).verifierKey;
    const theirs = client(runtime.api, runtime.mail, otherKey);
    const { userId, token } = await theirs.register('Sari Dewi', 'sari.dewi@lain.go.id');
    await theirs.activate(token, { fullName: 'Sari Dewi', nik: '7271014502910006' }, otherEmployment);
    expect((await theirs.submitAfterReading(token)).status).toBe(202);
    await expect.poll(() => theirs.statusOf(userId), { timeout: 15_000 }).toBe('AWAITING_REVIEW');

    const { page, tab } = verifier;
    await page.goto(`${runtime.api}/web/console`);
    const csrf = await page.evaluate<string>("document.querySelector('input[name=csrfToken]').value");
    const opened = await page.goto(`${runtime.api}/web/console/users/${userId}`);
    expect(opened!.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.toContain('Pengguna tidak ditemukan');
    await expect(page.locator('main').textContent()).resolves.not.toContain('Sari Dewi');
    await lookAt(tab, 'console-other-tenant');
    // A decision aimed at their applicant, with this session's own CSRF token.
    const posted = await page.evaluate<number>(`fetch('/web/console/users/${userId}/decision', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken: ${JSON.stringify(csrf)}, decision: 'APPROVE' }),
    }).then((response) => response.status)`);
    expect(posted).toBe(404);
    expect(await theirs.statusOf(userId)).toBe('AWAITING_REVIEW');
  });

  describe('with an employee who holds a certificate', () => {
    const email = 'ahmad.fauzi@contoh.go.id';
    let holder: Awaited<ReturnType<ReturnType<typeof certificatesClient>['holder']>>;

    beforeAll(async () => {
      holder = await certificatesClient(people).holder(people.approvedCivilServant({ ...ahmadFauzi, email }), email, 'Kantor#Palu2026', 'Tanda#Tangan2026');
    });

    it('a USER opening the console gets the 403 page', async () => {
      const context = await phone(browser);
      await context.addCookies([{ name: 'tte_session', value: String(holder.auth.bearer), url: runtime.api }]);
      const tab = await newTab(context);
      const response = await tab.page.goto(`${runtime.api}/web/console`);
      expect(response!.status()).toBe(403);
      expect(response!.headers()['cache-control']).toBe('no-store');
      await expect(tab.page.locator('h1').textContent()).resolves.toBe('Anda tidak memiliki akses ke halaman ini');
      await expect(tab.page.locator('main').textContent()).resolves.not.toContain('Ahmad');
      await lookAtRefused(tab, 'console-forbidden');
      const userPage = await tab.page.goto(`${runtime.api}/web/console/users/${holder.userId}`);
      expect(userPage!.status()).toBe(403);
      await context.close();
    });

    it('revokes the certificate, disables the account, and reactivates it from the device requests', async () => {
      const { page, tab } = verifier;
      await page.goto(`${runtime.api}/web/console?cari=${encodeURIComponent(email)}`);
      await page.getByRole('link', { name: 'Ahmad Fauzi' }).click();
      await expect(page.locator('main').textContent()).resolves.toContain('Cocok dengan data kepegawaian nasional');
      await lookAt(tab, 'console-user-active');

      await page.getByLabel('Alasan pencabutan').selectOption('keyCompromise');
      await page.getByRole('button', { name: 'Cabut sertifikat' }).click();
      await expect(page.locator('.notice').textContent()).resolves.toContain('Sertifikat dicabut');
      const certificates = (await http.call('GET', `/v1/users/${holder.userId}/certificates`, { key: key() })).body.items as { status: string; revocation?: { reason: string } }[];
      expect(certificates).toEqual([expect.objectContaining({ status: 'REVOKED', revocation: expect.objectContaining({ reason: 'keyCompromise' }) })]);

      await page.getByLabel('Alasan penonaktifan').fill('Ponsel hilang, akun diduga diakses orang lain');
      await page.getByRole('button', { name: 'Nonaktifkan akun' }).click();
      await expect(page.locator('.notice').textContent()).resolves.toContain('Akun dinonaktifkan');
      expect(await http.statusOf(holder.userId)).toBe('DISABLED');
      await lookAt(tab, 'console-user-disabled');

      // He asks to be restored with a fresh selfie.
      expect((await people.send('POST', '/v1/otp-device-requests', { body: { email } })).status).toBe(202);
      const token = linkToken(await people.waitForNthMail(email, '[TTE] Permintaan Perangkat OTP', 1), 'otp-device');
      const slot = await people.send('POST', `/v1/otp-device/${token}/photos`, { body: { kind: 'SELFIE', contentType: 'image/jpeg', contentLength: sampleSelfie.length } });
      expect((await fetch(String(slot.body.uploadUrl), { method: 'PUT', headers: slot.body.uploadHeaders as Record<string, string>, body: sampleSelfie })).status).toBe(200);
      expect((await people.send('POST', `/v1/otp-device/${token}/photos/${String(slot.body.photoId)}/confirm`)).body).toEqual({ status: 'AWAITING_REVIEW' });

      await page.goto(`${runtime.api}/web/console`);
      await page.getByRole('link', { name: 'Permintaan perangkat OTP dan pemulihan akun' }).click();
      await expect(page.locator('main').textContent()).resolves.toContain('Pemulihan akun yang dinonaktifkan');
      expect(await loadedWidth(page, 'Foto selfie baru')).toBeGreaterThan(0);
      expect(await loadedWidth(page, 'Foto selfie saat aktivasi')).toBeGreaterThan(0);
      await lookAt(tab, 'console-device-requests');
      await page.getByRole('button', { name: 'Setujui' }).click();
      await expect(page.locator('.notice').textContent()).resolves.toContain('Permintaan disetujui');
      await people.waitForNthMail(email, '[TTE] Pemulihan Akun', 1);
      await lookAt(tab, 'console-device-requests-done');
    });
  });
});

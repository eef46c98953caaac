import { rmSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { openssl } from '../openssl.js';
import { accountsClient, ahmadFauzi, sitiAminah } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { bootLocalRuntime, type Mail } from './runtime.js';
import { lookAt, newTab, phone, selfiePhoto, type PhonePage } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let people: ReturnType<typeof accountsClient>;
const tools = openssl();

const siti = { ...sitiAminah, email: 'siti.mandiri@contoh.go.id' };
const ahmad = { ...ahmadFauzi, email: 'ahmad.mandiri@contoh.go.id' };
const passwords = { siti: 'Rahasia-Siti-2026!', ahmad: 'Rahasia-Ahmad-2026!', ahmadNew: 'Baru#Ahmad2026' };
const passphrases = { first: 'Kunci#Siti2026', wrong: 'Salah#Kunci2026', next: 'Ganti#Kunci2026' };

/**
 * Siti again in a runtime whose certificates are in the renewal window at once (20 days). Her own
 * address there: the SES stand-in keeps one mail store per process.
 */
const sitiShort = { ...sitiAminah, email: 'siti.pendek.mandiri@contoh.go.id' };
let shortRuntime: Runtime | undefined;

type Runtime = Awaited<ReturnType<typeof bootLocalRuntime>>;
type People = ReturnType<typeof accountsClient>;

/** An approved civil servant sets up the account (and, with a passphrase, gets a certificate): her authenticator secret. */
async function holderOf(who: People, person: typeof siti, password: string, passphrase?: string) {
  const { setupToken } = await who.approvedCivilServant(person);
  const secret = await who.setUpAccount(setupToken, password, 'Ponsel kerja');
  if (passphrase === undefined) return { secret, serial: '' };
  const certs = certificatesClient(who);
  const issued = await certs.enroll(await certs.enrollToken(person.email), passphrase);
  if (issued.status !== 201) throw new Error(`enroll: ${issued.status} ${issued.text}`);
  return { secret, serial: String(issued.body.certificate.serialNumber) };
}

/** Made in the background while the browser starts: Siti with a certificate, Ahmad with only an account, short-runtime Siti. */
let ready: { siti: Promise<{ secret: string; serial: string }>; ahmad: Promise<{ secret: string }>; sitiShort: Promise<{ people: People; secret: string }> };

beforeAll(async () => {
  const options = { publicRequestFloorMs: 0, privacyMinReadSeconds: 1 };
  const shortBoot = bootLocalRuntime({ ...options, certificateValidityDays: 20 }).then((booted) => (shortRuntime = booted));
  [runtime, browser] = await Promise.all([bootLocalRuntime(options), launchBrowser()]);
  people = accountsClient(runtime);
  ready = {
    siti: holderOf(people, siti, passwords.siti, passphrases.first),
    ahmad: holderOf(people, ahmad, passwords.ahmad),
    sitiShort: shortBoot.then(async (booted) => {
      const shortPeople = accountsClient(booted);
      return { people: shortPeople, secret: (await holderOf(shortPeople, sitiShort, passwords.siti, passphrases.first)).secret };
    }),
  };
  for (const pending of Object.values(ready)) pending.catch(() => undefined);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([runtime?.shutdown(), shortRuntime?.shutdown()]);
  rmSync(tools.dir, { recursive: true, force: true });
});

const web = (path = '') => `${runtime.api}/web${path}`;
/** The link a person taps in an e-mail: the first http(s) URL of its text. */
const linkIn = (mail: Mail) => /https?:\/\/\S+/.exec(mail.body.text ?? '')![0];
const heading = (tab: PhonePage) => tab.page.locator('h1').textContent();
const mainText = async (tab: PhonePage) => (await tab.page.locator('main').textContent())!.replace(/\s+/g, ' ');

/** Both login steps in the browser, with a code from whichever of the person's devices is ready. */
async function signIn(tab: PhonePage, email: string, password: string, secrets: readonly string[], who: People = people, base = web('')) {
  const { page } = tab;
  if (!new URL(page.url()).pathname.endsWith('/web/login')) await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Lanjut' }).click();
  await page.getByLabel('Kode OTP').fill(await who.otp.code(who.otp.pick(secrets)));
  await page.getByRole('button', { name: 'Masuk' }).click();
}

describe('a holder on her own page: certificate, passphrase, devices, revocation', () => {
  let context: BrowserContext;
  let tab: PhonePage;
  /** Her working authenticators (the first is removed on the way). */
  let secrets: string[];
  let serial: string;

  beforeAll(async () => {
    const holder = await ready.siti;
    secrets = [holder.secret];
    serial = holder.serial;
    context = await phone(browser);
    tab = await newTab(context);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('signs in, sees her certificate and downloads it as a PEM file that openssl reads with the right serial', async () => {
    const { page } = tab;
    await page.goto(web('/me'));
    expect(await heading(tab)).toBe('Masuk');
    await signIn(tab, siti.email, passwords.siti, secrets);
    expect(new URL(page.url()).pathname).toBe('/web/me');
    expect(await heading(tab)).toBe('Akun saya');
    const text = await mainText(tab);
    expect(text).toContain('Berlaku');
    expect(text).toContain(serial.toUpperCase().match(/.{1,4}/g)!.join(' '));
    expect(text).toContain('Pembaruan dapat diajukan mulai');
    // A valid certificate: no new request offered.
    expect(await page.getByRole('button', { name: 'Ajukan sertifikat baru' }).count()).toBe(0);
    await lookAt(tab, 'me-certificate');

    const link = page.getByRole('link', { name: /^Unduh sertifikat/ });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`sertifikat-${serial}.pem`);
    const read = await tools.run(['x509', '-in', (await download.path())!, '-noout', '-serial', '-subject']);
    expect(read.ok, read.output).toBe(true);
    const printed = /serial=([0-9A-F]+)/.exec(read.output)![1]!;
    expect(printed.replace(/^0+/, '')).toBe(serial.toUpperCase().replace(/^0+/, ''));
    expect(read.output).toContain('Siti Aminah');

    const answer = await context.request.get(new URL((await link.getAttribute('href'))!, page.url()).toString());
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/x-pem-file');
    expect(answer.headers()['content-disposition']).toBe(`attachment; filename="sertifikat-${serial}.pem"`);
    expect(answer.headers()['cache-control']).toBe('no-store');
    expect(await answer.text()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // Not someone else's: without the session, the login page.
    const anonymous = await fetch(web(`/me/certificates/${serial}/pem`), { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/\/web\/login\?lanjut=/);
  });

  it('changes her passphrase through the e-mailed link: a wrong current one is refused with the attempts left, the right one changes it', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: /^Ubah passphrase/ }).click();
    expect(await page.locator('.notice').textContent()).toContain('Tautan telah dikirim ke e-mail Anda');
    await lookAt(tab, 'me-link-sent');

    await page.goto(linkIn(await people.waitForNthMail(siti.email, '[TTE] Ubah Passphrase', 1)));
    expect(await heading(tab)).toBe('Ubah passphrase');
    await lookAt(tab, 'change-passphrase');
    await page.getByLabel('Passphrase saat ini').fill(passphrases.wrong);
    await page.getByLabel('Passphrase baru', { exact: true }).fill(passphrases.next);
    await page.getByLabel('Ulangi passphrase baru').fill(passphrases.next);
    await page.getByRole('button', { name: 'Simpan' }).click();
    const summary = await page.locator('.error-summary').textContent();
    expect(summary).toContain('Passphrase salah');
    expect(summary).toContain('Sisa percobaan: 4 kali');
    // Nothing typed comes back.
    expect(await page.getByLabel('Passphrase saat ini').inputValue()).toBe('');
    expect(await page.content()).not.toContain(passphrases.wrong);
    await lookAt(tab, 'change-passphrase-wrong');

    await page.getByLabel('Passphrase saat ini').fill(passphrases.first);
    await page.getByLabel('Passphrase baru', { exact: true }).fill(passphrases.next);
    await page.getByLabel('Ulangi passphrase baru').fill(passphrases.next);
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await heading(tab)).toBe('Passphrase diubah');
    await lookAt(tab, 'passphrase-changed');
    expect((await people.waitForNthMail(siti.email, '[TTE] Pembaruan Passphrase', 1)).body.text).toContain(serial);

    // The link is used up: an Indonesian page says so.
    const again = await page.goto(linkIn(await people.waitForNthMail(siti.email, '[TTE] Ubah Passphrase', 1)));
    expect(again!.status()).toBe(410);
    expect(await heading(tab)).toBe('Tautan sudah tidak berlaku');
    await lookAt(tab, 'change-passphrase-used');
  });

  it('asks for a passphrase reset: the link is on its way by e-mail', async () => {
    const { page } = tab;
    await page.goto(web('/me'));
    await page.getByRole('button', { name: /^Reset passphrase/ }).click();
    expect(await page.locator('.notice').textContent()).toContain('Tautan telah dikirim ke e-mail Anda');
    await page.goto(linkIn(await people.waitForNthMail(siti.email, '[TTE] Reset Passphrase', 1)));
    expect(await heading(tab)).toBe('Reset passphrase');
  });

  it('adds a second authenticator, removes the first, and cannot remove the last one', async () => {
    const { page } = tab;
    await page.goto(web('/me'));
    await page.getByRole('link', { name: 'Tambah perangkat' }).click();
    expect(await heading(tab)).toBe('Tambah perangkat OTP');
    expect(await page.getByRole('img', { name: 'Kode QR untuk aplikasi autentikator' }).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.locator('[data-otp-secret]').textContent())!.replace(/\s/g, '');
    await lookAt(tab, 'me-device-new');

    await page.getByLabel('Nama perangkat').fill('Ponsel pribadi');
    await page.getByLabel('Kode OTP').fill(people.otp.wrongCode(secret));
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('Kode OTP salah');
    expect(await page.getByLabel('Nama perangkat').inputValue()).toBe('Ponsel pribadi');
    await lookAt(tab, 'me-device-new-error');
    await page.getByLabel('Kode OTP').fill(await people.otp.code(secret));
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await page.locator('.notice').textContent()).toContain('Perangkat OTP baru telah didaftarkan');
    const devices = page.locator('h2:has-text("Perangkat OTP") + p + ul > li');
    expect(await devices.count()).toBe(2);
    await lookAt(tab, 'me-devices');
    secrets = [...secrets, secret];

    await page.getByRole('button', { name: 'Hapus perangkat Ponsel kerja' }).click();
    expect(await page.locator('.notice').textContent()).toContain('Perangkat OTP telah dihapus');
    expect(await devices.allTextContents()).toEqual([expect.stringContaining('Ponsel pribadi')]);
    secrets = [secret];

    await page.getByRole('button', { name: 'Hapus perangkat Ponsel pribadi' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('Perangkat OTP terakhir tidak dapat dihapus');
    expect(await devices.allTextContents()).toEqual([expect.stringContaining('Ponsel pribadi')]);
    await lookAt(tab, 'me-last-device');
  });

  it('an expired session in the middle of a form: back to the login page with a notice, nothing changed', async () => {
    const { page } = tab;
    await page.goto(web('/me'));
    await page.getByRole('link', { name: /^Cabut sertifikat/ }).click();
    expect(await heading(tab)).toBe('Cabut sertifikat');
    await lookAt(tab, 'revoke-confirm');
    await page.getByLabel('Alasan').selectOption({ label: 'Tidak lagi memerlukan sertifikat' });
    await context.clearCookies();
    await page.getByRole('button', { name: 'Cabut sertifikat' }).click();
    expect(await heading(tab)).toBe('Masuk');
    expect(await page.locator('.notice').textContent()).toBe('Silakan masuk untuk melanjutkan.');
    await lookAt(tab, 'login-session-expired');

    // Signed in again, she is back on the confirmation: the certificate is still valid.
    await signIn(tab, siti.email, passwords.siti, secrets);
    expect(await heading(tab)).toBe('Cabut sertifikat');
    await page.goto(web('/me'));
    expect(await page.locator('.cards .status').first().textContent()).toBe('Berlaku');
    expect(await people.mailsWith(siti.email, '[TTE] Sertifikat Elektronik Dicabut')).toEqual([]);
  });

  it('revokes with a reason: shown as revoked, and a new certificate can be asked for', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: /^Cabut sertifikat/ }).click();
    await page.getByRole('button', { name: 'Cabut sertifikat' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('Alasan: Pilih alasan pencabutan.');
    await lookAt(tab, 'revoke-no-reason');
    await page.getByLabel('Alasan').selectOption({ label: 'Tidak lagi memerlukan sertifikat' });
    await page.getByRole('button', { name: 'Cabut sertifikat' }).click();

    expect(new URL(page.url()).pathname).toBe('/web/me');
    expect(await page.locator('.notice').textContent()).toContain('Sertifikat telah dicabut');
    expect(await page.locator('.cards .status').first().textContent()).toBe('Dicabut');
    expect(await mainText(tab)).toContain('Alasan: Tidak lagi memerlukan sertifikat');
    expect(await page.getByRole('button', { name: /^Ubah passphrase/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Cabut sertifikat/ }).count()).toBe(0);
    await lookAt(tab, 'me-revoked');
    expect((await people.waitForNthMail(siti.email, '[TTE] Sertifikat Elektronik Dicabut', 1)).body.text).toContain(serial);

    await page.getByRole('button', { name: 'Ajukan sertifikat baru' }).click();
    expect(await page.locator('.notice').textContent()).toContain('Tautan telah dikirim ke e-mail Anda');
    await lookAt(tab, 'me-new-request');
    // The first "Set Passphrase" came with the approval; this is the second.
    expect(linkIn(await people.waitForNthMail(siti.email, '[TTE] Set Passphrase', 2))).toMatch(/\/web\/enroll\//);
  });
});

describe('a person who lost her phone and forgot her password', () => {
  let context: BrowserContext;
  let tab: PhonePage;
  let secrets: string[];

  beforeAll(async () => {
    secrets = [(await ready.ahmad).secret];
    context = await phone(browser);
    tab = await newTab(context);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('asks for a new authenticator: a fresh selfie, the verifier approves, the new phone is registered on the page', async () => {
    const { page } = tab;
    await page.goto(web('/login'));
    await page.getByRole('link', { name: 'Ponsel autentikator hilang?' }).click();
    expect(await heading(tab)).toBe('Minta perangkat OTP baru');
    await lookAt(tab, 'otp-device-request');
    await page.getByLabel('Email').fill('bukan-email');
    await page.getByRole('button', { name: 'Kirim' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('Alamat e-mail tidak valid.');
    await lookAt(tab, 'otp-device-request-error');
    await page.getByLabel('Email').fill(ahmad.email);
    await page.getByRole('button', { name: 'Kirim' }).click();
    expect(await heading(tab)).toBe('Periksa e-mail Anda');
    await lookAt(tab, 'otp-device-requested');

    await page.goto(linkIn(await people.waitForNthMail(ahmad.email, '[TTE] Permintaan Perangkat OTP', 1)));
    expect(await heading(tab)).toBe('Minta perangkat OTP baru');
    await lookAt(tab, 'otp-device-selfie');
    await page.getByLabel('Foto selfie').setInputFiles(selfiePhoto);
    await page.getByText('Foto tersimpan').waitFor();
    await page.getByRole('link', { name: 'Lanjut' }).click();
    expect(await heading(tab)).toBe('Permintaan terkirim');
    expect(await mainText(tab)).toContain('Pendaftaran Perangkat OTP');
    await lookAt(tab, 'otp-device-submitted');

    // The verifier approves in the console (here: its API).
    const verifier = { key: runtime.seed.verifier.apiKey };
    const queue = await people.send('GET', '/v1/otp-device-requests', { auth: verifier });
    const request = (queue.body.items as Record<string, any>[]).find((item) => item.email === ahmad.email);
    expect(request).toMatchObject({ kind: 'ADD_DEVICE', status: 'AWAITING_REVIEW' });
    const approved = await people.send('POST', `/v1/otp-device-requests/${request!.requestId}/decision`, { auth: verifier, body: { decision: 'APPROVE' } });
    expect(approved.status).toBe(200);

    await page.goto(linkIn(await people.waitForNthMail(ahmad.email, '[TTE] Pendaftaran Perangkat OTP', 1)));
    expect(await heading(tab)).toBe('Daftarkan perangkat OTP baru');
    expect(await page.getByRole('img', { name: 'Kode QR untuk aplikasi autentikator' }).count()).toBe(1);
    const secret = (await page.locator('[data-otp-secret]').textContent())!.replace(/\s/g, '');
    await lookAt(tab, 'otp-device-register');
    await page.getByLabel('Kata sandi').fill('Bukan#Sandi2026');
    await page.getByLabel('Nama perangkat').fill('Ponsel baru Ahmad');
    await page.getByLabel('Kode OTP').fill('000000');
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('Kata sandi');
    // The same secret again until it is registered.
    expect((await page.locator('[data-otp-secret]').textContent())!.replace(/\s/g, '')).toBe(secret);
    await lookAt(tab, 'otp-device-register-error');
    await page.getByLabel('Kata sandi').fill(passwords.ahmad);
    await page.getByLabel('Kode OTP').fill(await people.otp.code(secret));
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await heading(tab)).toBe('Perangkat OTP terdaftar');
    await lookAt(tab, 'otp-device-registered');
    secrets = [...secrets, secret];
  });

  it('resets the forgotten password through the e-mailed link and signs in with the new one', async () => {
    const { page } = tab;
    await page.goto(web('/login'));
    await page.getByRole('link', { name: 'Lupa kata sandi?' }).click();
    expect(await heading(tab)).toBe('Lupa kata sandi');
    await lookAt(tab, 'password-reset-request');
    // An address without an account gets the very same answer (and no e-mail).
    await page.getByLabel('Email').fill('tidak.terdaftar@contoh.go.id');
    await page.getByRole('button', { name: 'Kirim' }).click();
    expect(await heading(tab)).toBe('Periksa e-mail Anda');
    const unknownAnswer = await mainText(tab);
    await page.goto(web('/password-reset'));
    await page.getByLabel('Email').fill(ahmad.email);
    await page.getByRole('button', { name: 'Kirim' }).click();
    expect(await heading(tab)).toBe('Periksa e-mail Anda');
    expect(await mainText(tab)).toBe(unknownAnswer);
    await lookAt(tab, 'password-reset-sent');

    await page.goto(linkIn(await people.waitForNthMail(ahmad.email, '[TTE] Atur Ulang Kata Sandi', 1)));
    expect(await heading(tab)).toBe('Atur ulang kata sandi');
    await lookAt(tab, 'reset-password');
    await page.getByLabel('Kode OTP').fill('000000');
    await page.getByLabel('Kata sandi', { exact: true }).fill(passwords.ahmadNew);
    await page.getByLabel('Ulangi kata sandi').fill(`${passwords.ahmadNew}x`);
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('Kata sandi dan ulangannya tidak sama.');
    await lookAt(tab, 'reset-password-error');
    await page.getByLabel('Kode OTP').fill(await people.otp.code(people.otp.pick(secrets)));
    await page.getByLabel('Kata sandi', { exact: true }).fill(passwords.ahmadNew);
    await page.getByLabel('Ulangi kata sandi').fill(passwords.ahmadNew);
    await page.getByRole('button', { name: 'Simpan' }).click();
    expect(await heading(tab)).toBe('Kata sandi diperbarui');
    await lookAt(tab, 'password-changed');

    const old = await people.send('POST', '/v1/auth/login', { body: { email: ahmad.email, password: passwords.ahmad } });
    expect(old.status).toBe(401);
    await page.getByRole('link', { name: 'Masuk' }).click();
    await signIn(tab, ahmad.email, passwords.ahmadNew, secrets);
    expect(await heading(tab)).toBe('Akun saya');
    const devices = await mainText(tab);
    expect(devices).toContain('Ponsel kerja');
    expect(devices).toContain('Ponsel baru Ahmad');
    // No certificate yet: a new request is offered.
    expect(await page.getByRole('button', { name: 'Ajukan sertifikat baru' }).count()).toBe(1);
    await lookAt(tab, 'me-no-certificate');
  });
});

describe('renewal in the last 30 days (a runtime issuing 20-day certificates)', () => {
  it('the page offers renewal; asking sends a set-passphrase link for the replacement', async () => {
    const { people: shortPeople, secret } = await ready.sitiShort;
    const context = await phone(browser);
    try {
      const tab = await newTab(context);
      const { page } = tab;
      const base = `${shortRuntime!.api}/web`;
      await signIn(tab, sitiShort.email, passwords.siti, [secret], shortPeople, base);
      expect(await heading(tab)).toBe('Akun saya');
      expect(await mainText(tab)).not.toContain('Pembaruan dapat diajukan mulai');
      await page.getByRole('button', { name: /^Perbarui sertifikat/ }).click();
      expect(await page.locator('.notice').textContent()).toContain('Tautan telah dikirim ke e-mail Anda');
      // Still valid until the replacement is issued.
      expect(await page.locator('.cards .status').first().textContent()).toBe('Berlaku');
      await lookAt(tab, 'me-renewal-sent');
      await page.goto(linkIn(await shortPeople.waitForNthMail(sitiShort.email, '[TTE] Set Passphrase', 2)));
      expect(await mainText(tab)).toContain('Sertifikat Anda akan berakhir');
    } finally {
      await context.close();
    }
  });
});

import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { scrollsSideways, seriousAccessibilityViolations } from '../browser.js';
import type { Authenticators } from './accounts-flow.js';

/** Where the browser tests leave their screenshots (git-ignored; the README's come from here). */
export const screenshots = 'test/screenshots';
mkdirSync(screenshots, { recursive: true });

export interface PhonePage {
  page: Page;
  /** Console errors and uncaught exceptions of the page so far (CSP violations included). */
  consoleErrors: string[];
}

/** A phone: 360 px wide, touch, twice the pixels; its own cookies (one person per context). */
export async function phone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
}

/** A new tab on the phone that records console errors. */
export async function newTab(context: BrowserContext): Promise<PhonePage> {
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { page, consoleErrors };
}

/** What every page must be (API.md "Web pages"): Indonesian, titled, one h1, usable on a phone, accessible. */
export async function expectAGoodPage(page: Page, consoleErrors: readonly string[]): Promise<void> {
  expect(await page.getAttribute('html', 'lang')).toBe('id');
  expect(await page.title()).toMatch(/\S.* — Layanan TTE$/);
  expect(await page.locator('h1').count()).toBe(1);
  expect(await page.locator('meta[name="viewport"]').count()).toBe(1);
  expect(await scrollsSideways(page), `${page.url()} scrolls sideways`).toBe(false);
  expect(await seriousAccessibilityViolations(page), page.url()).toEqual([]);
  // The stylesheet loaded (no CSP or 404 problem): the header has its colour.
  expect(await page.evaluate<string>("getComputedStyle(document.querySelector('.site-header')).backgroundColor")).toBe('rgb(11, 61, 110)');
  expect(consoleErrors, page.url()).toEqual([]);
}

// Chromium reports a page answered 4xx (a form shown again with its errors, an expired link) as a
// failed load; the tests assert those statuses themselves.
const pageStatusReport = /^Failed to load resource: the server responded with a status of (404|410|422) /;

/** Checks the page, then keeps a full-page screenshot of it under `name`. */
export async function lookAt(tab: PhonePage, name: string): Promise<void> {
  await expectAGoodPage(tab.page, tab.consoleErrors.filter((error) => !pageStatusReport.test(error)));
  // Chromium draws a full-page capture taller than 8,192 device pixels wrongly (the top again
  // below that line): a page that long is captured at one device pixel per CSS pixel.
  const height = await tab.page.evaluate<number>('document.documentElement.scrollHeight');
  await tab.page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true, ...(height * 2 > 8192 ? { scale: 'css' as const } : {}) });
}

/**
 * A person signs in on a phone of their own through the login page (password, then a code from
 * their authenticator), which brings them back to `path`.
 */
export async function signsInOnPhone(
  browser: Browser,
  start: { api: string; path: string },
  person: { email: string; password: string; totpSecret: string },
  otp: Authenticators,
): Promise<{ context: BrowserContext; tab: PhonePage }> {
  const context = await phone(browser);
  const tab = await newTab(context);
  const { page } = tab;
  await page.goto(`${start.api}${start.path}`);
  expect(await page.locator('h1').textContent()).toBe('Masuk');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Kata sandi').fill(person.password);
  await page.getByRole('button', { name: 'Lanjut' }).click();
  await page.getByLabel('Kode OTP').fill(await otp.code(person.totpSecret));
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => url.pathname !== '/web/login');
  return { context, tab };
}

export const ktpPhoto = new URL('../fixtures/sample-ktp.png', import.meta.url).pathname;
export const selfiePhoto = new URL('../fixtures/sample-selfie.jpg', import.meta.url).pathname;

/** Screenshots a journey step takes, when the test wants them. */
type Look = (name: string) => Promise<void>;
const noLook: Look = async () => {};

/**
 * The activation's last steps, from the KTP photo page: both photos uploaded from files, the
 * privacy policy read, consent given, sent ("Pendaftaran terkirim").
 */
export async function sendsPhotosAndConsent(page: Page, look: Look = noLook): Promise<void> {
  await page.getByLabel('Foto KTP').setInputFiles(ktpPhoto);
  await page.getByText('Foto tersimpan').waitFor();
  await look('activation-ktp');
  await page.getByRole('link', { name: 'Lanjut' }).click();
  await page.getByLabel('Foto selfie').setInputFiles(selfiePhoto);
  await page.getByText('Foto tersimpan').waitFor();
  await page.getByRole('link', { name: 'Lanjut' }).click();
  expect(await page.locator('.policy').textContent()).toContain('Kebijakan Privasi');
  await look('activation-privacy');
  await page.getByText('Anda sudah dapat mengirim pendaftaran.').waitFor();
  await page.getByRole('checkbox', { name: /Kebijakan Privasi/ }).check();
  await page.getByRole('button', { name: 'Kirim' }).click();
  expect(await page.locator('h1').textContent()).toBe('Pendaftaran terkirim');
  await look('activation-sent');
}

/** "[TTE] Informasi Akun" opened: the password and the first OTP code, read from the page's secret. Returns the secret. */
export async function setsUpAccount(page: Page, link: string, otp: Authenticators, input: { password: string; deviceName: string }, look: Look = noLook): Promise<string> {
  await page.goto(link);
  await look('account-setup');
  const secret = (await page.locator('[data-otp-secret]').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Kata sandi', { exact: true }).fill(input.password);
  await page.getByLabel('Ulangi kata sandi').fill(input.password);
  await page.getByLabel('Nama perangkat').fill(input.deviceName);
  await page.getByLabel('Kode OTP').fill(await otp.code(secret));
  await page.getByRole('button', { name: 'Simpan' }).click();
  expect(await page.locator('h1').textContent()).toBe('Akun aktif');
  await look('account-active');
  return secret;
}

/** "[TTE] Set Passphrase" opened: a fresh selfie, the passphrase, the agreement, to "Sertifikat terbit". */
export async function setsPassphrase(page: Page, link: string, passphrase: string, look: Look = noLook): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Foto selfie').setInputFiles(selfiePhoto);
  await page.getByText('Foto tersimpan').waitFor();
  await page.getByRole('link', { name: 'Lanjut' }).click();
  await look('enroll');
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Ulangi passphrase').fill(passphrase);
  await page.getByRole('checkbox', { name: /Perjanjian/ }).check();
  await page.getByRole('button', { name: 'Simpan' }).click();
  expect(await page.locator('h1').textContent()).toBe('Sertifikat terbit');
  expect(await page.locator('.serial').first().textContent()).toMatch(/^[0-9A-F ]{20,}$/);
  await look('certificate-issued');
}

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { consentStatementLabel } from '../../functions/web/flows/consent-statement.js';
import { accountsClient, sitiAminah } from './accounts-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { run } from './signing-tools.js';
import { lookAt, signsInOnPhone } from './web-pages.js';

// The statement's download links on a phone: "Akun saya" for the person, the console's user page
// for the verifier. Each link gives the sealed PDF.
let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let people: ReturnType<typeof accountsClient>;
const siti = { ...sitiAminah, email: 'siti.unduh@contoh.go.id', password: 'Rahasia-Siti-2026!' };
let sitiAccount: { userId: string; secret: string };
const work = mkdtempSync(join(tmpdir(), 'tte-web-statement-'));

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  people = accountsClient(runtime);
  const { userId, setupToken } = await people.approvedCivilServant(siti);
  sitiAccount = { userId, secret: await people.setUpAccount(setupToken, siti.password, 'Ponsel kerja') };
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

/** Clicks the link and reads the downloaded file's text. */
async function downloadText(page: Page, name: string): Promise<{ bytes: Buffer; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: consentStatementLabel }).click()]);
  const file = join(work, name);
  await download.saveAs(file);
  return { bytes: readFileSync(file), text: (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, ' ') };
}

describe('the statement on the pages', () => {
  it('the person downloads it from "Akun saya"', async () => {
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: '/web/me' }, { email: siti.email, password: siti.password, totpSecret: sitiAccount.secret }, people.otp);
    try {
      const { page } = tab;
      expect(await page.locator('h1').textContent()).toBe('Akun saya');
      await expect(page.getByRole('heading', { name: 'Surat pernyataan penggunaan data pribadi' }).count()).resolves.toBe(1);
      await page.getByRole('link', { name: consentStatementLabel }).scrollIntoViewIfNeeded();
      await lookAt(tab, 'me-consent-statement');
      const { bytes, text } = await downloadText(page, 'saya.pdf');
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(text).toContain('SURAT PERNYATAAN PENGGUNAAN DATA PRIBADI');
      expect(text).toContain('Siti Aminah');
    } finally {
      await context.close();
    }
  });

  it("the tenant's verifier downloads it from the user's page in the console", async () => {
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: `/web/console/users/${sitiAccount.userId}` }, runtime.seed.verifier, people.otp);
    try {
      const { page } = tab;
      await page.getByRole('link', { name: consentStatementLabel }).scrollIntoViewIfNeeded();
      await lookAt(tab, 'console-user-consent-statement');
      const { text } = await downloadText(page, 'verifikator.pdf');
      expect(text).toContain(siti.nip);
      expect(text).toContain('disegel secara elektronik');
    } finally {
      await context.close();
    }
  });

  it('a user without consent has no link in the console, and the address answers the Indonesian page', async () => {
    const invited = await people.enrollment.register('Budi Santoso', 'budi.unduh@contoh.go.id');
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: `/web/console/users/${invited.userId}` }, runtime.seed.verifier, people.otp);
    try {
      const { page } = tab;
      expect(await page.getByRole('link', { name: consentStatementLabel }).count()).toBe(0);
      const answer = await page.goto(`${runtime.api}/web/console/users/${invited.userId}/consent-statement`);
      expect(answer?.status()).toBe(409);
      expect(await page.locator('main').textContent()).toContain('persetujuan atas kebijakan privasi belum diberikan');
    } finally {
      await context.close();
    }
  });
});

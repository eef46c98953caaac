import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { launchBrowser } from '../browser.js';
import { accountsClient, Authenticators } from './accounts-flow.js';
import { bootLocalRuntime, linkToken } from './runtime.js';
import { expectAGoodPage, lookAt, newTab, phone, screenshots, signsInOnPhone, type PhonePage } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let people: ReturnType<typeof accountsClient>;

const contacts = [
  { name: 'Rina Verifikator', phone: '+6281234500001', email: 'rina.verifikator@contoh.go.id' },
  { name: 'Bagus Santoso', phone: '+6281234500002' },
];

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  people = accountsClient(runtime);
  // The agency's verifier contacts, as the tenant settings store them (before any page reads the tenant).
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    await db.send(new UpdateCommand({
      TableName: runtime.tableName,
      Key: keys.tenant(runtime.seed.tenant.tenantId),
      UpdateExpression: 'SET verifierContacts = :contacts',
      ExpressionAttributeValues: { ':contacts': contacts },
    }));
  } finally {
    db.destroy();
  }
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

const web = (path = '') => `${runtime.api}/web${path}`;

/**
 * The help page is taller than Chromium draws in one full-page screenshot on a phone (8192 device
 * pixels): what a person sees first, and one entry as its anchor opens it, instead.
 */
async function lookAtHelp(tab: PhonePage, name: string, anchor: string) {
  await expectAGoodPage(tab.page, tab.consoleErrors);
  await tab.page.screenshot({ path: `${screenshots}/${name}.png` });
  await tab.page.goto(`${web('/help')}#${anchor}`);
  await tab.page.screenshot({ path: `${screenshots}/${name}-${anchor}.png` });
}

describe('an expired link is never a dead end', () => {
  it("says what happened, names the agency's verifiers, links its help entry, and sends a new link from the page", async () => {
    const email = 'lina.kedaluwarsa@contoh.go.id';
    const { userId, token: old } = await people.enrollment.register('Lina Marlina', email);
    expect((await people.send('POST', `/v1/users/${userId}/links/activate`, { auth: { key: runtime.seed.verifier.apiKey } })).status).toBe(202);
    await people.waitForNthMail(email, '[TTE] Aktivasi Akun', 2);

    const context = await phone(browser);
    const tab = await newTab(context);
    const answer = await tab.page.goto(web(`/activate/${old}`));
    expect(answer?.status()).toBe(410);
    const main = (await tab.page.locator('main').textContent())!.replace(/\s+/g, ' ');
    expect(main).toContain('Tautan ini sudah diganti dengan tautan yang lebih baru');
    expect(main).toContain('Kirim tautan baru');
    expect(await tab.page.getByRole('link', { name: 'Bantuan: apa yang dapat Anda lakukan' }).getAttribute('href')).toBe('/web/help#tautan-kedaluwarsa');
    // Nobody is signed in, but the link says which agency sent it: its verifiers are named.
    const named = (await tab.page.locator('.verifier-contacts').textContent())!.replace(/\s+/g, ' ');
    expect(named).toContain('Hubungi verifikator instansi Anda:');
    expect(named).toContain('Rina Verifikator');
    expect(named).toContain('+6281234500002');
    await lookAt(tab, 'link-expired-renewal');

    await tab.page.getByLabel('Email').fill(email);
    await tab.page.getByRole('button', { name: 'Kirim tautan baru' }).click();
    await tab.page.waitForURL((url) => url.pathname === '/web/links/sent');
    expect(await tab.page.locator('h1').textContent()).toBe('Periksa e-mail Anda');
    await lookAt(tab, 'link-renewal-sent');
    const fresh = linkToken(await people.waitForNthMail(email, '[TTE] Aktivasi Akun', 3), 'activate');
    expect((await tab.page.goto(web(`/activate/${fresh}`)))?.status()).toBe(200);

    // An unknown address gets the same page, and nothing is sent.
    await tab.page.goto(web(`/activate/${old}`));
    await tab.page.getByLabel('Email').fill('tidak.terdaftar@contoh.go.id');
    await tab.page.getByRole('button', { name: 'Kirim tautan baru' }).click();
    await tab.page.waitForURL((url) => url.pathname === '/web/links/sent');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await people.mailsWith('tidak.terdaftar@contoh.go.id', '[TTE] Aktivasi Akun')).toEqual([]);
    // A link nobody sent names no agency.
    expect((await tab.page.goto(web(`/activate/${'A'.repeat(43)}`)))?.status()).toBe(404);
    expect(await tab.page.locator('.verifier-contacts').count()).toBe(0);
    await context.close();
  });
});

describe('help where it is needed', () => {
  it('lists the common failures with anchors, linked from the home page and the footer', async () => {
    const context = await phone(browser);
    const tab = await newTab(context);
    await tab.page.goto(web(''));
    await tab.page.getByRole('main').getByRole('link', { name: 'Bantuan' }).click();
    await tab.page.waitForURL((url) => url.pathname === '/web/help');
    expect(await tab.page.locator('h1').textContent()).toBe('Bantuan');
    for (const anchor of ['email-aktivasi', 'tautan-kedaluwarsa', 'nik', 'nip', 'aktivasi-gagal', 'passphrase-kedaluwarsa', 'lupa-passphrase', 'ponsel-otp-hilang', 'akun-terkunci']) {
      expect(await tab.page.locator(`section#${anchor} h2`).count(), anchor).toBe(1);
    }
    expect(await tab.page.locator('footer').getByRole('link', { name: 'Bantuan' }).getAttribute('href')).toBe('/web/help');
    // Nobody is signed in: no agency is known, so no contacts.
    expect(await tab.page.locator('.verifier-contacts').count()).toBe(0);
    await lookAtHelp(tab, 'help-page', 'tautan-kedaluwarsa');
    await context.close();
  });

  it("shows a signed-in person their agency's verifier contacts, on the help page and on their error pages", async () => {
    const otp = new Authenticators();
    const { context, tab } = await signsInOnPhone(browser, { api: runtime.api, path: `/web/login?lanjut=${encodeURIComponent('/web/help')}` }, runtime.seed.verifier, otp);
    expect(new URL(tab.page.url()).pathname).toBe('/web/help');
    const block = tab.page.locator('.verifier-contacts');
    expect((await block.textContent())!.replace(/\s+/g, ' ')).toContain('Hubungi verifikator instansi Anda:');
    expect(await block.getByRole('link', { name: 'rina.verifikator@contoh.go.id' }).getAttribute('href')).toBe('mailto:rina.verifikator@contoh.go.id');
    expect(await block.getByRole('link', { name: '+6281234500002' }).getAttribute('href')).toBe('tel:+6281234500002');
    await lookAtHelp(tab, 'help-page-contacts', 'akun-terkunci');

    const answer = await tab.page.goto(web('/console/users/pengguna-tidak-ada'));
    expect(answer?.status()).toBe(404);
    expect((await tab.page.locator('.verifier-contacts').textContent())!).toContain('Rina Verifikator');
    await lookAt(tab, 'error-page-contacts');
    await context.close();
  });
});

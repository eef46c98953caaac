import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { Authenticators } from './accounts-flow.js';
import { client } from './enrollment-flow.js';
import { businessMetricTotals } from './metrics.js';
import { addOtherTenant, bootLocalRuntime, mailTo } from './runtime.js';
import { lookAt, signsInOnPhone, type PhonePage } from './web-pages.js';

/**
 * Delivery status on the local runtime: the mailbox simulator reports bounce*, complaint* and
 * other addresses as SES would, through the same delivery handler, and the verifier sees it in
 * the API and on the user's console page.
 */

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let http: ReturnType<typeof client>;
let verifier: { tab: PhonePage };
const otp = new Authenticators();
const key = () => runtime.seed.verifier.apiKey;

type Email = { purpose: string; subject: string; status: string; at: string; detail?: string };
const userView = async (userId: string) => {
  const { status, body } = await http.call('GET', `/v1/users/${userId}`, { key: key() });
  expect(status).toBe(200);
  return body as { emails: Email[]; emailBlocked: boolean };
};
/** Waits until the user's newest e-mail is in `status`. */
const newestEmailIs = (userId: string, status: string) =>
  expect.poll(async () => (await userView(userId)).emails[0]?.status, { timeout: 15_000, interval: 100 }).toBe(status);
const activationMails = async (to: string) => (await mailTo(runtime.mail, to)).filter((mail) => mail.subject === '[TTE] Aktivasi Akun');
const bounceNotices = async () => (await mailTo(runtime.mail, runtime.seed.verifier.email)).filter((mail) => mail.subject === '[TTE] E-mail Tidak Sampai');
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  http = client(runtime.api, runtime.mail, key());
  verifier = await signsInOnPhone(browser, { api: runtime.api, path: '/web/console' }, runtime.seed.verifier, otp);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

describe('e-mail delivery status', () => {
  it('shows a delivered activation e-mail as delivered', async () => {
    const { userId } = await http.register('Sari Lestari', 'sari.lestari@contoh.go.id');
    await newestEmailIs(userId, 'DELIVERED');
    const view = await userView(userId);
    expect(view.emailBlocked).toBe(false);
    expect(view.emails).toEqual([expect.objectContaining({ purpose: 'activation', subject: '[TTE] Aktivasi Akun', status: 'DELIVERED' })]);
    expect(view.emails[0]).not.toHaveProperty('detail');
  });

  it('records a hard bounce with its reason and tells the verifiers once, by "[TTE] E-mail Tidak Sampai"', async () => {
    const before = (await bounceNotices()).length;
    const { userId } = await http.register('Rina Wulandari', 'bounce.rina@contoh.go.id');
    await newestEmailIs(userId, 'BOUNCED');
    expect((await userView(userId)).emails[0]!.detail).toBe('alamat tidak dapat menerima e-mail (smtp; 550 5.1.1 user unknown)');
    await expect.poll(async () => (await bounceNotices()).length, { timeout: 15_000 }).toBe(before + 1);
    await settle();
    const notices = await bounceNotices();
    expect(notices).toHaveLength(before + 1);
    const text = notices.at(-1)!.body.text ?? '';
    expect(text).toContain('Rina Wulandari (bounce.rina@contoh.go.id)');
    expect(text).toContain('"[TTE] Aktivasi Akun"');
    expect(text).toContain(`${runtime.api}/web/console/users/${userId}`);
    expect(text).not.toMatch(/\/activate\//);

    await verifier.tab.page.goto(`${runtime.api}/web/console/users/${userId}`);
    const section = verifier.tab.page.locator('.email-status');
    await expect(section.textContent()).resolves.toContain('Ditolak server penerima: alamat tidak dapat menerima e-mail');
    await lookAt(verifier.tab, 'console-email-bounced');
  });

  it('holds mail to an address that complained until a verifier lets it flow again', async () => {
    const email = 'complaint.dodi@contoh.go.id';
    const { userId } = await http.register('Dodi Saputra', email);
    await newestEmailIs(userId, 'COMPLAINED');
    expect((await userView(userId)).emailBlocked).toBe(true);

    // A resend is accepted but not sent: the list says why.
    expect((await http.call('POST', `/v1/users/${userId}/links/activate`, { key: key() })).status).toBe(202);
    await newestEmailIs(userId, 'SUPPRESSED');
    expect((await userView(userId)).emails.map((entry) => entry.status)).toEqual(['SUPPRESSED', 'COMPLAINED']);
    expect(await activationMails(email)).toHaveLength(1);

    // Another agency's verifier cannot lift it (the user is unknown to them).
    const other = await addOtherTenant(runtime, 'delivery status');
    expect((await http.call('DELETE', `/v1/users/${userId}/email-block`, { key: other.verifierKey })).status).toBe(404);

    const { page } = verifier.tab;
    await page.goto(`${runtime.api}/web/console/users/${userId}`);
    const section = page.locator('.email-status');
    await expect(section.textContent()).resolves.toContain('Tidak dikirim (diblokir)');
    await expect(section.textContent()).resolves.toContain('Ditandai sebagai spam');
    await expect(page.locator('.warning-text').textContent()).resolves.toContain('E-mail ke alamat ini diblokir.');
    await lookAt(verifier.tab, 'console-email-blocked');
    await page.getByRole('button', { name: 'Izinkan e-mail lagi' }).click();
    await expect(page.locator('.notice').first().textContent()).resolves.toContain('E-mail ke alamat pengguna diizinkan lagi');
    expect(await page.getByRole('button', { name: 'Izinkan e-mail lagi' }).count()).toBe(0);
    expect((await userView(userId)).emailBlocked).toBe(false);
    expect((await http.call('DELETE', `/v1/users/${userId}/email-block`, { key: key() })).status).toBe(404);

    // The resend now goes out (and this address, being a complainer, complains again).
    expect((await http.call('POST', `/v1/users/${userId}/links/activate`, { key: key() })).status).toBe(202);
    await expect.poll(async () => (await activationMails(email)).length, { timeout: 15_000 }).toBe(2);
    await newestEmailIs(userId, 'COMPLAINED');
  });

  it('counts the e-mails by status in the business metrics: one bounce, two complaints, every report after its send', async () => {
    const totals = businessMetricTotals(runtime);
    expect(totals).toMatchObject({ EmailsBounced: 1, EmailsComplained: 2 });
    expect(totals.EmailsDelivered).toBeGreaterThan(0);
    expect(totals.EmailsSent).toBeGreaterThanOrEqual(totals.EmailsDelivered! + totals.EmailsBounced!);
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { createAdminTasks } from '../../functions/operator/admin-tasks.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import { DynamoUserDirectory } from '../../shared/adapters/aws/dynamo-users.js';
import { openLocalKeyVault } from '../../shared/adapters/local/key-vault.js';
import { createLogger } from '../../shared/logger.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds, systemClock } from '../../shared/ports/runtime.js';
import { accountsClient, type Credentials } from './accounts-flow.js';
import { addOtherTenant, allTableItems, bootLocalRuntime, isEmailDeliveryRecord, linkToken } from './runtime.js';
import { lookAt, newTab, phone } from './web-pages.js';

/**
 * Security review F3 over HTTP on the local runtime: an operator disables a verifier (their
 * session is refused at once, their login answers ACCOUNT_DISABLED) and restores them with a new
 * account-setup link; verifiers reach no staff account (404, nothing written); an operator
 * disables another operator but never themself, and the deployment's break-glass task never
 * disables the last active one. Then the same from the operator console on a phone.
 */

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let browser: Browser;
let db: ReturnType<typeof createDynamoClient>;
let operator: Credentials;
/** The operator function's admin tasks, invoked directly as the deployment's administrator would. */
let adminTask: ReturnType<typeof createAdminTasks>;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  people = accountsClient(runtime);
  operator = { key: runtime.seed.operator.apiKey };
  db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  const { sealer } = openLocalKeyVault(runtime.dataDir);
  const logger = createLogger('admin-task');
  logger.setLogLevel('SILENT');
  adminTask = createAdminTasks({
    registry: new DynamoTenantRegistry(db, runtime.tableName),
    users: new DynamoUserDirectory(db, runtime.tableName),
    accounts: new DynamoAccountStore(db, runtime.tableName),
    sessions: new DynamoSessionStore(db, runtime.tableName),
    composer: messageComposer({ ids: randomIds, clock: systemClock, sealer }),
    clock: systemClock,
    ids: randomIds,
    settings: { webBaseUrl: `${runtime.api}/web` },
  }, logger);
});
afterAll(async () => {
  await browser?.close();
  db?.destroy();
  await runtime?.shutdown();
});

const send = (method: string, path: string, auth: Credentials | undefined, body?: unknown) =>
  people.send(method, path, { ...(auth ? { auth } : {}), ...(body !== undefined ? { body } : {}) });

/** Every item but e-mail, delivery, session and usage bookkeeping, which may move on their own. */
async function fingerprint(): Promise<string[]> {
  return (await allTableItems(db, runtime.tableName))
    .filter((item) => !/^(OUTBOX|USAGE|SESSION)#/.test(String(item.pk)) && !isEmailDeliveryRecord(item))
    .map((item) => JSON.stringify(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))))
    .sort();
}

/** A verifier of the demo tenant invited by the operator, set up and signed in. */
async function activeVerifier(fullName: string, email: string, password: string) {
  const invited = await send('POST', `/v1/tenants/${runtime.seed.tenant.tenantId}/verifiers`, operator, { fullName, email });
  expect(invited.status, invited.text).toBe(201);
  const mail = await people.enrollment.waitForMail(email, '[TTE] Informasi Akun');
  const secret = await people.setUpAccount(linkToken(mail, 'account-setup'), password, 'Ponsel dinas');
  const session = await people.logIn(email, password, [secret]);
  return { userId: invited.body.userId as string, secret, session: { bearer: session.sessionToken } as Credentials };
}

describe('staff accounts over HTTP', () => {
  it('an operator disables a verifier, whose session is refused at once; restored, they log in again', async () => {
    const email = 'ratna.verifikator@contoh.go.id';
    const password = 'Verifikasi#Ratna2026';
    const verifier = await activeVerifier('Ratna Sari', email, password);
    expect((await send('GET', '/v1/me', verifier.session)).status).toBe(200);

    // Another tenant's verifier, the tenant's other verifier, and the verifier themself reach no staff account.
    const other = await addOtherTenant(runtime, 'staf');
    const before = await fingerprint();
    for (const [auth, target] of [[{ key: other.verifierKey }, verifier.userId], [{ key: runtime.seed.verifier.apiKey }, verifier.userId], [verifier.session, verifier.userId]] as const) {
      const refused = await send('POST', `/v1/users/${target}/compromise`, auth, { reason: 'Coba' });
      expect([refused.status, refused.body.code], refused.text).toEqual([404, 'USER_NOT_FOUND']);
    }
    const missing = await send('POST', '/v1/users/tidak-ada/compromise', operator, { reason: 'Coba' });
    expect([missing.status, missing.body.code]).toEqual([404, 'USER_NOT_FOUND']);
    const byVerifier = await send('POST', `/v1/users/${verifier.userId}/reactivation`, { key: runtime.seed.verifier.apiKey });
    expect(byVerifier.status).toBe(403);
    expect(await fingerprint()).toEqual(before);

    const disabled = await send('POST', `/v1/users/${verifier.userId}/compromise`, operator, { reason: 'Pindah tugas ke instansi lain' });
    expect([disabled.status, disabled.body], disabled.text).toEqual([200, { status: 'DISABLED' }]);
    const refusedSession = await send('GET', '/v1/me', verifier.session);
    expect([refusedSession.status, refusedSession.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    const login = await send('POST', '/v1/auth/login', undefined, { email, password });
    expect([login.status, login.body.code]).toEqual([423, 'ACCOUNT_DISABLED']);
    const again = await send('POST', `/v1/users/${verifier.userId}/compromise`, operator, { reason: 'Lagi' });
    expect([again.status, again.body.code]).toEqual([409, 'ACCOUNT_ALREADY_DISABLED']);
    const listed = await send('GET', `/v1/tenants/${runtime.seed.tenant.tenantId}/verifiers`, operator);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ userId: verifier.userId, status: 'DISABLED' }));
    const told = await people.enrollment.waitForMail(email, '[TTE] Akun Dinonaktifkan');
    expect(told.body.text).toContain('Pindah tugas ke instansi lain');
    expect(told.body.text).toContain('operator');

    const restored = await send('POST', `/v1/users/${verifier.userId}/reactivation`, operator);
    expect([restored.status, restored.body.status], restored.text).toEqual([202, 'DISABLED']);
    const mail = await people.enrollment.waitForMail(email, '[TTE] Pemulihan Akun');
    expect(mail.body.text).toContain('Operator layanan TTE telah memulihkan akun Anda');
    const newPassword = 'Verifikasi#Baru2027';
    const secret = await people.setUpAccount(linkToken(mail, 'account-setup'), newPassword, 'Ponsel baru');
    const oldPassword = await send('POST', '/v1/auth/login', undefined, { email, password });
    expect(oldPassword.body.code).toBe('INVALID_CREDENTIALS');
    const session = await people.logIn(email, newPassword, [secret]);
    expect((await send('GET', '/v1/me', { bearer: session.sessionToken })).body).toMatchObject({ role: 'VERIFIER', status: 'ACTIVE' });
    const notDisabled = await send('POST', `/v1/users/${verifier.userId}/reactivation`, operator);
    expect([notDisabled.status, notDisabled.body.code]).toEqual([409, 'ACCOUNT_NOT_DISABLED']);
  });

  it('an operator disables another operator, never themself; the break-glass task never disables the last active one', async () => {
    const seedOperatorId = await new DynamoUserDirectory(db, runtime.tableName).findUserIdByEmail(runtime.seed.operator.email);
    const self = await send('POST', `/v1/users/${seedOperatorId}/compromise`, operator, { reason: 'Coba' });
    expect([self.status, self.body.code], self.text).toEqual([409, 'CANNOT_DISABLE_SELF']);

    const email = 'operator.dua@contoh.go.id';
    expect(await adminTask({ task: 'inviteOperator', fullName: 'Operator Dua', email })).toMatchObject({ ok: true });
    const mail = await people.enrollment.waitForMail(email, '[TTE] Informasi Akun');
    const secret = await people.setUpAccount(linkToken(mail, 'account-setup'), 'Operator#Dua2026', 'Ponsel operator');
    const second = await people.logIn(email, 'Operator#Dua2026', [secret]);
    expect(second.user).toMatchObject({ role: 'OPERATOR' });
    const asSecond = { bearer: second.sessionToken };

    const disabled = await send('POST', `/v1/users/${second.user.userId}/compromise`, operator, { reason: 'Akun diduga diambil alih' });
    expect(disabled.status, disabled.text).toBe(200);
    expect((await send('GET', '/v1/tenants', asSecond)).status).toBe(401);

    // The seed operator is now the only active one.
    const before = await fingerprint();
    expect(await adminTask({ task: 'disableOperator', email: runtime.seed.operator.email, reason: 'Darurat' })).toMatchObject({ ok: false, code: 'LAST_OPERATOR' });
    expect(await fingerprint()).toEqual(before);
    expect((await send('GET', '/v1/tenants', operator)).status).toBe(200);
  });
});

describe('the operator console', () => {
  it('disables a tenant verifier once confirmed with a reason, and sends the link that restores them', async () => {
    const verifier = await activeVerifier('Yusuf Pratama', 'yusuf.verifikator@contoh.go.id', 'Verifikasi#Yusuf2026');
    const tab = await newTab(await phone(browser));
    const { page } = tab;
    await page.goto(`${runtime.api}/web/console/tenants/${runtime.seed.tenant.tenantId}`);
    await page.getByLabel('Email').fill(runtime.seed.operator.email);
    await page.getByLabel('Kata sandi').fill(runtime.seed.operator.password);
    await page.getByRole('button', { name: 'Lanjut' }).click();
    await page.getByLabel('Kode OTP').fill(await people.otp.code(runtime.seed.operator.totpSecret));
    await page.getByRole('button', { name: 'Masuk' }).click();
    await expect(page.locator('h2', { hasText: 'Verifikator' }).count()).resolves.toBe(1);

    await page.getByRole('link', { name: 'Nonaktifkan Yusuf Pratama' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Nonaktifkan verifikator');
    await expect(page.locator('main').textContent()).resolves.toContain('Semua sesinya langsung berakhir');
    // No reason: asked for, nothing done.
    await page.getByRole('button', { name: 'Ya, nonaktifkan verifikator' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Alasan');
    expect((await send('GET', '/v1/me', verifier.session)).status).toBe(200);
    await page.getByLabel('Alasan').fill('Pindah tugas ke Dinas Pendidikan');
    await lookAt(tab, 'operator-verifier-disable');
    await page.getByRole('button', { name: 'Ya, nonaktifkan verifikator' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Verifikator dinonaktifkan');
    const card = page.locator('.card', { hasText: 'Yusuf Pratama' });
    await expect(card.textContent()).resolves.toContain('Dinonaktifkan');
    expect((await send('GET', '/v1/me', verifier.session)).status).toBe(401);
    await card.scrollIntoViewIfNeeded();
    await lookAt(tab, 'operator-verifier-disabled');

    await page.getByRole('link', { name: 'Pulihkan akun Yusuf Pratama' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Pulihkan akun verifikator');
    await page.getByRole('button', { name: 'Ya, kirim tautan pemulihan' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Tautan pemulihan');
    await people.enrollment.waitForMail('yusuf.verifikator@contoh.go.id', '[TTE] Pemulihan Akun');
  });
});

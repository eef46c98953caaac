import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsClient, ahmadFauzi, sitiAminah } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { addOtherTenant, bootLocalRuntime, linkToken } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let verifier: { key: string };

// Every renewal of this file comes from one client (127.0.0.1): the last test spends the rest.
const CLIENT_LIMIT = 12;

const siti = { ...sitiAminah, email: 'siti.tautan@contoh.go.id' };
const ahmad = { ...ahmadFauzi, email: 'ahmad.tautan@contoh.go.id' };

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0, linkRenewalClientLimit: { limit: CLIENT_LIMIT, windowSeconds: 3600 } });
  people = accountsClient(runtime);
  verifier = { key: runtime.seed.verifier.apiKey };
});
afterAll(async () => {
  await runtime?.shutdown();
});

const resend = (userId: string, purpose: string, key = verifier.key) => people.send('POST', `/v1/users/${userId}/links/${purpose}`, { auth: { key } });
const renew = (purpose: string, email: string) => people.send('POST', `/v1/links/${purpose}/renewal`, { body: { email } });
const count = async (email: string, subject: string) => (await people.mailsWith(email, subject)).length;
/** Outbox delivery is asynchronous: "nothing sent" is checked after a wait that lets a sent mail arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('a verifier sends a pending link again', () => {
  it('activation: a new link works, the old one is 410, the e-mail arrives', async () => {
    const { userId, token: first } = await people.enrollment.register('Rudi Hartono', 'rudi.tautan@contoh.go.id');
    const sent = await resend(userId, 'activate');
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ purpose: 'activate', expiresAt: expect.any(String) });
    const mail = await people.waitForNthMail('rudi.tautan@contoh.go.id', '[TTE] Aktivasi Akun', 2);
    const second = linkToken(mail, 'activate');
    expect((await people.send('GET', `/v1/activation/${first}`)).body).toMatchObject({ status: 410, code: 'TOKEN_EXPIRED' });
    expect((await people.send('GET', `/v1/activation/${second}`)).status).toBe(200);
    // The older route is the same action.
    const again = await people.send('POST', `/v1/users/${userId}/activation-link`, { auth: verifier });
    expect(again.status).toBe(202);
    expect(again.body.activationExpiresAt).toEqual(expect.any(String));
    const third = linkToken(await people.waitForNthMail('rudi.tautan@contoh.go.id', '[TTE] Aktivasi Akun', 3), 'activate');
    expect((await people.send('GET', `/v1/activation/${second}`)).status).toBe(410);
    expect((await people.send('GET', `/v1/activation/${third}`)).status).toBe(200);
  });

  it('account setup and set passphrase of an approved person: new links work, old ones are 410', async () => {
    const { userId, setupToken } = await people.approvedCivilServant(siti);
    const firstEnroll = linkToken(await people.waitForNthMail(siti.email, '[TTE] Set Passphrase', 1), 'enroll');

    expect((await resend(userId, 'account-setup')).status).toBe(202);
    const newSetup = linkToken(await people.waitForNthMail(siti.email, '[TTE] Informasi Akun', 2), 'account-setup');
    expect((await people.send('GET', `/v1/account-setup/${setupToken}`)).body).toMatchObject({ status: 410, code: 'TOKEN_EXPIRED' });
    expect((await people.send('GET', `/v1/account-setup/${newSetup}`)).status).toBe(200);

    expect((await resend(userId, 'enroll')).status).toBe(202);
    const enrollMail = await people.waitForNthMail(siti.email, '[TTE] Set Passphrase', 2);
    const newEnroll = linkToken(enrollMail, 'enroll');
    expect((await people.send('GET', `/v1/enrollment/${firstEnroll}`)).body).toMatchObject({ status: 410, code: 'TOKEN_EXPIRED' });
    const page = await people.send('GET', `/v1/enrollment/${newEnroll}`);
    expect(page.status).toBe(200);
    expect(page.body.kind).toBe('FIRST');

    // Once the account is set up, neither activation nor account setup is pending any more.
    await people.setUpAccount(newSetup, 'Rahasia-Siti-2026!', 'Ponsel kerja');
    for (const purpose of ['activate', 'account-setup']) {
      const refused = await resend(userId, purpose);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('NO_PENDING_STEP');
    }
    // The set-passphrase step still is (no certificate yet): the newest link issues it; then it is not.
    const issued = await certificatesClient(people).enroll(newEnroll, 'Kunci#Siti2026');
    expect(issued.status).toBe(201);
    const done = await resend(userId, 'enroll');
    expect(done.status).toBe(409);
    expect(done.body.code).toBe('NO_PENDING_STEP');
    await settle();
    expect(await count(siti.email, '[TTE] Set Passphrase')).toBe(2);
  });

  it("answers 404 for another tenant's user and for an unknown purpose, and sends nothing", async () => {
    const other = await addOtherTenant(runtime, 'tautan');
    const { userId } = await people.enrollment.register('Dewi Sartika', 'dewi.tautan@contoh.go.id');
    const refused = await resend(userId, 'activate', other.verifierKey);
    expect(refused.status).toBe(404);
    const unknownPurpose = await resend(userId, 'reset-password');
    expect(unknownPurpose.status).toBe(422);
    expect(unknownPurpose.body.code).toBe('VALIDATION_FAILED');
    await settle();
    expect(await count('dewi.tautan@contoh.go.id', '[TTE] Aktivasi Akun')).toBe(1);
  });
});

describe('a person asks for a new link from an expired-link page', () => {
  it('sends a fresh activation link to the registered address only, and the old one dies', async () => {
    const { token: first } = await people.enrollment.register(ahmad.fullName, ahmad.email);
    const asked = await renew('activate', ahmad.email.toUpperCase());
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ status: 'ACCEPTED' });
    const second = linkToken(await people.waitForNthMail(ahmad.email, '[TTE] Aktivasi Akun', 2), 'activate');
    expect((await people.send('GET', `/v1/activation/${first}`)).status).toBe(410);
    expect((await people.send('GET', `/v1/activation/${second}`)).status).toBe(200);
  });

  it('answers an unknown address, or a step not pending, the same way and sends nothing', async () => {
    const unknown = await renew('activate', 'tidak.ada@contoh.go.id');
    const notPending = await renew('account-setup', ahmad.email);
    for (const answer of [unknown, notPending]) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ status: 'ACCEPTED' });
    }
    await settle();
    expect(await count('tidak.ada@contoh.go.id', '[TTE] Aktivasi Akun')).toBe(0);
    expect(await count(ahmad.email, '[TTE] Informasi Akun')).toBe(0);
    expect(await count(ahmad.email, '[TTE] Aktivasi Akun')).toBe(2);
  });

  it('sends at most three links an hour to one address, then answers the same and sends nothing', async () => {
    const email = 'banjir.tautan@contoh.go.id';
    await people.enrollment.register('Banjir Permintaan', email);
    for (let i = 0; i < 4; i += 1) expect((await renew('activate', email)).status).toBe(202);
    await people.waitForNthMail(email, '[TTE] Aktivasi Akun', 4); // the registration's and three renewals
    await settle();
    expect(await count(email, '[TTE] Aktivasi Akun')).toBe(4);
  });

  it('refuses a client past its limit with 429, whatever the address', async () => {
    // Renewals so far in this file: 1 + 2 + 4 = 7.
    const answers = [];
    for (let i = 0; i < CLIENT_LIMIT - 7; i += 1) answers.push((await renew('enroll', `orang${i}@contoh.go.id`)).status);
    expect(answers.every((status) => status === 202)).toBe(true);
    const refused = await renew('enroll', 'orang.lain@contoh.go.id');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

import { X509Certificate } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { launchBrowser } from '../browser.js';
import { openssl } from '../openssl.js';
import { accountsClient, ahmadFauzi, sitiAminah, type Credentials } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { addOtherTenant, bootLocalRuntime, linkToken, type Mail } from './runtime.js';
import { lookAt, newTab, phone, type PhonePage } from './web-pages.js';

/**
 * Data change (Perubahan Data) on the local runtime, in both directions, with signing held while a
 * change waits: a user asks on her page and the verifier decides in the console; a verifier
 * proposes and the user answers through the e-mailed link; a new address confirms through its own.
 */

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let people: ReturnType<typeof accountsClient>;
let certs: ReturnType<typeof certificatesClient>;
const tools = openssl();

const siti = { ...sitiAminah, email: 'siti.perubahan@contoh.go.id', password: 'Rahasia-Siti-2026!', passphrase: 'Kunci#Siti2026' };
const ahmad = { ...ahmadFauzi, email: 'ahmad.perubahan@contoh.go.id', password: 'Rahasia-Ahmad-2026!', passphrase: 'Kunci#Ahmad2026' };
let otherTenantKey: string;

interface Holder { userId: string; secret: string; auth: Credentials; serial: string; pem: string }
let ready: { siti: Promise<Holder>; ahmad: Promise<Holder> };

/** Registered, approved by the registry, account set up, signed in, first certificate issued. */
async function holderOf(person: typeof siti): Promise<Holder> {
  const { userId, setupToken } = await people.approvedCivilServant(person);
  const secret = await people.setUpAccount(setupToken, person.password, 'Ponsel kerja');
  const session = await people.logIn(person.email, person.password, [secret]);
  const issued = await certs.enroll(await certs.enrollToken(person.email), person.passphrase);
  if (issued.status !== 201) throw new Error(`enroll: ${issued.status} ${issued.text}`);
  return { userId, secret, auth: { bearer: session.sessionToken }, serial: String(issued.body.certificate.serialNumber), pem: String(issued.body.certificate.pem) };
}

let verifier: { context: BrowserContext; tab: PhonePage };

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }), launchBrowser()]);
  people = accountsClient(runtime);
  certs = certificatesClient(people);
  otherTenantKey = (await addOtherTenant(runtime, 'data change e2e')).verifierKey;
  ready = { siti: holderOf(siti), ahmad: holderOf(ahmad) };
  for (const pending of Object.values(ready)) pending.catch(() => undefined);

  // The verifier signs in once, through the pages, for the whole file.
  const context = await phone(browser);
  const tab = await newTab(context);
  await tab.page.goto(web('/console'));
  await signIn(tab, runtime.seed.verifier.email, runtime.seed.verifier.password, runtime.seed.verifier.totpSecret);
  expect(await heading(tab)).toBe('Konsol verifikator');
  verifier = { context, tab };
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
  tools.remove();
});

const web = (path = '') => `${runtime.api}/web${path}`;
const heading = (tab: PhonePage) => tab.page.locator('h1').textContent();
const mainText = async (tab: PhonePage) => (await tab.page.locator('main').textContent())!.replace(/\s+/g, ' ');
/** The link a person taps in an e-mail: the first http(s) URL of its text. */
const linkIn = (mail: Mail) => /https?:\/\/\S+/.exec(mail.body.text ?? '')![0];
const verifierKey = () => ({ key: runtime.seed.verifier.apiKey });

async function signIn(tab: PhonePage, email: string, password: string, secret: string) {
  const { page } = tab;
  expect(await heading(tab)).toBe('Masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Lanjut' }).click();
  await page.getByLabel('Kode OTP').fill(await people.otp.code(secret));
  await page.getByRole('button', { name: 'Masuk' }).click();
}

/** Signs one hash as the person with their passphrase: what the signing API answers. */
const signHash = (auth: Credentials, passphrase: string) =>
  people.send('POST', '/v1/signatures/hashes', { auth, body: { passphrase, hashAlgorithm: 'SHA-256', hashes: [Buffer.alloc(32, 9).toString('base64')] } });

const itemCount = async () => {
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    return (await db.send(new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;
  } finally {
    db.destroy();
  }
};

/** openssl's view of a certificate through the service's own OCSP responder, and of the CRL it publishes. */
async function revocationSeenBy(name: string, pem: string, serial: string) {
  const caFile = tools.file(`${name}-ca.pem`, Buffer.from(await (await fetch(`${runtime.api}/pki/ca.pem`)).arrayBuffer()));
  const ocsp = await tools.ocsp(`${runtime.api}/pki/ocsp`, caFile, { cert: tools.file(`${name}.pem`, pem) });
  const crlDer = new Uint8Array(await (await fetch(`${runtime.api}/pki/crl`)).arrayBuffer());
  const crl = await tools.run(['crl', '-inform', 'DER', '-in', tools.file(`${name}.crl`, crlDer), '-noout', '-text', '-CAfile', caFile]);
  const entry = crl.output.split('Serial Number: ').find((part) => part.toLowerCase().startsWith(serial.replace(/^0+/, '').toLowerCase())) ?? '';
  return { ocsp: ocsp.output, crlVerified: crl.output.includes('verify OK'), crlEntry: entry };
}

describe('the user asks, the verifier decides', () => {
  it('asks on her page; signing is held (409 SUSPENDED); a second change is refused; another tenant sees nothing; rejected in the console, she signs again', async () => {
    const holder = await ready.siti;
    expect((await signHash(holder.auth, siti.passphrase)).status).toBe(200);
    const context = await phone(browser);
    const tab = await newTab(context);
    const { page } = tab;

    await page.goto(web('/me'));
    await signIn(tab, siti.email, siti.password, holder.secret);
    expect(await heading(tab)).toBe('Akun saya');
    await page.getByRole('link', { name: 'Ajukan perubahan data' }).click();
    expect(await heading(tab)).toBe('Perubahan data');
    await expect(page.getByLabel('Jabatan').inputValue()).resolves.toBe(sitiAminah.position);
    await lookAt(tab, 'data-change-form');

    // Nothing changed: the form says so and keeps what she typed.
    await page.getByLabel('Alasan').fill('SK mutasi jabatan nomor 800/12/2026');
    await page.getByRole('button', { name: 'Kirim' }).click();
    expect(await mainText(tab)).toContain('Tidak ada data yang berubah');
    await expect(page.getByLabel('Alasan').inputValue()).resolves.toBe('SK mutasi jabatan nomor 800/12/2026');

    await page.getByLabel('Jabatan').fill('Kepala Seksi Aplikasi Informatika');
    await page.getByRole('button', { name: 'Kirim' }).click();
    expect(new URL(page.url()).search).toBe('?selesai=diajukan');
    const pendingText = await mainText(tab);
    expect(pendingText).toContain('Menunggu keputusan');
    expect(pendingText).toContain('Kepala Seksi Aplikasi Informatika');
    expect(pendingText).toContain('sertifikat elektronik ditangguhkan');
    await lookAt(tab, 'data-change-pending');
    await page.goto(web('/me'));
    expect(await mainText(tab)).toContain('Permintaan perubahan data Anda menunggu keputusan verifikator');
    expect(await mainText(tab)).toContain('Ditangguhkan');
    await lookAt(tab, 'me-data-change-pending');

    const held = await signHash(holder.auth, siti.passphrase);
    expect([held.status, held.body.code, held.body.reason]).toEqual([409, 'SIGNER_NOT_ELIGIBLE', 'SUSPENDED']);
    const passphraseChange = await people.send('POST', `/v1/me/certificates/${holder.serial}/passphrase-change`, { auth: holder.auth });
    expect([passphraseChange.status, passphraseChange.body.code]).toEqual([409, 'CERTIFICATE_SUSPENDED']);

    const before = await itemCount();
    const second = await people.send('POST', '/v1/me/data-change-requests', { auth: holder.auth, body: { phone: '081234567890', reason: 'Nomor baru' } });
    expect([second.status, second.body.code]).toEqual([409, 'DATA_CHANGE_PENDING']);
    expect(await itemCount()).toBe(before);

    const mine = await people.send('GET', '/v1/data-change-requests?status=PENDING', { auth: holder.auth });
    const requestId = String(mine.body.items[0].requestId);
    const foreign = await people.send('POST', `/v1/data-change-requests/${requestId}/decision`, { auth: { key: otherTenantKey }, body: { decision: 'APPROVE' } });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'DATA_CHANGE_NOT_FOUND']);
    expect((await people.send('GET', '/v1/data-change-requests', { auth: { key: otherTenantKey } })).body.items).toEqual([]);
    const own = await people.send('POST', `/v1/data-change-requests/${requestId}/decision`, { auth: holder.auth, body: { decision: 'APPROVE' } });
    expect([own.status, own.body.code]).toEqual([403, 'DATA_CHANGE_OTHER_PARTY']);
    expect(await itemCount()).toBe(before);

    // The verifier's queue, on a phone: a rejection needs a reason.
    const desk = verifier.tab;
    await desk.page.goto(web('/console'));
    await desk.page.getByRole('link', { name: 'Perubahan data pegawai' }).click();
    expect(await heading(desk)).toBe('Perubahan data pegawai');
    expect(await mainText(desk)).toContain('Kepala Seksi Aplikasi Informatika');
    await lookAt(desk, 'console-data-changes');
    await desk.page.getByRole('button', { name: 'Tolak' }).click();
    expect(await mainText(desk)).toContain('Wajib diisi');
    await lookAt(desk, 'console-data-changes-error');
    await desk.page.getByLabel('Alasan').fill('Lampirkan SK mutasi yang sudah ditandatangani');
    await desk.page.getByRole('button', { name: 'Tolak' }).click();
    expect(await mainText(desk)).toContain('Permintaan ditolak');
    expect(await mainText(desk)).toContain('Tidak ada perubahan data dengan status ini');

    expect((await signHash(holder.auth, siti.passphrase)).status).toBe(200);
    // The outbox sends after the decision commits: wait for the e-mail, then check it came once.
    await people.waitForNthMail(siti.email, '[TTE] Perubahan Data Ditolak', 1);
    const mails = await people.mailsWith(siti.email, '[TTE] Perubahan Data Ditolak');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.text).toContain('Lampirkan SK mutasi yang sudah ditandatangani');
    expect(mails[0]!.body.text).toContain('berlaku kembali');
    await people.waitForNthMail(siti.email, '[TTE] Perubahan Data Diajukan', 1);
    await people.waitForNthMail(runtime.seed.verifier.email, '[TTE] Permintaan Perubahan Data', 1);
    await context.close();
  });
});

describe('the verifier proposes, the user answers through the link', () => {
  it('approved: the old certificate is revoked (OCSP and CRL say affiliationChanged) and the set-passphrase link issues one with the new name and unit', async () => {
    const holder = await ready.ahmad;
    const newName = 'Ahmad Fauzi Rahman';
    const newUnit = 'Bidang Persandian dan Statistik';
    const foreign = await people.send('POST', `/v1/users/${holder.userId}/data-change-requests`, { auth: { key: otherTenantKey }, body: { unitName: newUnit, reason: 'Mutasi' } });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'USER_NOT_FOUND']);
    const proposed = await people.send('POST', `/v1/users/${holder.userId}/data-change-requests`, {
      auth: verifierKey(), body: { fullName: newName, unitName: newUnit, reason: 'SK mutasi 821/45/2026 dan akta perubahan nama' },
    });
    expect(proposed.status, proposed.text).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'PENDING', origin: 'VERIFIER', awaiting: 'USER', certificateHeld: true });
    const held = await signHash(holder.auth, ahmad.passphrase);
    expect([held.status, held.body.reason]).toEqual([409, 'SUSPENDED']);
    // Suspended is internal: OCSP still answers good.
    expect((await revocationSeenBy('ahmad-held', holder.pem, holder.serial)).ocsp).toContain(': good');

    const mail = await people.waitForNthMail(ahmad.email, '[TTE] Perubahan Data', 1);
    expect(mail.body.text).toContain(`Nama lengkap: "Ahmad Fauzi" menjadi "${newName}"`);
    linkToken(mail, 'data-change');
    const context = await phone(browser);
    const tab = await newTab(context);
    await tab.page.goto(linkIn(mail));
    expect(await heading(tab)).toBe('Konfirmasi perubahan data');
    expect(await mainText(tab)).toContain(newUnit);
    await lookAt(tab, 'data-change-link');
    await tab.page.getByRole('button', { name: 'Setujui' }).click();
    expect(await heading(tab)).toBe('Perubahan data disetujui');
    await lookAt(tab, 'data-change-approved');
    // The link has done its work.
    await tab.page.goto(linkIn(mail));
    expect(await heading(tab)).toBe('Tautan sudah tidak berlaku');
    await context.close();

    const seen = await revocationSeenBy('ahmad-revoked', holder.pem, holder.serial);
    expect(seen.ocsp).toContain(': revoked');
    expect(seen.ocsp).toContain('Reason: affiliationChanged');
    expect(seen.crlVerified).toBe(true);
    expect(seen.crlEntry).toContain('Affiliation Changed');
    const refused = await signHash(holder.auth, ahmad.passphrase);
    expect([refused.status, refused.body.reason]).toEqual([409, 'REVOKED']);

    await people.waitForNthMail(ahmad.email, '[TTE] Perubahan Data Disetujui', 1);
    await people.waitForNthMail(ahmad.email, '[TTE] Sertifikat Elektronik Dicabut', 1);
    await people.waitForNthMail(runtime.seed.verifier.email, '[TTE] Tanggapan Perubahan Data', 1);
    const link = linkToken(await people.waitForNthMail(ahmad.email, '[TTE] Set Passphrase', 2), 'enroll');
    const issued = await certs.enroll(link, 'Kunci#Baru2026');
    expect(issued.status, issued.text).toBe(201);
    const subject = new X509Certificate(String(issued.body.certificate.pem)).subject;
    expect(subject).toContain(`CN=${newName}`);
    expect(subject).toContain(`OU=${newUnit}`);
    expect((await signHash(holder.auth, 'Kunci#Baru2026')).status).toBe(200);
  });
});

describe('a new e-mail address', () => {
  it('is confirmed by a link to it: the account and its login move there, and the new certificate link follows', async () => {
    const holder = await ready.siti;
    const newEmail = 'siti.aminah.baru@contoh.go.id';
    const asked = await people.send('POST', '/v1/me/data-change-requests', { auth: holder.auth, body: { email: newEmail, reason: 'Alamat e-mail dinas baru' } });
    expect(asked.status, asked.text).toBe(201);
    const approved = await people.send('POST', `/v1/data-change-requests/${String(asked.body.requestId)}/decision`, { auth: verifierKey(), body: { decision: 'APPROVE' } });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', revoked: { reason: 'superseded' }, emailConfirmation: { address: newEmail, status: 'AWAITING_CONFIRMATION' } });

    const context = await phone(browser);
    const tab = await newTab(context);
    await tab.page.goto(linkIn(await people.waitForNthMail(newEmail, '[TTE] Konfirmasi Alamat E-mail', 1)));
    expect(await heading(tab)).toBe('Konfirmasi alamat e-mail');
    await lookAt(tab, 'confirm-email');
    await tab.page.getByRole('button', { name: 'Konfirmasi alamat e-mail' }).click();
    expect(await heading(tab)).toBe('Alamat e-mail dikonfirmasi');
    await lookAt(tab, 'email-confirmed');
    await context.close();

    await people.logIn(newEmail, siti.password, [holder.secret]);
    const oldLogin = await people.send('POST', '/v1/auth/login', { body: { email: siti.email, password: siti.password } });
    expect(oldLogin.status).toBe(401);
    await people.waitForNthMail(siti.email, '[TTE] Alamat E-mail Diperbarui', 1);
    const link = linkToken(await people.waitForNthMail(newEmail, '[TTE] Set Passphrase', 1), 'enroll');
    const issued = await certs.enroll(link, 'Kunci#Siti2027');
    expect(issued.status, issued.text).toBe(201);
    expect(new X509Certificate(String(issued.body.certificate.pem)).subjectAltName).toBe(`email:${newEmail}`);
  });
});

describe('the verifier proposal form', () => {
  it('opens from the user page, prefilled, and refuses a change that changes nothing', async () => {
    const holder = await ready.ahmad;
    const { tab } = verifier;
    await tab.page.goto(web(`/console/users/${holder.userId}`));
    await tab.page.getByRole('link', { name: 'usulkan perubahan data' }).click();
    expect(await heading(tab)).toBe('Usulkan perubahan data');
    await expect(tab.page.getByLabel('Nama lengkap').inputValue()).resolves.toBe('Ahmad Fauzi Rahman');
    await tab.page.getByLabel('Alasan').fill('Pemutakhiran data');
    await tab.page.getByRole('button', { name: 'Kirim' }).click();
    expect(await mainText(tab)).toContain('Tidak ada data yang berubah');
    await lookAt(tab, 'console-propose-data-change');
  });
});

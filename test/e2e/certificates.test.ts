import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog, type ErrorCode } from '../../shared/domain/errors.js';
import { accountsClient, ahmadFauzi, sitiAminah, type Answer, type Credentials } from './accounts-flow.js';
import { approvedOfficer, budiSantoso, certificatesClient, openssl } from './certificates-flow.js';
import { addOtherTenant, bootLocalRuntime, linkToken, type Mail } from './runtime.js';

type Runtime = Awaited<ReturnType<typeof bootLocalRuntime>>;
type Holder = Awaited<ReturnType<ReturnType<typeof certificatesClient>['holder']>>;

/** The default runtime (730-day certificates) and one whose certificates are in the renewal window at once (20 days). */
let runtime: Runtime;
let people: ReturnType<typeof accountsClient>;
let certs: ReturnType<typeof certificatesClient>;
let shortRuntime: Runtime;
let shortPeople: ReturnType<typeof accountsClient>;
let shortCerts: ReturnType<typeof certificatesClient>;
const tools = openssl();

/** Every passphrase this file types anywhere, right or wrong: none may come back in an answer or a mail. */
const passphrases: string[] = [];
const typed = (value: string) => {
  passphrases.push(value);
  return value;
};

const siti = { ...sitiAminah, email: 'siti.aminah@contoh.go.id' };
const password = 'Rahasia-Siti-2025!';
const passphrase = typed('Kunci#Tanda2025');

const journey = { auth: {} as Credentials, serial: '', pem: '', enrollToken: '' };

const ahmad = { ...ahmadFauzi, email: 'ahmad.fauzi@contoh.go.id' };
const budi = { ...budiSantoso, email: 'budi.santoso@contoh.go.id' };
/**
 * Siti again, in the short-validity runtime. Her own address there: the SES stand-in keeps one mail
 * store per process, so both runtimes' mail shows in either `/store`.
 */
const sitiShort = { ...sitiAminah, email: 'siti.aminah.pendek@contoh.go.id' };

/** Made while the journey runs: Ahmad without a certificate yet, Budi and short-runtime Siti with one. */
let ready: { ahmad: Promise<Holder>; budi: Promise<Holder>; sitiShort: Promise<Holder> };
const passphraseOf = { ahmad: typed('Fauzi!Kunci2025'), budi: typed('Budi%Polri2025'), sitiShort: typed('Siti*Pendek2025') };

/** Another tenant with its own verifier key, written straight into the table (the seed has one tenant). */
let otherTenantKey: string;

/** The short-validity runtime boots in the background while the default one serves the journey. */
let shortBoot: Promise<Runtime> | undefined;

beforeAll(async () => {
  const options = { privacyMinReadSeconds: 1, publicRequestFloorMs: 0 };
  shortBoot = bootLocalRuntime({ ...options, certificateValidityDays: 20 });
  shortBoot.catch(() => undefined);
  runtime = await bootLocalRuntime(options);
  people = accountsClient(runtime);
  certs = certificatesClient(people);

  otherTenantKey = (await addOtherTenant(runtime, 'certificates e2e')).verifierKey;

  // The other people get ready in the background while the journey runs; each test awaits its own.
  ready = {
    ahmad: certs.holder(people.approvedCivilServant(ahmad), ahmad.email, 'Rahasia-Ahmad-2025!'),
    budi: certs.holder(approvedOfficer(people, budi), budi.email, 'Rahasia-Budi-2025!', passphraseOf.budi),
    sitiShort: shortBoot.then((booted) => {
      shortRuntime = booted;
      shortPeople = accountsClient(booted);
      shortCerts = certificatesClient(shortPeople);
      return shortCerts.holder(shortPeople.approvedCivilServant(sitiShort), sitiShort.email, password, passphraseOf.sitiShort);
    }),
  };
  for (const pending of Object.values(ready)) pending.catch(() => undefined);
});
afterAll(async () => {
  const short = await shortBoot?.catch(() => undefined);
  await Promise.all([runtime?.shutdown(), short?.shutdown()]);
  rmSync(tools.dir, { recursive: true, force: true });
});

const get = async (path: string, api = runtime.api) => {
  const response = await fetch(`${api}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
};

/** What a person sees of a refusal: the status, the code, and the Indonesian explanation of that code. */
function expectProblem(answer: Answer, status: number, code: ErrorCode, fieldErrors?: { field: string; code: string }[]) {
  expect([answer.status, answer.body.code], answer.text).toEqual([status, code]);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body.detail).toBe(errorCatalog[code].id);
  if (fieldErrors) expect(answer.body.errors).toEqual(fieldErrors.map((error) => expect.objectContaining(error)));
}

/** The CA of a runtime in a file, for openssl. */
const caFileOf = async (name: string, api = runtime.api) => tools.file(`${name}-ca.pem`, (await get('/pki/ca.pem', api)).bytes);

describe('from an approved civil servant to a certificate that openssl checks against the CA, CRL and OCSP', () => {
  it('an approved, active employee sets her passphrase through the link and gets her certificate', async () => {
    const { setupToken } = await people.approvedCivilServant(siti);
    const secret = await people.setUpAccount(setupToken, password, 'Ponsel Siti');
    const session = await people.logIn(siti.email, password, [secret]);
    journey.auth = { bearer: session.sessionToken };
    journey.enrollToken = await certs.enrollToken(siti.email);

    const page = await people.send('GET', `/v1/enrollment/${journey.enrollToken}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ kind: 'FIRST', profile: { fullName: 'Siti Aminah', email: siti.email, country: 'ID' }, selfieConfirmed: false });
    expect(page.body.agreement.text).toContain('Perjanjian Pemilik Sertifikat');

    const issued = await certs.enroll(journey.enrollToken, passphrase);
    expect(issued.status, issued.text).toBe(201);
    const certificate = issued.body.certificate as Record<string, string>;
    expect(certificate).toMatchObject({ status: 'ISSUED' });
    expect(certificate.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(certificate.subject).toContain('CN=Siti Aminah');
    Object.assign(journey, { serial: certificate.serialNumber, pem: certificate.pem });

    const mail = await people.waitForNthMail(siti.email, '[TTE] Sertifikat Elektronik Terbit', 1);
    expect(mail.body.text).toContain(certificate.serialNumber);
    expect(mail.body.text).toContain('Nama (CN): Siti Aminah');
  });

  it('a retry on the same link answers with the same certificate, and nothing more is issued', async () => {
    const again = await people.send('POST', `/v1/enrollment/${journey.enrollToken}`, { body: { passphrase, passphraseConfirmation: passphrase, acceptAgreement: true } });
    expect(again.status).toBe(201);
    expect(again.body.certificate.serialNumber).toBe(journey.serial);
    expect(await certs.myCertificates(journey.auth)).toHaveLength(1);
  });

  it('openssl verifies the certificate against /pki/ca.pem, with the CRL from /pki/crl, and OCSP says good', async () => {
    const ca = await get('/pki/ca.pem');
    expect([ca.status, ca.type]).toEqual([200, 'application/x-pem-file']);
    const caFile = tools.file('ca.pem', ca.bytes);
    const leafFile = tools.file('leaf.pem', journey.pem);
    expect((await tools.run(['verify', '-CAfile', caFile, leafFile])).output).toContain('OK');

    const crl = await get('/pki/crl');
    expect([crl.status, crl.type]).toEqual([200, 'application/pkix-crl']);
    const crlFile = tools.file('crl.der', crl.bytes);
    const crlPem = (await tools.run(['crl', '-inform', 'DER', '-in', crlFile, '-outform', 'PEM'])).output;
    const crlPemFile = tools.file('crl.pem', crlPem);
    expect((await tools.run(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlPemFile, leafFile])).output).toContain('OK');

    const ocsp = await tools.run(['ocsp', '-issuer', caFile, '-cert', leafFile, '-url', `${runtime.api}/pki/ocsp`, '-CAfile', caFile]);
    expect(ocsp.output, ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/: good/);
  });

  it('revoked by its holder, the certificate is revoked in the CRL and in OCSP', async () => {
    const revoked = await people.send('POST', `/v1/me/certificates/${journey.serial}/revocation`, { auth: journey.auth, body: { reason: 'keyCompromise' } });
    expect(revoked.status, revoked.text).toBe(200);
    await people.waitForNthMail(siti.email, '[TTE] Sertifikat Elektronik Dicabut', 1);

    const caFile = tools.file('ca.pem', (await get('/pki/ca.pem')).bytes);
    const leafFile = tools.file('leaf.pem', journey.pem);
    const crlPemFile = tools.file('crl2.pem', (await tools.run(['crl', '-inform', 'DER', '-in', tools.file('crl2.der', (await get('/pki/crl')).bytes), '-outform', 'PEM'])).output);
    const verify = await tools.run(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlPemFile, leafFile]);
    expect(verify.ok).toBe(false);
    expect(verify.output).toContain('certificate revoked');

    const ocsp = await tools.run(['ocsp', '-issuer', caFile, '-cert', leafFile, '-url', `${runtime.api}/pki/ocsp`, '-CAfile', caFile]);
    expect(ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/: revoked/);
    expect(ocsp.output).toMatch(/Reason: keyCompromise/);
  });
});

describe('bad input on the set-passphrase link: each refused with its code, and nothing issued', () => {
  let person: Holder;
  const terbit = '[TTE] Sertifikat Elektronik Terbit';
  const body = (overrides: Record<string, unknown> = {}) => ({ passphrase: passphraseOf.ahmad, passphraseConfirmation: passphraseOf.ahmad, acceptAgreement: true, ...overrides });
  const enrollWith = (overrides: Record<string, unknown>) => people.send('POST', `/v1/enrollment/${person.enrollToken}`, { body: body(overrides) });
  const expectNothingIssued = async () => {
    expect(await certs.myCertificates(person.auth)).toEqual([]);
    expect(await people.mailsWith(ahmad.email, terbit)).toEqual([]);
  };

  beforeAll(async () => {
    person = await ready.ahmad;
  });

  it('an unknown link is 404 TOKEN_NOT_FOUND, for the page and for the passphrase', async () => {
    const unknown = randomBytes(32).toString('base64url');
    expectProblem(await people.send('GET', `/v1/enrollment/${unknown}`), 404, 'TOKEN_NOT_FOUND');
    expectProblem(await people.send('POST', `/v1/enrollment/${unknown}`, { body: body() }), 404, 'TOKEN_NOT_FOUND');
    await expectNothingIssued();
  });

  it('without a fresh selfie: 422 SELFIE_REQUIRED', async () => {
    const page = await people.send('GET', `/v1/enrollment/${person.enrollToken}`);
    expect(page.body).toMatchObject({ kind: 'FIRST', selfieConfirmed: false, profile: { fullName: 'Ahmad Fauzi' } });
    expectProblem(await enrollWith({}), 422, 'SELFIE_REQUIRED');
    await expectNothingIssued();
  });

  it('with the selfie in: a weak passphrase, a mismatched confirmation, the agreement refused: 422 each', async () => {
    expect((await certs.freshSelfie('enrollment', person.enrollToken)).status).toBe(200);
    expect((await people.send('GET', `/v1/enrollment/${person.enrollToken}`)).body.selfieConfirmed).toBe(true);

    for (const weak of ['FauziKunci2025', 'Fauzi^Kunci2025', 'Fauzi\\Kunci2025', 'Fz#1a', 'fauzi!kunci2025']) {
      const value = typed(weak);
      expectProblem(await enrollWith({ passphrase: value, passphraseConfirmation: value }), 422, 'VALIDATION_FAILED', [{ field: 'passphrase', code: 'PASSPHRASE_POLICY' }]);
    }
    expectProblem(await enrollWith({ passphraseConfirmation: typed('Fauzi!Kunci2026') }), 422, 'VALIDATION_FAILED', [{ field: 'passphraseConfirmation', code: 'PASSPHRASE_MISMATCH' }]);
    expectProblem(await enrollWith({ acceptAgreement: false }), 422, 'VALIDATION_FAILED', [{ field: 'acceptAgreement', code: 'AGREEMENT_NOT_ACCEPTED' }]);
    await expectNothingIssued();
  });

  it('then the right input issues one certificate; the used link answers 410 TOKEN_USED', async () => {
    const issued = await enrollWith({});
    expect(issued.status, issued.text).toBe(201);
    person.certificate = issued.body.certificate as Record<string, string>;
    expect(person.certificate).toMatchObject({ status: 'ISSUED' });
    expect(person.certificate.subject).toContain('CN=Ahmad Fauzi');
    await people.waitForNthMail(ahmad.email, terbit, 1);

    expectProblem(await people.send('GET', `/v1/enrollment/${person.enrollToken}`), 410, 'TOKEN_USED');
    const mine = await certs.myCertificates(person.auth);
    expect(mine.map((certificate) => [certificate.serialNumber, certificate.status])).toEqual([[person.certificate.serialNumber, 'ISSUED']]);
    expect(await people.mailsWith(ahmad.email, terbit)).toHaveLength(1);
  });

  it('renewal of a 730-day certificate is not open yet: 409 RENEWAL_NOT_OPEN with the day it opens', async () => {
    const { serialNumber, notAfter } = person.certificate!;
    const renewal = await people.send('POST', `/v1/me/certificates/${serialNumber}/renewal`, { auth: person.auth });
    expectProblem(renewal, 409, 'RENEWAL_NOT_OPEN');
    expect(renewal.body.renewalOpensAt).toBe(new Date(new Date(notAfter!).getTime() - 30 * 86_400_000).toISOString());
    expect(await people.mailsWith(ahmad.email, '[TTE] Set Passphrase')).toHaveLength(1);
    expect((await certs.myCertificates(person.auth))[0]).toMatchObject({ serialNumber, status: 'ISSUED' });
  });
});

describe('passphrase change: the same key under a new passphrase', () => {
  let person: Holder;
  const changed = typed('Fauzi$Baru2026');

  it('a change link by e-mail; a wrong current passphrase is 401 with 4 attempts left; the right one changes it', async () => {
    person = await ready.ahmad;
    const serial = person.certificate!.serialNumber!;
    const asked = await people.send('POST', `/v1/me/certificates/${serial}/passphrase-change`, { auth: person.auth });
    expect(asked.status, asked.text).toBe(202);
    const mail = await people.waitForNthMail(ahmad.email, '[TTE] Ubah Passphrase', 1);
    expect(mail.body.text).toContain(serial);
    const token = linkToken(mail, 'change-passphrase');

    const page = await people.send('GET', `/v1/change-passphrase/${token}`);
    expect(page.status, page.text).toBe(200);
    expect(page.body).toMatchObject({ fullName: 'Ahmad Fauzi', email: ahmad.email, serialNumber: serial, keyLocked: false });

    const wrong = await people.send('POST', `/v1/change-passphrase/${token}`, {
      body: { currentPassphrase: typed('Fauzi!Salah2025'), newPassphrase: changed, newPassphraseConfirmation: changed },
    });
    expectProblem(wrong, 401, 'PASSPHRASE_INVALID');
    expect(wrong.body.attemptsLeft).toBe(4);

    const right = await people.send('POST', `/v1/change-passphrase/${token}`, {
      body: { currentPassphrase: passphraseOf.ahmad, newPassphrase: changed, newPassphraseConfirmation: changed },
    });
    expect(right.status, right.text).toBe(204);
    const confirmation = await people.waitForNthMail(ahmad.email, '[TTE] Pembaruan Passphrase', 1);
    expect(confirmation.body.text).toContain(`nomor seri ${serial}) telah diubah`);
    expectProblem(await people.send('GET', `/v1/change-passphrase/${token}`), 410, 'TOKEN_USED');
    // The same key and certificate, still valid.
    expect((await certs.myCertificates(person.auth)).map((certificate) => [certificate.serialNumber, certificate.status])).toEqual([[serial, 'ISSUED']]);
  });
});

describe("revoking someone else's certificate", () => {
  let person: Holder;
  const dicabut = '[TTE] Sertifikat Elektronik Dicabut';
  const viaVerifier = (key: string, userId: string, serial: string) =>
    people.send('POST', `/v1/users/${userId}/certificates/${serial}/revocation`, { auth: { key }, body: { reason: 'affiliationChanged' } });

  it("another user's session and another tenant's verifier get 404, and the certificate stays ISSUED", async () => {
    person = await ready.ahmad;
    const serial = person.certificate!.serialNumber!;
    const bySiti = await people.send('POST', `/v1/me/certificates/${serial}/revocation`, { auth: journey.auth, body: { reason: 'keyCompromise' } });
    expectProblem(bySiti, 404, 'CERTIFICATE_NOT_FOUND');

    // Another tenant's employee is as unknown to a verifier as nobody at all.
    expectProblem(await viaVerifier(otherTenantKey, person.userId, serial), 404, 'USER_NOT_FOUND');
    expectProblem(await people.send('GET', `/v1/users/${person.userId}/certificates`, { auth: { key: otherTenantKey } }), 404, 'USER_NOT_FOUND');

    expect((await certs.myCertificates(person.auth))[0]).toMatchObject({ serialNumber: serial, status: 'ISSUED' });
    expect(await people.mailsWith(ahmad.email, dicabut)).toEqual([]);
  });

  it("the tenant's own verifier lists the user's certificates and revokes one (affiliationChanged); the holder is told it was the verifier", async () => {
    const serial = person.certificate!.serialNumber!;
    const { apiKey } = runtime.seed.verifier;
    const listed = await people.send('GET', `/v1/users/${person.userId}/certificates`, { auth: { key: apiKey } });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items.map((certificate: Record<string, string>) => [certificate.serialNumber, certificate.status])).toEqual([[serial, 'ISSUED']]);

    const revoked = await viaVerifier(apiKey, person.userId, serial);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toEqual({ serialNumber: serial, status: 'REVOKED' });

    const mail = await people.waitForNthMail(ahmad.email, dicabut, 1);
    expect(mail.body.text).toContain(serial);
    expect(mail.body.text).toContain('oleh verifikator instansi Anda');
    expect(mail.body.text).toContain('affiliationChanged');
    expect((await certs.myCertificates(person.auth))[0]).toMatchObject({ serialNumber: serial, status: 'REVOKED', revocation: { reason: 'affiliationChanged' } });

    const caFile = await caFileOf('ahmad');
    const ocsp = await tools.ocsp(`${runtime.api}/pki/ocsp`, caFile, { cert: tools.file('ahmad.pem', person.certificate!.pem!) });
    expect(ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/Reason: affiliationChanged/);
  });
});

describe('a new request after revocation', () => {
  const renewed = typed('Sertifikat@Baru2025');

  it('with no valid certificate: 202 and a set-passphrase link for a NEW_REQUEST; once issued, another request is 409 CERTIFICATE_ALREADY_ISSUED', async () => {
    const asked = await people.send('POST', '/v1/me/certificate-requests', { auth: journey.auth });
    expect(asked.status, asked.text).toBe(202);
    const mail = await people.waitForNthMail(siti.email, '[TTE] Set Passphrase', 2);
    expect(mail.body.text).toContain('Anda mengajukan sertifikat elektronik baru');
    const token = linkToken(mail, 'enroll');
    const page = await people.send('GET', `/v1/enrollment/${token}`);
    expect(page.body).toMatchObject({ kind: 'NEW_REQUEST', selfieConfirmed: false, profile: { fullName: 'Siti Aminah' } });

    const issued = await certs.enroll(token, renewed);
    expect(issued.status, issued.text).toBe(201);
    const fresh = issued.body.certificate as Record<string, string>;
    expect(fresh.serialNumber).not.toBe(journey.serial);
    expect((await certs.myCertificates(journey.auth)).map((certificate) => [certificate.serialNumber, certificate.status]))
      .toEqual([[fresh.serialNumber, 'ISSUED'], [journey.serial, 'REVOKED']]);

    const again = await people.send('POST', '/v1/me/certificate-requests', { auth: journey.auth });
    expectProblem(again, 409, 'CERTIFICATE_ALREADY_ISSUED');
    expect(await people.mailsWith(siti.email, '[TTE] Set Passphrase')).toHaveLength(2);
  });
});

describe('five wrong passphrases lock the key; a reset with a fresh selfie gives a new key and certificate', () => {
  let person: Holder;
  let changeToken = '';
  const locked = '[TTE] Kunci Tanda Tangan Terkunci';
  const fresh = typed('Budi&Reset2025');
  const replacement = { serial: '', pem: '' };

  it('the fifth wrong current passphrase answers 423 KEY_LOCKED and one lock e-mail arrives', async () => {
    person = await ready.budi;
    const serial = person.certificate!.serialNumber!;
    expect((await people.send('POST', `/v1/me/certificates/${serial}/passphrase-change`, { auth: person.auth })).status).toBe(202);
    changeToken = linkToken(await people.waitForNthMail(budi.email, '[TTE] Ubah Passphrase', 1), 'change-passphrase');

    const attempt = (current: string) => people.send('POST', `/v1/change-passphrase/${changeToken}`, {
      body: { currentPassphrase: current, newPassphrase: fresh, newPassphraseConfirmation: fresh },
    });
    for (const left of [4, 3, 2, 1]) {
      const wrong = await attempt(typed(`Budi%Salah${left}x`));
      expectProblem(wrong, 401, 'PASSPHRASE_INVALID');
      expect(wrong.body.attemptsLeft).toBe(left);
    }
    expectProblem(await attempt(typed('Budi%Salah0x')), 423, 'KEY_LOCKED');
    const mail = await people.waitForNthMail(budi.email, locked, 1);
    expect(mail.body.text).toContain('lima kali berturut-turut');

    // Locked means locked: even the right passphrase does not open it now, and the page says so.
    expectProblem(await attempt(passphraseOf.budi), 423, 'KEY_LOCKED');
    expect((await people.send('GET', `/v1/change-passphrase/${changeToken}`)).body).toMatchObject({ serialNumber: serial, keyLocked: true });
  });

  it('a passphrase change cannot be asked for a locked key (423); a reset can (202, "Reset Passphrase")', async () => {
    const serial = person.certificate!.serialNumber!;
    expectProblem(await people.send('POST', `/v1/me/certificates/${serial}/passphrase-change`, { auth: person.auth }), 423, 'KEY_LOCKED');
    expect(await people.mailsWith(budi.email, '[TTE] Ubah Passphrase')).toHaveLength(1);

    const reset = await people.send('POST', `/v1/me/certificates/${serial}/passphrase-reset`, { auth: person.auth });
    expect(reset.status, reset.text).toBe(202);
    const mail = await people.waitForNthMail(budi.email, '[TTE] Reset Passphrase', 1);
    expect(mail.body.text).toContain(serial);
    const token = linkToken(mail, 'reset-passphrase');

    const page = await people.send('GET', `/v1/reset-passphrase/${token}`);
    expect(page.status, page.text).toBe(200);
    expect(page.body).toMatchObject({ kind: 'RESET', replacesSerialNumber: serial, selfieConfirmed: false, profile: { fullName: 'Budi Santoso' } });
    const body = { newPassphrase: fresh, newPassphraseConfirmation: fresh, acceptAgreement: true };
    expectProblem(await people.send('POST', `/v1/reset-passphrase/${token}`, { body }), 422, 'SELFIE_REQUIRED');

    expect((await certs.freshSelfie('reset-passphrase', token)).status).toBe(200);
    const issued = await people.send('POST', `/v1/reset-passphrase/${token}`, { body });
    expect(issued.status, issued.text).toBe(201);
    Object.assign(replacement, { serial: issued.body.certificate.serialNumber, pem: issued.body.certificate.pem });
    expect(issued.body.certificate).toMatchObject({ status: 'ISSUED' });
    expect(replacement.serial).not.toBe(serial);

    const mine = await certs.myCertificates(person.auth);
    expect(mine.map((certificate) => [certificate.serialNumber, certificate.status, certificate.revocation?.reason]))
      .toEqual([[replacement.serial, 'ISSUED', undefined], [serial, 'REVOKED', 'superseded']]);
    const told = await people.waitForNthMail(budi.email, '[TTE] Pembaruan Passphrase', 1);
    expect(told.body.text).toContain(`sertifikat baru dengan nomor seri ${replacement.serial} telah terbit`);
    expect((await people.waitForNthMail(budi.email, '[TTE] Sertifikat Elektronik Terbit', 2)).body.text).toContain(replacement.serial);
    expect(await people.mailsWith(budi.email, locked)).toHaveLength(1);
  });

  it('OCSP says the old certificate is revoked (superseded); the new one passes openssl verify -crl_check with a fresh CRL', async () => {
    const caFile = await caFileOf('budi');
    const oldFile = tools.file('budi-old.pem', person.certificate!.pem!);
    const newFile = tools.file('budi-new.pem', replacement.pem);
    const ocsp = await tools.ocsp(`${runtime.api}/pki/ocsp`, caFile, { cert: oldFile });
    expect(ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/: revoked/);
    expect(ocsp.output).toMatch(/Reason: superseded/);

    const crlFile = await tools.crlFile('budi-crl', (await get('/pki/crl')).bytes);
    const verifyNew = await tools.run(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, newFile]);
    expect(verifyNew.output).toContain(': OK');
    const verifyOld = await tools.run(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, oldFile]);
    expect(verifyOld.ok).toBe(false);
    expect(verifyOld.output).toContain('certificate revoked');
    expect((await tools.ocsp(`${runtime.api}/pki/ocsp`, caFile, { cert: newFile })).output).toMatch(/: good/);
  });
});

describe('renewal in the last 30 days (a runtime issuing 20-day certificates)', () => {
  it('renewal: 202, a RENEWAL set-passphrase link, a new certificate; the old one is RENEWED and OCSP still says good', async () => {
    const person = await ready.sitiShort;
    const old = person.certificate!;
    expect(new Date(old.notAfter!).getTime() - new Date(old.notBefore!).getTime()).toBeLessThanOrEqual(20 * 86_400_000 + 60_000);

    const renewal = await shortPeople.send('POST', `/v1/me/certificates/${old.serialNumber}/renewal`, { auth: person.auth });
    expect(renewal.status, renewal.text).toBe(202);
    const mail = await shortPeople.waitForNthMail(sitiShort.email, '[TTE] Set Passphrase', 2);
    expect(mail.body.text).toContain('Anda mengajukan pembaruan sertifikat elektronik');
    const token = linkToken(mail, 'enroll');
    const page = await shortPeople.send('GET', `/v1/enrollment/${token}`);
    expect(page.body).toMatchObject({ kind: 'RENEWAL', replacesSerialNumber: old.serialNumber, profile: { fullName: 'Siti Aminah' } });

    const issued = await shortCerts.enroll(token, typed('Siti*Perpanjang2025'));
    expect(issued.status, issued.text).toBe(201);
    const renewed = issued.body.certificate as Record<string, string>;
    expect(renewed.serialNumber).not.toBe(old.serialNumber);
    const mine = await shortCerts.myCertificates(person.auth);
    expect(mine.map((certificate) => [certificate.serialNumber, certificate.status])).toEqual([[renewed.serialNumber, 'ISSUED'], [old.serialNumber, 'RENEWED']]);
    expect(mine[1]).toMatchObject({ renewedBy: renewed.serialNumber });
    await shortPeople.waitForNthMail(sitiShort.email, '[TTE] Sertifikat Elektronik Terbit', 2);
    // The renewed one cannot be renewed again.
    expectProblem(await shortPeople.send('POST', `/v1/me/certificates/${old.serialNumber}/renewal`, { auth: person.auth }), 409, 'CERTIFICATE_NOT_ACTIVE');

    const caFile = await caFileOf('short', shortRuntime.api);
    const renewedFile = tools.file('short-renewed.pem', renewed.pem!);
    expect((await tools.run(['verify', '-CAfile', caFile, renewedFile])).output).toContain(': OK');
    const crlFile = await tools.crlFile('short-crl', (await get('/pki/crl', shortRuntime.api)).bytes);
    expect((await tools.run(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, renewedFile])).output).toContain(': OK');
    const ocsp = await tools.ocsp(`${shortRuntime.api}/pki/ocsp`, caFile, { cert: tools.file('short-old.pem', old.pem!) });
    expect(ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/: good/);
  });
});

describe('OCSP over HTTP: its edges', () => {
  it('a garbage body is 400 OCSP_REQUEST_INVALID (problem+json); another content type is 415', async () => {
    const garbage = await people.send('POST', '/pki/ocsp', { raw: { body: 'ini bukan permintaan OCSP', contentType: 'application/ocsp-request' } });
    expectProblem(garbage, 400, 'OCSP_REQUEST_INVALID');
    const json = await people.send('POST', '/pki/ocsp', { body: { serial: journey.serial } });
    expectProblem(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a serial this CA never issued is "unknown"', async () => {
    const caFile = await caFileOf('edges');
    const ocsp = await tools.ocsp(`${runtime.api}/pki/ocsp`, caFile, { serial: '0x0123456789abcdef0123456789abcdef' });
    expect(ocsp.output).toMatch(/Response verify OK/);
    expect(ocsp.output).toMatch(/0x0123456789ABCDEF0123456789ABCDEF: unknown/i);
  });

  it('the GET form answers as POST does, with a cache-control max-age; the nonce is echoed', async () => {
    const caFile = await caFileOf('edges');
    const leafFile = tools.file('edges-leaf.pem', journey.pem);
    const requestFile = `${tools.dir}/edges-request.der`;
    const made = await tools.run(['ocsp', '-issuer', caFile, '-cert', leafFile, '-reqout', requestFile, '-no_nonce']);
    expect(made.ok, made.output).toBe(true);
    const request = new Uint8Array(readFileSync(requestFile));

    const viaPost = await fetch(`${runtime.api}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: request });
    expect([viaPost.status, viaPost.headers.get('content-type')]).toEqual([200, 'application/ocsp-response']);
    const viaGet = await fetch(`${runtime.api}/pki/ocsp/${encodeURIComponent(Buffer.from(request).toString('base64'))}`);
    expect([viaGet.status, viaGet.headers.get('content-type')]).toEqual([200, 'application/ocsp-response']);
    expect(Number(/max-age=(\d+)/.exec(viaGet.headers.get('cache-control') ?? '')?.[1])).toBeGreaterThan(0);

    const read = async (name: string, response: Response) => {
      const file = tools.file(name, new Uint8Array(await response.arrayBuffer()));
      const report = await tools.run(['ocsp', '-respin', file, '-issuer', caFile, '-cert', leafFile, '-CAfile', caFile, '-resp_text', '-no_nonce']);
      expect(report.output).toMatch(/Response verify OK/);
      // What the answer says about the certificate, without the times of this answer and its signature.
      return report.output.split('\n').filter((line) => /Cert Status|Revocation Time|Revocation Reason|Serial Number|Issuer (Name|Key) Hash|: revoked|Reason:/.test(line)).map((line) => line.trim());
    };
    const [posted, gotten] = await Promise.all([read('edges-post.der', viaPost), read('edges-get.der', viaGet)]);
    expect(posted).toContain('Cert Status: revoked');
    expect(posted).toContain('Revocation Reason: keyCompromise (0x1)');
    expect(gotten).toEqual(posted);

    // With a nonce (openssl's default): the responder ignores it (RFC 5019; its answers are cached
    // and shared, docs/security.md F2), so openssl warns but accepts; never a wrong nonce.
    const withNonce = await tools.run(['ocsp', '-issuer', caFile, '-cert', leafFile, '-url', `${runtime.api}/pki/ocsp`, '-CAfile', caFile, '-resp_text']);
    expect(withNonce.output).toMatch(/Response verify OK/);
    expect(withNonce.output).toMatch(/WARNING: no nonce in response/);
    expect(withNonce.output).not.toMatch(/nonce verify error/i);
  });
});

describe('secrets', () => {
  it('no passphrase typed in this file comes back in any answer or any e-mail, in either runtime', async () => {
    // One store for the whole process (the SES stand-in's): both runtimes' mail is in it.
    const mails = ((await (await fetch(`${runtime.mail}/store`)).json()) as { emails: Mail[] }).emails;
    expect(mails.some((mail) => mail.destination.to.includes(sitiShort.email))).toBe(true);
    const texts = [
      ...people.http.exchanges.map((exchange) => ({ where: `${exchange.method} ${exchange.path} → ${exchange.status}`, text: exchange.text })),
      ...shortPeople.http.exchanges.map((exchange) => ({ where: `(short) ${exchange.method} ${exchange.path} → ${exchange.status}`, text: exchange.text })),
      ...mails.map((mail) => ({ where: `mail "${mail.subject}" to ${mail.destination.to.join(',')}`, text: `${mail.subject}\n${mail.body.text ?? ''}\n${mail.body.html ?? ''}` })),
    ];
    expect(passphrases.length).toBeGreaterThan(15);
    expect(people.http.exchanges.length).toBeGreaterThan(50);
    expect(mails.length).toBeGreaterThan(20);
    const leaks = texts.flatMap(({ where, text }) => passphrases.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${where}`));
    expect(leaks).toEqual([]);
  });
});

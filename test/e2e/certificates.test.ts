import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsClient, sitiAminah, type Credentials } from './accounts-flow.js';
import { certificatesClient, openssl } from './certificates-flow.js';
import { bootLocalRuntime, linkToken } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let certs: ReturnType<typeof certificatesClient>;
const tools = openssl();

const siti = { ...sitiAminah, email: 'siti.aminah@contoh.go.id' };
const password = 'Rahasia-Siti-2025!';
const passphrase = 'Kunci#Tanda2025';

const journey = { auth: {} as Credentials, serial: '', pem: '', enrollToken: '' };

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  certs = certificatesClient(people);
});
afterAll(async () => {
  await runtime?.shutdown();
});

const get = async (path: string) => {
  const response = await fetch(`${runtime.api}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), bytes: new Uint8Array(await response.arrayBuffer()) };
};

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
    void linkToken;
  });
});

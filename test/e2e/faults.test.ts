// Fault injection on the local runtime (issue #12, part 2): the mail stand-in refusing for a while,
// S3 down during a photo confirm, the key vault (KMS on AWS) failing during issuance and signing.
// The faults are injected below the SDK's own retries (runtime option `injectFault`) or around the
// key vault (`wrapKeyVault`), so what is tested is the service's own handling, as on AWS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { accountsClient, sitiAminah, ahmadFauzi, type Credentials } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { eventually, sampleSelfie } from './enrollment-flow.js';
import { allTableItems, bootLocalRuntime, mailTo } from './runtime.js';
import { samplePdf, usageCount } from './signing-tools.js';

/** What is failing right now; the tests switch these on and off. */
const faults = { ses: false, s3: false, kms: false };
const attempts = { sendEmail: 0, refused: 0 };

/** Shaped as the SDK gives them: SES refusing (sending paused), S3 unreachable, KMS failing on its side. */
const sesRefusal = () => Object.assign(new Error('Sending paused for this account.'), { name: 'AccountSendingPausedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
const connectionRefused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4569'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', $metadata: {} });
const kmsFailure = () => Object.assign(new Error('KMS internal error'), { name: 'KMSInternalException', $fault: 'server', $metadata: { httpStatusCode: 500 } });

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let db: ReturnType<typeof createDynamoClient>;

beforeAll(async () => {
  runtime = await bootLocalRuntime({
    privacyMinReadSeconds: 1,
    publicRequestFloorMs: 0,
    injectFault: (service, command) => {
      if (service === 'ses' && command === 'SendEmailCommand') {
        attempts.sendEmail++;
        if (faults.ses) {
          attempts.refused++;
          return sesRefusal();
        }
      }
      if (service === 's3' && faults.s3) return connectionRefused();
      return undefined;
    },
    wrapKeyVault: (vault) => {
      const failing = <T extends object>(target: T): T => new Proxy(target, {
        get: (object, property, receiver) => {
          const value = Reflect.get(object, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => (faults.kms ? Promise.reject(kmsFailure()) : (value as (...a: unknown[]) => unknown).apply(object, args));
        },
      });
      // The keys a person's certificate and signature depend on; the sealer of links and e-mails stays up.
      return { ...vault, keyWrapper: failing(vault.keyWrapper), caSigner: failing(vault.caSigner), tsaSigner: failing(vault.tsaSigner) };
    },
  });
  people = accountsClient(runtime);
  db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
}, 120_000);
afterEach(() => {
  Object.assign(faults, { ses: false, s3: false, kms: false });
});
afterAll(async () => {
  db?.destroy();
  await runtime?.shutdown();
});

/** Every item but the outbox's and the delivery log's (the mail loop updates those in the background), in key order. */
const durableItems = async () => (await allTableItems(db, runtime.tableName))
  .filter((item) => !String(item.pk).startsWith('OUTBOX#') && !String(item.sk).startsWith('EMAIL#'))
  .sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));

const problemOf = (answer: { status: number; body: Record<string, any> }) => ({ status: answer.status, code: answer.body.code });

describe('SES refusing for a while, then back', () => {
  it('loses no e-mail and sends none twice', async () => {
    const count = 12;
    const names = ['Ani', 'Bayu', 'Citra', 'Dedi', 'Eka', 'Fajar', 'Gita', 'Hadi', 'Indah', 'Joko', 'Kartika', 'Lukman'];
    const addresses = names.map((name) => `${name.toLowerCase()}.tertunda@contoh.go.id`);
    const pendingOutbox = async () => (await allTableItems(db, runtime.tableName)).filter((item) => String(item.pk).startsWith('OUTBOX#') && item.gsi1pk !== undefined);
    await eventually(async () => ((await pendingOutbox()).length === 0 ? true : undefined), 'the seed\'s e-mails sent');
    const billedBefore = await usageCount(runtime, 'EMAIL_SENT');
    const before = { ...attempts };
    faults.ses = true;
    const created = await Promise.all(addresses.map((email, index) => people.enrollment.call('POST', '/v1/users', {
      key: runtime.seed.verifier.apiKey, body: { fullName: `${names[index]} Tertunda`, email },
    })));
    expect(created.map((answer) => answer.status)).toEqual(Array(count).fill(201));
    // Refusing for a while: until the loop has been refused twice as many times as there are messages.
    await eventually(async () => (attempts.refused - before.refused >= 2 * count ? true : undefined), 'messages refused, then retried and refused again', 30_000);
    expect(await Promise.all(addresses.map(async (email) => (await mailTo(runtime.mail, email)).length))).toEqual(Array(count).fill(0));
    faults.ses = false;

    const delivered = await eventually(async () => {
      const mails = (await Promise.all(addresses.map((email) => mailTo(runtime.mail, email)))).flat();
      return mails.length >= count ? mails : undefined;
    }, 'every activation e-mail delivered', 30_000);
    // Nothing pending is left, and another pass of the loop sends nothing again.
    await eventually(async () => ((await pendingOutbox()).length === 0 ? true : undefined), 'outbox drained');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const final = (await Promise.all(addresses.map((email) => mailTo(runtime.mail, email)))).flat();
    const perAddress = addresses.map((email) => final.filter((mail) => mail.destination.to.includes(email) && mail.subject === '[TTE] Aktivasi Akun').length);
    expect(perAddress).toEqual(Array(count).fill(1));
    expect(delivered.length).toBe(count);
    const figures = {
      messages: count,
      sent: attempts.sendEmail - before.sendEmail,
      retried: attempts.refused - before.refused,
      delivered: final.length,
      duplicates: final.length - new Set(final.map((mail) => mail.destination.to.join(','))).size,
    };
    expect(figures.duplicates).toBe(0);
    expect(figures.sent).toBe(figures.retried + figures.delivered);
    expect(figures.retried).toBeGreaterThanOrEqual(2 * count);
    // Each e-mail is metered once, however often it was tried.
    expect(await usageCount(runtime, 'EMAIL_SENT')).toBe(billedBefore + count);
    console.log(`faults/ses: ${JSON.stringify(figures)}`);
  });
});

describe('S3 down during a photo confirm', () => {
  it('answers 503 problem+json, writes nothing, and a retry once S3 is back confirms the photo', async () => {
    const { token } = await people.enrollment.register('Rina Wati', 'rina.wati@contoh.go.id');
    const slot = await people.enrollment.call('POST', `/v1/activation/${token}/photos`, { body: { kind: 'SELFIE', contentType: 'image/jpeg', contentLength: sampleSelfie.length } });
    expect(slot.status).toBe(201);
    expect((await fetch(slot.body.uploadUrl, { method: 'PUT', headers: slot.body.uploadHeaders, body: sampleSelfie })).status).toBe(200);

    const before = await durableItems();
    faults.s3 = true;
    const response = await fetch(`${runtime.api}/v1/activation/${token}/photos/${slot.body.photoId}/confirm`, { method: 'POST' });
    faults.s3 = false;
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json() as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
    expect(await durableItems()).toEqual(before);
    expect((await people.enrollment.call('GET', `/v1/activation/${token}`)).body.steps.selfie).toBe(false);

    const retried = await people.enrollment.call('POST', `/v1/activation/${token}/photos/${slot.body.photoId}/confirm`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect((await people.enrollment.call('GET', `/v1/activation/${token}`)).body.steps.selfie).toBe(true);
  });
});

describe('the key vault (KMS) failing', () => {
  const passphrase = 'Kunci#Gagal2026';
  const certificates = () => certificatesClient(people);
  const signingKeyOf = async (userId: string) => (await allTableItems(db, runtime.tableName)).find((item) => item.pk === keys.signingKey(userId).pk && item.sk === keys.signingKey(userId).sk);
  const certificatesOf = async (userId: string) => (await allTableItems(db, runtime.tableName)).filter((item) => String(item.pk).startsWith('CERT#') && item.userId === userId);

  it('during issuance: 503, no certificate without its key nor a key without its certificate, nothing counted; the link still issues once it is back', async () => {
    const email = 'siti.kms@contoh.go.id';
    const held = await certificates().holder(people.approvedCivilServant({ ...sitiAminah, email }), email, 'Kantor#Palu2026');
    const selfie = await certificates().freshSelfie('enrollment', held.enrollToken);
    expect(selfie.status).toBe(200);
    const issuedBefore = await usageCount(runtime, 'CERTIFICATE_ISSUED');

    faults.kms = true;
    const failed = await people.send('POST', `/v1/enrollment/${held.enrollToken}`, { body: { passphrase, passphraseConfirmation: passphrase, acceptAgreement: true } });
    faults.kms = false;
    expect(problemOf(failed)).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(await certificatesOf(held.userId)).toEqual([]);
    expect(await signingKeyOf(held.userId)).toBeUndefined();
    expect(await usageCount(runtime, 'CERTIFICATE_ISSUED')).toBe(issuedBefore);
    expect(await people.mailsWith(email, '[TTE] Sertifikat Elektronik Terbit')).toEqual([]);

    // Not held: the same link issues at once, exactly one certificate and one count.
    const issued = await people.send('POST', `/v1/enrollment/${held.enrollToken}`, { body: { passphrase, passphraseConfirmation: passphrase, acceptAgreement: true } });
    expect(issued.status, issued.text).toBe(201);
    const stored = await certificatesOf(held.userId);
    expect(stored.map((item) => item.serialNumber)).toEqual([issued.body.certificate.serialNumber]);
    expect((await signingKeyOf(held.userId))?.serialNumber).toBe(issued.body.certificate.serialNumber);
    expect(await usageCount(runtime, 'CERTIFICATE_ISSUED')).toBe(issuedBefore + 1);
    await people.waitForNthMail(email, '[TTE] Sertifikat Elektronik Terbit', 1);
    expect(await people.mailsWith(email, '[TTE] Sertifikat Elektronik Terbit')).toHaveLength(1);
  });

  it('during signing: 503, no usage without its signature, no wrong passphrase counted; the same request signs once it is back', async () => {
    const email = 'ahmad.kms@contoh.go.id';
    const held = await certificates().holder(people.approvedCivilServant({ ...ahmadFauzi, email }), email, 'Kantor#Palu2026', passphrase);
    const auth: Credentials = held.auth;
    const pdfBase64 = Buffer.from(await samplePdf('Nota Dinas KMS')).toString('base64');
    const signedBefore = await usageCount(runtime);
    const ledger = async () => (await allTableItems(db, runtime.tableName)).filter((item) => String(item.pk).startsWith('SIGNING#'));
    const ledgerBefore = await ledger();

    for (const level of ['B-B', 'B-T']) {
      faults.kms = true;
      const failed = await people.send('POST', '/v1/signatures/pdf', {
        auth, headers: { 'idempotency-key': `kms-${level}` }, body: { passphrase, level, documents: [{ name: 'nota.pdf', pdfBase64 }] },
      });
      faults.kms = false;
      expect(problemOf(failed), level).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    }
    expect(await usageCount(runtime)).toBe(signedBefore);
    expect(await ledger()).toEqual(ledgerBefore);
    const key = await signingKeyOf(held.userId);
    expect(key?.failedPassphrases).toBe(0);
    expect(key?.lockedAt).toBeUndefined();

    const signed = await people.send('POST', '/v1/signatures/pdf', {
      auth, headers: { 'idempotency-key': 'kms-B-T' }, body: { passphrase, level: 'B-T', documents: [{ name: 'nota.pdf', pdfBase64 }] },
    });
    expect(signed.status, signed.text).toBe(200);
    expect(await usageCount(runtime)).toBe(signedBefore + 1);
    expect((await ledger()).length).toBe(ledgerBefore.length + 1);
  });
});

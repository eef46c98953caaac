import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { hashApiKey } from '../../shared/http/auth.js';
import { APPLICATION_CLIENT_SCOPE } from '../../functions/enrollment/use-cases/apply.js';
import { ahmadFauzi, sitiAminah } from './accounts-flow.js';
import { client } from './enrollment-flow.js';
import { addOtherTenant, allTableItems, bootLocalRuntime, isEmailDeliveryRecord, linkToken, mailTo } from './runtime.js';

/**
 * Self-application over HTTP (POST /v1/applications) with the deployed 400 ms floor and limits:
 * the same answer and timing whatever the address, the links that follow (at once, or once a
 * verifier confirms), the limits per address and per client, and the tenant settings behind it.
 */

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let db: DynamoDBDocumentClient;
let enrollment: ReturnType<typeof client>;
let operatorKey = '';
let reviewTenant = { tenantId: '', verifierKey: '' };
let otherVerifierKey = '';

const ACTIVATION = '[TTE] Aktivasi Akun';
const REVIEW_VERIFIER = 'verifikator@tinjau.go.id';
const FLOOR_MS = 400;

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string; body: Record<string, unknown>; ms: number }

/**
 * One request from a chosen loopback address: the gateway sees it as the client's IP, so each test
 * has clients of its own under the per-client limit.
 */
function send(method: string, path: string, options: { body?: unknown; key?: string; from?: string } = {}): Promise<Answer> {
  const url = new URL(`${runtime.api}${path}`);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: options.from ?? '127.0.0.1',
      headers: {
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        ...(options.key ? { 'x-api-key': options.key } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try { body = text ? JSON.parse(text) as Record<string, unknown> : {}; } catch { /* not JSON: the text says it */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const apply = (application: Record<string, unknown>, from: string) => send('POST', '/v1/applications', { body: application, from });
const mailsTo = async (address: string, subject = ACTIVATION) => (await mailTo(runtime.mail, address)).filter((mail) => mail.subject === subject);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for the outbox to have delivered anything queued (it delivers within a few hundred ms locally). */
const quietPeriod = () => sleep(2500);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function tableItems(ignore?: RegExp): Promise<Set<string>> {
  const items = await allTableItems(db, runtime.tableName);
  // Sessions slide, usage, outbox and delivery records change as mail goes out: none of them is the applications' doing.
  return new Set(items.filter((item) => !/^(SESSION|USAGE|OUTBOX)#/.test(String(item.pk)) && !isEmailDeliveryRecord(item) && !ignore?.test(String(item.pk)))
    .map((item) => JSON.stringify(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))));
}

/** A tenant made by the operator (so its domain is claimed), in a self-application mode. */
async function tenantWith(domain: string, selfApplication?: 'OPEN' | 'REVIEW'): Promise<string> {
  const created = await send('POST', '/v1/tenants', {
    key: operatorKey,
    body: { name: `Dinas ${domain}`, organisationName: `Pemerintah ${domain}`, emailDomains: [domain], billingEmail: `keuangan@${domain}` },
  });
  expect(created.status, created.text).toBe(201);
  const tenantId = String(created.body.tenantId);
  if (selfApplication) {
    const changed = await send('PATCH', `/v1/tenants/${tenantId}`, { key: operatorKey, body: { selfApplication } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.selfApplication).toBe(selfApplication);
  }
  return tenantId;
}

/** An active verifier account of the tenant (the one its notices go to), written as the seed writes its own. */
async function activeVerifier(tenantId: string, email: string): Promise<void> {
  const at = new Date().toISOString();
  await db.send(new PutCommand({
    TableName: runtime.tableName,
    Item: userItem({ userId: `verifier-${tenantId}`, tenantId, role: 'VERIFIER', fullName: 'Verifikator Tinjau', email, status: 'ACTIVE', createdAt: at, updatedAt: at, createdBy: 'uji', version: 1 }),
  }));
}

/** A verifier API key of the tenant, written straight into the table as the seed writes its own. */
async function verifierKeyOf(tenantId: string): Promise<string> {
  const key = `tte_${randomUUID().replaceAll('-', '')}`;
  await db.send(new PutCommand({
    TableName: runtime.tableName,
    Item: { ...keys.apiKey(hashApiKey(key)), keyHash: hashApiKey(key), actorId: `verifier-${tenantId}`, role: 'VERIFIER', tenantId, label: 'uji', createdAt: new Date().toISOString() },
  }));
  return key;
}

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: FLOOR_MS });
  db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  enrollment = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
  operatorKey = runtime.seed.operator.apiKey;
  otherVerifierKey = (await addOtherTenant(runtime, 'lain')).verifierKey;
  // Every mode is set before any application reads a tenant (each function caches tenants for a minute).
  const opened = await send('PATCH', `/v1/tenants/${runtime.seed.tenant.tenantId}`, { key: operatorKey, body: { selfApplication: 'OPEN' } });
  expect(opened.status, opened.text).toBe(200);
  await tenantWith('tutup.go.id');
  const reviewId = await tenantWith('tinjau.go.id', 'REVIEW');
  reviewTenant = { tenantId: reviewId, verifierKey: await verifierKeyOf(reviewId) };
  await activeVerifier(reviewId, REVIEW_VERIFIER);
}, 120_000);

afterAll(async () => {
  db?.destroy();
  await runtime?.shutdown();
});

describe('self-application', () => {
  it('answers 202 with the same body and timing for an allowed, a foreign, a closed and a registered address', async () => {
    await enrollment.register('Pegawai Terdaftar', 'terdaftar@contoh.go.id');
    const kinds = {
      allowed: (round: number) => ({ fullName: 'Pelamar Terbuka', email: `terbuka.${round}@contoh.go.id` }),
      foreign: (round: number) => ({ fullName: 'Pelamar Asing', email: `asing.${round}@asing.go.id` }),
      closed: (round: number) => ({ fullName: 'Pelamar Tertutup', email: `tertutup.${round}@tutup.go.id` }),
      // One address registered before: only three of its applications count, the rest as a flood.
      registered: () => ({ fullName: 'Pegawai Terdaftar', email: 'terdaftar@contoh.go.id' }),
    };
    const clients = { allowed: '127.0.0.11', foreign: '127.0.0.12', closed: '127.0.0.13', registered: '127.0.0.14' };
    const times: Record<keyof typeof kinds, number[]> = { allowed: [], foreign: [], closed: [], registered: [] };
    const answers = new Set<string>();
    // Rounds interleave the kinds, so drift in the machine's load falls on all of them alike.
    for (let round = 0; round < 15; round += 1) {
      for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
        const answer = await apply(kinds[kind](round), clients[kind]);
        expect(answer.status, answer.text).toBe(202);
        answers.add(JSON.stringify({ text: answer.text, type: answer.headers['content-type'] }));
        times[kind].push(answer.ms);
      }
    }
    expect([...answers]).toEqual([JSON.stringify({ text: '{"status":"ACCEPTED"}', type: 'application/json; charset=utf-8' })]);
    const medians = Object.fromEntries(Object.entries(times).map(([kind, values]) => [kind, median(values)]));
    // Each waits for the floor; what is left is noise. 100 ms is generous next to a 400 ms floor,
    // and far below what a registration without the floor takes against what a refusal takes.
    for (const value of Object.values(medians)) expect(value).toBeGreaterThanOrEqual(FLOOR_MS);
    const spread = Math.max(...Object.values(medians)) - Math.min(...Object.values(medians));
    expect(spread, JSON.stringify(medians)).toBeLessThan(100);

    await quietPeriod();
    expect(await mailsTo('terbuka.0@contoh.go.id')).toHaveLength(1);
    expect(await mailTo(runtime.mail, 'asing.0@asing.go.id')).toHaveLength(0);
    expect((await mailTo(runtime.mail, 'tertutup.0@tutup.go.id'))).toHaveLength(0);
    expect(await mailsTo('terdaftar@contoh.go.id')).toHaveLength(1); // the verifier's registration only
  }, 120_000);

  it('an allowed address gets "[TTE] Aktivasi Akun" and goes on to approval, the NIP kept for the employment step', async () => {
    const email = 'siti.mandiri.daftar@contoh.go.id';
    expect((await apply({ fullName: '  Siti   Aminah ', email: ` ${email.toUpperCase()} `, nip: sitiAminah.nip }, '127.0.0.21')).status).toBe(202);
    const mail = await enrollment.waitForMail(email, ACTIVATION);
    const token = linkToken(mail, 'activate');
    const found = await send('GET', `/v1/users?q=${encodeURIComponent(email)}`, { key: runtime.seed.verifier.apiKey });
    const userId = String((found.body.items as { userId: string }[])[0]!.userId);
    const user = await send('GET', `/v1/users/${userId}`, { key: runtime.seed.verifier.apiKey });
    expect(user.body).toMatchObject({ fullName: 'Siti Aminah', email, status: 'INVITED', employmentPrefill: { nip: sitiAminah.nip } });
    expect((user.body.selfApplication as Record<string, unknown>).awaitingConfirmation).toBeUndefined();
    expect(user.body.history).toEqual([expect.objectContaining({ action: 'USER_REGISTERED', actorRole: 'USER' })]);

    await enrollment.activate(token, { fullName: sitiAminah.fullName, nik: sitiAminah.nik }, {
      employmentType: 'ASN', nip: sitiAminah.nip, position: sitiAminah.position, unitName: sitiAminah.unitName, province: '72', city: '72.71',
    });
    expect((await enrollment.submitAfterReading(token)).status).toBe(202);
    await enrollment.waitForMail(email, '[TTE] Informasi Akun');
    expect(await enrollment.statusOf(userId)).toBe('APPROVED');
  }, 60_000);

  it('bad input is 422 and writes nothing', async () => {
    const before = await tableItems();
    for (const body of [
      { fullName: 'Dr. Siti, S.Kom', email: 'siti.gelar@contoh.go.id' },
      { fullName: 'Siti Aminah', email: 'bukan-alamat' },
      { fullName: 'Siti Aminah', email: 'siti.nip@contoh.go.id', nip: '123' },
      { fullName: 'Siti Aminah', email: 'siti.lebih@contoh.go.id', role: 'VERIFIER' },
      { email: 'siti.tanpa.nama@contoh.go.id' },
    ]) {
      const answer = await apply(body, '127.0.0.22');
      expect(answer.status, answer.text).toBe(422);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
    expect(await tableItems()).toEqual(before);
  });

  it('a flood for one address: three count, the rest are answered alike and change nothing', async () => {
    const email = 'banjir@contoh.go.id';
    // Each request counts against its client, whatever the address: only the rest is compared.
    const perClient = new RegExp(`^${keys.rateLimitPrefix}${APPLICATION_CLIENT_SCOPE}#`);
    const first = await tableItems(perClient);
    expect((await apply({ fullName: 'Pegawai Banjir', email }, '127.0.0.31')).status).toBe(202);
    const afterOne = await tableItems(perClient);
    expect(afterOne.size).toBeGreaterThan(first.size);
    // The second and third find the address registered: they count against it, nothing else.
    for (const expected of [2, 3]) {
      const before = await tableItems(perClient);
      expect((await apply({ fullName: 'Pegawai Banjir', email }, '127.0.0.31')).status).toBe(202);
      const after = await tableItems(perClient);
      expect([...after].filter((item) => !before.has(item))).toEqual([expect.stringContaining(`["count",${expected}]`)]);
    }
    const afterThree = await tableItems(perClient);
    for (let flood = 0; flood < 3; flood += 1) {
      const answer = await apply({ fullName: 'Pegawai Banjir', email }, '127.0.0.31');
      expect(answer.status).toBe(202);
      expect(answer.text).toBe('{"status":"ACCEPTED"}');
    }
    expect(await tableItems(perClient)).toEqual(afterThree);
    await quietPeriod();
    expect(await mailsTo(email)).toHaveLength(1);
  }, 60_000);

  it('a client past 20 applications an hour gets 429 with Retry-After, whatever the address', async () => {
    const from = '127.0.0.41';
    const accepted = await Promise.all(Array.from({ length: 20 }, (_, index) => apply({ fullName: 'Pelamar Asing', email: `klien.${index}@asing.go.id` }, from)));
    expect(accepted.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    const refused = await apply({ fullName: 'Siti Aminah', email: 'klien.baru@contoh.go.id' }, from);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Another client is not affected.
    expect((await apply({ fullName: 'Siti Aminah', email: 'klien.baru@contoh.go.id' }, '127.0.0.42')).status).toBe(202);
    await quietPeriod();
    expect(await mailsTo('klien.baru@contoh.go.id')).toHaveLength(1);
  }, 60_000);

  it('REVIEW: the verifiers are told and list it; nothing is sent until one sends the link; a renewal cannot go round them; "Tolak" sends nothing', async () => {
    const email = 'ahmad.tinjau@tinjau.go.id';
    expect((await apply({ fullName: ahmadFauzi.fullName, email, nip: ahmadFauzi.nip }, '127.0.0.51')).status).toBe(202);
    const listed = async (listing: string) => ((await send('GET', `/v1/users?status=${listing}`, { key: reviewTenant.verifierKey })).body.items as { userId: string; email: string }[])
      .filter((item) => item.email === email);
    const [held] = await listed('HELD');
    expect(held).toBeDefined();
    // Nobody was invited yet: not in the INVITED list.
    expect(await listed('INVITED')).toEqual([]);
    // The tenant's verifier is told, with the way to the applicant's page.
    const notice = await enrollment.waitForMail(REVIEW_VERIFIER, '[TTE] Pengajuan Mandiri Menunggu Persetujuan');
    expect(notice.body.text).toContain(`${ahmadFauzi.fullName} (${email})`);
    expect(notice.body.text).toContain(`/web/console/users/${held!.userId}`);
    const detail = await send('GET', `/v1/users/${held!.userId}`, { key: reviewTenant.verifierKey });
    expect(detail.body).toMatchObject({ status: 'INVITED', selfApplication: { awaitingConfirmation: true }, employmentPrefill: { nip: ahmadFauzi.nip } });
    expect(detail.body.activationExpiresAt).toBeUndefined();
    // The person asks for a fresh link from an expired-link page: still nothing.
    expect((await send('POST', '/v1/links/activate/renewal', { body: { email }, from: '127.0.0.52' })).status).toBe(202);
    await quietPeriod();
    expect(await mailTo(runtime.mail, email)).toHaveLength(0);

    const sent = await send('POST', `/v1/users/${held!.userId}/links/activate`, { key: reviewTenant.verifierKey });
    expect(sent.status, sent.text).toBe(202);
    const mail = await enrollment.waitForMail(email, ACTIVATION);
    expect(linkToken(mail, 'activate')).toHaveLength(43);
    const confirmed = await send('GET', `/v1/users/${held!.userId}`, { key: reviewTenant.verifierKey });
    expect(confirmed.body.selfApplication).toEqual({ appliedAt: expect.any(String) });
    // Confirmed: an invited user like any other.
    expect(await listed('HELD')).toEqual([]);
    expect((await listed('INVITED')).map((item) => item.userId)).toEqual([held!.userId]);

    const other = 'tolak.tinjau@tinjau.go.id';
    expect((await apply({ fullName: 'Pelamar Ditolak', email: other }, '127.0.0.53')).status).toBe(202);
    const again = await send('GET', '/v1/users?status=HELD', { key: reviewTenant.verifierKey });
    const rejectId = (again.body.items as { userId: string; email: string }[]).find((item) => item.email === other)!.userId;
    // A verifier of another tenant does not see it.
    expect((await send('POST', `/v1/users/${rejectId}/decision`, { key: otherVerifierKey, body: { decision: 'REJECT', reason: 'Bukan pegawai' } })).status).toBe(404);
    const rejected = await send('POST', `/v1/users/${rejectId}/decision`, { key: reviewTenant.verifierKey, body: { decision: 'REJECT', reason: 'Bukan pegawai kami' } });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body).toEqual({ status: 'REJECTED' });
    // Approving a held application is not how it is confirmed: that is sending its link.
    await quietPeriod();
    expect(await mailTo(runtime.mail, other)).toHaveLength(0);
    // The address is free again: it may apply once more (and is held again).
    expect((await apply({ fullName: 'Pelamar Ditolak', email: other }, '127.0.0.54')).status).toBe(202);
    const third = await send('GET', '/v1/users?status=HELD', { key: reviewTenant.verifierKey });
    expect((third.body.items as { email: string }[]).filter((item) => item.email === other)).toHaveLength(1);
  }, 60_000);
});

describe('tenant self-service settings', () => {
  const tenantPath = () => `/v1/tenants/${runtime.seed.tenant.tenantId}`;
  const verifierKey = () => runtime.seed.verifier.apiKey;

  it("the tenant's verifier sets its contacts (phones normalised) and sees them", async () => {
    const contacts = [
      { name: 'Budi Verifikator', phone: '0812-3456-7890', email: 'Budi@Contoh.go.id' },
      { name: 'Layanan TTE Diskominfo', email: 'tte@contoh.go.id' },
    ];
    const changed = await send('PATCH', tenantPath(), { key: verifierKey(), body: { verifierContacts: contacts } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.verifierContacts).toEqual([
      { name: 'Budi Verifikator', phone: '+6281234567890', email: 'budi@contoh.go.id' },
      { name: 'Layanan TTE Diskominfo', email: 'tte@contoh.go.id' },
    ]);
    const read = await send('GET', tenantPath(), { key: verifierKey() });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ selfApplication: 'OPEN', verifierContacts: changed.body.verifierContacts });
  });

  it('a verifier may change only the contacts; another tenant\'s verifier finds no tenant', async () => {
    const before = await tableItems();
    for (const body of [{ selfApplication: 'CLOSED' }, { name: 'Diambil alih' }, { verifierContacts: [], status: 'SUSPENDED' }]) {
      const answer = await send('PATCH', tenantPath(), { key: verifierKey(), body });
      expect(answer.status, answer.text).toBe(403);
      expect(answer.body.code).toBe('FORBIDDEN');
    }
    const foreign = await send('PATCH', tenantPath(), { key: otherVerifierKey, body: { verifierContacts: [] } });
    expect(foreign.status).toBe(404);
    expect((await send('GET', tenantPath(), { key: otherVerifierKey })).status).toBe(404);
    expect(await tableItems()).toEqual(before);
  });

  it('bad settings are 422 naming the field, and write nothing', async () => {
    const before = await tableItems();
    const contact = { name: 'Budi', phone: '081234567890' };
    const cases: [unknown, string, string][] = [
      [{ selfApplication: 'MAYBE' }, 'selfApplication', 'VALUE_INVALID'],
      [{ verifierContacts: [{ name: 'Budi', phone: '021-555-1234' }] }, 'verifierContacts.0.phone', 'PHONE_INVALID'],
      [{ verifierContacts: [{ name: 'Budi', email: 'budi@' }] }, 'verifierContacts.0.email', 'EMAIL_INVALID'],
      [{ verifierContacts: [{ name: 'Budi' }] }, 'verifierContacts.0.phone', 'REQUIRED'],
      [{ verifierContacts: [{ name: '', phone: '081234567890' }] }, 'verifierContacts.0.name', 'VALUE_INVALID'],
      [{ verifierContacts: Array(6).fill(contact) }, 'verifierContacts', 'VALUE_INVALID'],
      [{ verifierContacts: [{ ...contact, whatsapp: 'ya' }] }, 'verifierContacts.0.whatsapp', 'UNKNOWN_FIELD'],
    ];
    for (const [body, field, code] of cases) {
      const answer = await send('PATCH', tenantPath(), { key: operatorKey, body });
      expect(answer.status, answer.text).toBe(422);
      expect(answer.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    expect(await tableItems()).toEqual(before);
  });

  it('the operator changes the mode; the change is in the tenant\'s audit trail', async () => {
    const changed = await send('PATCH', tenantPath(), { key: operatorKey, body: { selfApplication: 'REVIEW' } });
    expect(changed.status).toBe(200);
    expect(changed.body.selfApplication).toBe('REVIEW');
    const trail = await send('GET', `/v1/audit?tenantId=${runtime.seed.tenant.tenantId}`, { key: operatorKey });
    expect((trail.body.items as { action: string }[]).filter((item) => item.action === 'TENANT_UPDATED').length).toBeGreaterThanOrEqual(2);
  });
});

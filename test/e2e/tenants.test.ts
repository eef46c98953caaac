import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { indexKeys, keys } from '../../shared/data/table.js';
import { accountsClient, sitiAminah, type Credentials } from './accounts-flow.js';
import { allTableItems, bootLocalRuntime, linkToken } from './runtime.js';

/**
 * Tenants over HTTP: an operator makes and changes them, invites their verifiers, and suspends
 * one; what a suspended tenant's verifiers, keys and employees may still do.
 */

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let people: ReturnType<typeof accountsClient>;
let db: DynamoDBDocumentClient;
let operator: Credentials;

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  people = accountsClient(runtime);
  db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  operator = { key: runtime.seed.operator.apiKey };
});
afterAll(async () => {
  db?.destroy();
  await runtime?.shutdown();
});

const send = (method: string, path: string, auth: Credentials, body?: unknown) => people.send(method, path, { auth, ...(body !== undefined ? { body } : {}) });

/**
 * The table as a set of items. E-mails already queued may be sent (and counted) at any moment,
 * and a session check may slide its expiry: of those, only their existence is compared.
 */
async function tableFingerprint(): Promise<Set<string>> {
  const items = await allTableItems(db, runtime.tableName);
  return new Set(items.flatMap((item) => {
    const pk = String(item.pk);
    if (pk.startsWith('USAGE#')) return [];
    if (pk.startsWith('OUTBOX#') || pk.startsWith('SESSION#')) return [`${pk} ${String(item.sk)}`];
    return [JSON.stringify(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))];
  }));
}

async function expectNothingWritten(act: () => Promise<void>): Promise<void> {
  const before = await tableFingerprint();
  await act();
  const after = await tableFingerprint();
  expect({ added: [...after].filter((item) => !before.has(item)), removed: [...before].filter((item) => !after.has(item)) }).toEqual({ added: [], removed: [] });
}

const claimOf = async (domain: string) => (await db.send(new GetCommand({ TableName: runtime.tableName, Key: keys.domainUnique(domain), ConsistentRead: true }))).Item;

/** The tenant's audit trail, oldest first: its own entries and those about its people. */
const auditActions = async (tenantId: string) => (await db.send(new QueryCommand({
  TableName: runtime.tableName,
  IndexName: 'gsi2',
  KeyConditionExpression: 'gsi2pk = :pk',
  ExpressionAttributeValues: { ':pk': indexKeys.auditOfTenant(tenantId, '', '').gsi2pk },
}))).Items?.map((item) => String(item.action)) ?? [];

const newTenant = (overrides: Record<string, unknown> = {}) => ({
  name: 'Dinas Komunikasi dan Informatika Kota Uji',
  organisationName: 'Pemerintah Kota Uji',
  emailDomains: [' Kominfo.UjiKota.go.id ', 'ujikota.go.id'],
  billingEmail: 'Keuangan@UjiKota.go.id',
  ...overrides,
});

describe('tenants', () => {
  let tenantId = '';

  it('an operator adds a tenant (domains in lower case), finds it in the list and by id, and changes it', async () => {
    const created = await send('POST', '/v1/tenants', operator, newTenant());
    expect(created.status, created.text).toBe(201);
    tenantId = String(created.body.tenantId);
    expect(created.body).toMatchObject({
      name: 'Dinas Komunikasi dan Informatika Kota Uji', organisationName: 'Pemerintah Kota Uji',
      emailDomains: ['kominfo.ujikota.go.id', 'ujikota.go.id'], billingEmail: 'keuangan@ujikota.go.id', status: 'ACTIVE',
    });
    expect((await claimOf('ujikota.go.id'))?.tenantId).toBe(tenantId);

    // One at a time through the pages: the demo tenant and the new one are both there.
    const seen: Record<string, any>[] = [];
    let cursor: string | null = null;
    do {
      const page = await send('GET', `/v1/tenants?limit=1${cursor ? `&cursor=${cursor}` : ''}`, operator);
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((tenant) => tenant.tenantId)).toEqual(expect.arrayContaining([runtime.seed.tenant.tenantId, tenantId]));
    expect(seen.find((tenant) => tenant.tenantId === runtime.seed.tenant.tenantId)).toMatchObject({ billingEmail: 'keuangan@contoh.go.id', status: 'ACTIVE' });

    const read = await send('GET', `/v1/tenants/${tenantId}`, operator);
    expect(read.body).toEqual(created.body);

    const changed = await send('PATCH', `/v1/tenants/${tenantId}`, operator, { name: 'Diskominfo Kota Uji', emailDomains: ['ujikota.go.id', 'baru.ujikota.go.id'] });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Diskominfo Kota Uji', emailDomains: ['ujikota.go.id', 'baru.ujikota.go.id'], organisationName: 'Pemerintah Kota Uji' });
    expect(changed.body.updatedAt >= created.body.updatedAt).toBe(true);
    // The new domain is claimed, the dropped one released: another tenant may now have it.
    expect((await claimOf('baru.ujikota.go.id'))?.tenantId).toBe(tenantId);
    expect(await claimOf('kominfo.ujikota.go.id')).toBeUndefined();
    const other = await send('POST', '/v1/tenants', operator, newTenant({ name: 'Dinas Kominfo', emailDomains: ['kominfo.ujikota.go.id'] }));
    expect(other.status, other.text).toBe(201);

    // The same again changes nothing, and writes nothing.
    await expectNothingWritten(async () => {
      const again = await send('PATCH', `/v1/tenants/${tenantId}`, operator, { name: 'Diskominfo Kota Uji' });
      expect(again.body).toEqual(changed.body);
    });
    expect(await auditActions(tenantId)).toEqual(['TENANT_CREATED', 'TENANT_UPDATED']);
  });

  it('a domain another tenant owns is refused by name, and nothing is written', async () => {
    await expectNothingWritten(async () => {
      const taken = await send('POST', '/v1/tenants', operator, newTenant({ emailDomains: ['lain-sekali.go.id', 'CONTOH.go.id'] }));
      expect([taken.status, taken.body.code], taken.text).toEqual([409, 'TENANT_DOMAIN_TAKEN']);
      expect(taken.body.detail).toContain('contoh.go.id');
      const patched = await send('PATCH', `/v1/tenants/${tenantId}`, operator, { emailDomains: ['ujikota.go.id', 'contoh.go.id'] });
      expect([patched.status, patched.body.code], patched.text).toEqual([409, 'TENANT_DOMAIN_TAKEN']);
    });
    expect((await send('GET', `/v1/tenants/${tenantId}`, operator)).body.emailDomains).toEqual(['ujikota.go.id', 'baru.ujikota.go.id']);
  });

  it('malformed domains and addresses, duplicates and unknown tenants are 4xx with the field named, and write nothing', async () => {
    await expectNothingWritten(async () => {
      const malformed = await send('POST', '/v1/tenants', operator, newTenant({
        emailDomains: ['https://dinas.go.id', 'dinas..go.id', 'dinas.go.id', 'DINAS.go.id', '@dinas.go.id'], billingEmail: 'bukan-email',
      }));
      expect(malformed.status).toBe(422);
      expect(malformed.body.errors).toEqual(expect.arrayContaining([
        expect.objectContaining({ field: 'emailDomains.0', code: 'DOMAIN_INVALID' }),
        expect.objectContaining({ field: 'emailDomains.1', code: 'DOMAIN_INVALID' }),
        expect.objectContaining({ field: 'emailDomains.3', code: 'DUPLICATE_VALUE' }),
        expect.objectContaining({ field: 'emailDomains.4', code: 'DOMAIN_INVALID' }),
        expect.objectContaining({ field: 'billingEmail', code: 'EMAIL_INVALID' }),
      ]));
      expect((await send('POST', '/v1/tenants', operator, newTenant({ emailDomains: [] }))).body.errors).toEqual([expect.objectContaining({ field: 'emailDomains', code: 'REQUIRED' })]);
      expect((await send('PATCH', `/v1/tenants/${tenantId}`, operator, {})).status).toBe(422);
      expect((await send('PATCH', `/v1/tenants/${tenantId}`, operator, { status: 'DELETED' })).status).toBe(422);
      const unknown = await send('PATCH', '/v1/tenants/tidak-ada', operator, { name: 'Siapa' });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'TENANT_NOT_FOUND']);
      expect((await send('GET', '/v1/tenants/tidak-ada', operator)).status).toBe(404);
      expect((await send('GET', '/v1/tenants?cursor=eyJwayI6MX0', operator)).status).toBe(422);
      // Only operators: a verifier (own tenant or not) may not.
      const byVerifier = await send('POST', '/v1/tenants', { key: runtime.seed.verifier.apiKey }, newTenant({ emailDomains: ['verifikator.go.id'] }));
      expect([byVerifier.status, byVerifier.body.code]).toEqual([403, 'FORBIDDEN']);
    });
  });

  it('invites a verifier (refusing addresses outside the domains, writing nothing), who sets up the account and sees an empty console', async () => {
    await expectNothingWritten(async () => {
      const outside = await send('POST', `/v1/tenants/${tenantId}/verifiers`, operator, { fullName: 'Budi Verifikator', email: 'budi@contoh.go.id' });
      expect([outside.status, outside.body.code], outside.text).toEqual([422, 'EMAIL_DOMAIN_NOT_ALLOWED']);
      expect(outside.body.detail).toContain('ujikota.go.id');
      const taken = await send('POST', `/v1/tenants/${runtime.seed.tenant.tenantId}/verifiers`, operator, { fullName: 'Verifikator Kedua', email: runtime.seed.verifier.email });
      expect([taken.status, taken.body.code]).toEqual([409, 'EMAIL_ALREADY_REGISTERED']);
      const titled = await send('POST', `/v1/tenants/${tenantId}/verifiers`, operator, { fullName: 'Dr. Budi', email: 'budi@ujikota.go.id' });
      expect(titled.body.errors).toEqual([expect.objectContaining({ field: 'fullName', code: 'NAME_INVALID' })]);
    });

    const email = 'budi.verifikator@ujikota.go.id';
    const invited = await send('POST', `/v1/tenants/${tenantId}/verifiers`, operator, { fullName: 'Budi Santoso', email: 'Budi.Verifikator@UjiKota.go.id' });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body).toMatchObject({ email, status: 'APPROVED' });
    const mail = await people.enrollment.waitForMail(email, '[TTE] Informasi Akun');
    expect(mail.body.text).toContain('verifikator');
    expect(mail.body.text).toContain('Diskominfo Kota Uji');
    const secret = await people.setUpAccount(linkToken(mail, 'account-setup'), 'Verifikasi#Uji2026', 'Ponsel kantor');
    const session = await people.logIn(email, 'Verifikasi#Uji2026', [secret]);
    expect(session.user).toMatchObject({ role: 'VERIFIER', tenantId });
    const verifier = { bearer: session.sessionToken };

    // The tenant's employee list is empty: a verifier is not one of its employees.
    const users = await send('GET', '/v1/users', verifier);
    expect([users.status, users.body.items]).toEqual([200, []]);
    const listed = await send('GET', `/v1/tenants/${tenantId}/verifiers`, operator);
    expect(listed.body.items).toEqual([expect.objectContaining({ userId: invited.body.userId, fullName: 'Budi Santoso', email, status: 'ACTIVE' })]);
    expect((await send('GET', `/v1/tenants/${tenantId}/verifiers`, verifier)).status).toBe(200);
    // Another tenant's verifier does not know this tenant.
    expect((await send('GET', `/v1/tenants/${tenantId}/verifiers`, { key: runtime.seed.verifier.apiKey })).status).toBe(404);
    expect(await auditActions(tenantId)).toContain('VERIFIER_INVITED');
  });
});

describe('a suspended tenant', () => {
  it("stops its verifiers and integrator keys, lets its employees in but not sign, and reactivation restores everything", async () => {
    const demo = runtime.seed.tenant.tenantId;
    const siti = { ...sitiAminah, email: 'siti.aminah@contoh.go.id' };
    const user = await people.activeCivilServant(siti, 'Rahasia-Siti-2026!');
    const staff = await people.logIn(runtime.seed.verifier.email, runtime.seed.verifier.password, [runtime.seed.verifier.totpSecret]);
    const asUser = { bearer: user.session.sessionToken };
    const asVerifier = { bearer: staff.sessionToken };
    const verifierKey = { key: runtime.seed.verifier.apiKey };
    const integrator = { key: runtime.seed.integrator.apiKey };
    const document = { passphrase: 'Passphrase-Salah-1!', documents: [{ name: 'surat.pdf', pdfBase64: 'JVBERi0xLjcK' }] };
    const bsre = { email: siti.email, passphrase: 'Passphrase-Salah-1!', signatureProperties: [{ tampilan: 'INVISIBLE' }], file: ['JVBERi0xLjcK'] };

    /** What each of the tenant's callers gets now. */
    const outcomes = async () => {
      const answers = {
        verifierKey: await send('GET', '/v1/users', verifierKey),
        verifierSession: await send('GET', '/v1/me', asVerifier),
        verifierKeys: await send('GET', `/v1/tenants/${demo}/api-keys`, asVerifier),
        integratorSigns: await send('POST', '/v1/signatures/pdf', integrator, { signer: { email: siti.email }, ...document }),
        integratorBsre: await send('POST', '/api/v2/sign/pdf', integrator, bsre),
        integratorBsreVerify: await send('POST', '/api/v2/verify/pdf', integrator, { file: 'JVBERi0xLjcK' }),
        userMe: await send('GET', '/v1/me', asUser),
        userCertificates: await send('GET', '/v1/me/certificates', asUser),
        userSigns: await send('POST', '/v1/signatures/pdf', asUser, document),
      };
      return Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status === 403 ? `403 ${answer.body.code ?? answer.body.status_code}` : answer.status]));
    };

    // Siti has no certificate yet: whoever signs as her hears why not (409), and a PDF of five bytes is not verifiable (422).
    const active = {
      verifierKey: 200, verifierSession: 200, verifierKeys: 200, integratorSigns: 409, integratorBsre: 409, integratorBsreVerify: 422,
      userMe: 200, userCertificates: 200, userSigns: 409,
    };
    expect(await outcomes()).toEqual(active);

    const suspended = await send('PATCH', `/v1/tenants/${demo}`, operator, { status: 'SUSPENDED' });
    expect([suspended.status, suspended.body.status]).toEqual([200, 'SUSPENDED']);
    expect(await outcomes()).toEqual({
      verifierKey: '403 TENANT_SUSPENDED',
      verifierSession: '403 TENANT_SUSPENDED',
      verifierKeys: '403 TENANT_SUSPENDED',
      integratorSigns: '403 TENANT_SUSPENDED',
      // BSrE's paths answer in BSrE's body: 2001 and the Indonesian text.
      integratorBsre: '403 2001',
      integratorBsreVerify: '403 2001',
      userMe: 200,
      userCertificates: 200,
      userSigns: '403 TENANT_SUSPENDED',
    });
    const bsreAnswer = await send('POST', '/api/v2/sign/pdf', integrator, bsre);
    expect(bsreAnswer.body.error).toContain('dihentikan sementara');
    // The operator still works on the tenant.
    expect((await send('GET', `/v1/tenants/${demo}/verifiers`, operator)).status).toBe(200);

    const reactivated = await send('PATCH', `/v1/tenants/${demo}`, operator, { status: 'ACTIVE' });
    expect([reactivated.status, reactivated.body.status]).toEqual([200, 'ACTIVE']);
    expect(await outcomes()).toEqual(active);
    expect(await auditActions(demo)).toEqual(expect.arrayContaining(['TENANT_SUSPENDED', 'TENANT_REACTIVATED']));
  });
});

import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { hashApiKey } from '../../shared/http/auth.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { routeTables } from '../../functions/route-tables.js';
import { bootLocalRuntime, linkToken, mailTo } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let verifierKey: string;

const call = (method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${runtime.api}${path}`, {
    method,
    headers: {
      ...(options.key ? { 'x-api-key': options.key } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });

beforeAll(async () => {
  runtime = await bootLocalRuntime();
  verifierKey = runtime.seed.verifier.apiKey;
});
afterAll(async () => {
  await runtime?.shutdown();
});

describe('the first slice over HTTP: register an employee → activation e-mail → activation page', () => {
  it('writes seed.json as API.md describes', () => {
    expect(Object.keys(runtime.seed).sort()).toEqual(['apiUrl', 'integrator', 'mailUrl', 'operator', 'tenant', 'verifier']);
    expect(runtime.seed.tenant.emailDomains).toEqual(['contoh.go.id']);
    for (const staff of [runtime.seed.verifier, runtime.seed.operator]) {
      expect(Object.keys(staff).sort()).toEqual(['apiKey', 'email', 'password', 'totpSecret']);
    }
    expect(Object.keys(runtime.seed.integrator).sort()).toEqual(['apiKey', 'keyId', 'secret']);
    expect(runtime.seed.integrator.apiKey).toBe(`${runtime.seed.integrator.keyId}.${runtime.seed.integrator.secret}`);
  });

  it('registers, mails the link, opens it, resends and kills the old link', async () => {
    const created = await call('POST', '/v1/users', { key: verifierKey, body: { fullName: 'Siti Aminah', email: 'siti.aminah@contoh.go.id', phone: '0812 3456 7890' } });
    expect(created.status).toBe(201);
    const { userId, status, activationExpiresAt } = (await created.json()) as { userId: string; status: string; activationExpiresAt: string };
    expect(status).toBe('INVITED');
    expect(new Date(activationExpiresAt).getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);

    await expect.poll(async () => (await mailTo(runtime.mail, 'siti.aminah@contoh.go.id')).length, { timeout: 10_000 }).toBe(1);
    const [mail] = await mailTo(runtime.mail, 'siti.aminah@contoh.go.id');
    expect(mail!.subject).toBe('[TTE] Aktivasi Akun');
    expect(mail!.body.text).toContain('Yth. Siti Aminah');
    expect(mail!.body.text).toMatch(/berlaku sampai .* WIB/);
    const firstToken = linkToken(mail!, 'activate');

    const page = await call('GET', `/v1/activation/${firstToken}`);
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({
      fullName: 'Siti Aminah', email: 'siti.aminah@contoh.go.id', tenantName: runtime.seed.tenant.name,
      steps: { identity: false, employment: false, ktpPhoto: false, selfie: false, privacyPolicy: false },
      privacyPolicy: { minReadSeconds: 60 },
    });

    const resent = await call('POST', `/v1/users/${userId}/activation-link`, { key: verifierKey });
    expect(resent.status).toBe(202);
    await expect.poll(async () => (await mailTo(runtime.mail, 'siti.aminah@contoh.go.id')).length, { timeout: 10_000 }).toBe(2);
    const secondToken = linkToken((await mailTo(runtime.mail, 'siti.aminah@contoh.go.id'))[1]!, 'activate');
    const old = await call('GET', `/v1/activation/${firstToken}`);
    expect(old.status).toBe(410);
    expect(old.headers.get('content-type')).toContain('application/problem+json');
    expect(((await old.json()) as { code: string }).code).toBe('TOKEN_EXPIRED');
    expect((await call('GET', `/v1/activation/${secondToken}`)).status).toBe(200);
    expect((await call('GET', `/v1/activation/${'x'.repeat(43)}`)).status).toBe(404);

    const list = (await (await call('GET', '/v1/users?status=INVITED', { key: verifierKey })).json()) as { items: { userId: string }[]; nextCursor: null };
    expect(list.items.map((item) => item.userId)).toContain(userId);
    const detail = (await (await call('GET', `/v1/users/${userId}`, { key: verifierKey })).json()) as { phone: string; history: { action: string }[] };
    expect(detail.phone).toBe('+6281234567890');
    expect(detail.history.map((entry) => entry.action)).toEqual(['USER_REGISTERED', 'ACTIVATION_LINK_RESENT']);
  });

  it('answers duplicates (even concurrent ones) with 409 and lets exactly one win', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () =>
      call('POST', '/v1/users', { key: verifierKey, body: { fullName: 'Budi Santoso', email: 'budi@contoh.go.id' } })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const conflict = responses.find((response) => response.status === 409)!;
    expect(((await conflict.json()) as { code: string }).code).toBe('EMAIL_ALREADY_REGISTERED');
  });

  it('keeps tenants apart: another tenant\'s verifier gets 404 for this tenant\'s user', async () => {
    const dynamo = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
    const otherKey = 'tte_other-tenant-key-for-the-isolation-test-000000';
    await dynamo.send(new PutCommand({ TableName: runtime.tableName, Item: { ...keys.tenant('tenant-lain'), tenantId: 'tenant-lain', name: 'Dinas Lain', organizationName: 'Dinas Lain', emailDomains: ['lain.go.id'], createdAt: new Date().toISOString() } }));
    await dynamo.send(new PutCommand({ TableName: runtime.tableName, Item: { ...keys.apiKey(hashApiKey(otherKey)), keyHash: hashApiKey(otherKey), actorId: 'verifier-lain', role: 'VERIFIER', tenantId: 'tenant-lain', label: 'test', createdAt: new Date().toISOString() } }));
    const created = await call('POST', '/v1/users', { key: verifierKey, body: { fullName: 'Rahasia Tenant', email: 'rahasia@contoh.go.id' } });
    const { userId } = (await created.json()) as { userId: string };

    const peek = await call('GET', `/v1/users/${userId}`, { key: otherKey });
    expect(peek.status).toBe(404);
    expect(((await peek.json()) as { code: string }).code).toBe('USER_NOT_FOUND');
    expect((await call('POST', `/v1/users/${userId}/activation-link`, { key: otherKey })).status).toBe(404);
    expect((await call('POST', `/v1/users/${userId}/decision`, { key: otherKey, body: { decision: 'APPROVE' } })).status).toBe(404);
    const theirList = (await (await call('GET', '/v1/users', { key: otherKey })).json()) as { items: unknown[] };
    expect(theirList.items).toEqual([]);
    // Their domain is not ours either.
    expect((await call('POST', '/v1/users', { key: otherKey, body: { fullName: 'Salah Domain', email: 'salah@contoh.go.id' } })).status).toBe(422);
    const items = (await dynamo.send(new ScanCommand({ TableName: runtime.tableName }))).Items ?? [];
    expect(items.some((item) => item.email === 'salah@contoh.go.id')).toBe(false);
    dynamo.destroy();
  });

  it('speaks English on request and Indonesian by default', async () => {
    const bad = { fullName: 'Dr. Siti, S.Kom', email: 'siti@contoh.go.id' };
    const indonesian = (await (await call('POST', '/v1/users', { key: verifierKey, body: bad })).json()) as { detail: string; errors: { message: string }[] };
    expect(indonesian.errors[0]?.message).toMatch(/huruf dan spasi/);
    const english = (await (await call('POST', '/v1/users', { key: verifierKey, body: bad, headers: { 'accept-language': 'en-US,en;q=0.9' } })).json()) as { errors: { message: string }[] };
    expect(english.errors[0]?.message).toMatch(/letters and single spaces/);
  });

  it('publishes every route in OpenAPI', async () => {
    const response = await call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    for (const table of routeTables) {
      for (const spec of Object.values(table.routes)) {
        expect(document.paths[spec.path]?.[spec.method.toLowerCase()], `${spec.method} ${spec.path}`).toBeDefined();
      }
    }
  });
});

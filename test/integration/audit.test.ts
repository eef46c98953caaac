import { DynamoDomainOwners } from '../../shared/adapters/aws/dynamo-domain-owners.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentHandler } from '../../functions/enrollment/handler.js';
import { DynamoRequestLetters } from '../../shared/adapters/aws/dynamo-request-letters.js';
import { S3LetterFiles } from '../../shared/adapters/aws/s3-letter-files.js';
import { auditActions } from '../../functions/operator/audit-actions.js';
import { auditRoutes } from '../../functions/operator/audit-routes.js';
import { DynamoActivationStore } from '../../shared/adapters/aws/dynamo-activation.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { HmacPseudonymizer } from '../../shared/adapters/local/key-vault.js';
import { keys } from '../../shared/data/table.js';
import type { Role } from '../../shared/domain/user.js';
import { answerOf, apiGatewayEvent, invocationContext } from '../../shared/http/api-event.js';
import { Authenticator, hashApiKey } from '../../shared/http/auth.js';
import { defineRoutes, type HttpMethod } from '../../shared/http/route.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import type { AuditEntry } from '../../shared/ports/audit.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { freshTable, manualClock, putTenant, quietLogger, s3Client, testSealer } from './harness.js';

/**
 * The audit trail end to end on DynamoDB Local: entries written by real requests (through the
 * HTTP kernel, which gives them the request's id and address), read back through GET /v1/audit.
 */
async function auditWorld() {
  const table = await freshTable();
  const { dynamo, tableName } = table;
  const clock = manualClock(new Date('2026-11-20T02:00:00.000Z'));
  const tenantA = await putTenant(dynamo, tableName, { name: 'Dinas A', emailDomains: ['a.go.id'] });
  const tenantB = await putTenant(dynamo, tableName, { name: 'Dinas B', emailDomains: ['b.go.id'] });
  const audit = new DynamoAuditTrail(dynamo, tableName);

  const apiKeyFor = async (actorId: string, role: Role, tenantId: string) => {
    const apiKey = `tte_${randomUUID()}`;
    await dynamo.send(new PutCommand({
      TableName: tableName,
      Item: { ...keys.apiKey(hashApiKey(apiKey)), keyHash: hashApiKey(apiKey), actorId, role, tenantId, label: 'audit test', createdAt: clock.now().toISOString() },
    }));
    return apiKey;
  };
  const verifierA = await apiKeyFor('verifier-a', 'VERIFIER', tenantA.tenantId);
  const verifierB = await apiKeyFor('verifier-b', 'VERIFIER', tenantB.tenantId);
  const operator = await apiKeyFor('operator-1', 'OPERATOR', 'platform');

  const failIfCalled = async (): Promise<never> => {
    throw new Error('not part of these tests');
  };
  const enrollment = createEnrollmentHandler({
    tenants: table.tenants,
    users: table.users,
    sessions: new DynamoSessionStore(dynamo, tableName),
    activation: new DynamoActivationStore(dynamo, tableName),
    photos: new S3PhotoStore(s3Client(), 'audit-test-photos'),
    letters: new DynamoRequestLetters(dynamo, tableName),
    letterFiles: new S3LetterFiles(s3Client(), 'audit-test-photos'),
    personalData: new DynamoPersonalData(dynamo, tableName),
    audit,
    deliveries: new DynamoDeliveryLog(dynamo, tableName),
    workflow: { start: failIfCalled, resume: failIfCalled },
    sealer: testSealer(),
    pseudonymizer: new HmacPseudonymizer(randomBytes(32)),
    clock,
    ids: randomIds,
    logger: quietLogger(),
    domains: new DynamoDomainOwners(dynamo, tableName),
    rateLimiter: new DynamoRateLimiter(dynamo, tableName, clock),
    certificates: new DynamoCertificates(dynamo, tableName),
    settings: { webBaseUrl: 'https://tte.uji.go.id', activationLinkHours: 24, privacyMinReadSeconds: 60, sessionIdleMinutes: 30, erasedNikClaimDays: 365, publicRequestFloorMs: 0 },
  });
  const operatorRoutes = defineRoutes('operator', auditRoutes);
  const operatorApi = createHttpHandler(operatorRoutes, auditActions({ audit, users: table.users, tenants: table.tenants }), {
    authenticator: new Authenticator({ apiKeys: table.tenants, clock }),
    logger: quietLogger(),
  });

  /** One request as API Gateway delivers it, from this address and with this request id. */
  const call = async (
    handler: HttpHandler,
    request: { method: HttpMethod; resource: string; key: string; params?: Record<string, string>; query?: Record<string, string>; body?: unknown; requestId?: string; sourceIp?: string },
  ) => {
    const requestId = request.requestId ?? randomUUID();
    const result = await handler(apiGatewayEvent({
      context: 'test',
      method: request.method,
      resource: request.resource,
      ...(request.params ? { pathParameters: request.params } : {}),
      ...(request.query ? { query: request.query } : {}),
      headers: { 'x-api-key': request.key, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(request.body === undefined ? {} : { body: Buffer.from(JSON.stringify(request.body)) }),
      sourceIp: request.sourceIp ?? '192.0.2.1',
      requestId,
    }), invocationContext('test', requestId));
    const answer = answerOf(result);
    return { status: answer.status, body: JSON.parse(answer.body.toString('utf8') || 'null') };
  };

  const register = async (key: string, fullName: string, email: string, origin: { requestId?: string; sourceIp?: string } = {}) => {
    const answer = await call(enrollment, { method: 'POST', resource: '/v1/users', key, body: { fullName, email }, ...origin });
    expect(answer.status).toBe(201);
    return answer.body.userId as string;
  };
  const viewProfile = (key: string, userId: string, origin: { requestId?: string; sourceIp?: string } = {}) =>
    call(enrollment, { method: 'GET', resource: '/v1/users/{userId}', key, params: { userId }, ...origin });
  const readAudit = (key: string, query: Record<string, string> = {}) => call(operatorApi, { method: 'GET', resource: '/v1/audit', key, query });

  /** Every audit item in the table, read with a Scan: only a test may. */
  const auditItems = async () => (await table.allItems()).filter((item) => String(item.sk).startsWith('AUDIT#'));

  return { ...table, clock, tenantA, tenantB, verifierA, verifierB, operator, register, viewProfile, readAudit, auditItems };
}

type World = Awaited<ReturnType<typeof auditWorld>>;

describe('what the trail records', () => {
  let world: World;
  beforeAll(async () => {
    world = await auditWorld();
  });

  it('a state change writes one entry with who, whom, the tenant, and the request id and source address', async () => {
    const userId = await world.register(world.verifierA, 'Siti Aminah', 'siti@a.go.id', { requestId: 'req-register-1', sourceIp: '203.0.113.10' });
    const entries = (await world.auditItems()).filter((item) => item.pk === `USER#${userId}`);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'USER_REGISTERED',
      actorId: 'verifier-a',
      actorRole: 'VERIFIER',
      tenantId: world.tenantA.tenantId,
      subject: { userId },
      status: 'INVITED',
      requestId: 'req-register-1',
      sourceIp: '203.0.113.10',
      gsi2pk: `TENANT#${world.tenantA.tenantId}#AUDIT`,
    });
  });

  it('opening a profile writes one PROFILE_VIEWED entry with the request id and address; the history keeps showing changes only', async () => {
    const userId = await world.register(world.verifierA, 'Budi Santoso', 'budi@a.go.id');
    const first = await world.viewProfile(world.verifierA, userId, { requestId: 'req-view-1', sourceIp: '198.51.100.20' });
    expect(first.status).toBe(200);
    const views = (await world.auditItems()).filter((item) => item.pk === `USER#${userId}` && item.action === 'PROFILE_VIEWED');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      actorId: 'verifier-a', actorRole: 'VERIFIER', tenantId: world.tenantA.tenantId, subject: { userId }, requestId: 'req-view-1', sourceIp: '198.51.100.20',
    });
    // Photos not uploaded yet: the entry names none.
    expect(views[0]!.target).toBeUndefined();

    const second = await world.viewProfile(world.verifierA, userId);
    expect(second.body.history.map((entry: { action: string }) => entry.action)).toEqual(['USER_REGISTERED']);
    expect((await world.auditItems()).filter((item) => item.pk === `USER#${userId}`).map((item) => item.action).sort())
      .toEqual(['PROFILE_VIEWED', 'PROFILE_VIEWED', 'USER_REGISTERED']);
  });

  it('a refused read records nothing: another tenant\'s verifier gets 404', async () => {
    const userId = await world.register(world.verifierA, 'Rina Wati', 'rina@a.go.id');
    const before = (await world.auditItems()).length;
    const refused = await world.viewProfile(world.verifierB, userId);
    expect(refused).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
    expect((await world.auditItems()).length).toBe(before);
  });

  it('no audit item carries a ttl, and every one is in its tenant\'s index', async () => {
    const items = await world.auditItems();
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item).not.toHaveProperty('ttl');
      expect(item.gsi2pk).toBe(`TENANT#${item.tenantId}#AUDIT`);
      expect(item.gsi2sk).toBe(`${item.at}#${item.auditId}`);
      expect(item).not.toHaveProperty('gsi1pk');
    }
  });
});

describe('GET /v1/audit', () => {
  let world: World;
  /** Tenant A's users and B's, registered a day apart so the days filter has something to cut. */
  let people: { a1: string; a2: string; b1: string };
  beforeAll(async () => {
    world = await auditWorld();
    const a1 = await world.register(world.verifierA, 'Ahmad Fauzi', 'ahmad@a.go.id');
    world.clock.advance(60_000);
    const b1 = await world.register(world.verifierB, 'Dewi Lestari', 'dewi@b.go.id');
    world.clock.advance(24 * 3600_000);
    const a2 = await world.register(world.verifierA, 'Maya Sari', 'maya@a.go.id');
    world.clock.advance(60_000);
    expect((await world.viewProfile(world.verifierA, a1)).status).toBe(200);
    world.clock.advance(60_000);
    expect((await world.viewProfile(world.verifierB, b1)).status).toBe(200);
    people = { a1, a2, b1 };
  });

  /** Every page of a query, following nextCursor. */
  const allPages = async (key: string, query: Record<string, string>) => {
    const pages: AuditEntry[][] = [];
    let cursor: string | null = null;
    do {
      const answer = await world.readAudit(key, { ...query, ...(cursor ? { cursor } : {}) });
      expect(answer.status).toBe(200);
      pages.push(answer.body.items);
      cursor = answer.body.nextCursor;
    } while (cursor && pages.length < 20);
    return pages;
  };

  it("a tenant's trail holds that tenant's entries only, newest first, page by page", async () => {
    const expected = (await world.auditItems())
      .filter((item) => item.tenantId === world.tenantA.tenantId)
      .sort((a, b) => String(b.gsi2sk).localeCompare(String(a.gsi2sk)))
      .map((item) => item.auditId);
    expect(expected).toHaveLength(3);
    const pages = await allPages(world.operator, { tenantId: world.tenantA.tenantId, limit: '2' });
    expect(pages[0]).toHaveLength(2);
    const read = pages.flat();
    expect(read.map((entry) => entry.auditId)).toEqual(expected);
    expect(read.every((entry) => entry.tenantId === world.tenantA.tenantId)).toBe(true);
    expect(read.map((entry) => entry.action)).toEqual(['PROFILE_VIEWED', 'USER_REGISTERED', 'USER_REGISTERED']);
    // The verifier reads the same, without naming the tenant.
    expect((await allPages(world.verifierA, { limit: '2' })).flat().map((entry) => entry.auditId)).toEqual(expected);
  });

  it('narrows by user (id or e-mail), WIB days and action', async () => {
    const byUser = await world.readAudit(world.verifierA, { userId: people.a1 });
    expect(byUser.body.items.map((entry: AuditEntry) => entry.action)).toEqual(['PROFILE_VIEWED', 'USER_REGISTERED']);
    const byEmail = await world.readAudit(world.operator, { email: 'Ahmad@A.go.id' });
    expect(byEmail.body.items.map((entry: AuditEntry) => entry.auditId)).toEqual(byUser.body.items.map((entry: AuditEntry) => entry.auditId));

    // 2026-11-20 09:00 WIB is the first registration; the rest happened the next WIB day.
    const firstDay = await world.readAudit(world.operator, { tenantId: world.tenantA.tenantId, from: '2026-11-20', to: '2026-11-20' });
    expect(firstDay.body.items.map((entry: AuditEntry) => entry.subject)).toEqual([{ userId: people.a1 }]);
    const nextDay = await world.readAudit(world.operator, { tenantId: world.tenantA.tenantId, from: '2026-11-21' });
    expect(nextDay.body.items.map((entry: AuditEntry) => entry.action)).toEqual(['PROFILE_VIEWED', 'USER_REGISTERED']);

    const views = await world.readAudit(world.operator, { tenantId: world.tenantA.tenantId, action: 'PROFILE_VIEWED' });
    expect(views.body.items.map((entry: AuditEntry) => [entry.action, entry.actorId])).toEqual([['PROFILE_VIEWED', 'verifier-a']]);
  });

  it("a verifier cannot read another tenant: its id or one of its users is unknown (404)", async () => {
    expect(await world.readAudit(world.verifierA, { tenantId: world.tenantB.tenantId })).toMatchObject({ status: 404, body: { code: 'TENANT_NOT_FOUND' } });
    expect(await world.readAudit(world.verifierA, { userId: people.b1 })).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
    expect(await world.readAudit(world.verifierA, { email: 'dewi@b.go.id' })).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
    expect(await world.readAudit(world.operator, { tenantId: world.tenantA.tenantId, userId: people.b1 })).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
    expect(await world.readAudit(world.operator, { tenantId: 'no-such-tenant' })).toMatchObject({ status: 404, body: { code: 'TENANT_NOT_FOUND' } });
  });

  it('refuses what it cannot answer with 422, naming the field', async () => {
    const fieldsOf = async (key: string, query: Record<string, string>) => {
      const answer = await world.readAudit(key, query);
      expect(answer.status).toBe(422);
      return answer.body.errors.map((error: { field: string; code: string }) => [error.field, error.code]);
    };
    expect(await fieldsOf(world.operator, {})).toEqual([['query.tenantId', 'REQUIRED']]);
    expect(await fieldsOf(world.operator, { tenantId: world.tenantA.tenantId, from: '2026-11-31' })).toEqual([['query.from', 'DATE_INVALID']]);
    expect(await fieldsOf(world.operator, { tenantId: world.tenantA.tenantId, from: '2026-11-21', to: '2026-11-20' })).toEqual([['query.to', 'DATE_BEFORE_START']]);
    expect(await fieldsOf(world.operator, { userId: people.a1, email: 'ahmad@a.go.id' })).toEqual([['query.email', 'VALUE_INVALID']]);
    expect(await fieldsOf(world.operator, { tenantId: world.tenantA.tenantId, action: 'drop table' })).toEqual([['query.action', 'VALUE_INVALID']]);
    expect(await fieldsOf(world.operator, { tenantId: world.tenantA.tenantId, cursor: 'bm90LWEtY3Vyc29y' })).toEqual([['cursor', 'CURSOR_INVALID']]);

    // A cursor of one trail does not open another, nor the same trail outside its days.
    const first = await world.readAudit(world.operator, { tenantId: world.tenantA.tenantId, limit: '1' });
    const cursor = first.body.nextCursor as string;
    expect(await fieldsOf(world.operator, { tenantId: world.tenantB.tenantId, cursor })).toEqual([['cursor', 'CURSOR_INVALID']]);
    expect(await fieldsOf(world.operator, { tenantId: world.tenantA.tenantId, to: '2026-11-20', cursor })).toEqual([['cursor', 'CURSOR_INVALID']]);
  });
});

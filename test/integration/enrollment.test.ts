import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newLinkToken } from '../../shared/domain/tokens.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { getActivation } from '../../functions/enrollment/use-cases/get-activation.js';
import { getUser } from '../../functions/enrollment/use-cases/get-user.js';
import { listUsers } from '../../functions/enrollment/use-cases/list-users.js';
import { registerUser } from '../../functions/enrollment/use-cases/register-user.js';
import { resendLink } from '../../functions/enrollment/use-cases/resend-link.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { codeOf, freshTable, latestLinkToken, manualClock, putTenant, s3Client, testSealer, verifierOf } from './harness.js';

const settings = { webBaseUrl: 'https://tte.uji.go.id', activationLinkHours: 24, privacyMinReadSeconds: 60 };

async function setup() {
  const table = await freshTable();
  const clock = manualClock();
  const sealer = testSealer();
  const tenant = await putTenant(table.dynamo, table.tableName);
  const deps = {
    tenants: table.tenants,
    users: table.users,
    composer: messageComposer({ ids: randomIds, clock, sealer }),
    clock,
    ids: randomIds,
    settings,
  };
  const allItems = table.allItems;
  /** The raw activation token, as the e-mail carries it. */
  const linkTokenOf = (email: string) => latestLinkToken(allItems, sealer, email);
  const photos = new S3PhotoStore(s3Client(), 'unused-in-these-tests');
  return { ...table, clock, tenant, deps, allItems, linkTokenOf, photos, audit: new DynamoAuditTrail(table.dynamo, table.tableName), actor: verifierOf(tenant) };
}


describe('registering an employee', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('writes the user, e-mail claim, hashed token, audit and outbox e-mail together, and bills nothing yet', async () => {
    const result = await registerUser(ctx.deps, { actor: ctx.actor, fullName: 'Siti Aminah', email: 'siti@uji.go.id', phone: '+6281234567890' });
    expect(result.status).toBe('INVITED');
    expect(result.activationExpiresAt).toBe('2026-11-23T03:00:00.000Z');

    const items = await ctx.allItems();
    const kinds = items.map((item) => `${String(item.pk).split('#')[0]}/${String(item.sk).split('#')[0]}`).sort();
    expect(kinds).toEqual(['AUDIT', 'EMAIL/UNIQUE', 'OUTBOX/OUTBOX', 'TENANT/TENANT', 'TOKEN/TOKEN', 'USER/PROFILE']
      .map((kind) => (kind === 'AUDIT' ? 'USER/AUDIT' : kind)).sort());
    const user = items.find((item) => item.sk === 'PROFILE')!;
    expect(user).toMatchObject({ status: 'INVITED', email: 'siti@uji.go.id', tenantId: ctx.tenant.tenantId, version: 1 });
    // The raw token is nowhere in the table: only its hash, and the link sealed in the outbox.
    const rawToken = await ctx.linkTokenOf('siti@uji.go.id');
    expect(JSON.stringify(items)).not.toContain(rawToken);
    expect(items.some((item) => item.pk === `TOKEN#${hashToken(rawToken)}`)).toBe(true);
    // A registration is billed when the verifier's approval (USER_APPROVED) makes it a user.
    expect(items.some((item) => String(item.pk).startsWith('USAGE#'))).toBe(false);
  });

  it('refuses an address outside the tenant domains and writes nothing', async () => {
    const before = (await ctx.allItems()).length;
    expect(await codeOf(registerUser(ctx.deps, { actor: ctx.actor, fullName: 'Budi Santoso', email: 'budi@gmail.com' }))).toBe('EMAIL_DOMAIN_NOT_ALLOWED');
    expect((await ctx.allItems()).length).toBe(before);
  });

  it('lets exactly one of many concurrent registrations of the same e-mail win', async () => {
    const attempts = await Promise.all(Array.from({ length: 8 }, () =>
      codeOf(registerUser(ctx.deps, { actor: ctx.actor, fullName: 'Dewi Lestari', email: 'dewi@uji.go.id' }))));
    expect(attempts.filter((code) => code === 'OK')).toHaveLength(1);
    expect(attempts.filter((code) => code !== 'OK').every((code) => code === 'EMAIL_ALREADY_REGISTERED')).toBe(true);
    const dewi = (await ctx.allItems()).filter((item) => item.email === 'dewi@uji.go.id' && item.sk === 'PROFILE');
    expect(dewi).toHaveLength(1);
  });
});

describe('the activation link', () => {
  it('opens within 24 hours, expires after, and a resend replaces it', async () => {
    const ctx = await setup();
    const { userId } = await registerUser(ctx.deps, { actor: ctx.actor, fullName: 'Ahmad Fauzi', email: 'ahmad@uji.go.id' });
    const first = await ctx.linkTokenOf('ahmad@uji.go.id');
    const view = await getActivation(ctx.deps, { token: first });
    expect(view).toEqual({
      fullName: 'Ahmad Fauzi',
      email: 'ahmad@uji.go.id',
      tenantName: ctx.tenant.name,
      steps: { identity: false, employment: false, ktpPhoto: false, selfie: false, privacyPolicy: false },
      privacyPolicy: { version: expect.any(String), minReadSeconds: 60 },
    });

    ctx.clock.advance(24 * 3600_000);
    expect(await codeOf(getActivation(ctx.deps, { token: first }))).toBe('TOKEN_EXPIRED');

    const resent = await resendLink({ ...ctx.deps, certificates: new DynamoCertificates(ctx.dynamo, ctx.tableName) }, { actor: ctx.actor, userId, purpose: 'activate' });
    expect(resent.expiresAt).toBe('2026-11-24T03:00:00.000Z');
    const second = await ctx.linkTokenOf('ahmad@uji.go.id');
    expect(second).not.toBe(first);
    expect(await codeOf(getActivation(ctx.deps, { token: second }))).toBe('OK');
    ctx.clock.advance(-23 * 3600_000); // even within the old link's lifetime, it stays dead
    expect(await codeOf(getActivation(ctx.deps, { token: first }))).toBe('TOKEN_EXPIRED');

    const detail = await getUser({ users: ctx.users, photos: ctx.photos, audit: ctx.audit, deliveries: new DynamoDeliveryLog(ctx.dynamo, ctx.tableName), clock: ctx.clock, ids: randomIds }, { actor: ctx.actor, userId });
    expect(detail.history.map((entry) => entry.action)).toEqual(['USER_REGISTERED', 'ACTIVATION_LINK_RESENT']);
  });

  it('answers unknown for tokens never issued, malformed or for another purpose', async () => {
    const ctx = await setup();
    expect(await codeOf(getActivation(ctx.deps, { token: newLinkToken() }))).toBe('TOKEN_NOT_FOUND');
    expect(await codeOf(getActivation(ctx.deps, { token: 'short' }))).toBe('TOKEN_NOT_FOUND');
    expect(await codeOf(getActivation(ctx.deps, { token: '../../etc/passwd' }))).toBe('TOKEN_NOT_FOUND');
  });

  it('lets only one of two concurrent resends leave a working link', async () => {
    const ctx = await setup();
    const { userId } = await registerUser(ctx.deps, { actor: ctx.actor, fullName: 'Rina Wati', email: 'rina@uji.go.id' });
    const outcomes = await Promise.all([1, 2, 3].map(() => codeOf(resendLink({ ...ctx.deps, certificates: new DynamoCertificates(ctx.dynamo, ctx.tableName) }, { actor: ctx.actor, userId, purpose: 'activate' }))));
    expect(outcomes.filter((code) => code === 'OK').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((code) => code === 'OK' || code === 'CONFLICT')).toBe(true);
    const tokens = (await ctx.allItems()).filter((item) => item.purpose === 'activate' && item.userId === userId);
    expect(tokens.filter((token) => !token.revokedAt)).toHaveLength(1);
  });
});

describe('tenant isolation and the verifier list', () => {
  it('hides other tenants users as unknown (404), in lists and by id', async () => {
    const ctx = await setup();
    const other = await putTenant(ctx.dynamo, ctx.tableName, { emailDomains: ['lain.go.id'] });
    const { userId } = await registerUser(ctx.deps, { actor: verifierOf(other), fullName: 'Orang Lain', email: 'orang@lain.go.id' });
    expect(await codeOf(getUser({ users: ctx.users, photos: ctx.photos, audit: ctx.audit, deliveries: new DynamoDeliveryLog(ctx.dynamo, ctx.tableName), clock: ctx.clock, ids: randomIds }, { actor: ctx.actor, userId }))).toBe('USER_NOT_FOUND');
    expect(await codeOf(resendLink({ ...ctx.deps, certificates: new DynamoCertificates(ctx.dynamo, ctx.tableName) }, { actor: ctx.actor, userId, purpose: 'activate' }))).toBe('USER_NOT_FOUND');
    const page = await listUsers(ctx.users, { actor: ctx.actor, limit: 100 });
    expect(page.items.map((item) => item.userId)).not.toContain(userId);
  });

  it('pages through the list with cursors and refuses a forged cursor', async () => {
    const ctx = await setup();
    for (const name of ['Satu', 'Dua', 'Tiga', 'Empat', 'Lima']) {
      ctx.clock.advance(1000);
      await registerUser(ctx.deps, { actor: ctx.actor, fullName: `Pegawai ${name}`, email: `${name.toLowerCase()}@uji.go.id` });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(ctx.users, { actor: ctx.actor, status: 'INVITED', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.fullName));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['Pegawai Satu', 'Pegawai Dua', 'Pegawai Tiga', 'Pegawai Empat', 'Pegawai Lima']);

    const newestFirst = await listUsers(ctx.users, { actor: ctx.actor, limit: 1 });
    expect(newestFirst.items[0]?.fullName).toBe('Pegawai Lima');

    const other = await putTenant(ctx.dynamo, ctx.tableName);
    const foreign = Buffer.from(JSON.stringify({ pk: 'x', sk: 'y', gsi2pk: `TENANT#${other.tenantId}#USERS`, gsi2sk: 'z' })).toString('base64url');
    expect(await codeOf(listUsers(ctx.users, { actor: ctx.actor, limit: 2, cursor: foreign }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(listUsers(ctx.users, { actor: ctx.actor, limit: 2, cursor: 'not-a-cursor' }))).toBe('VALIDATION_FAILED');
  });

  it('reads the review queue from the status index, not a scan', async () => {
    const ctx = await setup();
    await registerUser(ctx.deps, { actor: ctx.actor, fullName: 'Antri Satu', email: 'antri@uji.go.id' });
    const queue = await ctx.dynamo.send(new QueryCommand({
      TableName: ctx.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `TENANT#${ctx.tenant.tenantId}#STATUS#INVITED` },
    }));
    expect(queue.Items?.map((item) => item.fullName)).toEqual(['Antri Satu']);
  });
});

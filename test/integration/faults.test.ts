// Fault injection on the DynamoDB adapters (issue #12, part 2): throttling injected by a middleware
// on the adapters' own client, below the SDK's retries, while N identical requests race on a write
// path. Each path must end with exactly one winner and its effects (audit, e-mail, usage) once.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { requestDataChange } from '../../functions/certificates/use-cases/data-change.js';
import { issueCertificate } from '../../functions/certificates/use-cases/issuance.js';
import { approveApplicant } from '../../functions/enrollment/use-cases/review.js';
import { DynamoDataChanges } from '../../shared/adapters/aws/dynamo-data-changes.js';
import { DynamoSignatureLedger } from '../../shared/adapters/aws/dynamo-signatures.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UserRecord } from '../../shared/ports/users.js';
import { registerUser } from '../../functions/enrollment/use-cases/register-user.js';
import { createApiKey, revokeApiKey } from '../../functions/operator/use-cases/api-keys.js';
import { setPriceVersion } from '../../functions/operator/use-cases/prices.js';
import { DynamoApiKeyRegistry } from '../../shared/adapters/aws/dynamo-api-keys.js';
import { DynamoBilling } from '../../shared/adapters/aws/dynamo-billing.js';
import { keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import { usageEvents } from '../../shared/domain/usage.js';
import { hashApiKey } from '../../shared/http/auth.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { certificatesSetup, PASSPHRASE } from './certificates-harness.js';
import { codeOf, freshTable, manualClock, putTenant, testSealer, verifierOf } from './harness.js';

const N = 8;

/**
 * DynamoDB over capacity, as the adapters' client sees it: the first attempt of every other
 * command is refused with ThrottlingException or ProvisionedThroughputExceededException (the SDK
 * retries those), and the first attempt of every third transaction is cancelled with a
 * ThrottlingError reason (the SDK does not retry that one: our code must).
 */
function throttle(db: DynamoDBDocumentClient) {
  const stats = { commands: 0, throttled: 0, cancelled: 0 };
  let transactions = 0;
  const plans = new WeakMap<object, 'throttle' | 'cancel' | undefined>();
  db.middlewareStack.add((next, context) => (args) => {
    stats.commands++;
    const transaction = context.commandName === 'TransactWriteItemsCommand';
    plans.set(context, transaction && ++transactions % 3 === 0 ? 'cancel' : stats.commands % 2 === 0 ? 'throttle' : undefined);
    return next(args);
  }, { step: 'initialize', name: 'planThrottling' });
  db.middlewareStack.add((next, context) => (args) => {
    const plan = plans.get(context);
    plans.delete(context); // once per command: the retry goes through
    if (plan === 'throttle') {
      stats.throttled++;
      const name = stats.throttled % 2 ? 'ThrottlingException' : 'ProvisionedThroughputExceededException';
      return Promise.reject(Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    }
    if (plan === 'cancel') {
      stats.cancelled++;
      const items = ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length;
      return Promise.reject(new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError]',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: Array.from({ length: items }, (_, index) => (index === 0 ? { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table or index.' } : { Code: 'None' })),
      }));
    }
    return next(args);
  }, { step: 'deserialize', name: 'injectThrottling' });
  return stats;
}

const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };

describe('DynamoDB throttling while identical requests race', () => {
  it('registration of one e-mail: one user, one claim, one e-mail, one audit entry', async () => {
    const table = await freshTable();
    const tenant = await putTenant(table.dynamo, table.tableName);
    const clock = manualClock();
    const deps = { tenants: table.tenants, users: table.users, composer: messageComposer({ ids: randomIds, clock, sealer: testSealer() }), clock, ids: randomIds,
      settings: { webBaseUrl: 'https://tte.uji.go.id', activationLinkHours: 24, privacyMinReadSeconds: 60 } };
    const stats = throttle(table.dynamo);
    const outcomes = await Promise.all(Array.from({ length: N }, () =>
      codeOf(registerUser(deps, { actor: verifierOf(tenant), fullName: 'Dewi Lestari', email: 'dewi@uji.go.id' }))));
    expect(outcomes.filter((code) => code === 'OK'), outcomes.join(', ')).toHaveLength(1);
    expect(outcomes.filter((code) => code !== 'OK').every((code) => code === 'EMAIL_ALREADY_REGISTERED'), outcomes.join(', ')).toBe(true);
    const items = await table.allItems();
    expect(items.filter((item) => item.sk === 'PROFILE' && item.email === 'dewi@uji.go.id')).toHaveLength(1);
    expect(items.filter((item) => String(item.pk).startsWith('OUTBOX#') && item.to === 'dewi@uji.go.id')).toHaveLength(1);
    expect(items.filter((item) => item.action === 'USER_REGISTERED')).toHaveLength(1);
    expect(items.filter((item) => String(item.pk).startsWith('TOKEN#'))).toHaveLength(1);
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('API key revocation: every request answered as done, the key gone, revoked and audited once', async () => {
    const table = await freshTable();
    const tenant = await putTenant(table.dynamo, table.tableName);
    const deps = { tenants: table.tenants, apiKeys: new DynamoApiKeyRegistry(table.dynamo, table.tableName), clock: manualClock(), ids: randomIds };
    const created = await createApiKey(deps, { actor: verifierOf(tenant), tenantId: tenant.tenantId, name: 'SIMPEG', scopes: ['users:write'] as never });
    const stats = throttle(table.dynamo);
    const outcomes = await Promise.all(Array.from({ length: N }, () => codeOf(revokeApiKey(deps, { actor: verifierOf(tenant), tenantId: tenant.tenantId, keyId: created.keyId }))));
    expect(outcomes).toEqual(Array(N).fill('OK'));
    const items = await table.allItems();
    expect(items.find((item) => item.pk === keys.apiKey(hashApiKey(created.apiKey)).pk)).toBeUndefined();
    expect(items.find((item) => item.pk === keys.tenantApiKey(tenant.tenantId, created.keyId).pk && item.sk === keys.tenantApiKey(tenant.tenantId, created.keyId).sk)?.revokedAt).toBeDefined();
    expect(items.filter((item) => item.action === 'API_KEY_REVOKED')).toHaveLength(1);
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('price list change: one version stored, every answer showing it', async () => {
    const table = await freshTable();
    const billing = new DynamoBilling(table.dynamo, table.tableName);
    const clock = manualClock(new Date('2026-11-20T03:00:00.000Z'));
    const deps = { prices: billing, clock, ids: randomIds };
    const prices = Object.fromEntries(usageEvents.map((event, index) => [event, 100 * (index + 1)])) as never;
    const stats = throttle(table.dynamo);
    const answers = await Promise.all(Array.from({ length: N }, () => setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-12-01', prices })));
    const versions = (await table.allItems()).filter((item) => item.pk === keys.priceVersion('2026-12-01').pk && String(item.sk).startsWith(keys.priceVersion('2026-12-01').sk));
    expect(versions).toHaveLength(1);
    expect(versions[0]!.prices).toEqual(prices);
    for (const answer of answers) expect(JSON.stringify(answer)).toContain('2026-12-01');
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('certificate issuance on one link: one certificate, one key, one e-mail, one usage count', async () => {
    const ctx = await certificatesSetup();
    const user = await ctx.approvedUser('Budi Santoso');
    await ctx.freshSelfie(user.enrollToken);
    const stats = throttle(ctx.dynamo);
    const outcomes = await Promise.all(Array.from({ length: 5 }, async () => {
      try {
        return (await issueCertificate(ctx.deps, { token: user.enrollToken, purpose: 'enroll', passphrase: PASSPHRASE, sourceIp: '203.0.113.7' })).certificate.serialNumber;
      } catch (error) {
        return `ERROR ${(error as { code?: string }).code ?? String(error)}`;
      }
    }));
    const serials = new Set(outcomes.filter((outcome) => !outcome.startsWith('ERROR')));
    expect(serials.size, outcomes.join(', ')).toBe(1);
    expect(outcomes.filter((outcome) => outcome.startsWith('ERROR')).every((outcome) => outcome === 'ERROR ISSUANCE_IN_PROGRESS'), outcomes.join(', ')).toBe(true);
    const [serial] = [...serials];
    const items = await ctx.allItems();
    expect(items.filter((item) => String(item.pk).startsWith('CERT#') && item.userId === user.userId).map((item) => item.serialNumber)).toEqual([serial]);
    expect((await ctx.signingKeyOf(user.userId))?.serialNumber).toBe(serial);
    expect(await ctx.outbox(user.email, 'certificateIssued')).toHaveLength(1);
    expect(await ctx.usageCount()).toBe(1);
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('approval decision: one approval, its two links and e-mails, one USER_APPROVED count', async () => {
    const ctx = await certificatesSetup();
    const at = ctx.clock.now().toISOString();
    const user: UserRecord = {
      userId: randomIds.newId(), tenantId: ctx.tenant.tenantId, role: 'USER', fullName: 'Wulan Sari', email: 'wulan.sari@uji.go.id', status: 'AWAITING_REVIEW',
      createdAt: at, updatedAt: at, createdBy: ctx.verifier.actorId, version: 3,
    };
    await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: userItem(user) }));
    const reviewDeps = { users: ctx.users, tenants: ctx.tenants, composer: ctx.composer, clock: ctx.clock, ids: randomIds, settings: ctx.deps.settings };
    const stats = throttle(ctx.dynamo);
    const outcomes = await Promise.all(Array.from({ length: N }, () => codeOf(approveApplicant(reviewDeps, user.userId, { actorId: ctx.verifier.actorId, actorRole: 'VERIFIER' }))));
    expect(outcomes.filter((code) => code === 'OK'), outcomes.join(', ')).toHaveLength(1);
    expect(outcomes.filter((code) => code !== 'OK').every((code) => code === 'NOT_AWAITING_REVIEW'), outcomes.join(', ')).toBe(true);
    expect((await ctx.users.findUser(user.userId))?.status).toBe('APPROVED');
    expect(await ctx.outbox(user.email, 'setPassphrase')).toHaveLength(1);
    expect((await ctx.allItems()).filter((item) => String(item.pk).startsWith('TOKEN#') && item.userId === user.userId)).toHaveLength(2);
    expect(await ctx.usageCount('USER_APPROVED')).toBe(1);
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('data change request: one request, the certificate suspended once', async () => {
    const ctx = await certificatesSetup();
    const deps = { ...ctx.deps, users: ctx.users, tenants: ctx.tenants, dataChanges: new DynamoDataChanges(ctx.dynamo, ctx.tableName) };
    const holder = await ctx.holder('Dewi Lestari');
    await ctx.setStatus(holder.userId, 'ACTIVE');
    ctx.clock.advance(1000);
    const stats = throttle(ctx.dynamo);
    const outcomes = await Promise.all(Array.from({ length: N }, () => codeOf(requestDataChange(deps, { actor: holder.actor, changes: { position: 'Kepala Seksi', reason: 'Promosi' } }))));
    expect(outcomes.filter((code) => code === 'OK'), outcomes.join(', ')).toHaveLength(1);
    expect(outcomes.filter((code) => code !== 'OK').every((code) => code === 'DATA_CHANGE_PENDING'), outcomes.join(', ')).toBe(true);
    expect((await ctx.allItems()).filter((item) => String(item.pk).startsWith('DATACHANGE#') && item.userId === holder.userId)).toHaveLength(1);
    expect(await ctx.certificateOf(holder.serial)).toMatchObject({ status: 'SUSPENDED', version: 2 });
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('signing with one idempotency key: one batch recorded, its documents counted once', async () => {
    const table = await freshTable();
    const ledger = new DynamoSignatureLedger(table.dynamo, table.tableName);
    const stats = throttle(table.dynamo);
    // What the signing use case records once the PDFs are signed; every retry of the request carries the same batch id.
    const outcomes = await Promise.all(Array.from({ length: N }, (_, attempt) => ledger.record({
      batchId: 'kunci-1', tenantId: 'tenant-uji', userId: 'user-1', certificateSerial: 'ab12', level: 'B-T', signedAt: '2026-12-05T02:00:00.000Z',
      documents: [1, 2].map((index) => ({
        documentId: `kunci-1.${index}`, name: `surat-${index}.pdf`, originalSha256: 'a'.repeat(64), signedSha256: 'b'.repeat(64), objectKey: `documents/tenant-uji/kunci-1/${attempt}/${index}.pdf`,
      })),
    })));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await ledger.findBatch('kunci-1'))!.documents[0]!.objectKey).toContain(`/${outcomes.indexOf(true)}/`);
    const usage = await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.usage('tenant-uji', '2026-12-05', 'DOCUMENT_SIGNED'), ConsistentRead: true }));
    expect(usage.Item?.count).toBe(2);
    expect(stats.throttled + stats.cancelled).toBeGreaterThan(0);
  });

  it('a transaction the table keeps cancelling for capacity is 503 SERVICE_UNAVAILABLE (not a 409 conflict), and writes nothing', async () => {
    const table = await freshTable();
    let attempts = 0;
    table.dynamo.middlewareStack.add((next, context) => (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      attempts++;
      const items = ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length;
      return Promise.reject(new TransactionCanceledException({
        message: 'Transaction cancelled [ThrottlingError]', $metadata: { httpStatusCode: 400 },
        CancellationReasons: Array.from({ length: items }, (_, index) => ({ Code: index === 0 ? 'ThrottlingError' : 'None' })),
      }));
    }, { step: 'deserialize', name: 'alwaysCancelled' });
    const prices = Object.fromEntries(usageEvents.map((event) => [event, 100])) as never;
    const deps = { prices: new DynamoBilling(table.dynamo, table.tableName), clock: manualClock(), ids: randomIds };
    expect(await codeOf(setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-12-01', prices }))).toBe('SERVICE_UNAVAILABLE');
    expect(attempts).toBe(5); // tried again like a conflict before giving up
    expect(await table.allItems()).toEqual([]);
  });
});

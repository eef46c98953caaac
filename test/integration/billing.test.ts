import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { runMonthEnd, statementMessageId, type MonthEndDeps } from '../../functions/billing/use-cases/month-end.js';
import { billingActions } from '../../functions/operator/billing-actions.js';
import { billingRoutes } from '../../functions/operator/billing-routes.js';
import { setPriceVersion } from '../../functions/operator/use-cases/prices.js';
import { getStatement } from '../../functions/operator/use-cases/statements.js';
import { getUsage } from '../../functions/operator/use-cases/usage.js';
import { renderMessage } from '../../functions/outbox/templates.js';
import { DynamoBilling } from '../../shared/adapters/aws/dynamo-billing.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { usageIncrement } from '../../shared/adapters/aws/table-items.js';
import { indexKeys, keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { Prices } from '../../shared/domain/billing.js';
import type { MessageTemplates } from '../../shared/domain/messages.js';
import { answerOf, apiGatewayEvent, invocationContext } from '../../shared/http/api-event.js';
import { Authenticator, hashApiKey } from '../../shared/http/auth.js';
import { defineRoutes } from '../../shared/http/route.js';
import { createHttpHandler } from '../../shared/http/service.js';
import type { Tenant } from '../../shared/ports/tenants.js';
import type { UsageReader } from '../../shared/ports/usage.js';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { codeOf, failureOf, freshTable, manualClock, quietLogger } from './harness.js';

const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };
const free: Prices = { USER_APPROVED: 0, CERTIFICATE_ISSUED: 0, DOCUMENT_SIGNED: 0, HASH_SIGNED: 0, VERIFICATION: 0, EMAIL_SENT: 0 };
const tariff = (overrides: Partial<Prices>): Prices => ({ ...free, ...overrides });
/** A WIB day's noon, as an instant (05:00 UTC). */
const wibNoon = (day: string) => new Date(`${day}T05:00:00.000Z`);

async function billingWorld() {
  const table = await freshTable();
  const clock = manualClock(wibNoon('2026-11-10'));
  const billing = new DynamoBilling(table.dynamo, table.tableName);
  const usage = new DynamoUsageReader(table.dynamo, table.tableName);
  let serial = 0;
  const deps = {
    tenants: table.tenants, usage, prices: billing, statements: billing, clock, ids: { newId: () => `id-${(serial += 1)}` },
    settings: { webBaseUrl: 'https://tte.contoh.go.id/web' },
  };
  const addTenant = async (tenant: Partial<Tenant> = {}): Promise<Tenant> => {
    const record: Tenant = {
      tenantId: `tenant-${randomUUID()}`, name: 'Dinas Uji Coba', organizationName: 'Pemerintah Provinsi Uji', emailDomains: ['uji.go.id'], createdAt: '2026-01-05T02:00:00.000Z', ...tenant,
    };
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.tenant(record.tenantId), ...indexKeys.tenants(record.tenantId), ...record } }));
    return record;
  };
  /** Counts work the way the metered use cases do: a usage increment at an instant. */
  const count = async (tenantId: string, event: keyof Prices, day: string, quantity: number) => {
    await table.dynamo.send(new UpdateCommand(usageIncrement(table.tableName, tenantId, event, wibNoon(day).toISOString(), quantity).Update));
  };
  const outbox = async () => (await table.allItems()).filter((item) => String(item.pk).startsWith('OUTBOX#'));
  return { table, clock, billing, deps, addTenant, count, outbox };
}

describe('statements on DynamoDB Local', () => {
  it('a month with a price change in the middle has one line per price period, frozen once the month is over', async () => {
    const { deps, clock, addTenant, count, table } = await billingWorld();
    const tenant = await addTenant({ name: 'Dinas Kominfo Contoh' });
    await setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-11-10', prices: tariff({ DOCUMENT_SIGNED: 1000, VERIFICATION: 100 }) });
    clock.set(wibNoon('2026-11-12'));
    await setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-11-16', prices: tariff({ DOCUMENT_SIGNED: 1500, VERIFICATION: 100 }) });
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-03', 4); // before any price: free
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-12', 10);
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-15', 5);
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-16', 7);
    await count(tenant.tenantId, 'VERIFICATION', '2026-11-20', 3);
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-12-01', 100); // next month

    clock.set(wibNoon('2026-11-28'));
    const open = await getStatement(deps, { actor: operator, tenantId: tenant.tenantId, period: '2026-11' });
    expect(open.status).toBe('OPEN');
    expect(open.closedAt).toBeUndefined();

    // 00:00 WIB on 1 December: November is over.
    clock.set(new Date('2026-11-30T17:00:00.000Z'));
    const verifier: Actor = { actorId: 'verifier-1', role: 'VERIFIER', tenantId: tenant.tenantId };
    const closed = await getStatement(deps, { actor: verifier, tenantId: tenant.tenantId, period: '2026-11' });
    expect(closed).toEqual({
      tenant: { tenantId: tenant.tenantId, name: 'Dinas Kominfo Contoh', organisationName: 'Pemerintah Provinsi Uji' },
      period: '2026-11',
      status: 'CLOSED',
      currency: 'IDR',
      lines: [
        { event: 'DOCUMENT_SIGNED', quantity: 4, unitPrice: 0, amount: 0, from: '2026-11-01', to: '2026-11-09' },
        { event: 'DOCUMENT_SIGNED', quantity: 15, unitPrice: 1000, amount: 15_000, from: '2026-11-10', to: '2026-11-15' },
        { event: 'DOCUMENT_SIGNED', quantity: 7, unitPrice: 1500, amount: 10_500, from: '2026-11-16', to: '2026-11-30' },
        { event: 'VERIFICATION', quantity: 3, unitPrice: 100, amount: 300, from: '2026-11-10', to: '2026-11-30' },
      ],
      total: 25_800,
      closedAt: '2026-11-30T17:00:00.000Z',
    });
    const stored = (await table.allItems()).filter((item) => item.sk === 'STATEMENT#2026-11');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ pk: `TENANT#${tenant.tenantId}`, total: 25_800, status: 'CLOSED' });
  });

  it('a frozen month never changes: not by a later price change, not by counts or prices written afterwards', async () => {
    const { deps, clock, addTenant, count, table } = await billingWorld();
    const tenant = await addTenant();
    await setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-11-10', prices: tariff({ HASH_SIGNED: 200 }) });
    await count(tenant.tenantId, 'HASH_SIGNED', '2026-11-11', 50);
    clock.set(wibNoon('2026-12-02'));
    const first = await getStatement(deps, { actor: operator, tenantId: tenant.tenantId, period: '2026-11' });
    expect(first.total).toBe(10_000);

    // The legitimate change: new prices from today.
    await setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-12-02', prices: tariff({ HASH_SIGNED: 900 }) });
    // And behind the service's back: a late count for November and a price version dated inside it.
    await count(tenant.tenantId, 'HASH_SIGNED', '2026-11-29', 1000);
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.priceVersion('2026-11-01'), effectiveFrom: '2026-11-01', prices: tariff({ HASH_SIGNED: 5 }) } }));
    clock.set(wibNoon('2027-02-01'));
    expect(await getStatement(deps, { actor: operator, tenantId: tenant.tenantId, period: '2026-11' })).toEqual(first);
  });

  it('two first reads at once freeze one statement, and both see it', async () => {
    const { deps, clock, addTenant, count, table } = await billingWorld();
    const tenant = await addTenant();
    await count(tenant.tenantId, 'CERTIFICATE_ISSUED', '2026-10-05', 2);
    clock.set(wibNoon('2026-11-20'));
    const [a, b] = await Promise.all([0, 1].map(() => getStatement(deps, { actor: operator, tenantId: tenant.tenantId, period: '2026-10' })));
    expect(a).toEqual(b);
    expect((await table.allItems()).filter((item) => item.sk === 'STATEMENT#2026-10')).toHaveLength(1);
  });

  it('usage per day is one Query of the day counters, every day of the range answered', async () => {
    const { deps, addTenant, count } = await billingWorld();
    const tenant = await addTenant();
    const other = await addTenant();
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-01', 3);
    await count(tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-01', 2);
    await count(tenant.tenantId, 'EMAIL_SENT', '2026-11-03', 1);
    await count(tenant.tenantId, 'EMAIL_SENT', '2026-11-04', 9);
    await count(other.tenantId, 'EMAIL_SENT', '2026-11-02', 7);
    const verifier: Actor = { actorId: 'v', role: 'VERIFIER', tenantId: tenant.tenantId };
    const report = await getUsage(deps, { actor: verifier, from: '2026-11-01', to: '2026-11-03' });
    expect(report.tenantId).toBe(tenant.tenantId);
    expect(report.days.map((entry) => [entry.day, entry.counts.DOCUMENT_SIGNED, entry.counts.EMAIL_SENT])).toEqual([
      ['2026-11-01', 5, 0], ['2026-11-02', 0, 0], ['2026-11-03', 0, 1],
    ]);
    expect(report.totals).toMatchObject({ DOCUMENT_SIGNED: 5, EMAIL_SENT: 1 });
    expect(await codeOf(getUsage(deps, { actor: verifier, tenantId: other.tenantId, from: '2026-11-01', to: '2026-11-03' }))).toBe('TENANT_NOT_FOUND');
    expect(await failureOf(getUsage(deps, { actor: operator, from: '2026-11-01', to: '2026-11-03' }))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query.tenantId', code: 'REQUIRED' }] });
  });
});

describe('the month-end job', () => {
  it('e-mails each tenant with a billing address once, however often it runs', async () => {
    const { deps, clock, addTenant, count, outbox, table } = await billingWorld();
    const billed = await addTenant({ name: 'Dinas A', billingEmail: 'keuangan@a.go.id' });
    const readEarly = await addTenant({ name: 'Dinas B', billingEmail: 'keuangan@b.go.id' });
    const noAddress = await addTenant({ name: 'Dinas C' });
    const newcomer = await addTenant({ name: 'Dinas D', billingEmail: 'keuangan@d.go.id', createdAt: '2026-12-05T01:00:00.000Z' });
    await setPriceVersion(deps, { actor: operator, effectiveFrom: '2026-11-10', prices: tariff({ DOCUMENT_SIGNED: 1000 }) });
    await count(billed.tenantId, 'DOCUMENT_SIGNED', '2026-11-20', 12);
    await count(readEarly.tenantId, 'DOCUMENT_SIGNED', '2026-11-21', 1);

    // A verifier looks at November first thing on 1 December: it is frozen then, before the job.
    clock.set(new Date('2026-11-30T17:05:00.000Z'));
    await getStatement(deps, { actor: { actorId: 'v', role: 'VERIFIER', tenantId: readEarly.tenantId }, tenantId: readEarly.tenantId, period: '2026-11' });
    // 00:15 WIB on 1 December.
    clock.set(new Date('2026-11-30T17:15:00.000Z'));
    const first = await runMonthEnd(deps);
    expect(first).toEqual({ closedPeriods: ['2026-11'], emailed: 2, alreadyEmailed: 0, withoutBillingEmail: [noAddress.tenantId], failed: [] });

    const messages = await outbox();
    expect(messages.map((message) => message.to).sort()).toEqual(['keuangan@a.go.id', 'keuangan@b.go.id']);
    const toA = messages.find((message) => message.to === 'keuangan@a.go.id')!;
    expect(toA).toMatchObject({ messageId: statementMessageId(billed.tenantId, '2026-11'), template: 'monthlyStatement', billedTenantId: null, status: 'PENDING' });
    expect(toA.sealedData).toBeUndefined();
    const mail = renderMessage('monthlyStatement', toA.to, toA.data as MessageTemplates['monthlyStatement']['data'], {}, '[TTE]');
    expect(mail.subject).toBe('[TTE] Tagihan Layanan November 2026');
    expect(mail.text).toContain('Dokumen ditandatangani (10–30 November 2026): 12 × Rp 1.000 = Rp 12.000');
    expect(mail.text).toContain('Total tagihan: Rp 12.000');
    expect(mail.text).toContain(`https://tte.contoh.go.id/web/console/usage?instansi=${billed.tenantId}&bulan=2026-11`);
    const statements = (await table.allItems()).filter((item) => item.sk === 'STATEMENT#2026-11');
    expect(statements.map((item) => item.pk).sort()).toEqual([billed, readEarly, noAddress].map((tenant) => `TENANT#${tenant.tenantId}`).sort());
    expect(statements.filter((item) => item.emailedAt).map((item) => item.pk).sort()).toEqual([billed, readEarly].map((tenant) => `TENANT#${tenant.tenantId}`).sort());
    expect(statements.some((item) => item.pk === `TENANT#${newcomer.tenantId}`)).toBe(false);

    // The same day again (a retry), and a run that forgot it had closed November: nothing new.
    expect(await runMonthEnd(deps)).toEqual({ closedPeriods: [], emailed: 0, alreadyEmailed: 0, withoutBillingEmail: [], failed: [] });
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.jobState('month-end-statements'), closedPeriod: '2026-10' } }));
    expect(await runMonthEnd(deps)).toMatchObject({ closedPeriods: ['2026-11'], emailed: 0, alreadyEmailed: 2 });
    expect(await outbox()).toHaveLength(2);
    // The statement e-mailed is the statement shown: the API reports when it went out.
    const shown = await getStatement(deps, { actor: operator, tenantId: billed.tenantId, period: '2026-11' });
    expect(shown.emailedAt).toBe('2026-11-30T17:15:00.000Z');
    expect(shown).not.toHaveProperty('emailMessageId');
  });

  it('goes on past a tenant that fails, keeps the month open, and sends the rest on the next run only', async () => {
    const { deps, clock, addTenant, count, outbox, billing } = await billingWorld();
    const healthy = await addTenant({ name: 'Dinas Sehat', billingEmail: 'keuangan@sehat.go.id' });
    const flaky = await addTenant({ name: 'Dinas Gangguan', billingEmail: 'keuangan@gangguan.go.id' });
    await count(healthy.tenantId, 'VERIFICATION', '2026-11-02', 1);
    await count(flaky.tenantId, 'VERIFICATION', '2026-11-02', 1);
    let broken = true;
    const usage: UsageReader = {
      dailyUsage: async (tenantId, from, to) => {
        if (broken && tenantId === flaky.tenantId) throw new Error('ProvisionedThroughputExceededException');
        return deps.usage.dailyUsage(tenantId, from, to);
      },
    };
    const jobDeps: MonthEndDeps = { ...deps, usage };
    clock.set(new Date('2026-11-30T17:15:00.000Z'));
    const failed = await runMonthEnd(jobDeps);
    expect(failed).toMatchObject({ closedPeriods: [], emailed: 1, failed: [{ tenantId: flaky.tenantId, period: '2026-11', error: 'Error: ProvisionedThroughputExceededException' }] });
    expect(await billing.lastClosedPeriod()).toBeUndefined();

    broken = false;
    clock.set(new Date('2026-11-30T18:15:00.000Z'));
    expect(await runMonthEnd(jobDeps)).toEqual({ closedPeriods: ['2026-11'], emailed: 1, alreadyEmailed: 1, withoutBillingEmail: [], failed: [] });
    expect((await outbox()).map((message) => message.to).sort()).toEqual(['keuangan@gangguan.go.id', 'keuangan@sehat.go.id']);
  });

  it('catches up on the months it missed, oldest first, and only on months the tenant existed', async () => {
    const { deps, clock, addTenant, outbox, billing } = await billingWorld();
    const tenant = await addTenant({ billingEmail: 'keuangan@uji.go.id', createdAt: '2026-09-15T00:00:00.000Z' });
    await billing.recordClosedPeriod('2026-08');
    clock.set(wibNoon('2026-12-03'));
    expect(await runMonthEnd(deps)).toMatchObject({ closedPeriods: ['2026-09', '2026-10', '2026-11'], emailed: 3 });
    expect((await outbox()).map((message) => message.messageId).sort()).toEqual(['2026-09', '2026-10', '2026-11'].map((period) => statementMessageId(tenant.tenantId, period)));
  });
});

describe('bad input over HTTP: its code, and nothing written', () => {
  async function httpWorld() {
    const world = await billingWorld();
    const tenant = await world.addTenant();
    const other = await world.addTenant({ name: 'Dinas Lain' });
    const operatorKey = `tte_${randomUUID()}`;
    const verifierKey = `tte_${randomUUID()}`;
    const actors = new Map([
      [hashApiKey(operatorKey), { keyHash: hashApiKey(operatorKey), actorId: 'operator-1', role: 'OPERATOR' as const, tenantId: 'platform', label: 'op', createdAt: '' }],
      [hashApiKey(verifierKey), { keyHash: hashApiKey(verifierKey), actorId: 'verifier-1', role: 'VERIFIER' as const, tenantId: tenant.tenantId, label: 'v', createdAt: '' }],
    ]);
    const handler = createHttpHandler(defineRoutes('operator', billingRoutes), billingActions(world.deps), {
      authenticator: new Authenticator({ apiKeys: { findApiKey: async (hash) => actors.get(hash) }, clock: world.clock }),
      logger: quietLogger(),
    });
    const call = async (route: keyof typeof billingRoutes, key: string, input: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}) => {
      const spec = billingRoutes[route];
      const result = await handler(apiGatewayEvent({
        context: 'operator', method: spec.method, resource: spec.path, pathParameters: input.params ?? {}, query: input.query ?? {},
        headers: { 'x-api-key': key, ...(input.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(input.body === undefined ? {} : { body: Buffer.from(JSON.stringify(input.body)) }),
        sourceIp: '127.0.0.1', requestId: randomUUID(),
      }), invocationContext('operator', 'test'));
      const answer = answerOf(result);
      const text = answer.body.toString('utf8');
      return { status: answer.status, headers: answer.headers, text, json: /json/.test(answer.headers['content-type'] ?? '') ? JSON.parse(text) : undefined };
    };
    return { ...world, tenant, other, operatorKey, verifierKey, call };
  }

  const sorted = (items: Record<string, unknown>[]) => items.map((item) => JSON.stringify(item)).sort();

  it.each<[string, number, string, (world: Awaited<ReturnType<typeof httpWorld>>) => ReturnType<Awaited<ReturnType<typeof httpWorld>>['call']>, { field: string; code: string }[]?]>([
    ['a price below zero', 422, 'VALIDATION_FAILED', (w) => w.call('setPriceList', w.operatorKey, { body: { effectiveFrom: '2026-12-01', prices: tariff({ DOCUMENT_SIGNED: -500 }) } }), [{ field: 'prices.DOCUMENT_SIGNED', code: 'PRICE_INVALID' }]],
    ['a price with a fraction', 422, 'VALIDATION_FAILED', (w) => w.call('setPriceList', w.operatorKey, { body: { effectiveFrom: '2026-12-01', prices: tariff({ HASH_SIGNED: 10.5 }) } }), [{ field: 'prices.HASH_SIGNED', code: 'PRICE_INVALID' }]],
    ['an effective date in the past (yesterday, WIB)', 422, 'PRICE_EFFECTIVE_DATE_PAST', (w) => w.call('setPriceList', w.operatorKey, { body: { effectiveFrom: '2026-11-09', prices: tariff({ DOCUMENT_SIGNED: 1000 }) } }), [{ field: 'effectiveFrom', code: 'VALUE_INVALID' }]],
    ['a statement for a future month', 422, 'STATEMENT_PERIOD_INVALID', (w) => w.call('getStatement', w.operatorKey, { params: { tenantId: w.tenant.tenantId, period: '2026-12' } })],
    ['a statement for a month before the tenant existed', 422, 'STATEMENT_PERIOD_INVALID', (w) => w.call('getStatement', w.operatorKey, { params: { tenantId: w.tenant.tenantId, period: '2025-12' } })],
    ['a statement for a month that is no month', 422, 'VALIDATION_FAILED', (w) => w.call('getStatement', w.operatorKey, { params: { tenantId: w.tenant.tenantId, period: '2026-13' } }), [{ field: 'params.period', code: 'VALUE_INVALID' }]],
    ["another tenant's statement, even for a month that is no month", 404, 'TENANT_NOT_FOUND', (w) => w.call('getStatement', w.verifierKey, { params: { tenantId: w.other.tenantId, period: 'bukan-bulan' } })],
    ["another tenant's usage", 404, 'TENANT_NOT_FOUND', (w) => w.call('getUsage', w.verifierKey, { query: { tenantId: w.other.tenantId, from: '2026-11-01', to: '2026-11-30' } })],
    ['usage over more than 366 days', 422, 'VALIDATION_FAILED', (w) => w.call('getUsage', w.operatorKey, { query: { tenantId: w.tenant.tenantId, from: '2025-01-01', to: '2026-01-02' } }), [{ field: 'query.to', code: 'DATE_RANGE_INVALID' }]],
    ['prices set by a verifier', 403, 'FORBIDDEN', (w) => w.call('setPriceList', w.verifierKey, { body: { effectiveFrom: '2026-12-01', prices: free } })],
  ])('%s → %i %s', async (_case, status, code, send, errors) => {
    const world = await httpWorld();
    const before = sorted(await world.table.allItems());
    const answer = await send(world);
    expect(answer.status, answer.text).toBe(status);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json.code).toBe(code);
    if (errors) expect(answer.json.errors.map(({ field, code: fieldCode }: { field: string; code: string }) => ({ field, code: fieldCode }))).toEqual(errors);
    expect(sorted(await world.table.allItems())).toEqual(before);
  });

  it('the same future day again replaces that version; each change is audited with its prices', async () => {
    const world = await httpWorld();
    const put = (price: number) => world.call('setPriceList', world.operatorKey, { body: { effectiveFrom: '2026-12-01', prices: tariff({ DOCUMENT_SIGNED: price }) } });
    expect((await put(1000)).status).toBe(200);
    const answer = await put(1200);
    expect(answer.status).toBe(200);
    expect(answer.json.current).toEqual({ effectiveFrom: '1970-01-01', prices: free });
    expect(answer.json.versions).toEqual([{ effectiveFrom: '2026-12-01', prices: tariff({ DOCUMENT_SIGNED: 1200 }), setAt: '2026-11-10T05:00:00.000Z', setBy: 'operator-1' }]);
    const audit = (await world.table.allItems()).filter((item) => item.pk === keys.servicePartition('PRICE_LIST'));
    expect(audit.map((item) => [item.action, item.target, item.prices.DOCUMENT_SIGNED, item.actorId]).sort()).toEqual([
      ['PRICE_LIST_SET', '2026-12-01', 1000, 'operator-1'], ['PRICE_LIST_SET', '2026-12-01', 1200, 'operator-1'],
    ]);
    const read = await world.call('getPriceList', world.operatorKey);
    expect(read.json).toEqual(answer.json);
  });

  it('the CSV: UTF-8 with a BOM, semicolons, a file name with the tenant and month', async () => {
    const world = await httpWorld();
    await setPriceVersion(world.deps, { actor: operator, effectiveFrom: '2026-11-10', prices: tariff({ DOCUMENT_SIGNED: 1000 }) });
    await world.count(world.tenant.tenantId, 'DOCUMENT_SIGNED', '2026-11-10', 1234);
    const answer = await world.call('getStatement', world.verifierKey, { params: { tenantId: world.tenant.tenantId, period: '2026-11' }, query: { format: 'csv' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="tagihan-${world.tenant.tenantId}-2026-11.csv"`);
    expect(answer.text).toBe('\uFEFFLayanan;Kode;Dari;Sampai;Kuantitas;Harga satuan (IDR);Jumlah (IDR)\r\nDokumen ditandatangani;DOCUMENT_SIGNED;2026-11-10;2026-11-30;1234;1000;1234000\r\nTotal;;;;;;1234000\r\n');
  });
});

/**
 * The Billing figures on the local runtime (DynamoDB Local on disk, as `npm start`): one tenant's
 * month of 100,000 metered events (a counter per day and event, 186 items, a price change in the
 * middle of the month) turned into its statement.
 *   - the statement computed in-process (the prices Query, the month's counters Query, the lines),
 *     as the OPEN month and the month-end job compute it;
 *   - GET /v1/tenants/{tenantId}/statements/{month} over HTTP for the current month (computed live),
 *     and as CSV;
 *   - a past month: its first read (computed and frozen) and the reads after it (the snapshot).
 * Target (issue 11): the statement in ≤ 300 ms.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { availableParallelism, loadavg } from 'node:os';
import { computeStatement } from '../../functions/operator/use-cases/statements.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { DynamoBilling } from '../../shared/adapters/aws/dynamo-billing.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { DynamoTenantDirectory } from '../../shared/adapters/aws/dynamo-tenants.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { usageIncrement } from '../../shared/adapters/aws/table-items.js';
import { keys } from '../../shared/data/table.js';
import { currentPeriod, eachDay, periodBounds, previousPeriod, type Prices } from '../../shared/domain/billing.js';
import { usageEvents } from '../../shared/domain/usage.js';
import { bootLocalRuntime } from '../e2e/runtime.js';

const TARGET_MS = 300;
const EVENTS_PER_MONTH = 100_000;
const RUNS = 50;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const spread = (values: number[]) => `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;
const verdict = (values: number[]) => (percentile(values, 95) <= TARGET_MS ? 'ok' : 'OVER TARGET');

/** Shares of the month's events, roughly as an agency's: mostly signatures, some verifications and mail. */
const shares: Record<(typeof usageEvents)[number], number> = {
  USER_APPROVED: 0.01, CERTIFICATE_ISSUED: 0.01, DOCUMENT_SIGNED: 0.6, HASH_SIGNED: 0.1, VERIFICATION: 0.18, EMAIL_SENT: 0.1,
};

/** Counters for every day and event of `period` summing to exactly `total`. */
function monthOfCounters(period: string, total: number): { day: string; event: (typeof usageEvents)[number]; count: number }[] {
  const { first, last } = periodBounds(period);
  const days = eachDay(first, last);
  const counters = days.flatMap((day, dayIndex) => usageEvents.map((event) => ({
    day, event, count: Math.max(1, Math.round((total * shares[event] / days.length) * (0.6 + 0.8 * (((dayIndex * 7 + event.length) % 11) / 10)))),
  })));
  // The rounding remainder goes to the first counter, so the month holds exactly `total`.
  const sum = counters.reduce((s, counter) => s + counter.count, 0);
  counters[0]!.count += total - sum;
  return counters;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function billing() {
  const runtime = await bootLocalRuntime();
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    const tenantId = runtime.seed.tenant.tenantId;
    const current = currentPeriod(new Date());
    const past = previousPeriod(current);
    const prices: Prices = { USER_APPROVED: 5000, CERTIFICATE_ISSUED: 25_000, DOCUMENT_SIGNED: 1000, HASH_SIGNED: 500, VERIFICATION: 200, EMAIL_SENT: 0 };
    // Two versions in each month (the 1st and the 15th): every event gets two lines.
    for (const period of [past, current]) {
      for (const [day, factor] of [['01', 1], ['15', 1.5]] as const) {
        const effectiveFrom = `${period}-${day}`;
        const version = Object.fromEntries(usageEvents.map((event) => [event, Math.round(prices[event] * factor)]));
        await db.send(new PutCommand({ TableName: runtime.tableName, Item: { ...keys.priceVersion(effectiveFrom), effectiveFrom, prices: version } }));
      }
    }
    let counters = 0;
    for (const period of [past, current]) {
      for (const counter of monthOfCounters(period, EVENTS_PER_MONTH)) {
        await db.send(new UpdateCommand(usageIncrement(runtime.tableName, tenantId, counter.event, `${counter.day}T05:00:00.000Z`, counter.count).Update));
        counters += 1;
      }
    }
    // The demo tenant was made today: let it have existed last month too, so that month has a statement.
    await db.send(new UpdateCommand({ TableName: runtime.tableName, Key: keys.tenant(tenantId), UpdateExpression: 'SET createdAt = :at', ExpressionAttributeValues: { ':at': `${past}-01T00:00:00.000Z` } }));

    const tenant = (await new DynamoTenantDirectory(db, runtime.tableName).findTenant(tenantId))!;
    const billingStore = new DynamoBilling(db, runtime.tableName);
    const deps = { usage: new DynamoUsageReader(db, runtime.tableName), prices: billingStore };
    const sample = await computeStatement(deps, tenant, current, 'OPEN');
    const quantity = sample.lines.reduce((sum, line) => sum + line.quantity, 0);

    const inProcess: number[] = [];
    for (let run = 0; run < 10; run++) await computeStatement(deps, tenant, current, 'OPEN'); // warm-up
    for (let run = 0; run < RUNS; run++) inProcess.push(await timed(() => computeStatement(deps, tenant, current, 'OPEN')));

    const get = async (period: string, csv = false) => {
      const response = await fetch(`${runtime.api}/v1/tenants/${tenantId}/statements/${period}${csv ? '?format=csv' : ''}`, { headers: { 'x-api-key': runtime.seed.operator.apiKey } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET statement ${period}: ${response.status}`);
    };
    for (let run = 0; run < 10; run++) await get(current); // warm-up
    const overHttp: number[] = [];
    for (let run = 0; run < RUNS; run++) overHttp.push(await timed(() => get(current)));
    const asCsv: number[] = [];
    for (let run = 0; run < RUNS; run++) asCsv.push(await timed(() => get(current, true)));
    const firstPastRead = await timed(() => get(past));
    const frozen: number[] = [];
    for (let run = 0; run < RUNS; run++) frozen.push(await timed(() => get(past)));

    console.log(`\nStatement of one tenant's month of ${EVENTS_PER_MONTH.toLocaleString('en')} events (a counter per day and event: ${eachDay(periodBounds(current).first, periodBounds(current).last).length * usageEvents.length} items; ${counters} written for two months; a price change on the 15th: ${sample.lines.length} lines, ${quantity.toLocaleString('en')} events, total Rp ${sample.total.toLocaleString('id-ID')}), DynamoDB Local on disk, ${RUNS} runs each`);
    console.log(`  computed in-process (prices Query + counters Query + lines): ${spread(inProcess)}  (target ≤ ${TARGET_MS} ms: ${verdict(inProcess)})`);
    console.log(`  GET /v1/tenants/{tenantId}/statements/${current} over HTTP (OPEN, computed live): ${spread(overHttp)}  (target ≤ ${TARGET_MS} ms: ${verdict(overHttp)})`);
    console.log(`  the same ?format=csv: ${spread(asCsv)}  (target ≤ ${TARGET_MS} ms: ${verdict(asCsv)})`);
    console.log(`  ${past} (CLOSED): first read, computed and frozen ${firstPastRead.toFixed(1)} ms; then from the snapshot ${spread(frozen)}`);
    console.log(`  (${availableParallelism()} cores, load ${loadavg().map((load) => load.toFixed(2)).join(' ')})`);
  } finally {
    db.destroy();
    await runtime.shutdown();
  }
}

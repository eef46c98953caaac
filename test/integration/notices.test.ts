import { BatchGetCommand, BatchWriteCommand, PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { certificateItem, signingKeyItem } from '../../shared/adapters/aws/table-items.js';
import { keys, pendingOutboxPartition } from '../../shared/data/table.js';
import type { CertificateRecord, SigningKeyRecord } from '../../shared/ports/certificates.js';
import { runDailyNotices } from '../../functions/notices/use-cases/daily-notices.js';
import { endpoints, freshTable, manualClock } from './harness.js';

const DAY_MS = 86_400_000;
const liveStatuses = new Set<CertificateRecord['status']>(['ISSUED', 'SUSPENDED']);

function certificateRecord(serialNumber: string, notAfter: string, status: CertificateRecord['status'] = 'ISSUED', userId = `user-${serialNumber}`): CertificateRecord {
  return {
    serialNumber, userId, tenantId: 'tenant-uji', email: `${serialNumber}@uji.go.id`, fullName: 'Siti Aminah',
    subject: 'CN=Siti Aminah', status, notBefore: '2025-11-22T00:00:00.000Z', notAfter, pem: '', csrPem: '', keyId: `key-${serialNumber}`,
    issuedAt: '2025-11-22T00:00:00.000Z', issuance: { kind: 'FIRST', tokenHash: 'x' }, agreement: { version: 'v', acceptedAt: '2025-11-22T00:00:00.000Z', sourceIp: '127.0.0.1' },
    selfie: { photoId: 'p', objectKey: 'k', width: 1, height: 1, confirmedAt: '2025-11-22T00:00:00.000Z' }, version: 1,
  };
}

function signingKeyRecord(userId: string, serialNumber: string): SigningKeyRecord {
  return {
    userId, keyId: `key-${serialNumber}`, serialNumber, sealed: { kdf: { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' }, wrapped: 'x' },
    createdAt: '2025-11-22T00:00:00.000Z', updatedAt: '2025-11-22T00:00:00.000Z', failedPassphrases: 0, version: 1,
  };
}

/** Every item of the table (paginated: a 10,000-certificate table is many 1 MB pages). */
async function scanAll(db: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, any>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** BatchGetItem, 100 keys a call: the items that exist. */
async function getAll(db: DynamoDBDocumentClient, tableName: string, itemKeys: Record<string, string>[]) {
  const items: Record<string, any>[] = [];
  for (let index = 0; index < itemKeys.length; index += 100) {
    let pending: Record<string, unknown>[] = itemKeys.slice(index, index + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 20) throw new Error('BatchGet kept keys unprocessed');
      const result = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
}

/** The outbox messages waiting to be sent (one Query on their index). */
async function pendingOutbox(db: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, any>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({
      TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': pendingOutboxPartition }, ExclusiveStartKey: startKey,
    }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** BatchWriteItem, 25 items a call, several calls in flight, unprocessed items sent again. */
async function putAll(db: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[], concurrency = 6) {
  const chunks: Record<string, unknown>[][] = [];
  for (let index = 0; index < items.length; index += 25) chunks.push(items.slice(index, index + 25));
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < chunks.length) {
      let requests = chunks[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 20) throw new Error('BatchWrite kept items unprocessed');
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  }));
}

/** A small deterministic PRNG (mulberry32), so the spread is the same on every run. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A DynamoDB client that counts what the job reads: every command by name, the items each Query
 * returned (Count) and looked at (ScannedCount), and the items GetItem found.
 */
function countingClient() {
  const db = createDynamoClient(endpoints());
  const reads = { commands: [] as string[], queries: 0, queryCount: 0, queryScanned: 0, gets: 0, getItems: 0 };
  db.middlewareStack.add((next, context) => async (args) => {
    const result = await next(args);
    const name = String(context.commandName);
    reads.commands.push(name);
    const output = result.output as { Count?: number; ScannedCount?: number; Item?: unknown };
    if (name === 'QueryCommand') {
      reads.queries++;
      reads.queryCount += output.Count ?? 0;
      reads.queryScanned += output.ScannedCount ?? 0;
    }
    if (name === 'GetItemCommand') {
      reads.gets++;
      if (output.Item) reads.getItems++;
    }
    return result;
  }, { step: 'initialize', name: 'countJobReads' });
  const reset = () => Object.assign(reads, { commands: [], queries: 0, queryCount: 0, queryScanned: 0, gets: 0, getItems: 0 });
  return { db, reads, reset };
}

describe('the daily notices job', () => {
  it('warns at 30, 7 and 1 days once each, and marks lapsed certificates EXPIRED', async () => {
    const table = await freshTable();
    const clock = manualClock(new Date('2026-11-22T00:00:00.000Z'));
    const certificate = async (serialNumber: string, notAfter: string, status: CertificateRecord['status'] = 'ISSUED') => {
      await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: certificateItem(certificateRecord(serialNumber, notAfter, status)) }));
    };
    await certificate('a30', '2026-12-22T05:00:00.000Z');
    await certificate('b07', '2026-11-29T05:00:00.000Z');
    await certificate('c01', '2026-11-23T05:00:00.000Z');
    await certificate('d10', '2026-12-02T05:00:00.000Z'); // no notice on day 10
    await certificate('e30revoked', '2026-12-22T06:00:00.000Z', 'REVOKED');
    await certificate('f-lapsed', '2026-11-20T05:00:00.000Z');
    await certificate('g-lapsed', '2026-11-21T05:00:00.000Z');
    // f's key is its certificate's (destroyed with it); g's user already holds another certificate's key (kept).
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: signingKeyItem(signingKeyRecord('user-f-lapsed', 'f-lapsed')) }));
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: signingKeyItem(signingKeyRecord('user-g-lapsed', 'g-newer')) }));

    const deps = { certificates: new DynamoCertificates(table.dynamo, table.tableName), clock };
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 3, certificatesExpired: 2 });
    // A second run the same day (a retried schedule) queues nothing again.
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 0, certificatesExpired: 0 });

    const items = await scanAll(table.dynamo, table.tableName);
    const notices = items.filter((item) => item.template === 'certificateExpiring').map((item) => `${item.to}:${item.data.daysLeft}`).sort();
    expect(notices).toEqual(['a30@uji.go.id:30', 'b07@uji.go.id:7', 'c01@uji.go.id:1']);
    const certificateNamed = (serial: string) => items.find((item) => item.sk === 'CERT' && item.serialNumber === serial);
    expect(certificateNamed('f-lapsed')?.status).toBe('EXPIRED');
    expect(certificateNamed('f-lapsed')?.gsi2pk).toBeUndefined(); // out of the expiry index
    expect(certificateNamed('g-lapsed')?.status).toBe('EXPIRED');
    expect(certificateNamed('d10')?.status).toBe('ISSUED');
    const signingKeys = items.filter((item) => item.sk === keys.signingKey('x').sk).map((item) => `${item.userId}:${item.serialNumber}`);
    expect(signingKeys).toEqual(['user-g-lapsed:g-newer']);
  });

  it('after the job was down for ten days, sends the notices it missed (with the days really left) and expires what lapsed meanwhile', async () => {
    const table = await freshTable();
    const clock = manualClock(new Date('2026-11-22T00:00:00.000Z'));
    const put = (serialNumber: string, notAfter: string) =>
      table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: certificateItem(certificateRecord(serialNumber, notAfter, 'ISSUED')) }));
    const deps = { certificates: new DynamoCertificates(table.dynamo, table.tableName), clock };
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 0, certificatesExpired: 0 });

    // Ten days without a run. Meanwhile: h's 7-day notice fell due (it now has 4 days and 5 hours left),
    // i lapsed nine days before the job comes back (beyond the usual week of catch-up).
    await put('h-late', '2026-12-06T05:00:00.000Z');
    await put('i-lapsed', '2026-11-23T05:00:00.000Z');
    clock.set(new Date('2026-12-02T00:00:00.000Z'));
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 1, certificatesExpired: 1 });

    const items = await scanAll(table.dynamo, table.tableName);
    const notices = items.filter((item) => item.template === 'certificateExpiring').map((item) => `${item.messageId}:${item.data.daysLeft}`).sort();
    // h's 7-day notice goes out late, saying the 5 days really left (4 days and 5 hours, rounded
    // up); its 30-day notice fell due before the outage, so it is not the job's to send now.
    expect(notices).toEqual(['expiry-h-late-7:5']);
    expect(items.find((item) => item.sk === 'CERT' && item.serialNumber === 'i-lapsed')?.status).toBe('EXPIRED');
    // The next day, nothing again.
    clock.set(new Date('2026-12-03T00:00:00.000Z'));
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 0, certificatesExpired: 0 });
  });

  // DynamoDB Local takes a millisecond or more per item written: loading the table is most of this
  // test's time (about 20 s here), hence the longer timeout.
  it('over 10,000 certificates: notices exactly once, lapsed ones expired, and it reads only the days it looks at', { timeout: 90_000 }, async () => {
    const table = await freshTable();
    const now = new Date('2026-11-22T03:00:00.000Z');
    const clock = manualClock(now);
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const random = prng(20261122);

    // 10,000 certificates whose notAfter falls on any day from a week ago to ~2 years ahead, at
    // any time of day; most live, some already revoked, renewed or expired (not in the index).
    const total = 10_000;
    const certificates: CertificateRecord[] = [];
    for (let index = 0; index < total; index++) {
      const dayOffset = -7 + Math.floor(random() * 731);
      let notAfterMs = today + dayOffset * DAY_MS + Math.floor(random() * 86_400) * 1000;
      // Edges on today: exactly now (lapsed: notAfter ≤ now) and one second later (not yet).
      if (index === 0) notAfterMs = now.getTime();
      if (index === 1) notAfterMs = now.getTime() + 1000;
      const roll = random();
      const status: CertificateRecord['status'] = roll < 0.85 ? 'ISSUED' : roll < 0.9 ? 'SUSPENDED' : roll < 0.94 ? 'REVOKED' : roll < 0.97 ? 'RENEWED' : 'EXPIRED';
      const serial = `${index.toString(16).padStart(6, '0')}${Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')}`;
      certificates.push(certificateRecord(serial, new Date(notAfterMs).toISOString(), status));
    }
    // Whole UTC days from today to the day of notAfter.
    const daysLeft = (c: CertificateRecord) => (Date.parse(c.notAfter.slice(0, 10)) - today) / DAY_MS;
    // Signing keys of the users whose certificates end within a week: the certificate's own key,
    // except every fifth user, who already holds the key of a newer certificate (it must stay).
    const signingKeys = certificates.filter((c) => daysLeft(c) <= 7).map((c, index) => signingKeyRecord(c.userId, index % 5 === 4 ? `${c.serialNumber}-newer` : c.serialNumber));
    await putAll(table.dynamo, table.tableName, [...certificates.map(certificateItem), ...signingKeys.map(signingKeyItem)]);

    // The expected outcome, computed from the records alone.
    const live = certificates.filter((c) => liveStatuses.has(c.status));
    const expectedNotices = live.filter((c) => [30, 7, 1].includes(daysLeft(c))).map((c) => `${c.serialNumber}:${daysLeft(c)}:${c.email}`).sort();
    const expectedExpired = live.filter((c) => Date.parse(c.notAfter) <= now.getTime()).map((c) => c.serialNumber).sort();
    // The days the job looks at: 30, 7 and 1 ahead, today and the 7 before (its catch-up window).
    const daysRead = new Set([30, 7, 1, 0, -1, -2, -3, -4, -5, -6, -7]);
    const liveOnDaysRead = live.filter((c) => daysRead.has(daysLeft(c))).length;
    expect(expectedNotices.length).toBeGreaterThan(20);
    expect(expectedExpired.length).toBeGreaterThan(50);
    expect(expectedExpired).toContain(certificates[0]!.serialNumber);
    expect(expectedExpired).not.toContain(certificates[1]!.serialNumber);
    expect(live.some((c) => daysLeft(c) > 600)).toBe(true);

    const job = countingClient();
    const deps = { certificates: new DynamoCertificates(job.db, table.tableName), clock };
    try {
      expect(await runDailyNotices(deps)).toEqual({ noticesQueued: expectedNotices.length, certificatesExpired: expectedExpired.length });
      // Reads: one Query per day looked at (no day fills a page), returning exactly the live
      // certificates of those days, plus one GetItem of the signing key per lapsed certificate and
      // one of the job's own state (the last day it completed).
      // Never a Scan, and nothing proportional to the 10,000.
      expect(new Set(job.reads.commands)).toEqual(new Set(['QueryCommand', 'PutItemCommand', 'GetItemCommand', 'TransactWriteItemsCommand']));
      expect(job.reads.queries).toBe(daysRead.size);
      expect(job.reads.queryCount).toBe(liveOnDaysRead);
      expect(job.reads.queryScanned).toBe(liveOnDaysRead);
      expect(job.reads.gets).toBe(expectedExpired.length + 1);
      expect(job.reads.queryScanned + job.reads.gets).toBeLessThan(total / 20);
      // Writes: one conditional put per notice, one transaction per lapsed certificate, and the
      // day the job completed.
      const count = (name: string) => job.reads.commands.filter((command) => command === name).length;
      expect(count('PutItemCommand')).toBe(expectedNotices.length + 1);
      expect(count('TransactWriteItemsCommand')).toBe(expectedExpired.length);

      // The same day again (a retried schedule): nothing queued, nothing marked, and it reads only
      // what is still live on those days (the expired ones have left the index).
      job.reset();
      expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 0, certificatesExpired: 0 });
      expect(job.reads.queryCount).toBe(liveOnDaysRead - expectedExpired.length);
      expect(job.reads.gets).toBe(1);
      expect(job.reads.commands.filter((name) => name !== 'QueryCommand' && name !== 'PutItemCommand')).toEqual(['GetItemCommand']);
      expect(job.reads.commands.filter((name) => name === 'PutItemCommand')).toHaveLength(1);
    } finally {
      job.db.destroy();
    }

    // The outcome, read back without the counting client (and without a scan of the 10,000: the
    // job saw only the certificates of the days it queried, so only those can have changed).
    const notices = await pendingOutbox(table.dynamo, table.tableName);
    expect(notices.map((item) => `${item.data.serialNumber}:${item.data.daysLeft}:${item.to}`).sort()).toEqual(expectedNotices);
    expect(notices.every((item) => item.template === 'certificateExpiring' && item.messageId === `expiry-${item.data.serialNumber}-${item.data.daysLeft}`)).toBe(true);
    const expiredSet = new Set(expectedExpired);
    const seen = live.filter((c) => daysRead.has(daysLeft(c)));
    const stored = new Map((await getAll(table.dynamo, table.tableName, seen.map((c) => keys.certificate(c.serialNumber)))).map((item) => [String(item.serialNumber), item]));
    expect(seen.filter((c) => stored.get(c.serialNumber)?.status !== (expiredSet.has(c.serialNumber) ? 'EXPIRED' : c.status)).map((c) => c.serialNumber)).toEqual([]);
    expect(seen.filter((c) => (stored.get(c.serialNumber)?.gsi2pk === undefined) !== expiredSet.has(c.serialNumber)).map((c) => c.serialNumber)).toEqual([]);
    const keysLeft = new Set((await getAll(table.dynamo, table.tableName, signingKeys.map((key) => keys.signingKey(key.userId)))).map((item) => `${item.userId}:${item.serialNumber}`));
    const keysExpected = signingKeys.filter((key) => !expiredSet.has(key.serialNumber)).map((key) => `${key.userId}:${key.serialNumber}`);
    expect(keysLeft).toEqual(new Set(keysExpected));
    expect(keysExpected.length).toBeLessThan(signingKeys.length); // some keys were destroyed,
    expect(keysExpected.some((key) => key.endsWith('-newer'))).toBe(true); // some kept
  });
});

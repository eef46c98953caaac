import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import { freshTable } from './harness.js';

const at = (iso: string) => ({ now: () => new Date(iso) });

describe('the rate limiter (DynamoDB Local)', () => {
  it('fifty concurrent requests of one client against a limit of ten: exactly ten allowed, the rest told the wait', async () => {
    const { dynamo, tableName } = await freshTable();
    const limiter = new DynamoRateLimiter(dynamo, tableName, at('2026-12-05T03:00:20.000Z'));
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.take('verify-pdf', '203.0.113.7', { limit: 10, windowSeconds: 60 })));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
    const refused = decisions.filter((decision) => !decision.allowed);
    expect(refused).toHaveLength(40);
    // The window runs 03:00:00–03:01:00: forty seconds left.
    for (const decision of refused) expect(decision).toEqual({ allowed: false, retryAfterSeconds: 40 });
  });

  it('counts clients and scopes apart, starts over in the next window, and stores no IP', async () => {
    const { dynamo, tableName } = await freshTable();
    const limit = { limit: 2, windowSeconds: 60 };
    const take = (iso: string, scope: string, ip: string) => new DynamoRateLimiter(dynamo, tableName, at(iso)).take(scope, ip, limit);
    expect(await take('2026-12-05T03:00:01Z', 'verify-pdf', '203.0.113.7')).toEqual({ allowed: true, remaining: 1 });
    expect(await take('2026-12-05T03:00:02Z', 'verify-pdf', '203.0.113.7')).toEqual({ allowed: true, remaining: 0 });
    expect((await take('2026-12-05T03:00:03Z', 'verify-pdf', '203.0.113.7')).allowed).toBe(false);
    expect((await take('2026-12-05T03:00:03Z', 'verify-pdf', '198.51.100.9')).allowed).toBe(true);
    expect((await take('2026-12-05T03:00:03Z', 'other-scope', '203.0.113.7')).allowed).toBe(true);
    expect(await take('2026-12-05T03:01:00Z', 'verify-pdf', '203.0.113.7')).toEqual({ allowed: true, remaining: 1 });

    const items = (await dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    // One counter per client, scope and window.
    expect(items).toHaveLength(4);
    expect(JSON.stringify(items)).not.toMatch(/203\.0\.113\.7|198\.51\.100\.9/);
    // Each counter expires a little after its window ends.
    for (const item of items) {
      const windowStart = Number(String(item.sk).replace('WINDOW#', ''));
      expect(item.ttl).toBeGreaterThanOrEqual(windowStart + 60);
      expect(item.ttl).toBeLessThanOrEqual(windowStart + 60 + 600);
    }
  });
});

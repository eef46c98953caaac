import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { routeTables } from '../../functions/route-tables.js';
import { bootLocalRuntime } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
beforeAll(async () => {
  runtime = await bootLocalRuntime();
});
afterAll(async () => {
  await runtime?.shutdown();
});

const routes = routeTables.flatMap((table) => Object.values(table.routes));

const segment = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('..', '%', '%2F', '%00', 'a'.repeat(300), '🙂', "' OR 1=1 --", '{userId}', 'USER#x'),
);
const json = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
const brokenJson = fc.constantFrom('{', '{"fullName":', '[1,2', 'null', 'true', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', 'NaN');
const userLike = fc.record({
  fullName: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null), fc.constantFrom('Dr. Siti', 'S1t1', 'Budi  Santoso ,')),
  email: fc.oneof(fc.emailAddress(), fc.string(), fc.constantFrom('a@contoh.go.id.evil.com', 'A@CONTOH.GO.ID@x', '@contoh.go.id'), fc.integer()),
  phone: fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.constantFrom('021-555-1234', '+1 202 555 0100')),
  extra: fc.anything(),
}, { requiredKeys: [] }).map((value) => JSON.stringify(value));
const body = fc.oneof(json, brokenJson, userLike, fc.constant(undefined), fc.constant('x'.repeat(1024 * 1024 + 10)));
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/xml', 'text/csv', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1');
const apiKey = fc.oneof(fc.constant('VALID'), fc.constant(undefined), fc.string({ maxLength: 300 }), fc.constant('tte_' + 'A'.repeat(43)));
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?limit=-1', '?limit=abc', '?limit=1e9', '?status=NOPE', '?cursor=%%%', '?cursor=eyJwayI6MX0', '?unknown=1', '?limit=5&limit=6', `?cursor=${'A'.repeat(3000)}`),
);
const methodOverride = fc.constantFrom(undefined, 'PUT', 'DELETE', 'PATCH');

const malformedRequest = fc.record({
  routeIndex: fc.nat({ max: routes.length - 1 }),
  params: fc.array(segment, { minLength: 3, maxLength: 3 }),
  body,
  contentType,
  apiKey,
  query,
  methodOverride,
});

describe('a few hundred malformed requests', () => {
  it('get 4xx problem+json, never a 5xx, and write nothing', async () => {
    const dynamo = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
    const countItems = async () => (await dynamo.send(new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT' }))).Count ?? 0;
    const before = await countItems();
    const samples = fc.sample(malformedRequest, { numRuns: 400, seed: 20261122 });
    const serverErrors: string[] = [];
    let successes = 0;

    for (let start = 0; start < samples.length; start += 10) {
      await Promise.all(samples.slice(start, start + 10).map(async (sample) => {
        const route = routes[sample.routeIndex]!;
        let paramIndex = 0;
        const path = route.path.replace(/\{\w+\}/g, () => encodeURIComponent(sample.params[paramIndex++] ?? 'x'));
        const method = sample.methodOverride ?? route.method;
        const response = await fetch(`${runtime.api}${path}${sample.query}`, {
          method,
          headers: {
            ...(sample.contentType ? { 'content-type': sample.contentType } : {}),
            ...(sample.apiKey === 'VALID' ? { 'x-api-key': runtime.seed.verifier.apiKey } : sample.apiKey !== undefined ? { 'x-api-key': sample.apiKey.replace(/[^\x20-\x7e]/g, '') } : {}),
          },
          ...(sample.body !== undefined && method !== 'GET' ? { body: sample.body } : {}),
        });
        const text = await response.text();
        if (response.status >= 500) serverErrors.push(`${method} ${path}${sample.query} → ${response.status} ${text.slice(0, 200)}`);
        else if (response.status < 400) successes++;
        // The API answers problem+json; the pages an Indonesian page; the BSrE paths BSrE's own body.
        else if (route.errorRenderer && method === route.method) expect(JSON.parse(text), `${method} ${path}`).toMatchObject({ error: expect.any(String), status_code: expect.any(Number) });
        else expect(response.headers.get('content-type'), `${method} ${path}`).toContain(path.startsWith('/web') ? 'text/html' : 'application/problem+json');
      }));
    }

    expect(serverErrors).toEqual([]);
    // Reads may succeed (a valid key listing users, the OpenAPI document), but nothing is created.
    expect(successes).toBeLessThan(samples.length);
    expect(await countItems()).toBe(before);
    dynamo.destroy();
  });
});

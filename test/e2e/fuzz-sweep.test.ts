import { PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { localPkiBucket } from '../../infra/local/runtime.js';
import { createDynamoClient, createS3Client } from '../../shared/adapters/aws/clients.js';
import {
  answerProblems, changes, credentialKinds, describePlan, fuzzPlans, histogram, mayBeAccepted, prepareFuzz, routeTableCounts, send, servedBy, snapshot,
  type FuzzCredentials, type FuzzOperation, type Snapshot,
} from './fuzz.js';
import { bootLocalRuntime } from './runtime.js';

/**
 * Every operation of the served OpenAPI document, fuzzed: a valid-looking body from its schema and
 * that body broken (missing, mistyped, huge, odd unicode, null, extra and prototype keys, malformed
 * JSON, wrong media types, oversize), path parameters with traversal and injection strings, each
 * with no credential, a bad one, and every kind the local seed gives. No answer is a 5xx; errors
 * have their surface's shape; and a refused request leaves the table and the buckets as they were.
 */

const SEED = 20261205;
/** Requests per operation: about 1,700 in all, well within the suite's time. */
const PER_OPERATION = 8;
const BATCH = 16;

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let credentials: FuzzCredentials;
let operations: FuzzOperation[];
let document: unknown;
let db: ReturnType<typeof createDynamoClient>;
let s3: ReturnType<typeof createS3Client>;
const take = () => snapshot(db, runtime.tableName, s3);

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0 });
  const endpoints = { ...runtime.endpoints, region: localRegion, credentials: localCredentials };
  db = createDynamoClient(endpoints);
  s3 = createS3Client(endpoints);
  ({ document, operations, credentials } = await prepareFuzz(runtime));
}, 120_000);

afterAll(async () => {
  db?.destroy();
  s3?.destroy();
  await runtime?.shutdown();
});

describe('the fuzz sweep', () => {
  it('covers every route of the route tables, read from GET /openapi.json', async () => {
    const counts = routeTableCounts();
    expect(Object.keys((document as { paths: Record<string, object> }).paths)).toHaveLength(counts.paths);
    expect(operations).toHaveLength(counts.operations);
    expect(new Set(operations.map((operation) => operation.key)).size).toBe(counts.operations);
  });

  it('the snapshot sees a write to the table and to a bucket (it is not blind)', async () => {
    const before = await take();
    const created = await fetch(`${runtime.api}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': credentials.verifierKey },
      body: JSON.stringify({ fullName: 'Pegawai Fuzz', email: 'pegawai.fuzz@contoh.go.id' }),
    });
    expect(created.status).toBe(201);
    await s3.send(new PutObjectCommand({ Bucket: localPkiBucket, Key: 'fuzz-probe', Body: 'x' }));
    const after = await take();
    const seen = changes(before, after);
    if (process.env.FUZZ_DEBUG) console.log(seen);
    expect(seen.some((change) => change.startsWith('+ item') && change.includes('pegawai.fuzz@contoh.go.id'))).toBe(true);
    expect(seen.some((change) => change.startsWith(`+ object ${localPkiBucket}/fuzz-probe `))).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket: localPkiBucket, Key: 'fuzz-probe' }));
  });

  it('the answer check refuses a 5xx, a problem without a code, JSON on a page and problem+json on a BSrE path', () => {
    const plan = (method: string, target: string) => ({ operation: '', method, target, mutation: 'valid' as const, params: 'valid-looking' as const, credential: 'none' as const, viaCookie: false, csrf: false });
    const problem = (status: number, code?: string) => ({ status, contentType: 'application/problem+json', text: JSON.stringify({ status, ...(code ? { code } : {}) }), ms: 0 });
    expect(answerProblems(runtime.api, plan('GET', '/v1/me'), problem(401, 'UNAUTHENTICATED'))).toEqual([]);
    expect(answerProblems(runtime.api, plan('GET', '/v1/me'), problem(500, 'INTERNAL_ERROR'))).toHaveLength(1);
    expect(answerProblems(runtime.api, plan('GET', '/v1/me'), problem(401))).toHaveLength(1);
    expect(answerProblems(runtime.api, plan('GET', '/pki/crl'), { ...problem(404, 'NOT_FOUND'), contentType: 'application/json' })).toHaveLength(1);
    expect(answerProblems(runtime.api, plan('GET', '/web/me'), problem(403, 'FORBIDDEN'))).toHaveLength(1);
    expect(answerProblems(runtime.api, plan('POST', '/api/v2/sign/pdf'), problem(401, 'UNAUTHENTICATED'))).toHaveLength(1);
    expect(answerProblems(runtime.api, plan('POST', '/api/v2/sign/pdf'), { status: 401, contentType: 'application/json', text: '{"error":"x","status_code":2001}', ms: 0 })).toEqual([]);
  });

  it('no 5xx, errors in their surface\'s shape, and a refused request writes nothing', async () => {
    const plans = fuzzPlans(operations, PER_OPERATION, SEED);
    const specOf = new Map(operations.map((operation) => [operation.key, operation.spec]));
    // The plans that may be accepted (and write) run alone; the rest in concurrent batches.
    const solo = plans.filter((plan) => mayBeAccepted(plan, specOf.get(plan.operation)!));
    const rest = plans.filter((plan) => !solo.includes(plan));
    const batches = [...solo.map((plan) => [plan]), ...Array.from({ length: Math.ceil(rest.length / BATCH) }, (_, index) => rest.slice(index * BATCH, (index + 1) * BATCH))];

    const shapeFailures: string[] = [];
    const writesOnRefusal: string[] = [];
    const statuses: number[] = [];
    let verifiedRefusals = 0;
    let unverifiedRefusals = 0;
    let acceptedWriting = 0;
    let retried = 0;
    let before: Snapshot = await take();
    for (const batch of batches) {
      const answers = await Promise.all(batch.map((plan) => send(runtime.api, plan, credentials)));
      const after = await take();
      const changed = changes(before, after);
      before = after;
      const refused = answers.filter((answer) => answer.status >= 400).length;
      const accepted = batch.length - refused;
      answers.forEach((answer, index) => {
        statuses.push(answer.status);
        if (answer.retried) retried += 1;
        for (const problem of answerProblems(runtime.api, batch[index]!, answer)) shapeFailures.push(`${describePlan(batch[index]!)} → ${problem}`);
      });
      if (changed.length === 0) {
        verifiedRefusals += refused;
      } else if (accepted > 0) {
        // Something accepted in the batch wrote: the refusals beside it cannot be told apart.
        acceptedWriting += 1;
        unverifiedRefusals += refused;
        if (process.env.FUZZ_DEBUG) console.log(`accepted and wrote:\n  ${batch.filter((_, index) => answers[index]!.status < 400).map((plan, index) => `${describePlan(plan)} → ${answers.filter((answer) => answer.status < 400)[index]!.status}`).join('\n  ')}\n  ${changed.slice(0, 6).join('\n  ')}`);
      } else {
        writesOnRefusal.push(`${batch.map(describePlan).join('\n  ')}\n  wrote:\n    ${changed.slice(0, 10).join('\n    ')}`);
      }
    }

    const refusals = statuses.filter((status) => status >= 400).length;
    console.log(`fuzz sweep: ${plans.length} requests over ${operations.length} operations (${solo.length} alone), statuses ${histogram(statuses)}; `
      + `refusals checked for writes ${verifiedRefusals}/${refusals}; batches where an accepted request wrote ${acceptedWriting}; dropped connections sent again ${retried}`);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(shapeFailures).toEqual([]);
    expect(writesOnRefusal).toEqual([]);
    // Nearly every refusal is checked: only those sharing a batch with an accepted write are not.
    expect(unverifiedRefusals).toBeLessThanOrEqual(refusals * 0.05);
    // The sweep reached every operation with every kind of credential, at a route's own handler
    // (not only the gateway's 404), and with the body both valid-looking and broken.
    for (const operation of operations) {
      const own = plans.filter((plan) => plan.operation === operation.key);
      expect(own, operation.key).toHaveLength(PER_OPERATION);
      expect(own.some((plan) => servedBy(runtime.api, plan) === operation.spec), operation.key).toBe(true);
    }
    expect(new Set(plans.map((plan) => plan.credential))).toEqual(new Set(credentialKinds));
    expect(new Set(plans.map((plan) => plan.mutation)).size).toBeGreaterThanOrEqual(15);
  }, 180_000);
});


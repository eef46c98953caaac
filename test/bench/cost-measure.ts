/**
 * A small measure of what one enrollment, one login, one signature and one verification consume,
 * on the local runtime, in the format of docs/measured-flows.json (which the load bench writes
 * from a long run; this one runs each flow once, for when that file is not there yet).
 * Counted:
 *   - DynamoDB: ReturnConsumedCapacity=TOTAL on every command of the handlers' clients (index
 *     writes included), minus the local outbox loop's polling query (a table stream on AWS);
 *   - KMS: each call into the local key vault is the KMS request the AWS adapter makes
 *     (seal → Encrypt, open → Decrypt, wrap → GenerateDataKey, unwrap → Decrypt, index →
 *     GenerateMac, signSha256 → Sign); public keys are cached by a warm function, not counted;
 *   - S3: the SDK's commands plus the browser's PUTs to presigned URLs; SES: e-mails the stand-in got;
 *   - Lambda: each handler call timed in-process (this machine's CPU, not a Graviton core), and
 *     one outbox and one delivery run per e-mail, not timed locally (estimated, marked so);
 *   - Step Functions: two transitions per task the approval flow ran (each task here is followed
 *     by exactly one Choice or Succeed state: infra/constructs/approval-flow.ts);
 *   - API Gateway: requests the client sent to the API; storage: bytes added to the table and buckets.
 */
import '../../infra/local/preamble.js';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { marshall } from '@aws-sdk/util-dynamodb';
import { PDF } from '@libpdf/core';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { pendingOutboxPartition } from '../../shared/data/table.js';
import { accountsClient, sitiAminah } from '../e2e/accounts-flow.js';
import { certificatesClient } from '../e2e/certificates-flow.js';
import { allTableItems, bootLocalRuntime } from '../e2e/runtime.js';
import type { FlowUnits, LambdaRun, MeasuredFlows } from './cost-model.js';

/** What an outbox or delivery run is taken to last on AWS when it cannot be timed here (one small read, one write, one SES call). */
const ESTIMATED_BACKGROUND_MS = 100;

interface Counter {
  rcu: number; wcu: number; kms: number; kmsSign: number; s3Put: number; s3Get: number; s3Bytes: number;
  api: number; lambda: LambdaRun[]; flowTasks: number;
}
const fresh = (): Counter => ({ rcu: 0, wcu: 0, kms: 0, kmsSign: 0, s3Put: 0, s3Get: 0, s3Bytes: 0, api: 0, lambda: [], flowTasks: 0 });

type Capacity = { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };
const readCommands = new Set(['GetCommand', 'QueryCommand', 'ScanCommand', 'BatchGetCommand', 'TransactGetCommand', 'GetItemCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const s3GetClass = /^(Get|Head|List)/;

const byteLength = (body: unknown): number => {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  return 0;
};

export async function measureFlows(): Promise<MeasuredFlows> {
  let counter = fresh();
  const wrapCounting = <T extends object>(target: T, methods: Partial<Record<keyof T, 'symmetric' | 'sign'>>): T => {
    for (const [method, kind] of Object.entries(methods) as [keyof T & string, 'symmetric' | 'sign'][]) {
      const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
      (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        counter.kms += 1;
        if (kind === 'sign') counter.kmsSign += 1;
        return original(...args);
      };
    }
    return target;
  };

  const runtime = await bootLocalRuntime({
    privacyMinReadSeconds: 1,
    wrapKeyVault: (vault) => ({
      sealer: wrapCounting(vault.sealer, { seal: 'symmetric', open: 'symmetric' }),
      pseudonymizer: wrapCounting(vault.pseudonymizer, { index: 'symmetric' }),
      keyWrapper: wrapCounting(vault.keyWrapper, { wrap: 'symmetric', unwrap: 'symmetric' }),
      caSigner: wrapCounting(vault.caSigner, { signSha256: 'sign' }),
      tsaSigner: wrapCounting(vault.tsaSigner, { signSha256: 'sign' }),
      serviceSealSigner: wrapCounting(vault.serviceSealSigner, { signSha256: 'sign' }),
    }),
    probes: {
      clients: (clients) => {
        for (const [name, client] of [['background', clients.dynamo], ['api', clients.apiDynamo]] as const) {
          client.middlewareStack.add((next, context) => async (args) => {
            const input = args.input as Record<string, any>;
            // The local outbox loop polls the pending index; on AWS the table stream hands it the records.
            const polling = name === 'background' && context.commandName === 'QueryCommand' && input.ExpressionAttributeValues?.[':pk'] === pendingOutboxPartition;
            input.ReturnConsumedCapacity = 'TOTAL';
            const result = await next(args);
            if (polling) return result;
            const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
            for (const capacity of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
              const read = capacity.ReadCapacityUnits ?? (readCommands.has(String(context.commandName)) ? capacity.CapacityUnits ?? 0 : 0);
              const write = capacity.WriteCapacityUnits ?? (readCommands.has(String(context.commandName)) ? 0 : capacity.CapacityUnits ?? 0);
              // AWS bills a transactional request twice the units of a plain one; DynamoDB Local reports plain units.
              const factor = String(context.commandName).startsWith('Transact') ? 2 : 1;
              counter.rcu += read * factor;
              counter.wcu += write * factor;
            }
            return result;
          }, { step: 'initialize', name: `costUnits-${name}`, priority: 'high' });
        }
        clients.s3.middlewareStack.add((next, context) => async (args) => {
          if (s3GetClass.test(String(context.commandName))) counter.s3Get += 1;
          else {
            counter.s3Put += 1;
            counter.s3Bytes += byteLength((args.input as { Body?: unknown }).Body);
          }
          return next(args);
        }, { step: 'initialize', name: 'costUnits-s3' });
      },
      handler: (functionName, handler) => (async (...args: never[]) => {
        const started = performance.now();
        try {
          return await handler(...args);
        } finally {
          counter.lambda.push({ fn: functionName, ms: Math.max(1, Math.ceil(performance.now() - started)) });
          if (functionName === 'flows') counter.flowTasks += 1;
        }
      }) as typeof handler,
    },
  });

  // The client side: requests to the API (API Gateway + WAF on AWS) and PUTs to presigned S3 URLs.
  const realFetch = globalThis.fetch;
  const s3Origin = new URL(runtime.endpoints.s3).origin;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.href.startsWith(runtime.api) && url.pathname.startsWith('/v1/')) counter.api += 1;
    if (url.origin === s3Origin) {
      if ((init?.method ?? 'GET').toUpperCase() === 'PUT') {
        counter.s3Put += 1;
        counter.s3Bytes += byteLength(init?.body);
      } else counter.s3Get += 1;
    }
    return realFetch(input, init);
  }) as typeof fetch;

  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  const tableBytes = async () => (await allTableItems(db, runtime.tableName))
    .reduce((total, item) => total + Buffer.byteLength(JSON.stringify(marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }))), 0);
  const mailCount = async () => ((await (await realFetch(`${runtime.mail}/store`)).json()) as { emails: unknown[] }).emails.length;
  /** Until no e-mail has arrived for a while: the outbox and the approval flow have finished. */
  const settle = async () => {
    let last = await mailCount();
    let quietSince = Date.now();
    while (Date.now() - quietSince < 1500) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await mailCount();
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      }
    }
    return last;
  };

  const flows: Record<string, FlowUnits> = {};
  const measure = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    await settle();
    const mailsBefore = await mailCount();
    const bytesBefore = await tableBytes();
    counter = fresh();
    const result = await run();
    const mailsAfter = await settle();
    const taken = counter;
    counter = fresh();
    const emails = mailsAfter - mailsBefore;
    flows[name] = {
      dynamoRcu: round(taken.rcu),
      dynamoWcu: round(taken.wcu),
      lambda: [
        ...taken.lambda,
        ...Array.from({ length: emails }, (): LambdaRun[] => [
          { fn: 'outbox', ms: ESTIMATED_BACKGROUND_MS, estimated: true },
          { fn: 'delivery', ms: ESTIMATED_BACKGROUND_MS, estimated: true },
        ]).flat(),
      ],
      kms: taken.kms,
      kmsSign: taken.kmsSign,
      s3: taken.s3Put + taken.s3Get,
      s3Put: taken.s3Put,
      s3Get: taken.s3Get,
      emails,
      sfnTransitions: taken.flowTasks * 2,
      apiRequests: taken.api,
      s3Bytes: taken.s3Bytes,
      dynamoBytes: Math.max(0, (await tableBytes()) - bytesBefore),
    };
    return result;
  };

  try {
    const people = accountsClient(runtime);
    const certificates = certificatesClient(people);
    const email = `biaya.${Date.now()}@contoh.go.id`;
    const password = 'Kantor#Palu2026';
    const passphrase = 'Rahasia#Tanda2026';
    // Enrollment: registration by the agency, activation, approval (registry match), account
    // setup and the certificate (selfie, passphrase, issuance).
    const { secret } = await measure('enrollment', async () => {
      const { setupToken } = await people.approvedCivilServant({ ...sitiAminah, email });
      const otpSecret = await people.setUpAccount(setupToken, password, 'Ponsel kerja');
      const issued = await certificates.enroll(await certificates.enrollToken(email), passphrase);
      if (issued.status !== 201) throw new Error(`enroll: ${issued.status} ${issued.text}`);
      return { secret: otpSecret };
    });
    const session = await measure('login', () => people.logIn(email, password, [secret]));
    const document = PDF.create();
    document.addPage().drawText('Surat Keputusan Nomor 1 Tahun 2026 tentang Uji Biaya', { x: 72, y: 720, size: 14 });
    const pdfBase64 = Buffer.from(await document.save()).toString('base64');
    const signed = await measure('signature', async () => {
      const answer = await people.send('POST', '/v1/signatures/pdf', {
        auth: { bearer: session.sessionToken }, body: { passphrase, documents: [{ name: 'sk-1.pdf', pdfBase64 }] },
      });
      if (answer.status !== 200) throw new Error(`sign: ${answer.status} ${answer.text}`);
      return Buffer.from(String(answer.body.documents[0].pdfBase64), 'base64');
    });
    await measure('verification', async () => {
      const answer = await people.send('POST', '/v1/verifications/pdf', { body: { pdfBase64: signed.toString('base64') } });
      if (answer.status !== 200) throw new Error(`verify: ${answer.status} ${answer.text}`);
    });
  } finally {
    globalThis.fetch = realFetch;
    db.destroy();
    await runtime.shutdown();
  }
  return {
    measuredAt: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load ${loadavg().map((load) => load.toFixed(1)).join('/')}; one run of each flow on the local runtime (test/bench/cost-measure.ts)`,
    flows,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

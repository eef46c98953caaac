/**
 * `npm run bench -- load`: a province's month of mixed traffic, compressed, on the local runtime
 * (loopback only; bounded by a count and a time limit), and what each flow costs in the units AWS bills.
 *   1. Per-flow units: N people go through each flow one phase at a time (enrollment, login,
 *      signature, verification) with every probe on, and each phase's DynamoDB read/write units
 *      (ReturnConsumedCapacity=TOTAL, asked through a client middleware), Lambda time per function,
 *      KMS calls, S3 requests, e-mails and Step Functions transitions are divided by N. Written to
 *      test/bench/results/flows.json (the cost model's input, `npm run cost`).
 *   2. The mix with the table preloaded at 10 k, then at 100 k users (BatchWrite of items cloned from
 *      a real enrolled user through the item builders of shared/adapters/aws/table-items.ts;
 *      DynamoDB Local in memory): p50/p95/p99 per route as the client sees it, errors per route, and
 *      per route the DynamoDB read/write units at both sizes.
 * Nothing here is asserted; test/e2e/load-mix.test.ts runs the mix at a tiny size in `npm test`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PDF } from '@libpdf/core';
import { BatchWriteCommand, QueryCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Duration } from 'aws-cdk-lib';
import { ApprovalFlow } from '../../infra/constructs/approval-flow.js';
import type { LocalRuntimeOptions } from '../../infra/local/runtime.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { routeTables } from '../../functions/route-tables.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { auditItem, certificateItem, credentialItem, deviceItem, signingKeyItem, userItem } from '../../shared/adapters/aws/table-items.js';
import { keys, pendingOutboxPartition } from '../../shared/data/table.js';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.js';
import type { Credential, OtpDevice } from '../../shared/ports/accounts.js';
import type { CertificateRecord, SigningKeyRecord } from '../../shared/ports/certificates.js';
import type { AuditEntry, UserRecord } from '../../shared/ports/users.js';
import { accountsClient } from '../e2e/accounts-flow.js';
import { certificatesClient } from '../e2e/certificates-flow.js';
import { bootLocalRuntime } from '../e2e/runtime.js';

type Runtime = Awaited<ReturnType<typeof bootLocalRuntime>>;
type KeyVault = Parameters<NonNullable<LocalRuntimeOptions['wrapKeyVault']>>[0];

/** Each function's memory as in infra/stacks/service-stack.ts (512 MB: the ServiceFunction default). */
export const functionMemoryMb: Record<string, number> = {
  enrollment: 1024, accounts: 1024, certificates: 1024, pki: 512, signing: 1024, verification: 1024,
  operator: 256, web: 512, docs: 256, flows: 512, outbox: 512, delivery: 512,
};

const percentile = (values: readonly number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const machine = () => `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}`;
const load1 = () => loadavg().map((value) => value.toFixed(1)).join(' / ');

// ——— Probes ———

/** Cumulative counts; a flow's units are the difference across its phase. */
interface Counts {
  rcu: number;
  wcu: number;
  dynamoCalls: number;
  s3: number;
  /** Of `s3`, the GET-class requests (Get, Head, List), priced lower than PUT-class ones. */
  s3Get: number;
  emails: number;
  kms: number;
  kmsByOperation: Record<string, number>;
  lambdaMs: Record<string, number>;
  invocations: Record<string, number>;
  /** Outbox and delivery work (no function probe reaches them locally): their SES and DynamoDB call time. */
  backgroundMs: number;
}

const emptyCounts = (): Counts => ({ rcu: 0, wcu: 0, dynamoCalls: 0, s3: 0, s3Get: 0, emails: 0, kms: 0, kmsByOperation: {}, lambdaMs: {}, invocations: {}, backgroundMs: 0 });
const copyCounts = (counts: Counts): Counts => ({ ...counts, kmsByOperation: { ...counts.kmsByOperation }, lambdaMs: { ...counts.lambdaMs }, invocations: { ...counts.invocations } });

/** What a request costs on the server, per route. */
interface RouteUnits { requests: number; rcu: number; wcu: number; kms: number; serverMs: number[] }

const readCommands = new Set(['GetCommand', 'GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetCommand', 'BatchGetItemCommand', 'TransactGetCommand', 'TransactGetItemsCommand']);
const writeCommands = new Set(['PutCommand', 'PutItemCommand', 'UpdateCommand', 'UpdateItemCommand', 'DeleteCommand', 'DeleteItemCommand', 'BatchWriteCommand', 'BatchWriteItemCommand', 'TransactWriteCommand', 'TransactWriteItemsCommand']);
// The KMS call each key-vault port method stands for on AWS (shared/adapters/aws/kms-*.ts).
const kmsOperations: Record<string, Record<string, string>> = {
  sealer: { seal: 'Encrypt', open: 'Decrypt' },
  pseudonymizer: { index: 'GenerateMac' },
  keyWrapper: { wrap: 'GenerateDataKey', unwrap: 'Decrypt' },
  caSigner: { signSha256: 'Sign' },
  tsaSigner: { signSha256: 'Sign' },
  serviceSealSigner: { signSha256: 'Sign' },
};

interface Scope { fn: string; route?: string }
type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[];

/**
 * Counts and times what the runtime does, through the runtime's probes: DynamoDB units (every
 * command asks for ReturnConsumedCapacity=TOTAL; transactional ones are billed twice on AWS, so
 * they count twice here, as DynamoDB Local does not double them), S3 and SES requests, the key
 * vault's calls (KMS on AWS) and each function's handler time. A request's scope (function, route)
 * rides an AsyncLocalStorage, so the units land on the route that caused them.
 */
export class Meter {
  counts = emptyCounts();
  readonly routes = new Map<string, RouteUnits>();
  /** Approval-flow tasks per user, in order (the Step Functions transitions are walked from them). */
  readonly flowTasks = new Map<string, string[]>();
  private readonly scope = new AsyncLocalStorage<Scope>();

  private route(name: string): RouteUnits {
    let units = this.routes.get(name);
    if (!units) this.routes.set(name, units = { requests: 0, rcu: 0, wcu: 0, kms: 0, serverMs: [] });
    return units;
  }

  resetRoutes() {
    this.routes.clear();
  }

  private countUnits(name: string, scope: Scope | undefined, consumed: Consumed | undefined) {
    if (!consumed) return;
    const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0)
      * (name.startsWith('Transact') ? 2 : 1);
    const into = scope?.route ? this.route(scope.route) : undefined;
    if (readCommands.has(name)) {
      this.counts.rcu += units;
      if (into) into.rcu += units;
    } else {
      this.counts.wcu += units;
      if (into) into.wcu += units;
    }
  }

  readonly options: Pick<LocalRuntimeOptions, 'probes' | 'wrapKeyVault'> = {
    probes: {
      clients: (clients) => {
        for (const db of [clients.dynamo, clients.apiDynamo]) {
          db.middlewareStack.add((next, context) => async (args) => {
            const name = String(context.commandName);
            const input = args.input as Record<string, unknown>;
            // The local outbox loop polls the pending index; on AWS the table's stream triggers the
            // outbox function instead, and stream reads by Lambda are free: not counted.
            const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
            const polling = name === 'QueryCommand' && values?.[':pk'] === pendingOutboxPartition;
            if (!polling && (readCommands.has(name) || writeCommands.has(name))) input.ReturnConsumedCapacity ??= 'TOTAL';
            const started = performance.now();
            const scope = this.scope.getStore();
            try {
              const result = await next(args);
              this.countUnits(name, scope, (result.output as { ConsumedCapacity?: Consumed } | undefined)?.ConsumedCapacity);
              return result;
            } finally {
              if (!polling) {
                if (!scope) this.counts.backgroundMs += performance.now() - started;
                this.counts.dynamoCalls++;
              }
            }
          }, { step: 'initialize', name: 'loadBenchCapacity' });
        }
        clients.s3.middlewareStack.add((next, context) => async (args) => {
          this.counts.s3++;
          if (/^(Get|Head|List)/.test(String(context.commandName))) this.counts.s3Get++;
          return next(args);
        }, { step: 'initialize', name: 'loadBenchS3Count' });
        clients.ses.middlewareStack.add((next, context) => async (args) => {
          const started = performance.now();
          try {
            return await next(args);
          } finally {
            if (/Send/.test(String(context.commandName))) this.counts.emails++;
            this.counts.backgroundMs += performance.now() - started;
          }
        }, { step: 'initialize', name: 'loadBenchSesCount' });
      },
      handler: <H extends (...args: never[]) => Promise<unknown>>(fn: string, handler: H): H => (async (...args: never[]) => {
        const event = args[0] as { httpMethod?: string; resource?: string; task?: string; userId?: string } | undefined;
        const route = event?.httpMethod && event.resource ? `${event.httpMethod} ${event.resource}` : undefined;
        if (fn === 'flows' && event?.task && event.userId) this.flowTasks.set(event.userId, [...(this.flowTasks.get(event.userId) ?? []), event.task]);
        const started = performance.now();
        try {
          return await this.scope.run({ fn, ...(route ? { route } : {}) }, () => handler(...args));
        } finally {
          const ms = performance.now() - started;
          this.counts.lambdaMs[fn] = (this.counts.lambdaMs[fn] ?? 0) + ms;
          this.counts.invocations[fn] = (this.counts.invocations[fn] ?? 0) + 1;
          if (route) this.route(route).serverMs.push(ms);
          if (route) this.route(route).requests++;
        }
      }) as H,
    },
    wrapKeyVault: (vault: KeyVault) => {
      for (const [part, methods] of Object.entries(kmsOperations)) {
        const target = vault[part as keyof KeyVault] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        for (const [method, operation] of Object.entries(methods)) {
          const original = target[method]!.bind(target);
          target[method] = (...args: unknown[]) => {
            this.counts.kms++;
            this.counts.kmsByOperation[operation] = (this.counts.kmsByOperation[operation] ?? 0) + 1;
            const scope = this.scope.getStore();
            if (scope?.route) this.route(scope.route).kms++;
            return original(...args);
          };
        }
      }
      return vault;
    },
  };
}

// ——— Client side: every request timed, by route ———

interface ClientRoute { ms: number[]; statuses: Record<number, number> }

/**
 * Times every fetch to the API (the e2e helpers' requests included) by its route in the route
 * tables, and every presigned S3 PUT (a billed S3 request the client makes itself).
 */
export class ClientClock {
  readonly routes = new Map<string, ClientRoute>();
  presignedPuts = 0;
  /** Requests sent to the API (each one an API Gateway and WAF request on AWS). */
  apiRequests = 0;
  private readonly compiled = compileRoutes(routeTables);
  private readonly original = globalThis.fetch;

  constructor(private readonly api: string, private readonly s3: string) {}

  install() {
    const original = this.original;
    globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const started = performance.now();
      const response = await original(input, init);
      if (url.origin === new URL(this.s3).origin && method === 'PUT') this.presignedPuts++;
      if (url.origin !== new URL(this.api).origin) return response;
      this.apiRequests++;
      // Time to the whole body, as a client would wait for it (read from a copy; the caller reads its own).
      await response.clone().arrayBuffer();
      const ms = performance.now() - started;
      const match = matchRoute(this.compiled, method, url.pathname);
      const name = 'route' in match ? `${method} ${match.route.resource}` : `${method} (no route) ${url.pathname}`;
      let entry = this.routes.get(name);
      if (!entry) this.routes.set(name, entry = { ms: [], statuses: {} });
      entry.ms.push(ms);
      entry.statuses[response.status] = (entry.statuses[response.status] ?? 0) + 1;
      return response;
    };
  }

  reset() {
    this.routes.clear();
    this.presignedPuts = 0;
  }

  uninstall() {
    globalThis.fetch = this.original;
  }
}

// ——— The people and their flows ———

/** `count` synthetic civil servants for the registry fixture (valid NIK/NIP shapes, no real people). */
function syntheticRegistry(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const day = String((index % 28) + 1).padStart(2, '0');
    const month = String((index % 12) + 1).padStart(2, '0');
    const year = 70 + (index % 30);
    const serial = String(Math.floor(index / 12) + 1).padStart(4, '0');
    return {
      employmentType: 'ASN', nik: `727102${day}${month}${year}${serial}`, nip: `19${year}${month}${day}${1900 + year + 20}011${String((index % 999) + 1).padStart(3, '0')}`,
      fullName: `Pegawai Beban ${String.fromCharCode(65 + (index % 26))}${String.fromCharCode(65 + (Math.floor(index / 26) % 26))}`,
      // The seeded tenant's agency: a match approves on its own only there.
      position: 'Analis', unitName: 'Bidang Uji Beban', agency: 'Pemerintah Kabupaten Contoh',
    };
  });
}

/** A three-page letter (about what an agency signs most: a surat or a keputusan). */
async function letter(): Promise<Uint8Array> {
  const document = PDF.create();
  const line = 'Menimbang bahwa dalam rangka pelaksanaan tugas pemerintahan perlu ditetapkan keputusan ini. ';
  for (let page = 1; page <= 3; page += 1) {
    const drawn = document.addPage();
    for (let row = 0; row < 60; row += 1) drawn.drawText(`${page}.${row} ${line}`, { x: 20, y: 800 - row * 12, size: 8 });
  }
  return document.save();
}

const PASSWORD = 'Kantor#Beban2026';
const PASSPHRASE = 'Tanda#Beban2026';

export interface Holder { userId: string; email: string; secret: string; bearer: string; lastLogin: number }

/** The load's people on one runtime: a registry of candidates and the flows over HTTP. */
export async function loadPeople(registrySize: number) {
  const registry = syntheticRegistry(registrySize);
  const registryFile = join(mkdtempSync(join(tmpdir(), 'tte-load-registry-')), 'registry.json');
  writeFileSync(registryFile, JSON.stringify(registry));
  let nextCandidate = 0;
  const document = await letter();

  const flows = (runtime: Runtime) => {
    const people = accountsClient(runtime);
    const certificates = certificatesClient(people);
    const fail = (step: string, answer: { status: number; text: string }): never => {
      throw new Error(`${step}: ${answer.status} ${answer.text.slice(0, 300)}`);
    };

    /** Registration to the issued certificate: register, activate, submit, approval, account setup, issuance. */
    const enroll = async (): Promise<Holder> => {
      const person = registry[nextCandidate++];
      if (!person) throw new Error('The load registry has no candidates left');
      const email = `${person.nik}@contoh.go.id`;
      const { userId, token } = await people.enrollment.register(person.fullName, email);
      await people.enrollment.activate(token, { fullName: person.fullName, nik: person.nik }, {
        employmentType: 'ASN', nip: person.nip, position: person.position, unitName: person.unitName, province: '72', city: '72.71',
      });
      const submitted = await people.enrollment.submit(token);
      if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
      const info = await people.enrollment.waitForMail(email, '[TTE] Informasi Akun');
      const setupToken = /\/account-setup\/([A-Za-z0-9_-]{43})/.exec(info.body.text ?? '')?.[1];
      if (!setupToken) throw new Error('No account-setup link');
      const secret = await people.setUpAccount(setupToken, PASSWORD, 'Ponsel kerja');
      const issued = await certificates.enroll(await certificates.enrollToken(email), PASSPHRASE);
      if (issued.status !== 201) fail('issuance', issued);
      return { userId, email, secret, bearer: '', lastLogin: 0 };
    };

    const logIn = async (holder: Holder) => {
      const session = await people.logIn(holder.email, PASSWORD, [holder.secret]);
      holder.bearer = session.sessionToken;
      holder.lastLogin = Date.now();
    };

    /** One letter signed (B-LT, the default); gives the signed PDF. */
    const sign = async (holder: Holder): Promise<Uint8Array> => {
      const answer = await people.send('POST', '/v1/signatures/pdf', {
        auth: { bearer: holder.bearer },
        body: { passphrase: PASSPHRASE, documents: [{ name: 'surat.pdf', pdfBase64: Buffer.from(document).toString('base64') }] },
      });
      if (answer.status !== 200) fail('signature', answer);
      return Buffer.from(String((answer.body.documents as { pdfBase64: string }[])[0]!.pdfBase64), 'base64');
    };

    /** Anyone checks a signed PDF, sent as the body. */
    const verify = async (signed: Uint8Array) => {
      const response = await fetch(`${runtime.api}/v1/verifications/pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: signed });
      const text = await response.text();
      if (response.status !== 200) fail('verification', { status: response.status, text });
    };

    return { enroll, logIn, sign, verify };
  };

  return { registryFile, flows, documentBytes: document.length };
}

// ——— The mix ———

/**
 * A province's month (about 20,000 civil servants already enrolled), compressed: per 100 flows,
 * 2 enrollments (registration → activation → submit → approval → account setup → issuance),
 * 25 logins (password + OTP), 45 signatures (one letter each) and 28 verifications. Stated in
 * the output; a month of 1,000 flows a working day (20 days) gives 400 enrollments, 5,000 logins,
 * 9,000 signatures and 5,600 verifications.
 */
export const monthMix = { enrollment: 2, login: 25, signature: 45, verification: 28 } as const;
type FlowName = keyof typeof monthMix;

/** The flows of one runtime's people; made once, as its authenticators remember the codes used. */
export type PeopleFlows = ReturnType<Awaited<ReturnType<typeof loadPeople>>['flows']>;

export interface MixResult { flows: Record<FlowName, number>; failures: { flow: FlowName; error: string }[]; wallMs: number }

/** Runs the mix: `count` flows at most, `seconds` at most, `concurrency` virtual users at a time. */
export async function runMix(
  flows: PeopleFlows,
  holders: Holder[],
  signedDocuments: Uint8Array[],
  options: { count: number; seconds: number; concurrency: number; seed?: number; mix?: Record<FlowName, number> },
): Promise<MixResult> {
  const weights = Object.entries(options.mix ?? monthMix) as [FlowName, number][];
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  // A deterministic schedule (a fixed seed) so two table sizes see the same sequence of flows.
  let state = options.seed ?? 12;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const schedule: FlowName[] = Array.from({ length: options.count }, () => {
    let pick = random() * total;
    for (const [name, weight] of weights) if ((pick -= weight) < 0) return name;
    return 'verification';
  });
  const done: Record<FlowName, number> = { enrollment: 0, login: 0, signature: 0, verification: 0 };
  const failures: MixResult['failures'] = [];
  const deadline = Date.now() + options.seconds * 1000;
  let next = 0;
  let holderTurn = 0;
  // The holder whose last login is the oldest: an authenticator code is good once per 30 s step.
  // Never two logins of one person at once (their codes would race each other's time step).
  const busy = new Set<Holder>();
  const loginHolder = () => [...holders].filter((holder) => !busy.has(holder)).sort((a, b) => a.lastLogin - b.lastLogin)[0];
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (next < schedule.length && Date.now() < deadline) {
      const flow = schedule[next++]!;
      try {
        if (flow === 'enrollment') {
          const holder = await flows.enroll();
          await flows.logIn(holder);
          holders.push(holder);
        } else if (flow === 'login') {
          const holder = loginHolder();
          if (!holder) continue;
          busy.add(holder);
          holder.lastLogin = Date.now();
          await flows.logIn(holder).finally(() => busy.delete(holder));
        } else if (flow === 'signature') {
          const holder = holders[holderTurn++ % holders.length]!;
          signedDocuments.push(await flows.sign(holder));
          if (signedDocuments.length > 50) signedDocuments.shift();
        } else {
          await flows.verify(signedDocuments[Math.floor(random() * signedDocuments.length)]!);
        }
        done[flow]++;
      } catch (error) {
        failures.push({ flow, error: (error as Error).message.slice(0, 300) });
      }
    }
  }));
  return { flows: done, failures, wallMs: performance.now() - started };
}

/** A runtime for the load: DynamoDB Local in memory, the probes on, verification unlimited (a province's clients are many, here one address). */
export async function bootLoadRuntime(meter: Meter, registryFile: string) {
  return bootLocalRuntime({
    dynamodbInMemory: true,
    privacyMinReadSeconds: 0,
    registryFile,
    verificationRateLimit: { limit: 1_000_000, windowSeconds: 60 },
    ...meter.options,
  });
}

// ——— Preload ———

const stripKeys = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ttl: _ttl, ...record } = item;
  return record as T;
};

/**
 * Fills the table with `count` more enrolled users, each cloned from a real one (`template`, who
 * went through the flows): profile, e-mail and NIK claims, credential, device, certificate, signing
 * key and audit trail, built by the same item builders the adapters use, written 25 to a BatchWrite.
 */
export async function enrolledTemplate(runtime: Runtime, template: Holder) {
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    const partition = (await db.send(new QueryCommand({ TableName: runtime.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.user(template.userId).pk } }))).Items ?? [];
    const bySk = (prefix: string) => partition.filter((item) => String(item.sk).startsWith(prefix));
    const user = stripKeys<UserRecord>(bySk('PROFILE')[0]!);
    const credential = stripKeys<Credential>(bySk('ACCOUNT#CREDENTIAL')[0]!);
    const device = stripKeys<OtpDevice>(bySk('ACCOUNT#DEVICE#')[0]!);
    const key = stripKeys<SigningKeyRecord>(bySk('SIGNINGKEY')[0]!);
    const audits = bySk('AUDIT#').map((item) => stripKeys<AuditEntry>(item));
    const certificate = stripKeys<CertificateRecord>((await db.send(new GetCommand({ TableName: runtime.tableName, Key: keys.certificate(key.serialNumber) }))).Item!);
    return { user, credential, device, key, audits, certificate };
  } finally {
    db.destroy();
  }
}

export async function preload(runtime: Runtime, template: Awaited<ReturnType<typeof enrolledTemplate>>, from: number, count: number) {
  const { user, credential, device, key, audits, certificate } = template;
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  try {
    const items = (index: number) => {
      const userId = `preload-${index}-${randomUUID()}`;
      const email = `pegawai.${index}@contoh.go.id`;
      const serialNumber = randomBytes(16).toString('hex');
      const nikIndex = randomBytes(32).toString('hex');
      const identity = user.identity ? { ...user.identity, nikIndex } : undefined;
      return [
        userItem({ ...user, userId, email, ...(identity ? { identity } : {}) }),
        { ...keys.emailUnique(email), userId, tenantId: user.tenantId },
        { ...keys.nikUnique(nikIndex), userId, tenantId: user.tenantId },
        credentialItem({ ...credential, userId }),
        deviceItem({ ...device, userId, deviceId: randomUUID() }),
        certificateItem({ ...certificate, userId, email, serialNumber }),
        signingKeyItem({ ...key, userId, serialNumber }),
        // The first audit entry only (registration): the trail is never read by the mix's routes, and
        // DynamoDB Local takes about a millisecond an item, so a full trail would triple the preload.
        ...audits.slice(0, 1).map((entry) => auditItem({ ...entry, auditId: randomUUID(), actorId: userId, subject: { userId } } as AuditEntry)),
      ];
    };
    const sample = items(0);
    const perUser = sample.length;
    // Attribute names and values as JSON: close to DynamoDB's item size (which units are billed by).
    const profileBytes = JSON.stringify(sample[0]).length;
    let written = 0;
    const started = performance.now();
    let nextUser = from;
    const end = from + count;
    await Promise.all(Array.from({ length: 8 }, async () => {
      let batch: Record<string, unknown>[] = [];
      const flush = async () => {
        let pending = batch;
        batch = [];
        while (pending.length) {
          const answer = await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tableName]: pending.map((Item) => ({ PutRequest: { Item } })) } }));
          written += pending.length;
          pending = (answer.UnprocessedItems?.[runtime.tableName] ?? []).map((request) => request.PutRequest!.Item!);
          written -= pending.length;
        }
      };
      while (nextUser < end) {
        batch.push(...items(nextUser++));
        while (batch.length >= 25) {
          const rest = batch.splice(25);
          await flush();
          batch = rest;
        }
      }
      if (batch.length) await flush();
    }));
    return { items: written, perUser, profileBytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.destroy();
  }
}

// ——— Per-flow units ———

interface Definition { StartAt: string; States: Record<string, { Type: string; Next?: string; Default?: string; Choices?: { Next: string }[]; Parameters?: Record<string, unknown>; Arguments?: Record<string, unknown> }> }

/** The states one execution entered (what Step Functions bills), walked from the tasks it ran. */
export function stateTransitions(definition: Definition, tasks: readonly string[]): number {
  const taskOf = (name: string) => {
    const parameters = (definition.States[name]!.Parameters ?? definition.States[name]!.Arguments ?? {}) as { task?: string; Payload?: { task?: string } };
    return parameters.task ?? parameters.Payload?.task;
  };
  // Whether, from `name`, the next state that runs a task runs `task` (or, with none left, the end is reached).
  const leadsTo = (name: string, task: string | undefined, seen = new Set<string>()): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    const state = definition.States[name]!;
    if (state.Type === 'Task') return taskOf(name) === task;
    if (state.Type === 'Choice') return [...(state.Choices ?? []).map((choice) => choice.Next), ...(state.Default ? [state.Default] : [])].some((next) => leadsTo(next, task, seen));
    if (state.Type === 'Succeed' || state.Type === 'Fail') return task === undefined;
    return state.Next ? leadsTo(state.Next, task, seen) : task === undefined;
  };
  let entered = 0;
  let index = 0;
  let current: string | undefined = definition.StartAt;
  while (current) {
    entered++;
    const state: Definition['States'][string] = definition.States[current]!;
    if (state.Type === 'Task') index++;
    if (state.Type === 'Choice') {
      const candidates = [...(state.Choices ?? []).map((choice) => choice.Next), ...(state.Default ? [state.Default] : [])];
      current = candidates.find((next) => leadsTo(next, tasks[index]));
    } else if (state.Type === 'Succeed' || state.Type === 'Fail') {
      current = undefined;
    } else {
      current = state.Next;
    }
  }
  return entered;
}

export interface FlowUnits {
  dynamoRcu: number;
  dynamoWcu: number;
  lambda: { fn: string; ms: number; memoryMb: number; invocations: number }[];
  kms: number;
  s3: number;
  emails: number;
  sfnTransitions: number;
}

/** Waits until the outbox has sent everything and the approval flows are done (no new e-mail for a while). */
async function settle(meter: Meter, quietMs = 1500) {
  let last = meter.counts.emails;
  let quietSince = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (meter.counts.emails !== last) {
      last = meter.counts.emails;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return;
  }
}

/** One phase's units per person: everything counted while `action` ran for `n` people, divided by n. */
async function phase(meter: Meter, clock: ClientClock, n: number, action: () => Promise<void>, definition: Definition): Promise<FlowUnits & { kmsByOperation: Record<string, number>; s3Get: number; apiRequests: number }> {
  await settle(meter, 500);
  const before = copyCounts(meter.counts);
  const putsBefore = clock.presignedPuts;
  const apiBefore = clock.apiRequests;
  meter.flowTasks.clear();
  await action();
  await settle(meter);
  const after = meter.counts;
  const per = (value: number) => Number((value / n).toFixed(3));
  const functions = new Set([...Object.keys(after.lambdaMs)].filter((fn) => (after.invocations[fn] ?? 0) > (before.invocations[fn] ?? 0)));
  const lambda = [...functions].sort().map((fn) => ({
    fn, ms: per(after.lambdaMs[fn]! - (before.lambdaMs[fn] ?? 0)), memoryMb: functionMemoryMb[fn] ?? 512,
    invocations: per(after.invocations[fn]! - (before.invocations[fn] ?? 0)),
  }));
  const emails = after.emails - before.emails;
  // The outbox function (one invocation per e-mail on AWS, from the table's stream) and the delivery
  // function (SES events): locally a loop and the mailbox simulator, timed by their SES and DynamoDB calls.
  if (emails > 0) lambda.push({ fn: 'outbox', ms: per(after.backgroundMs - before.backgroundMs), memoryMb: functionMemoryMb.outbox!, invocations: per(emails) });
  const transitions = [...meter.flowTasks.values()].reduce((sum, tasks) => sum + stateTransitions(definition, tasks), 0);
  const kmsByOperation = Object.fromEntries(Object.entries(after.kmsByOperation).map(([operation, count]) => [operation, per(count - (before.kmsByOperation[operation] ?? 0))]).filter(([, count]) => Number(count) > 0));
  return {
    dynamoRcu: per(after.rcu - before.rcu), dynamoWcu: per(after.wcu - before.wcu), lambda,
    kms: per(after.kms - before.kms), s3: per(after.s3 - before.s3 + clock.presignedPuts - putsBefore), emails: per(emails), sfnTransitions: per(transitions),
    kmsByOperation, s3Get: per(after.s3Get - before.s3Get), apiRequests: per(clock.apiRequests - apiBefore),
  };
}

// ——— The bench section ———

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function printClientRoutes(clock: ClientClock, meter: Meter, title: string) {
  console.log(`  ${title}`);
  console.log(`    ${'route'.padEnd(52)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  ${'RCU/req'.padStart(8)} ${'WCU/req'.padStart(8)} ${'KMS/req'.padStart(7)}  errors`);
  for (const [route, entry] of [...clock.routes].sort(([a], [b]) => a.localeCompare(b))) {
    const units = meter.routes.get(route);
    const per = (value: number | undefined) => (units && units.requests ? fixed((value ?? 0) / units.requests, 2) : '–');
    const errors = Object.entries(entry.statuses).filter(([status]) => Number(status) >= 400).map(([status, count]) => `${count}×${status}`).join(' ') || '0';
    console.log(`    ${route.padEnd(52)} ${String(entry.ms.length).padStart(5)} ${fixed(percentile(entry.ms, 50)).padStart(8)} ${fixed(percentile(entry.ms, 95)).padStart(8)} ${fixed(percentile(entry.ms, 99)).padStart(8)}  ${per(units?.rcu).padStart(8)} ${per(units?.wcu).padStart(8)} ${per(units?.kms).padStart(7)}  ${errors}`);
  }
}

interface SizeRun { users: number; clock: Map<string, ClientRoute>; units: Map<string, RouteUnits>; mix: MixResult }

export async function load(options: { unitsPeople?: number; mixCount?: number; mixSeconds?: number; concurrency?: number; sizes?: number[] } = {}) {
  const unitsPeople = options.unitsPeople ?? 10;
  const mixCount = options.mixCount ?? 400;
  const mixSeconds = options.mixSeconds ?? 75;
  const concurrency = options.concurrency ?? 4;
  const sizes = options.sizes ?? [10_000, 100_000];
  const startedAt = new Date();
  console.log(`\nLoad (local runtime, loopback only; ${machine()}; load average ${load1()} at the start)`);
  console.log(`  mix per 100 flows: ${Object.entries(monthMix).map(([flow, weight]) => `${flow} ${weight}`).join(', ')} (a province's month, about 20,000 enrolled civil servants, compressed)`);
  const meter = new Meter();
  const people = await loadPeople(unitsPeople + 40 + Math.ceil(mixCount * sizes.length * monthMix.enrollment / 50) + 20);
  const runtime = await bootLoadRuntime(meter, people.registryFile);
  const clock = new ClientClock(runtime.api, runtime.endpoints.s3);
  clock.install();
  const definition = ApprovalFlow.renderDefinition(Duration.days(14)) as unknown as Definition;
  try {
    const flows = people.flows(runtime);
    // 1. Per-flow units, one phase at a time (after a warm-up person: JIT, the CA, caches).
    const warm = await flows.enroll();
    await flows.logIn(warm);
    const warmSigned = await flows.sign(warm);
    await flows.verify(warmSigned);
    const holders: Holder[] = [warm];
    clock.reset();
    meter.resetRoutes();
    const enrollment = await phase(meter, clock, unitsPeople, async () => {
      for (let i = 0; i < unitsPeople; i++) holders.push(await flows.enroll());
      // The warm-up person stays out of the phases that follow (N people each).
    }, definition);
    const login = await phase(meter, clock, unitsPeople, async () => {
      for (const holder of holders.slice(1)) await flows.logIn(holder);
    }, definition);
    const signed: Uint8Array[] = [];
    const signature = await phase(meter, clock, unitsPeople, async () => {
      for (const holder of holders.slice(1)) signed.push(await flows.sign(holder));
    }, definition);
    const verification = await phase(meter, clock, unitsPeople, async () => {
      for (const document of signed) await flows.verify(document);
    }, definition);
    const measured = { enrollment, signature, verification, login };
    console.log(`\n  Units per flow (${unitsPeople} people, one phase at a time; a ${(people.documentBytes / 1024).toFixed(0)} KB three-page letter signed B-LT; DynamoDB units as DynamoDB Local reports them with ReturnConsumedCapacity=TOTAL, transactional ones doubled as AWS bills them):`);
    console.log(`    ${'flow'.padEnd(13)} ${'RCU'.padStart(7)} ${'WCU'.padStart(7)} ${'KMS'.padStart(5)} ${'S3'.padStart(5)} ${'S3 GET'.padStart(6)} ${'API'.padStart(5)} ${'mails'.padStart(6)} ${'SFN'.padStart(4)}  Lambda (function: ms × invocations, memory)`);
    for (const [name, units] of Object.entries(measured)) {
      console.log(`    ${name.padEnd(13)} ${fixed(units.dynamoRcu).padStart(7)} ${fixed(units.dynamoWcu).padStart(7)} ${fixed(units.kms).padStart(5)} ${fixed(units.s3).padStart(5)} ${fixed(units.s3Get).padStart(6)} ${fixed(units.apiRequests).padStart(5)} ${fixed(units.emails).padStart(6)} ${fixed(units.sfnTransitions, 0).padStart(4)}  ${units.lambda.map((l) => `${l.fn} ${fixed(l.ms, 0)} ms × ${fixed(l.invocations)} (${l.memoryMb} MB)`).join(', ')}`);
      console.log(`    ${''.padEnd(13)} KMS: ${Object.entries(units.kmsByOperation).map(([operation, count]) => `${operation} ${count}`).join(', ') || 'none'}`);
    }
    const flowsJson = {
      measuredAt: startedAt.toISOString(),
      machine: machine(),
      method: `test/bench/load.ts: ${unitsPeople} people per flow on the local runtime (DynamoDB Local in memory, ReturnConsumedCapacity=TOTAL, transactional units doubled); Lambda ms measured around each handler on this machine (outbox: its SES and DynamoDB call time per e-mail); KMS = calls to the key-vault ports that are KMS calls on AWS; S3 = server-side S3 calls plus presigned PUTs; sfnTransitions = states entered by the approval flow's executions`,
      flows: measured,
    };
    const file = resolve('test/bench/results/flows.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(flowsJson, null, 2)}\n`);
    console.log(`  written: ${file}`);

    // 2. The mix at each table size.
    printClientRoutes(clock, meter, 'The units pass per route (one person at a time; background work, the outbox and the approval flow, is in the flow totals only):');
    const template = await enrolledTemplate(runtime, holders[0]!);
    const runs: SizeRun[] = [];
    let preloaded = 0;
    const signedDocuments = [...signed];
    for (const size of sizes) {
      const filled = await preload(runtime, template, preloaded, size - preloaded);
      preloaded = size;
      console.log(`\n  Preloaded to ${size.toLocaleString('en')} users: ${filled.items.toLocaleString('en')} items (${filled.perUser} per user; the profile about ${(filled.profileBytes / 1024).toFixed(1)} KB, written to the table and both indexes, projection ALL) in ${filled.seconds.toFixed(1)} s by BatchWrite`);
      await settle(meter, 500);
      clock.reset();
      meter.resetRoutes();
      const mix = await runMix(flows, holders, signedDocuments, { count: mixCount, seconds: mixSeconds, concurrency });
      runs.push({ users: size, clock: new Map(clock.routes), units: new Map(meter.routes), mix });
      const done = Object.values(mix.flows).reduce((sum, n) => sum + n, 0);
      console.log(`  The mix at ${size.toLocaleString('en')} users: ${done} flows in ${(mix.wallMs / 1000).toFixed(1)} s at concurrency ${concurrency} (${Object.entries(mix.flows).map(([flow, n]) => `${flow} ${n}`).join(', ')}); failed flows: ${mix.failures.length}; load average ${load1()}`);
      for (const failure of mix.failures.slice(0, 5)) console.log(`    failed ${failure.flow}: ${failure.error}`);
      printClientRoutes(clock, meter, 'per route, as the client sees it (whole body), and what the server spent on it:');
    }
    if (runs.length === 2) {
      const [small, large] = runs as [SizeRun, SizeRun];
      console.log(`\n  Growth from ${small.users.toLocaleString('en')} to ${large.users.toLocaleString('en')} users, per route (p50 ms and DynamoDB units per request):`);
      console.log(`    ${'route'.padEnd(52)} ${'p50 small'.padStart(10)} ${'p50 large'.padStart(10)}  ${'RCU small'.padStart(9)} ${'RCU large'.padStart(9)}  ${'WCU small'.padStart(9)} ${'WCU large'.padStart(9)}`);
      for (const route of [...new Set([...small.clock.keys(), ...large.clock.keys()])].sort()) {
        const unitsOf = (run: SizeRun, what: 'rcu' | 'wcu') => {
          const units = run.units.get(route);
          return units && units.requests ? fixed(units[what] / units.requests, 2) : '–';
        };
        console.log(`    ${route.padEnd(52)} ${fixed(percentile(small.clock.get(route)?.ms ?? [], 50)).padStart(10)} ${fixed(percentile(large.clock.get(route)?.ms ?? [], 50)).padStart(10)}  ${unitsOf(small, 'rcu').padStart(9)} ${unitsOf(large, 'rcu').padStart(9)}  ${unitsOf(small, 'wcu').padStart(9)} ${unitsOf(large, 'wcu').padStart(9)}`);
      }
    }
    const serverErrors = runs.flatMap((run) => [...run.clock].flatMap(([route, entry]) => Object.entries(entry.statuses).filter(([status]) => Number(status) >= 500).map(([status, n]) => `${run.users}: ${route} ${n}×${status}`)));
    console.log(`  5xx answers: ${serverErrors.length ? serverErrors.join('; ') : 'none'}; load average ${load1()} at the end`);
  } finally {
    clock.uninstall();
    await runtime.shutdown();
  }
}

/**
 * `npm run bench`: the performance figures of the Foundation issue, measured on this machine and
 * printed against their targets. Nothing here is asserted in the test suite.
 *   1. Each Lambda bundle, minified (target ≤ 1 MB), and its cold init: a fresh Node process
 *      importing the bundle (target ≤ 250 ms), median of 5.
 *   2. POST /v1/users on the local runtime: p50/p95 over 500 requests at concurrency 10
 *      (target p95 ≤ 60 ms) and DynamoDB round trips per request (target: one transaction),
 *      with DynamoDB Local on disk (as `npm start`) and in memory, and the stand-in's own floor.
 *   3. Enrollment: submit → approval e-mails on the ASN path (target p50 ≤ 2 s), and DynamoDB
 *      round trips per activation step (target ≤ 2).
 *   4. Login (password, then OTP): p50/p95 of each step and of argon2id alone (target: the
 *      password check 50–150 ms, everything around it ≤ 20 ms), and the DynamoDB reads of a
 *      session check on an authenticated request (target ≤ 1).
 */
import '../../infra/local/preamble.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundlingOptions, functionEntry } from '../../infra/constructs/service-function.js';
import { client, sampleKtp, sampleSelfie } from '../e2e/enrollment-flow.js';
import { bootLocalRuntime } from '../e2e/runtime.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { generateSecret, generateSync } from 'otplib';
import { credentialItem, deviceItem, userItem } from '../../shared/adapters/aws/table-items.js';
import { openLocalKeyVault } from '../../shared/adapters/local/key-vault.js';
import { argon2Parameters, hashPassword, verifyPassword } from '../../shared/crypto/passwords.js';
import { keys } from '../../shared/data/table.js';
import { otpSecretSealingContext } from '../../shared/domain/otp.js';

const contexts = ['enrollment', 'accounts', 'docs', 'flows', 'outbox', 'notices'];
const nativeModules = ['@node-rs/argon2'];
const outDir = resolve('.bench');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');

async function bundles() {
  console.log('\nLambda bundles (esbuild, the CDK bundling options)');
  console.log('function     size (KB)  target  cold init median (ms)  target');
  for (const context of contexts) {
    const outfile = join(outDir, context, 'index.mjs');
    mkdirSync(join(outDir, context), { recursive: true });
    await build({
      entryPoints: [functionEntry(context)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: bundlingOptions.minify,
      target: bundlingOptions.target,
      mainFields: bundlingOptions.mainFields,
      banner: { js: bundlingOptions.banner },
      // As in the stack: native modules (argon2) sit beside the bundle, not in it.
      external: [...nativeModules],
      logLevel: 'silent',
    });
    const size = statSync(outfile).size;
    const probe = join(outDir, context, 'probe.mjs');
    writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(performance.now() - t);`);
    const times = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [probe], {
      env: { ...process.env, TABLE_NAME: 'bench', WEB_BASE_URL: 'https://tte.example.go.id', AWS_REGION: 'ap-southeast-3' },
    }).toString().trim()));
    const init = median(times);
    console.log(`${context.padEnd(12)} ${(size / 1024).toFixed(0).padStart(9)}  ${verdict(size <= 1024 * 1024).padEnd(6)}  ${init.toFixed(1).padStart(21)}  ${verdict(init <= 250)}`);
  }
}

async function registration(dynamodbInMemory: boolean) {
  let commands: string[] = [];
  const runtime = await bootLocalRuntime({ dynamodbInMemory, onApiDynamoCommand: (name) => commands.push(name) });
  try {
    const post = async (index: number) => {
      const started = performance.now();
      const response = await fetch(`${runtime.seed.apiUrl}/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': runtime.seed.verifier.apiKey },
        body: JSON.stringify({ fullName: 'Pegawai Uji Beban', email: `beban${index}-${Date.now()}@contoh.go.id` }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`POST /v1/users answered ${response.status}`);
      return performance.now() - started;
    };
    // Warm-up: caches filled, and DynamoDB Local's JVM past its JIT warm-up (its first writes take 3x longer).
    for (let i = 0; i < 200; i++) await post(-i - 1);
    commands = [];
    const total = 500;
    const concurrency = 10;
    const latencies: number[] = [];
    let next = 0;
    const wallStart = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < total) latencies.push(await post(next++));
    }));
    const wall = performance.now() - wallStart;
    const perRequest = commands.length / total;
    const byName = Object.entries(commands.reduce<Record<string, number>>((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {}))
      .map(([name, count]) => `${name} ${(count / total).toFixed(2)}`).join(', ');
    const p95 = percentile(latencies, 95);
    console.log(`\nPOST /v1/users on the local runtime, DynamoDB Local ${dynamodbInMemory ? 'in memory' : 'on disk (as npm start runs it)'}: ${total} requests, concurrency ${concurrency}, ${(total / (wall / 1000)).toFixed(0)} req/s`);
    console.log(`  p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms  (target p95 ≤ 60 ms: ${verdict(p95 <= 60)})`);
    console.log(`  DynamoDB round trips per request: ${perRequest.toFixed(2)} (${byName})  (target: one transaction: ${verdict(perRequest <= 1.05)})`);
    const floorP95 = await standInFloor(runtime.endpoints.dynamodb, runtime.tableName, total, concurrency);
    const ratio = p95 / floorP95;
    console.log(`  POST p95 / stand-in floor p95: ${ratio.toFixed(2)}x  (target ≤ 1.2x: ${verdict(ratio <= 1.2)})`);
  } finally {
    await runtime.shutdown();
  }
}

/**
 * The floor the stand-in sets: the same six-item transaction sent straight to DynamoDB Local, with
 * no HTTP, no handler, no outbox loop. DynamoDB Local runs transactions one at a time, so at
 * concurrency 10 this alone shows what the latency target is up against.
 */
async function standInFloor(endpoint: string, tableName: string, total: number, concurrency: number) {
  const db = createDynamoClient({ dynamodb: endpoint, region: localRegion, credentials: localCredentials });
  const transaction = async (index: number) => {
    const started = performance.now();
    await db.send(new TransactWriteCommand({
      TransactItems: Array.from({ length: 6 }, (_, item) => ({
        Put: { TableName: tableName, Item: { pk: `BENCH#${index}#${item}`, sk: 'BENCH', gsi1pk: 'BENCH', gsi1sk: `${index}`, gsi2pk: 'BENCH', gsi2sk: `${index}` } },
      })),
    }));
    return performance.now() - started;
  };
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) latencies.push(await transaction(next++));
  }));
  console.log(`  stand-in floor (the same 6-item transaction straight to DynamoDB Local, concurrency ${concurrency}): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  db.destroy();
  return percentile(latencies, 95);
}

/** A registry fixture with `count` synthetic civil servants (valid NIK/NIP pairs, no real people). */
function syntheticRegistry(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const day = String((index % 28) + 1).padStart(2, '0');
    const month = String((index % 12) + 1).padStart(2, '0');
    const year = 80 + (index % 20);
    const serial = String(index + 1).padStart(4, '0');
    return {
      employmentType: 'ASN', nik: `727101${day}${month}${year}${serial}`, nip: `19${year}${month}${day}${1900 + year + 20}011${String(index + 1).padStart(3, '0')}`,
      fullName: `Pegawai Bench ${String.fromCharCode(65 + (index % 26))}${String.fromCharCode(65 + Math.floor(index / 26))}`,
      position: 'Analis', unitName: 'Bidang Uji', agency: 'Pemerintah Kabupaten Contoh',
    };
  });
}

/**
 * Enrollment (issue targets): time from submit to both approval e-mails on the ASN path,
 * p50 over 50 users (target ≤ 2 s), and DynamoDB round trips per activation step (target ≤ 2).
 */
async function enrollment() {
  const users = syntheticRegistry(50);
  const registryFile = join(mkdtempSync(join(tmpdir(), 'tte-bench-registry-')), 'registry.json');
  writeFileSync(registryFile, JSON.stringify(users));
  let commands = 0;
  const runtime = await bootLocalRuntime({ privacyMinReadSeconds: 0, registryFile, onApiDynamoCommand: () => commands++ });
  const http = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
  const roundTrips = new Map<string, number>();
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    commands = 0;
    const result = await action();
    roundTrips.set(name, Math.max(roundTrips.get(name) ?? 0, commands));
    return result;
  };
  const latencies: number[] = [];
  try {
    for (const [index, person] of users.entries()) {
      const email = `bench.asn${index}@contoh.go.id`;
      const { token } = await http.register(person.fullName, email);
      const base = `/v1/activation/${token}`;
      await step('PUT identity', () => http.call('PUT', `${base}/identity`, { body: { fullName: person.fullName, nik: person.nik } }));
      await step('PUT employment', () => http.call('PUT', `${base}/employment`, {
        body: { employmentType: 'ASN', nip: person.nip, position: person.position, unitName: person.unitName, province: '72', city: '72.71' },
      }));
      for (const [kind, bytes, type] of [['KTP', sampleKtp, 'image/png'], ['SELFIE', sampleSelfie, 'image/jpeg']] as const) {
        const slot = await step('POST photos', () => http.call('POST', `${base}/photos`, { body: { kind, contentType: type, contentLength: bytes.length } }));
        await fetch(slot.body.uploadUrl, { method: 'PUT', headers: slot.body.uploadHeaders, body: bytes });
        await step('POST photos/{id}/confirm', () => http.call('POST', `${base}/photos/${slot.body.photoId}/confirm`));
      }
      await step('POST privacy-policy/view', () => http.call('POST', `${base}/privacy-policy/view`));
      const started = performance.now();
      const submitted = await step('POST submit', () => http.submit(token));
      if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status} ${JSON.stringify(submitted.body)}`);
      await http.waitForMail(email, '[TTE] Informasi Akun');
      await http.waitForMail(email, '[TTE] Set Passphrase');
      latencies.push(performance.now() - started);
    }
    const p50 = percentile(latencies, 50);
    console.log(`\nEnrollment, ASN path on the local runtime: submit → both approval e-mails, ${users.length} users`);
    console.log(`  p50 ${p50.toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms  (target p50 ≤ 2 s: ${verdict(p50 <= 2000)})`);
    console.log('  DynamoDB round trips per activation step (max over users; target ≤ 2):');
    for (const [name, count] of roundTrips) console.log(`    ${name.padEnd(28)} ${count}  ${verdict(count <= 2)}`);
  } finally {
    await runtime.shutdown();
  }
}

/**
 * Accounts (issue targets): login p50/p95 per step on the local runtime, one login per user
 * (each code is single use per device), users with a password and one device written straight
 * into the table; argon2id timed on its own; DynamoDB commands of each step and of a session check.
 */
async function login() {
  const count = 100;
  let commands: string[] = [];
  const runtime = await bootLocalRuntime({ onApiDynamoCommand: (name) => commands.push(name) });
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  const { sealer } = openLocalKeyVault(runtime.dataDir);
  const password = 'Bench-Rahasia-123!';
  const passwordHash = await hashPassword(password);
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${runtime.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, any>;
  };
  const timed = async <T>(action: () => Promise<T>) => {
    commands = [];
    const started = performance.now();
    const result = await action();
    return { result, ms: performance.now() - started, commands: [...commands] };
  };
  try {
    const people = await Promise.all(Array.from({ length: count }, async (_, index) => {
      const userId = `bench-login-${index}`;
      const email = `bench.login${index}@contoh.go.id`;
      const secret = generateSecret();
      const at = new Date().toISOString();
      const user = { userId, tenantId: runtime.seed.tenant.tenantId, role: 'USER' as const, fullName: 'Pegawai Bench', email, status: 'ACTIVE' as const, createdAt: at, updatedAt: at, createdBy: 'bench', version: 1 };
      const device = { userId, deviceId: `${userId}-device`, name: 'Ponsel', sealedSecret: await sealer.seal(secret, otpSecretSealingContext(userId, `${userId}-device`)), createdAt: at };
      await db.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: runtime.tableName, Item: userItem(user) } },
          { Put: { TableName: runtime.tableName, Item: { ...keys.emailUnique(email), userId, tenantId: user.tenantId } } },
          { Put: { TableName: runtime.tableName, Item: credentialItem({ userId, passwordHash, passwordChangedAt: at, version: 1 }) } },
          { Put: { TableName: runtime.tableName, Item: deviceItem(device) } },
        ],
      }));
      return { email, secret };
    }));
    const argon2: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await verifyPassword(passwordHash, password);
      argon2.push(performance.now() - started);
    }
    const passwordStep: number[] = [];
    const otpStep: number[] = [];
    const stepCommands = new Map<string, string[]>();
    let sessionToken = '';
    for (const person of people) {
      const first = await timed(() => post('/v1/auth/login', { email: person.email, password }));
      const code = generateSync({ secret: person.secret, epoch: Math.floor(Date.now() / 1000) });
      const second = await timed(() => post('/v1/auth/login/otp', { loginTicket: first.result.loginTicket, otp: code }));
      passwordStep.push(first.ms);
      otpStep.push(second.ms);
      stepCommands.set('password', first.commands);
      stepCommands.set('otp', second.commands);
      sessionToken = String(second.result.sessionToken);
    }
    const me = async () => (await fetch(`${runtime.api}/v1/me`, { headers: { authorization: `Bearer ${sessionToken}` } })).json();
    await me(); // the first fills the per-container tenant cache
    const check = await timed(me);
    const argonP50 = percentile(argon2, 50);
    const line = (name: string, values: number[]) => `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;
    const describe = (names: string[]) => Object.entries(names.reduce<Record<string, number>>((all, name) => ({ ...all, [name]: (all[name] ?? 0) + 1 }), {}))
      .map(([name, n]) => `${name} ${n}`).join(', ');
    const { memoryCost, timeCost, parallelism } = argon2Parameters;
    console.log(`\nLogin on the local runtime, ${count} users one after another (argon2id m=${memoryCost / 1024} MiB, t=${timeCost}, p=${parallelism})`);
    console.log(`  argon2id verify alone: ${line('argon2', argon2)}  (target 50–150 ms: ${verdict(argonP50 >= 50 && argonP50 <= 150)})`);
    const aroundPassword = percentile(passwordStep, 50) - argonP50;
    console.log(`  step 1 POST /v1/auth/login: ${line('password', passwordStep)}; around the password check ${aroundPassword.toFixed(1)} ms (target ≤ 20 ms: ${verdict(aroundPassword <= 20)}); DynamoDB: ${describe(stepCommands.get('password') ?? [])}`);
    const otpP50 = percentile(otpStep, 50);
    console.log(`  step 2 POST /v1/auth/login/otp: ${line('otp', otpStep)} (target ≤ 20 ms: ${verdict(otpP50 <= 20)}); DynamoDB: ${describe(stepCommands.get('otp') ?? [])}`);
    const total = passwordStep.map((ms, index) => ms + otpStep[index]!);
    console.log(`  whole login (both steps): ${line('total', total)}`);
    // GET /v1/me reads the session, then the profile (the tenant is cached): the session check is the first read.
    const sessionReads = check.commands.length - 1;
    console.log(`  GET /v1/me with a session: DynamoDB ${describe(check.commands)}; of which the session check: ${sessionReads} read (target ≤ 1: ${verdict(sessionReads <= 1)})`);
  } finally {
    db.destroy();
    await runtime.shutdown();
  }
}

// `npm run bench -- enrollment` runs one section; no argument runs them all.
const sections = process.argv.slice(2);
const wanted = (name: string) => sections.length === 0 || sections.includes(name);
if (wanted('bundles')) await bundles();
if (wanted('registration')) {
  await registration(false);
  await registration(true);
}
if (wanted('enrollment')) await enrollment();
if (wanted('login')) await login();

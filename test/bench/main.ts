/**
 * `npm run bench`: the performance figures of the issues (Foundation, Enrollment, Accounts,
 * Certificates), measured on this machine and printed against their targets. Nothing here is
 * asserted in the test suite. `npm run bench -- <section>` runs one section (bundles,
 * registration, enrollment, login, certificates, pages, signing, verification, billing); no argument runs them all.
 *   1. Each Lambda bundle (certificates and pki included), minified (target ≤ 1 MB), and its cold
 *      init: a fresh Node process importing the bundle (target ≤ 250 ms), median of 5.
 *   2. POST /v1/users on the local runtime: p50/p95 over 500 requests at concurrency 10
 *      (target p95 ≤ 60 ms) and DynamoDB round trips per request (target: one transaction),
 *      with DynamoDB Local on disk (as `npm start`) and in memory, and the stand-in's own floor.
 *   3. Enrollment: submit → approval e-mails on the ASN path (target p50 ≤ 2 s), and DynamoDB
 *      round trips per activation step (target ≤ 2).
 *   4. Login (password, then OTP): p50/p95 of each step and of argon2id alone (target: the
 *      password check 50–150 ms, everything around it ≤ 20 ms), and the DynamoDB reads of a
 *      session check on an authenticated request (target ≤ 1).
 *   5. Certificates: the argon2id parameters chosen and a measured derivation; CA-side throughput
 *      (CSR → signed certificate, local signer, no KDF; target ≥ 1,000/s on one core); a CRL of
 *      10,000 revoked entries signed through KmsCaSigner (KMS Sign mocked, MessageType DIGEST):
 *      size and time; issuance broken down (key generation + CSR, argon2id, KMS stand-in, CA
 *      signing, DynamoDB commit) and POST /v1/enrollment/{token} over HTTP (target p50 ≤ 250 ms
 *      with the KDF); OCSP over HTTP at concurrency 10 (target p95 ≤ 20 ms).
 *   6. Web pages (test/bench/pages.ts): bytes, requests and server time per page; Lighthouse.
 *   7. Signing (test/bench/signing.ts): one B-LT signature of 1 MB with its breakdown, 20
 *      documents in one request, hashes per second.
 *   8. Verification (test/bench/verification.ts): a 4 MB PDF with 8 signatures over HTTP, p50/p95
 *      (target ≤ 1 s), and where the time goes.
 *   9. Billing (test/bench/billing.ts): the statement of a tenant's month of 100,000 events,
 *      in-process and over HTTP (target ≤ 300 ms), and a frozen month's reads.
 *  10. Load (test/bench/load.ts): a province's month of mixed traffic compressed, p50/p95/p99 per
 *      route at 10 k and 100 k users, and each flow's billed units (test/bench/results/flows.json).
 *  11. Fuzz (test/bench/fuzz.ts): the fuzz sweep's generator at 20,000 requests (or 5 minutes):
 *      requests/s, the status histogram and any 5xx.
 */
import '../../infra/local/preamble.js';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomUUID, verify, webcrypto, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetPublicKeyCommand, KMSClient, SignCommand, type SignCommandInput } from '@aws-sdk/client-kms';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { p256 } from '@noble/curves/nist.js';
import { generateSecret, generateSync } from 'otplib';
import { bundlingOptions, functionEntry } from '../../infra/constructs/service-function.js';
import { ensureTable } from '../../infra/local/provision.js';
import { webAssetsDefine } from '../../infra/web-assets.js';
import { pages } from './pages.js';
import { signing } from './signing.js';
import { verification } from './verification.js';
import { billing } from './billing.js';
import { fuzz } from './fuzz.js';
import { load } from './load.js';
import { localCaSettings } from '../../infra/local/runtime.js';
import { localCredentials, localRegion } from '../../infra/local/stand-ins.js';
import { openssl } from '../e2e/certificates-flow.js';
import { client, sampleKtp, sampleSelfie } from '../e2e/enrollment-flow.js';
import { bootLocalRuntime } from '../e2e/runtime.js';
import { createDynamoClient } from '../../shared/adapters/aws/clients.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { KmsCaSigner } from '../../shared/adapters/aws/kms-ca-signer.js';
import { credentialItem, deviceItem, tokenItem, userItem } from '../../shared/adapters/aws/table-items.js';
import { FileCaSigner, openLocalKeyVault } from '../../shared/adapters/local/key-vault.js';
import { passphraseKdfDefaults, sealSigningKey, signingKeyContext } from '../../shared/crypto/key-custody.js';
import { argon2Parameters, hashPassword, verifyPassword } from '../../shared/crypto/passwords.js';
import { keys } from '../../shared/data/table.js';
import { revocationReasonCodes, type RevocationReason } from '../../shared/domain/certificates.js';
import { otpSecretSealingContext } from '../../shared/domain/otp.js';
import { hashToken, newLinkToken } from '../../shared/domain/tokens.js';
import { certificateAuthority } from '../../shared/pki/ca-runtime.js';
import { CertificateAuthority, createCaCertificate, createCertificateRequest, type SubjectProfile } from '../../shared/pki/certificate-authority.js';
import { readChildren, readSingle } from '../../shared/pki/der.js';
import type { CertificateRecord } from '../../shared/ports/certificates.js';
import type { KeyWrapper } from '../../shared/ports/key-wrapper.js';
import type { LinkTokenRecord } from '../../shared/ports/links.js';
import { systemClock } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';

const contexts = ['enrollment', 'accounts', 'certificates', 'signing', 'verification', 'pki', 'web', 'docs', 'flows', 'outbox', 'notices', 'billing'];
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
      // As in the stack: the web function carries the page scripts.
      ...(context === 'web' ? { define: webAssetsDefine() } : {}),
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

/** The PKI settings the bench's own CAs use (the local runtime's profile). */
const benchCaSettings = (validityDays = 730) => localCaSettings('http://127.0.0.1:3000', validityDays);

/** p50/p95 of a list of milliseconds, as printed. */
const spread = (values: number[]) => `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;

/**
 * Wall time and this process's CPU time (all its threads: argon2 runs on libuv's pool) of one
 * action. On a shared machine the two part ways: the wall time then includes waiting for a core.
 */
interface Measured<T> { result: T; ms: number; cpuMs: number }
async function measure<T>(action: () => Promise<T>): Promise<Measured<T>> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await action();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { result, ms, cpuMs: (used.user + used.system) / 1000 };
}
const spreadWithCpu = (values: Measured<unknown>[]) => `${spread(values.map((v) => v.ms))} (CPU p50 ${percentile(values.map((v) => v.cpuMs), 50).toFixed(1)} ms)`;

/**
 * ECDSA P-256 over a digest as given: what KMS `Sign` does with `MessageType: DIGEST` (Node's
 * crypto.sign always hashes its input, so it cannot stand in for it). @noble/curves (audited)
 * signs the prehashed digest; only here to answer the mocked KMS honestly.
 */
function p256DigestSigner(privateKey: KeyObject) {
  const d = Buffer.from(String(privateKey.export({ format: 'jwk' }).d), 'base64url');
  return (digest: Uint8Array): Uint8Array => {
    if (digest.length !== 32) throw new Error(`A SHA-256 digest is 32 bytes, got ${digest.length}`);
    return p256.sign(digest, d, { prehash: false, format: 'der' });
  };
}

/** A person an enroll link was sent to, with the fresh selfie already confirmed on it (as the use case needs). */
async function approvedUserWithEnrollLink(db: ReturnType<typeof createDynamoClient>, tableName: string, tenantId: string, index: number) {
  const userId = `bench-cert-${index}-${randomUUID()}`;
  const email = `bench.cert${index}@contoh.go.id`;
  const at = new Date().toISOString();
  const rawToken = newLinkToken();
  const user: UserRecord = { userId, tenantId, role: 'USER', fullName: `Pegawai Sertifikat ${index}`, email, status: 'APPROVED', createdAt: at, updatedAt: at, createdBy: 'bench', version: 1 };
  const token: LinkTokenRecord = {
    tokenHash: hashToken(rawToken), purpose: 'enroll', userId, tenantId, createdAt: at, expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    freshSelfie: { photoId: `selfie-${index}`, objectKey: `kyc/${tenantId}/${userId}/selfie-${index}`, width: 640, height: 480, confirmedAt: at },
  };
  await db.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: tableName, Item: userItem(user) } },
      { Put: { TableName: tableName, Item: { ...keys.emailUnique(email), userId, tenantId } } },
      { Put: { TableName: tableName, Item: tokenItem(token) } },
    ],
  }));
  return { user, token, rawToken };
}

/**
 * Certificates (issue targets), printed against them, never asserted:
 * - argon2id: the parameters chosen and measured derivations;
 * - CA-side throughput: CSR → signed certificate with the local signer, no KDF (≥ 1,000/s on one core);
 * - CRL of 10,000 revoked entries, signed through KmsCaSigner (MessageType DIGEST) against a mocked KMS;
 * - issuance: each step timed in-process, and POST /v1/enrollment/{token} over HTTP (p50 ≤ 250 ms);
 * - OCSP: POST /pki/ocsp at concurrency 10 on the local runtime (p95 ≤ 20 ms).
 */
async function certificates() {
  const passphrase = 'Bench-Passphrase-123!';
  const subject = (index: number): SubjectProfile => ({ commonName: `Pegawai Sertifikat ${index}`, organizationName: 'Pemerintah Kabupaten Contoh', organizationalUnit: 'Bidang Uji', email: `bench.cert${index}@contoh.go.id` });
  const newKeys = () => webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);

  const machine = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${availableParallelism()} cores`;
  console.log(`\nCertificates (${machine()} at the start; on a shared machine, compare wall times with the CPU times printed beside them)`);

  // argon2id: the parameters stored with every new key, and what one derivation costs here.
  const { memoryKiB, iterations, parallelism } = passphraseKdfDefaults;
  const derive = () => measure(() => hashRaw(Buffer.from(passphrase), {
    algorithm: 2 as Algorithm, version: 1 as Version, memoryCost: memoryKiB, timeCost: iterations, parallelism, outputLen: 32, salt: randomBytes(16),
  }));
  const first = await derive();
  const derivations: Measured<unknown>[] = [];
  for (let i = 0; i < 10; i++) derivations.push(await derive());
  const kdfP50 = percentile(derivations.map((d) => d.ms), 50);
  console.log(`\nPassphrase KDF: argon2id m=${memoryKiB / 1024} MiB (${memoryKiB} KiB), t=${iterations}, p=${parallelism}, 32-byte key, 16-byte salt (passphraseKdfDefaults)`);
  console.log(`  one derivation: ${first.ms.toFixed(1)} ms (CPU ${first.cpuMs.toFixed(1)} ms), the first; over 10 more: ${spreadWithCpu(derivations)}  (target about 100–150 ms: ${verdict(kdfP50 >= 100 && kdfP50 <= 150)})`);

  // CA-side throughput: verify the CSR, build and sign the certificate; no KDF, no storage.
  {
    const signer = new FileCaSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const caCertificate = await createCaCertificate(signer, { commonName: 'Bench CA', organizationName: 'Bench', now: new Date(), validityYears: 20 });
    const authority = new CertificateAuthority(signer, caCertificate, benchCaSettings());
    const requests = await Promise.all(Array.from({ length: 200 }, async (_, index) => ({ csr: (await createCertificateRequest(await newKeys(), subject(index))).der, subject: subject(index) })));
    const issue = (index: number) => authority.issue({ csrDer: requests[index % requests.length]!.csr, subject: requests[index % requests.length]!.subject, now: new Date() });
    for (let i = 0; i < 1000; i++) await issue(i); // warm-up (JIT)
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let issued = 0;
    while (performance.now() - started < 3000) await issue(issued++);
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const rate = issued / (wall / 1000);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const perCpuSecond = issued / (cpuMs / 1000);
    console.log(`\nCA-side throughput (CSR → signed certificate, FileCaSigner, one after another on the main thread, no KDF): ${issued} certificates in ${(wall / 1000).toFixed(2)} s`);
    console.log(`  wall clock: ${rate.toFixed(0)} certificates/s (${(1000 / rate).toFixed(3)} ms each), this process on CPU ${((cpuMs / wall) * 100).toFixed(0)}% of the time  (target ≥ 1,000/s on one core: ${verdict(rate >= 1000)})`);
    console.log(`  per CPU-second of this process (what one core does when the machine is shared): ${perCpuSecond.toFixed(0)} certificates/s  (${verdict(perCpuSecond >= 1000)}); EJBCA publishes 20–200/s`);
  }

  // CRL of 10,000 entries, signed through the KMS adapter: KmsCaSigner → KMSClient.send(Sign, DIGEST), the KMS answered by a mock.
  {
    const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signDigest = p256DigestSigner(caKey.privateKey);
    const probe = randomBytes(64);
    if (!verify('sha256', probe, { key: caKey.publicKey, dsaEncoding: 'der' }, signDigest(createHash('sha256').update(probe).digest()))) {
      throw new Error('The mock KMS digest signer does not produce valid signatures');
    }
    const kmsClient = new KMSClient({ region: localRegion, credentials: localCredentials });
    const kms = mockClient(kmsClient);
    const keyId = 'arn:aws:kms:ap-southeast-3:000000000000:key/bench-ca';
    let kmsMs = 0;
    kms.on(GetPublicKeyCommand).resolves({ KeyId: keyId, KeySpec: 'ECC_NIST_P256', PublicKey: caKey.publicKey.export({ type: 'spki', format: 'der' }) });
    kms.on(SignCommand).callsFake((input: SignCommandInput) => {
      if (input.MessageType !== 'DIGEST' || input.SigningAlgorithm !== 'ECDSA_SHA_256' || input.Message?.length !== 32) {
        throw new Error(`Unexpected Sign request: ${input.MessageType} ${input.SigningAlgorithm} ${input.Message?.length} bytes`);
      }
      const started = performance.now();
      const signature = signDigest(input.Message);
      kmsMs += performance.now() - started;
      return { KeyId: keyId, Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' };
    });
    const signer = new KmsCaSigner(kmsClient, keyId);
    const caCertificate = await createCaCertificate(signer, { commonName: 'Bench KMS CA', organizationName: 'Bench', now: new Date(), validityYears: 20 });
    const authority = new CertificateAuthority(signer, caCertificate, benchCaSettings());
    const reasons = Object.keys(revocationReasonCodes) as RevocationReason[];
    const entries = Array.from({ length: 10_000 }, (_, index) => {
      const serial = randomBytes(16);
      serial[0] = (serial[0]! & 0x7f) | 0x40;
      return { serialNumber: serial.toString('hex'), revokedAt: new Date(Date.now() - index * 60_000), reason: reasons[index % reasons.length]! };
    });
    const thisUpdate = new Date();
    const makeCrl = (crlNumber: number) => authority.crl({ crlNumber, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 86_400_000), entries });
    await makeCrl(1); // warm-up
    const times: number[] = [];
    const kmsTimes: number[] = [];
    let crl: Uint8Array = new Uint8Array();
    for (let round = 0; round < 5; round++) {
      kmsMs = 0;
      const started = performance.now();
      crl = await makeCrl(round + 2);
      times.push(performance.now() - started);
      kmsTimes.push(kmsMs);
    }
    const signs = kms.commandCalls(SignCommand);
    const lastSign = signs.at(-1)!.args[0].input;
    const tools = openssl();
    const caFile = tools.file('kms-ca.pem', caCertificate.pem);
    const crlFile = tools.file('crl.der', crl);
    const check = await tools.run(['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', caFile, '-noout']);
    const listed = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text'], { maxBuffer: 256 * 1024 * 1024 }).toString();
    const count = (listed.match(/Serial Number:/g) ?? []).length;
    const tbsBytes = readChildren(readSingle(crl))[0]!.bytes.length;
    console.log(`\nCRL with ${entries.length.toLocaleString('en')} revoked entries, signed through KmsCaSigner → KMS Sign (mocked KMS answering with a local P-256 key):`);
    console.log(`  size ${crl.length.toLocaleString('en')} bytes (${(crl.length / 1024).toFixed(0)} KiB); time median ${median(times).toFixed(1)} ms over 5 (${times.map((t) => t.toFixed(0)).join(', ')}), of which the mock KMS signing ${median(kmsTimes).toFixed(1)} ms (@noble/curves; a real KMS Sign is a network round trip)`);
    console.log(`  the KMS calls: ${signs.length} Sign, the last MessageType ${lastSign.MessageType}, Message ${lastSign.Message?.length} bytes (the TBS is ${tbsBytes.toLocaleString('en')} bytes: a RAW message is limited to 4,096), SigningAlgorithm ${lastSign.SigningAlgorithm}`);
    console.log(`  openssl crl -CAfile: ${check.ok && /verify OK/.test(check.output) ? 'verify OK' : `FAILED ${check.output.trim()}`}; entries listed by openssl: ${count.toLocaleString('en')}`);
    kms.restore();
  }

  // Issuance on the local runtime: the steps in-process, then the whole request over HTTP; then OCSP.
  let commands: string[] = [];
  const runtime = await bootLocalRuntime({ onApiDynamoCommand: (name) => commands.push(name) });
  const db = createDynamoClient({ dynamodb: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  const { keyWrapper, caSigner } = openLocalKeyVault(runtime.dataDir);
  const tenantId = runtime.seed.tenant.tenantId;
  const describe = (names: string[]) => Object.entries(names.reduce<Record<string, number>>((all, name) => ({ ...all, [name]: (all[name] ?? 0) + 1 }), {}))
    .map(([name, n]) => `${name} ${n}`).join(', ');
  try {
    // The same CA the runtime uses (its certificate is made on first use; a conditional put decides).
    const authority = await certificateAuthority({
      pki: new DynamoPkiStore(db, runtime.tableName), signer: caSigner, clock: systemClock, settings: localCaSettings(runtime.api),
    })();
    // The commits go to a table of their own on the same DynamoDB Local, out of the outbox loop's way.
    const commitTable = 'bench-certificates';
    await ensureTable(db as never, commitTable);
    const store = new DynamoCertificates(db, commitTable);
    let wrapMs = 0;
    const timedWrapper: KeyWrapper = {
      wrap: async (plaintext, context) => {
        const started = performance.now();
        try {
          return await keyWrapper.wrap(plaintext, context);
        } finally {
          wrapMs = performance.now() - started;
        }
      },
      unwrap: (wrapped, context) => keyWrapper.unwrap(wrapped, context),
    };
    const steps = { keys: [] as Measured<unknown>[], kdf: [] as Measured<unknown>[], wrap: [] as number[], ca: [] as Measured<unknown>[], commit: [] as Measured<unknown>[], total: [] as number[] };
    const runs = 20;
    for (let run = -3; run < runs; run++) { // three warm-up runs
      const person = await approvedUserWithEnrollLink(db, commitTable, tenantId, 1000 + run + 3);
      const now = new Date();
      const keyId = randomUUID();
      const keysStep = await measure(async () => {
        const pair = await newKeys();
        const csr = await createCertificateRequest(pair, subject(run));
        return { csr, pkcs8: new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey)) };
      });
      const { csr, pkcs8 } = keysStep.result;
      const sealStep = await measure(() => sealSigningKey(timedWrapper, pkcs8, passphrase, signingKeyContext(person.user.userId, keyId)));
      const sealed = sealStep.result;
      const caStep = await measure(() => authority.issue({ csrDer: csr.der, subject: subject(run), now }));
      const issued = caStep.result;
      const at = now.toISOString();
      const certificate: CertificateRecord = {
        serialNumber: issued.serialNumber, userId: person.user.userId, tenantId, email: person.user.email, fullName: person.user.fullName, subject: issued.subject,
        status: 'ISSUED', notBefore: issued.notBefore, notAfter: issued.notAfter, pem: issued.pem, csrPem: csr.pem, keyId, issuedAt: at,
        issuance: { kind: 'FIRST', tokenHash: person.token.tokenHash }, agreement: { version: 'bench', acceptedAt: at, sourceIp: '127.0.0.1' },
        selfie: person.token.freshSelfie!, version: 1,
      };
      const commitStep = await measure(() => store.commit({
        userId: person.user.userId,
        consumeToken: { token: person.token, serialNumber: issued.serialNumber },
        issue: { certificate, key: { userId: person.user.userId, keyId, serialNumber: issued.serialNumber, sealed, createdAt: at, updatedAt: at, failedPassphrases: 0, version: 1 } },
        updates: [],
        revocations: [],
        audit: { auditId: randomUUID(), at, actorId: person.user.userId, actorRole: 'USER', tenantId, subject: { userId: person.user.userId }, action: 'CERTIFICATE_ISSUED' },
        messages: [{ messageId: randomUUID(), template: 'certificateIssued', to: person.user.email, data: { serialNumber: issued.serialNumber }, createdAt: at }],
        usage: { tenantId, event: 'CERTIFICATE_ISSUED', at },
      }));
      if (run < 0) continue;
      steps.keys.push(keysStep);
      steps.kdf.push({ ...sealStep, ms: sealStep.ms - wrapMs });
      steps.wrap.push(wrapMs);
      steps.ca.push(caStep);
      steps.commit.push(commitStep);
      steps.total.push(keysStep.ms + sealStep.ms + caStep.ms + commitStep.ms);
    }
    console.log(`\nIssuance, each step timed in-process with the functions the use case calls, ${runs} runs (the runtime's key vault and CA, DynamoDB Local on disk); CPU = this process's CPU time over the step:`);
    console.log(`  key generation + CSR (WebCrypto P-256, PKCS#10)        ${spreadWithCpu(steps.keys)}`);
    console.log(`  argon2id seal (sealSigningKey without the wrap)        ${spreadWithCpu(steps.kdf)}`);
    console.log(`  KMS stand-in (LocalKeyWrapper.wrap)                    ${spread(steps.wrap)}`);
    console.log(`  CA signing (CertificateAuthority.issue, FileCaSigner)  ${spreadWithCpu(steps.ca)}`);
    console.log(`  DynamoDB commit (DynamoCertificates.commit, 1 transaction of 6 items) ${spreadWithCpu(steps.commit)}`);
    console.log(`  sum of the steps                                       ${spread(steps.total)}`);

    // The whole request: POST /v1/enrollment/{token} on the local runtime, one user after another.
    const enroll = (rawToken: string) => measure(async () => {
      const response = await fetch(`${runtime.api}/v1/enrollment/${rawToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ passphrase, passphraseConfirmation: passphrase, acceptAgreement: true }),
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST /v1/enrollment answered ${response.status} ${text}`);
      return (JSON.parse(text) as { certificate: { serialNumber: string; pem: string } }).certificate;
    });
    const people = await Promise.all(Array.from({ length: runs + 3 }, (_, index) => approvedUserWithEnrollLink(db, runtime.tableName, tenantId, index)));
    const latencies: Measured<unknown>[] = [];
    const issuedCertificates: { userId: string; serialNumber: string; pem: string }[] = [];
    let requestCommands: string[] = [];
    for (const [index, person] of people.entries()) {
      commands = [];
      const request = await enroll(person.rawToken);
      issuedCertificates.push({ userId: person.user.userId, ...request.result });
      if (index < 3) continue; // warm-up: the tenant cache, the CA, the JIT
      latencies.push(request);
      requestCommands = [...commands];
    }
    const issueP50 = percentile(latencies.map((l) => l.ms), 50);
    console.log(`  POST /v1/enrollment/{token} over HTTP, ${latencies.length} approved users one after another (KDF included): ${spreadWithCpu(latencies)}, max ${Math.max(...latencies.map((l) => l.ms)).toFixed(1)} ms  (target p50 ≤ 250 ms: ${verdict(issueP50 <= 250)})`);
    console.log('    (the runtime serves from this process, so its CPU time is the handler\'s; DynamoDB Local\'s JVM is not in it)');
    console.log(`    DynamoDB commands per request: ${describe(requestCommands)}`);

    // OCSP: requests made once by openssl, then POSTed over HTTP at concurrency 10. A quarter of the certificates revoked first.
    for (const certificate of issuedCertificates.slice(0, Math.floor(issuedCertificates.length / 4))) {
      const response = await fetch(`${runtime.api}/v1/users/${certificate.userId}/certificates/${certificate.serialNumber}/revocation`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': runtime.seed.verifier.apiKey }, body: JSON.stringify({ reason: 'keyCompromise' }),
      });
      if (response.status !== 200) throw new Error(`revocation answered ${response.status} ${await response.text()}`);
    }
    const tools = openssl();
    const caFile = tools.file('ca.pem', await (await fetch(`${runtime.api}/pki/ca.pem`)).text());
    const requests: Buffer[] = [];
    for (const [index, certificate] of issuedCertificates.entries()) {
      const requestFile = join(tools.dir, `request-${index}.der`);
      const made = await tools.run(['ocsp', '-issuer', caFile, '-cert', tools.file(`leaf-${index}.pem`, certificate.pem), '-reqout', requestFile]);
      if (!made.ok) throw new Error(`openssl ocsp -reqout failed: ${made.output}`);
      requests.push(readFileSync(requestFile));
    }
    const ask = async (body: Buffer) => {
      const started = performance.now();
      const response = await fetch(`${runtime.api}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
      const answer = new Uint8Array(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`POST /pki/ocsp answered ${response.status}`);
      return { ms: performance.now() - started, answer };
    };
    // One answer checked by openssl (signature, nonce, status), so the figures are for real answers.
    const sample = await ask(requests[0]!);
    // (No -cert here: openssl would build a new request, with a nonce of its own, instead of reading -reqin.)
    const sampleCheck = await tools.run(['ocsp', '-reqin', join(tools.dir, 'request-0.der'), '-respin', tools.file('response-0.der', sample.answer), '-CAfile', caFile, '-verify_other', caFile, '-resp_text']);
    const sampleStatus = /Cert Status: (\w+)/.exec(sampleCheck.output)?.[1] ?? '?';
    commands = [];
    await ask(requests[1]!);
    const ocspCommands = [...commands];
    const ocsp = async (total: number, concurrency: number) => {
      const times: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < total) times.push((await ask(requests[next++ % requests.length]!)).ms);
      }));
      return { times, wall: performance.now() - started };
    };
    await ocsp(300, 10); // warm-up
    const cpuBefore = process.cpuUsage();
    const measured = await ocsp(2000, 10);
    const cpuUsed = process.cpuUsage(cpuBefore);
    const single = await ocsp(300, 1);
    // The CA side alone: parse the request, answer from a fixed lookup, sign; no HTTP, no DynamoDB.
    const good = async () => ({ status: 'good' as const });
    for (let i = 0; i < 200; i++) await authority.ocsp(requests[i % requests.length]!, good, new Date());
    const caSide: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const started = performance.now();
      await authority.ocsp(requests[i % requests.length]!, good, new Date());
      caSide.push(performance.now() - started);
    }
    const ocspP95 = percentile(measured.times, 95);
    console.log(`\nOCSP, POST /pki/ocsp on the local runtime: 2,000 requests (made once by openssl ocsp -reqout, with nonce) for ${requests.length} certificates (${Math.floor(issuedCertificates.length / 4)} revoked), concurrency 10, ${(2000 / (measured.wall / 1000)).toFixed(0)} answers/s`);
    console.log(`  ${spread(measured.times)}, max ${Math.max(...measured.times).toFixed(1)} ms  (target p95 ≤ 20 ms: ${verdict(ocspP95 <= 20)})`);
    console.log(`  CPU time of this process (HTTP gateway, handler, SDK; not DynamoDB Local's JVM): ${((cpuUsed.user + cpuUsed.system) / 1000 / 2000).toFixed(2)} ms per answer`);
    console.log(`  one at a time (300 requests): ${spread(single.times)}`);
    console.log(`  CA side alone (CertificateAuthority.ocsp: parse, fixed lookup, sign; 1,000 in-process): ${spread(caSide)}`);
    // The stand-in's floor: the same consistent GetItem straight to DynamoDB Local, concurrency 10.
    const floor: number[] = [];
    let nextGet = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (nextGet < 2000) {
        const certificate = issuedCertificates[nextGet++ % issuedCertificates.length]!;
        const started = performance.now();
        await db.send(new GetCommand({ TableName: runtime.tableName, Key: keys.certificate(certificate.serialNumber), ConsistentRead: true }));
        floor.push(performance.now() - started);
      }
    }));
    console.log(`  stand-in floor (the certificate's consistent GetItem straight to DynamoDB Local, concurrency 10): ${spread(floor)}`);
    console.log(`  DynamoDB commands per answer: ${describe(ocspCommands)}; openssl on one answer: ${/Response verify OK/.test(sampleCheck.output) ? 'Response verify OK' : `FAILED ${sampleCheck.output.trim()}`}, status ${sampleStatus}`);
    console.log(`  (${machine()} at the end)`);
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
if (wanted('certificates')) await certificates();
if (wanted('pages')) await pages();
if (wanted('signing')) await signing();
if (wanted('verification')) await verification();
if (wanted('billing')) await billing();
if (wanted('fuzz')) await fuzz();
if (wanted('load')) await load();

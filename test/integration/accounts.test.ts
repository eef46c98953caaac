import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateSync } from 'otplib';
import { beforeAll, describe, expect, it } from 'vitest';
import { completeAccountSetup, getAccountSetup } from '../../functions/accounts/use-cases/account-setup.js';
import { markCompromised } from '../../functions/accounts/use-cases/compromise.js';
import type { AccountsDeps } from '../../functions/accounts/use-cases/deps.js';
import {
  confirmSelfie, decideDeviceRequest, getOtpDeviceLink, listDeviceRequests, registerRequestedDevice, requestOtpDevice, requestSelfieUpload,
} from '../../functions/accounts/use-cases/device-requests.js';
import { addDevice, listDevices, removeDevice, startDeviceSetup } from '../../functions/accounts/use-cases/devices.js';
import { loginWithOtp, loginWithPassword, logout } from '../../functions/accounts/use-cases/login.js';
import { matchOtp } from '../../functions/accounts/use-cases/guards.js';
import { ATTEMPT_LEASE_MS, attemptWait } from '../../shared/attempt-gate.js';
import { requestPasswordReset, resetPassword } from '../../functions/accounts/use-cases/password-reset.js';
import { accountsRoutes } from '../../functions/accounts/routes.js';
import { approveApplicant } from '../../functions/enrollment/use-cases/review.js';
import { ensureBucket } from '../../infra/local/provision.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoDeviceRequestStore } from '../../shared/adapters/aws/dynamo-device-requests.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { argon2Hasher } from '../../shared/crypto/passwords.js';
import { indexKeys, keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import { newPhotoId } from '../../shared/domain/photo-ids.js';
import { otpSecretSealingContext } from '../../shared/domain/otp.js';
import { hashToken } from '../../shared/domain/tokens.js';
import { messageComposer } from '../../shared/outbox.js';
import type { DeviceRequest } from '../../shared/ports/accounts.js';
import type { FaceMatcher } from '../../shared/ports/face-match.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { codeOf, failureOf, freshTable, manualClock, outboxReader, putTenant, quietLogger, s3Client, testSealer, verifierOf } from './harness.js';

const settings = {
  webBaseUrl: 'https://tte.uji.go.id', serviceName: 'TTE Uji', sessionIdleMinutes: 30, sessionMaxHours: 8, publicRequestFloorMs: 0,
};
const sampleSelfie = readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url)); // 480 x 640
// JPEG magic bytes, then noise: passes the type sniff, fails the decode.
const notAPhoto = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096)]);

const PASSWORD = 'Rahasia#2026';
const NEW_PASSWORD = 'Baru&Aman2027';
const MINUTE = 60_000;

/** One bucket for this file on s3rver, made the way the local runtime makes its own. */
const bucket = `it-accounts-${randomUUID()}`;
const s3 = s3Client();
beforeAll(async () => {
  await ensureBucket(s3, bucket);
});

/** A face matcher that answers what the test says, and remembers what it was asked. */
class FakeFaceMatcher implements FaceMatcher {
  answer: 'MATCH' | 'NO_MATCH' | 'UNSURE' = 'MATCH';
  readonly calls: { freshSelfieKey: string; referenceSelfieKey: string }[] = [];
  async compare(input: { freshSelfieKey: string; referenceSelfieKey: string }) {
    this.calls.push(input);
    return this.answer;
  }
}

interface TestUser {
  userId: string;
  email: string;
  setupToken: string;
}

interface ActiveUser extends TestUser {
  password: string;
  secret: string;
  deviceId: string;
}

async function setup(options: { faceMatcher?: FaceMatcher } = {}) {
  const table = await freshTable();
  const { dynamo, tableName, allItems } = table;
  const clock = manualClock();
  const sealer = testSealer();
  const tenant = await putTenant(dynamo, tableName);
  const otherTenant = await putTenant(dynamo, tableName, { name: 'Dinas Lain', emailDomains: ['lain.go.id'] });
  const verifier = verifierOf(tenant);
  const otherVerifier = verifierOf(otherTenant);
  const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };
  const verifierEmail = `verifikator.${randomUUID().slice(0, 8)}@uji.go.id`;
  // The tenant's verifier as a person: device requests are announced to them by e-mail.
  await dynamo.send(new PutCommand({
    TableName: tableName,
    Item: {
      ...keys.user(verifier.actorId), ...indexKeys.verifiersOfTenant(tenant.tenantId, verifier.actorId),
      userId: verifier.actorId, tenantId: tenant.tenantId, role: 'VERIFIER', fullName: 'Verifikator Uji', email: verifierEmail,
      status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', createdBy: 'operator', version: 1,
    },
  }));

  const accounts = new DynamoAccountStore(dynamo, tableName);
  const composer = messageComposer({ ids: randomIds, clock, sealer });
  const deps: AccountsDeps = {
    users: table.users,
    tenants: table.tenants,
    accounts,
    lockouts: accounts,
    sessions: new DynamoSessionStore(dynamo, tableName),
    requests: new DynamoDeviceRequestStore(dynamo, tableName),
    photos: new S3PhotoStore(s3, bucket),
    personalData: new DynamoPersonalData(dynamo, tableName),
    audit: new DynamoAuditTrail(dynamo, tableName),
    ...(options.faceMatcher ? { faceMatcher: options.faceMatcher } : {}),
    passwords: argon2Hasher,
    sealer,
    composer,
    clock,
    ids: randomIds,
    logger: quietLogger(),
    settings,
  };
  const reviewDeps = { users: table.users, tenants: table.tenants, composer, clock, ids: randomIds, settings };

  const item = async (key: { pk: string; sk: string }) => (await dynamo.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
  const userOf = async (userId: string) => (await item(keys.user(userId)))!;
  const credentialOf = async (userId: string) => (await item(keys.credential(userId)))!;
  const devicesOf = async (userId: string) => (await accounts.loadAccount(userId)).devices;
  /** Every item, in key order: "nothing written" compares two of these. */
  const snapshot = async () => (await allItems()).sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
  const { outbox, linkIn } = outboxReader(allItems, sealer);
  const templatesTo = async (to: string) => (await outbox(to)).map((message) => String(message.template)).sort();
  const auditOf = async (userId: string, action: string) => (await allItems())
    .filter((entry) => entry.pk === `USER#${userId}` && String(entry.sk).startsWith('AUDIT#') && entry.action === action);
  const sessionItemsOf = async (userId: string) => (await allItems())
    .filter((entry) => (entry.pk === `USER#${userId}` && String(entry.sk).startsWith('SESSION#')) || (String(entry.pk).startsWith('SESSION#') && entry.userId === userId));
  const requestsOf = async (userId: string) => (await allItems())
    .filter((entry) => String(entry.pk).startsWith('DEVICEREQ#') && entry.userId === userId)
    .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt))) as (DeviceRequest & Record<string, unknown>)[];

  /** The current code of an authenticator, `steps` time steps away from the clock. */
  const codeFor = (secret: string, steps = 0) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + steps * 30 });
  /** A well-formed code that is right in none of the accepted time steps. */
  const wrongCodeFor = (secret: string) => {
    const right = new Set([-1, 0, 1].map((steps) => codeFor(secret, steps)));
    let code = 100_000;
    while (right.has(String(code))) code++;
    return String(code);
  };
  /** The next time step: a device that gave a code may give another. */
  const nextStep = () => clock.advance(30_000);

  /** An applicant approved the way enrollment approves one: "[TTE] Informasi Akun" with the setup link. */
  const approvedUser = async (fullName: string, extra: Partial<UserRecord> = {}, tenantId = tenant.tenantId): Promise<TestUser> => {
    const userId = randomIds.newId();
    const email = `${fullName.toLowerCase().replaceAll(' ', '.')}.${userId.slice(0, 8)}@uji.go.id`;
    const at = clock.now().toISOString();
    const user: UserRecord = {
      userId, tenantId, role: 'USER', fullName, email, status: 'SUBMITTED', createdAt: at, updatedAt: at, createdBy: verifier.actorId, version: 3, ...extra,
    };
    await dynamo.send(new PutCommand({ TableName: tableName, Item: userItem(user) }));
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...keys.emailUnique(email), userId, tenantId } }));
    await approveApplicant(reviewDeps, userId, { actorId: verifier.actorId, actorRole: 'VERIFIER' });
    return { userId, email, setupToken: await linkIn(email, 'accountInfo') };
  };
  /** An approved user who set up their account: password and one authenticator. */
  const activeUser = async (fullName: string, extra: Partial<UserRecord> = {}): Promise<ActiveUser> => {
    const user = await approvedUser(fullName, extra);
    const { otp } = await getAccountSetup(deps, { token: user.setupToken });
    await completeAccountSetup(deps, { token: user.setupToken, password: PASSWORD, deviceName: 'Ponsel kantor', otp: codeFor(otp.secret) });
    const [device] = await devicesOf(user.userId);
    return { ...user, password: PASSWORD, secret: otp.secret, deviceId: device!.deviceId };
  };
  /** Password and code (from the next time step), as the login page sends them. */
  const logIn = async (user: { email: string; secret: string }, password = PASSWORD) => {
    const { loginTicket } = await loginWithPassword(deps, { email: user.email, password });
    nextStep();
    return loginWithOtp(deps, { loginTicket, otp: codeFor(user.secret) });
  };
  const actorOf = (user: { userId: string }): Actor => ({ actorId: user.userId, role: 'USER', tenantId: tenant.tenantId });

  /** Ask for a slot and PUT the bytes to it, as the otp-device page does. */
  const uploadSelfie = async (token: string, bytes: Buffer) => {
    const slot = await requestSelfieUpload(deps, { token, contentType: 'image/jpeg', contentLength: bytes.length });
    const put = await fetch(slot.uploadUrl, { method: 'PUT', headers: slot.uploadHeaders, body: bytes });
    expect(put.status, await put.text()).toBe(200);
    return slot;
  };
  /** "I lost my phone" (or "restore my account") up to the verifier's queue: link, fresh selfie, confirm. */
  const requestToReview = async (user: { userId: string; email: string }) => {
    await requestOtpDevice(deps, { email: user.email });
    const token = await linkIn(user.email, 'otpDeviceRequestLink');
    const slot = await uploadSelfie(token, sampleSelfie);
    const confirmed = await confirmSelfie(deps, { token, photoId: slot.photoId });
    const request = (await requestsOf(user.userId)).at(-1)!;
    return { token, slot, confirmed, request };
  };
  const objectsUnder = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key!);

  return {
    ...table, clock, sealer, tenant, otherTenant, verifier, otherVerifier, operator, verifierEmail, deps,
    item, userOf, credentialOf, devicesOf, snapshot, outbox, templatesTo, linkIn, auditOf, sessionItemsOf, requestsOf,
    codeFor, wrongCodeFor, nextStep, approvedUser, activeUser, logIn, actorOf, uploadSelfie, requestToReview, objectsUnder,
  };
}

type Context = Awaited<ReturnType<typeof setup>>;



/** The authenticator an otp-device page offers once the request is approved. */
function offerOn(page: Awaited<ReturnType<typeof getOtpDeviceLink>>) {
  if (page.step !== 'REGISTER') throw new Error(`expected the REGISTER step, got ${page.step}`);
  expect(page.otp).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{16,}$/), otpauthUri: expect.stringContaining(page.otp.secret), qrPngDataUrl: expect.stringMatching(/^data:image\/png;base64,/) });
  return page.otp;
}

const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((counts, outcome) => ({ ...counts, [outcome]: (counts[outcome] ?? 0) + 1 }), {});
const iso = (date: Date, plusMs = 0) => new Date(date.getTime() + plusMs).toISOString();
const timeStepOf = (date: Date) => Math.floor(date.getTime() / 30_000);

describe('account setup', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('shows the same authenticator secret on every visit until setup completes, to two tabs at once too', async () => {
    const user = await ctx.approvedUser('Siti Aminah');
    const [first, second] = await Promise.all([0, 1].map(() => getAccountSetup(ctx.deps, { token: user.setupToken })));
    const third = await getAccountSetup(ctx.deps, { token: user.setupToken });
    expect(first).toEqual({
      email: user.email,
      fullName: 'Siti Aminah',
      reactivation: false,
      otp: { secret: expect.stringMatching(/^[A-Z2-7]{16,}$/), otpauthUri: expect.stringContaining(first!.otp.secret), qrPngDataUrl: expect.stringMatching(/^data:image\/png;base64,/) },
    });
    expect(second!.otp.secret).toBe(first!.otp.secret);
    expect(third.otp.secret).toBe(first!.otp.secret);

    // Kept on the link, sealed for the device it will become; the secret itself is stored nowhere.
    const token = await ctx.item(keys.token(hashToken(user.setupToken)));
    expect(token?.pendingDevice).toEqual({ deviceId: expect.any(String), sealedSecret: expect.any(String), createdAt: iso(ctx.clock.now()) });
    expect(await ctx.sealer.open(token!.pendingDevice.sealedSecret, otpSecretSealingContext(user.userId, token!.pendingDevice.deviceId))).toBe(first!.otp.secret);
    expect(JSON.stringify(await ctx.allItems())).not.toContain(first!.otp.secret);
  });

  it('refuses a wrong code (INVALID_OTP), a weak password (PASSWORD_POLICY) and a submit before the page was opened, writing nothing', async () => {
    const user = await ctx.approvedUser('Ahmad Fauzi');
    const unopened = await ctx.approvedUser('Budi Santoso');
    const { otp } = await getAccountSetup(ctx.deps, { token: user.setupToken });
    const before = await ctx.snapshot();

    const attempt = (overrides: Partial<{ token: string; password: string; otp: string }>) =>
      completeAccountSetup(ctx.deps, { token: user.setupToken, password: PASSWORD, deviceName: 'Ponsel kantor', otp: ctx.codeFor(otp.secret), ...overrides });
    expect(await failureOf(attempt({ otp: ctx.wrongCodeFor(otp.secret) }))).toMatchObject({ code: 'INVALID_OTP' });
    for (const password of ['rahasia#2026', 'Rahasia2026', 'Rahasia#', 'Rahasia[2026]', 'Ra#1']) {
      expect(await failureOf(attempt({ password }))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'password', code: 'PASSWORD_POLICY' }] });
    }
    expect(await failureOf(attempt({ token: unopened.setupToken }))).toMatchObject({ code: 'DEVICE_SETUP_NOT_FOUND' });

    expect(await ctx.snapshot()).toEqual(before);
    expect((await ctx.userOf(user.userId)).status).toBe('APPROVED');
  });

  it('sets the account up once, even from two tabs at once: ACTIVE, argon2id hash, one device, link used, two e-mails', async () => {
    const user = await ctx.approvedUser('Dewi Lestari');
    const { otp } = await getAccountSetup(ctx.deps, { token: user.setupToken });
    ctx.clock.advance(20_000);
    const now = ctx.clock.now();
    const code = ctx.codeFor(otp.secret);
    const submit = () => completeAccountSetup(ctx.deps, { token: user.setupToken, password: PASSWORD, deviceName: 'Ponsel kantor', otp: code });
    const outcomes = await Promise.all([submit(), submit()].map(codeOf));
    expect(outcomes.filter((outcome) => outcome === 'OK')).toHaveLength(1);
    expect(['TOKEN_USED', 'CONFLICT']).toContain(outcomes.find((outcome) => outcome !== 'OK'));

    const stored = await ctx.userOf(user.userId);
    expect(stored).toMatchObject({ status: 'ACTIVE', updatedAt: iso(now), gsi1pk: `TENANT#${ctx.tenant.tenantId}#STATUS#ACTIVE` });
    const credential = await ctx.credentialOf(user.userId);
    expect(credential).toMatchObject({ userId: user.userId, passwordChangedAt: iso(now), version: 1 });
    expect(credential.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await argon2Hasher.verify(credential.passwordHash, PASSWORD)).toBe(true);

    const devices = await ctx.devicesOf(user.userId);
    expect(devices).toEqual([{
      userId: user.userId, deviceId: expect.any(String), name: 'Ponsel kantor', sealedSecret: expect.any(String), createdAt: iso(now), lastTimeStep: timeStepOf(now),
    }]);
    expect(await ctx.sealer.open(devices[0]!.sealedSecret, otpSecretSealingContext(user.userId, devices[0]!.deviceId))).toBe(otp.secret);
    expect((await ctx.item(keys.token(hashToken(user.setupToken))))?.usedAt).toBe(iso(now));
    expect(await ctx.auditOf(user.userId, 'ACCOUNT_SET_UP')).toEqual([expect.objectContaining({ actorId: user.userId, actorRole: 'USER', status: 'ACTIVE' })]);

    expect(await ctx.templatesTo(user.email)).toEqual(['accountInfo', 'otpDeviceChanged', 'passwordChanged', 'setPassphrase']);
    expect((await ctx.outbox(user.email, 'passwordChanged'))[0]?.data).toEqual({ fullName: 'Dewi Lestari', change: 'SETUP', changedAt: iso(now) });
    expect((await ctx.outbox(user.email, 'otpDeviceChanged'))[0]?.data).toEqual({
      fullName: 'Dewi Lestari', change: 'ADDED', deviceName: 'Ponsel kantor', removedDeviceName: '', changedAt: iso(now),
    });
    // Neither the password nor the secret is stored anywhere in the clear.
    const everything = JSON.stringify(await ctx.allItems());
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(otp.secret);

    ctx.nextStep();
    expect(await codeOf(submit())).toBe('TOKEN_USED');
    expect(await codeOf(getAccountSetup(ctx.deps, { token: user.setupToken }))).toBe('TOKEN_USED');
    expect(await ctx.devicesOf(user.userId)).toHaveLength(1);
  });
});

describe('login', () => {
  let ctx: Context;
  let user: ActiveUser;
  beforeAll(async () => {
    ctx = await setup();
    user = await ctx.activeUser('Siti Aminah');
  });

  it('answers a wrong password and an unknown address alike, INVALID_CREDENTIALS, and issues no ticket', async () => {
    expect(await codeOf(loginWithPassword(ctx.deps, { email: user.email, password: 'Salah#2026' }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(loginWithPassword(ctx.deps, { email: `nobody.${randomUUID()}@uji.go.id`, password: PASSWORD }))).toBe('INVALID_CREDENTIALS');
    // An approved user without a password yet is no different.
    const approved = await ctx.approvedUser('Ahmad Fauzi');
    expect(await codeOf(loginWithPassword(ctx.deps, { email: approved.email, password: PASSWORD }))).toBe('INVALID_CREDENTIALS');

    expect((await ctx.credentialOf(user.userId)).failedPasswords).toEqual({ count: 1, windowStart: iso(ctx.clock.now()) });
    expect((await ctx.allItems()).filter((entry) => String(entry.pk).startsWith('LOGIN#'))).toEqual([]);
  });

  it('logs in with password and code: session and its pointer stored, ticket used up, time step recorded, counters cleared', async () => {
    const { loginTicket, devices } = await loginWithPassword(ctx.deps, { email: user.email.toUpperCase(), password: PASSWORD });
    expect(loginTicket).toMatch(/^[\w-]{43}$/);
    expect(devices).toEqual([{ deviceId: user.deviceId, name: 'Ponsel kantor' }]);
    const ticketKey = keys.loginTicket(hashToken(loginTicket));
    expect(await ctx.item(ticketKey)).toMatchObject({ userId: user.userId, expiresAt: iso(ctx.clock.now(), 5 * MINUTE) });

    ctx.nextStep();
    const now = ctx.clock.now();
    const session = await loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret), deviceId: user.deviceId });
    expect(session).toEqual({
      sessionToken: expect.stringMatching(/^[\w-]{43}$/),
      csrfToken: expect.any(String),
      expiresAt: iso(now, 8 * 3600_000),
      user: { userId: user.userId, role: 'USER', tenantId: ctx.tenant.tenantId },
    });
    const sessionHash = hashToken(session.sessionToken);
    expect(await ctx.item(keys.session(sessionHash))).toMatchObject({
      userId: user.userId, tenantId: ctx.tenant.tenantId, role: 'USER', csrfToken: session.csrfToken,
      createdAt: iso(now), idleExpiresAt: iso(now, 30 * MINUTE), absoluteExpiresAt: session.expiresAt, ttl: Math.floor(now.getTime() / 1000) + 8 * 3600,
    });
    expect(await ctx.item(keys.userSession(user.userId, sessionHash))).toMatchObject({ sessionHash });
    expect(JSON.stringify(await ctx.allItems())).not.toContain(session.sessionToken);
    expect(await ctx.item(ticketKey)).toBeUndefined();
    expect((await ctx.devicesOf(user.userId))[0]).toMatchObject({ lastTimeStep: timeStepOf(now), lastUsedAt: iso(now) });
    const credential = await ctx.credentialOf(user.userId);
    expect(credential.failedPasswords).toBeUndefined();
    expect(await ctx.auditOf(user.userId, 'LOGGED_IN')).toHaveLength(1);

    await logout(ctx.deps, { userId: user.userId, sessionHash });
    expect(await ctx.sessionItemsOf(user.userId)).toEqual([]);
  });

  it('refuses the code of the step just used on a new ticket (OTP_ALREADY_USED), counting it; the next step works', async () => {
    const { loginTicket } = await loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD });
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret) }))).toBe('OTP_ALREADY_USED');
    expect((await ctx.credentialOf(user.userId)).failedOtps).toEqual({ count: 1, windowStart: iso(ctx.clock.now()) });
    expect(await ctx.sessionItemsOf(user.userId)).toEqual([]);
    // An earlier step than the one used is a replay too.
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret, -1) }))).toBe('OTP_ALREADY_USED');

    ctx.nextStep();
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret) }))).toBe('OK');
    expect((await ctx.credentialOf(user.userId)).failedOtps).toBeUndefined();
  });

  it('starts exactly one session when two logins race with the same code', async () => {
    const before = (await ctx.deps.sessions.listUserSessions(user.userId)).length;
    const tickets = await Promise.all([0, 1].map(() => loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD })));
    ctx.nextStep();
    const code = ctx.codeFor(user.secret);
    const outcomes = await Promise.all(tickets.map(({ loginTicket }) => codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: code }))));
    expect(outcomes.sort()).toEqual(['OK', 'OTP_ALREADY_USED']);
    expect(await ctx.deps.sessions.listUserSessions(user.userId)).toHaveLength(before + 1);
    expect((await ctx.allItems()).filter((entry) => String(entry.pk).startsWith('SESSION#') && entry.userId === user.userId)).toHaveLength(before + 1);
  });

  it('refuses a ticket after its five minutes, and one never issued, with LOGIN_TICKET_EXPIRED', async () => {
    const { loginTicket } = await loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD });
    const failedOtps = (await ctx.credentialOf(user.userId)).failedOtps;
    ctx.clock.advance(6 * MINUTE);
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret) }))).toBe('LOGIN_TICKET_EXPIRED');
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket: randomBytes(32).toString('base64url'), otp: ctx.codeFor(user.secret) }))).toBe('LOGIN_TICKET_EXPIRED');
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket: 'not-a-ticket', otp: ctx.codeFor(user.secret) }))).toBe('LOGIN_TICKET_EXPIRED');
    // An expired ticket is not a failed code.
    expect((await ctx.credentialOf(user.userId)).failedOtps).toEqual(failedOtps);
  });
});

describe('lockouts', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await setup();
  });

  /** The test deps with password checks and OTP-secret openings counted (decoy checks apart). */
  const counting = () => {
    const counter = { verified: 0, decoys: 0, opened: 0 };
    const hashes = new Set<string>();
    const deps: AccountsDeps = {
      ...ctx.deps,
      passwords: {
        hash: (password) => ctx.deps.passwords.hash(password),
        verify: async (hash, password) => {
          if (hashes.has(hash)) counter.verified += 1;
          else counter.decoys += 1;
          return ctx.deps.passwords.verify(hash, password);
        },
      },
      sealer: {
        seal: (plaintext, context) => ctx.deps.sealer.seal(plaintext, context),
        open: async (sealed, context) => {
          counter.opened += 1;
          return ctx.deps.sealer.open(sealed, context);
        },
      },
    };
    /** Checks against this user's own password hash count as verified; any other is the decoy. */
    const watch = async (userId: string) => hashes.add(String((await ctx.credentialOf(userId)).passwordHash));
    return { deps, counter, watch };
  };

  it('checks exactly five of twenty wrong passwords sent at once, locks once and e-mails once, and answers all INVALID_CREDENTIALS', async () => {
    const user = await ctx.activeUser('Siti Aminah');
    const { deps, counter, watch } = counting();
    await watch(user.userId);
    const lockedAt = ctx.clock.now();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => codeOf(loginWithPassword(deps, { email: user.email, password: `Salah#${index}x` }))));
    // The fifth failure locks, and says so only by e-mail: the answer is a wrong password's (security.md F6).
    expect(tally(outcomes)).toEqual({ INVALID_CREDENTIALS: 20 });
    expect(counter.verified).toBe(5);
    // The fifteen refused paid for the decoy check, as an unknown address does.
    expect(counter.decoys).toBe(15);

    const until = iso(lockedAt, 15 * MINUTE);
    const credential = await ctx.credentialOf(user.userId);
    expect(credential).toMatchObject({ failedPasswords: { count: 5, windowStart: iso(lockedAt) }, lockedUntil: until, lockCause: 'password' });
    expect(credential.passwordAttemptLease).toBeUndefined();
    const notices = await ctx.outbox(user.email, 'accountLocked');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.data).toEqual({ fullName: 'Siti Aminah', cause: 'PASSWORD', lockedUntil: until });
    expect(await ctx.auditOf(user.userId, 'LOCKED_FAILED_PASSWORDS')).toHaveLength(1);

    ctx.clock.advance(MINUTE);
    // The right password among nineteen wrong ones while locked: none is checked, all answer as a wrong password.
    const before = await ctx.snapshot();
    const racing = await Promise.all(Array.from({ length: 20 }, (_, index) =>
      codeOf(loginWithPassword(deps, { email: user.email, password: index === 11 ? PASSWORD : `Salah#lagi${index}` }))));
    expect(tally(racing)).toEqual({ INVALID_CREDENTIALS: 20 });
    expect(counter.verified).toBe(5);
    expect(counter.decoys).toBe(35);
    expect(await ctx.snapshot()).toEqual(before);
    // A locked address and an unknown one answer alike.
    expect(await failureOf(loginWithPassword(deps, { email: user.email, password: PASSWORD }))).toEqual(await failureOf(loginWithPassword(deps, { email: `nobody.${randomUUID()}@uji.go.id`, password: PASSWORD })));

    ctx.clock.set(new Date(lockedAt.getTime() + 15 * MINUTE + 1000));
    await ctx.logIn(user);
    const cleared = await ctx.credentialOf(user.userId);
    expect(cleared.failedPasswords).toBeUndefined();
    expect(cleared.failedOtps).toBeUndefined();
  });

  it('lets twenty logins sent at once with the right password all through (checked one after another), none locked', async () => {
    const user = await ctx.activeUser('Badai Masuk');
    const { deps, counter, watch } = counting();
    await watch(user.userId);
    // Twenty argon2id checks take turns on this machine's cores (~100 ms each on a Lambda): wait longer here.
    const patient = { ...deps, attemptWait: { ...attemptWait, maxWaitMs: 60_000 } };
    const tickets = await Promise.all(Array.from({ length: 20 }, () => loginWithPassword(patient, { email: user.email, password: PASSWORD })));
    expect(new Set(tickets.map((ticket) => ticket.loginTicket)).size).toBe(20);
    expect(counter.verified).toBe(20);
    const credential = await ctx.credentialOf(user.userId);
    expect(credential.failedPasswords).toBeUndefined();
    expect(credential.lockedUntil).toBeUndefined();
    expect(credential.passwordAttemptLease).toBeUndefined();
  });

  it('checks exactly five of twenty wrong codes sent at once; none after the lock, not even the right code racing wrong ones', async () => {
    const user = await ctx.activeUser('Tebak Kode');
    const { loginTicket } = await loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD });
    ctx.nextStep();
    const { deps, counter } = counting();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => codeOf(loginWithOtp(deps, { loginTicket, otp: ctx.wrongCodeFor(user.secret) }))));
    // One device: one secret opened per code checked.
    expect(counter.opened).toBe(5);
    expect(tally(outcomes)).toEqual({ INVALID_OTP: 4, ACCOUNT_LOCKED: 16 });
    const credential = await ctx.credentialOf(user.userId);
    expect(credential).toMatchObject({ failedOtps: { count: 5 }, lockCause: 'otp' });
    expect(credential.otpAttemptLease).toBeUndefined();
    expect(await ctx.outbox(user.email, 'accountLocked')).toHaveLength(1);

    // Requests that read the account before the lock: the right code among nineteen wrong ones is not checked.
    const before = await ctx.snapshot();
    const userRecord = (await ctx.deps.users.findUser(user.userId))!;
    const devices = await ctx.devicesOf(user.userId);
    const racing = await Promise.all(Array.from({ length: 20 }, (_, index) =>
      codeOf(matchOtp(deps, userRecord, devices, index === 3 ? ctx.codeFor(user.secret) : ctx.wrongCodeFor(user.secret), ctx.clock.now()))));
    expect(tally(racing)).toEqual({ ACCOUNT_LOCKED: 20 });
    expect(counter.opened).toBe(5);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it('lets an OTP or password lease left by a crashed try lapse: after 15 s the next try is checked', async () => {
    const user = await ctx.activeUser('Lambda Mati');
    const now = ctx.clock.now();
    for (const kind of ['password', 'otp'] as const) {
      const crashed = { leaseId: `crashed-${kind}`, until: iso(now, ATTEMPT_LEASE_MS) };
      expect(await ctx.deps.lockouts.attempts(user.userId, kind).take(crashed, now)).toEqual({ admitted: true, failures: 0 });
    }
    const hurried = { ...ctx.deps, attemptWait: { maxWaitMs: 200, firstDelayMs: 10, maxDelayMs: 50 } };
    expect(await failureOf(loginWithPassword(hurried, { email: user.email, password: PASSWORD })))
      .toMatchObject({ code: 'ATTEMPT_IN_PROGRESS', extensions: { retryAfterSeconds: 15 } });
    expect((await ctx.credentialOf(user.userId)).failedPasswords).toBeUndefined();

    ctx.clock.advance(ATTEMPT_LEASE_MS);
    const { loginTicket } = await loginWithPassword(hurried, { email: user.email, password: PASSWORD });
    ctx.nextStep();
    await loginWithOtp(hurried, { loginTicket, otp: ctx.codeFor(user.secret) });
    const credential = await ctx.credentialOf(user.userId);
    expect(credential.passwordAttemptLease).toBeUndefined();
    expect(credential.otpAttemptLease).toBeUndefined();
  });

  it('locks after five wrong codes; the right code and the right password are refused until the lock ends', async () => {
    const user = await ctx.activeUser('Ahmad Fauzi');
    const { loginTicket } = await loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD });
    ctx.nextStep();
    const lockedAt = ctx.clock.now();
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) outcomes.push(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.wrongCodeFor(user.secret) })));
    expect(outcomes).toEqual(['INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'ACCOUNT_LOCKED']);

    const until = iso(lockedAt, 15 * MINUTE);
    expect(await ctx.credentialOf(user.userId)).toMatchObject({ failedOtps: { count: 5, windowStart: iso(lockedAt) }, lockedUntil: until, lockCause: 'otp' });
    expect((await ctx.outbox(user.email, 'accountLocked')).map((message) => message.data)).toEqual([{ fullName: 'Ahmad Fauzi', cause: 'OTP', lockedUntil: until }]);
    expect(await ctx.auditOf(user.userId, 'LOCKED_FAILED_OTPS')).toHaveLength(1);

    expect(await failureOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret) }))).toMatchObject({ code: 'ACCOUNT_LOCKED', extensions: { lockedUntil: until } });
    expect(await failureOf(loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD }))).toMatchObject({ code: 'ACCOUNT_LOCKED', extensions: { lockedUntil: until } });
    expect(await ctx.sessionItemsOf(user.userId)).toEqual([]);

    ctx.clock.set(new Date(lockedAt.getTime() + 15 * MINUTE + 1000));
    await ctx.logIn(user);
    expect(await ctx.deps.sessions.listUserSessions(user.userId)).toHaveLength(1);
    const credential = await ctx.credentialOf(user.userId);
    expect(credential.failedOtps).toBeUndefined();
    expect(credential.failedPasswords).toBeUndefined();
  });
});

describe('OTP devices', () => {
  let ctx: Context;
  let user: ActiveUser;
  let actor: Actor;
  beforeAll(async () => {
    ctx = await setup();
    user = await ctx.activeUser('Siti Aminah');
    actor = ctx.actorOf(user);
  });

  const add = async (deviceName: string) => {
    ctx.clock.advance(1000);
    const started = await startDeviceSetup(ctx.deps, { actor });
    return addDevice(ctx.deps, { actor, setupId: started.setupId, deviceName, otp: ctx.codeFor(started.otp.secret) });
  };

  it('refuses a wrong first code and an expired setup, adding nothing', async () => {
    const started = await startDeviceSetup(ctx.deps, { actor });
    expect(started.expiresAt).toBe(iso(ctx.clock.now(), 10 * MINUTE));
    expect(await ctx.item(keys.deviceSetup(user.userId, started.setupId))).toMatchObject({ sealedSecret: expect.any(String), expiresAt: started.expiresAt });
    expect(await codeOf(addDevice(ctx.deps, { actor, setupId: started.setupId, deviceName: 'Tablet', otp: ctx.wrongCodeFor(started.otp.secret) }))).toBe('INVALID_OTP');
    ctx.clock.advance(10 * MINUTE);
    expect(await codeOf(addDevice(ctx.deps, { actor, setupId: started.setupId, deviceName: 'Tablet', otp: ctx.codeFor(started.otp.secret) }))).toBe('DEVICE_SETUP_NOT_FOUND');
    expect(await ctx.devicesOf(user.userId)).toHaveLength(1);
  });

  it('adds devices up to three; a fourth replaces the oldest, and its e-mail names the one removed', async () => {
    const tablet = await add('Tablet');
    expect(tablet).toEqual({ deviceId: expect.any(String), name: 'Tablet', createdAt: iso(ctx.clock.now()) });
    await add('Ponsel pribadi');
    expect((await listDevices(ctx.deps, { actor })).items.map((device) => device.name)).toEqual(['Ponsel kantor', 'Tablet', 'Ponsel pribadi']);
    await add('Ponsel baru');

    expect((await listDevices(ctx.deps, { actor })).items.map((device) => device.name)).toEqual(['Tablet', 'Ponsel pribadi', 'Ponsel baru']);
    expect((await ctx.allItems()).filter((entry) => entry.pk === `USER#${user.userId}` && String(entry.sk).startsWith('ACCOUNT#DEVICE#'))).toHaveLength(3);
    expect((await ctx.devicesOf(user.userId)).map((device) => device.deviceId)).not.toContain(user.deviceId);
    // Each setup was used up by its device.
    expect((await ctx.allItems()).filter((entry) => entry.pk === `USER#${user.userId}` && String(entry.sk).startsWith('DEVICESETUP#'))).toHaveLength(1); // the expired one, until TTL
    expect((await ctx.credentialOf(user.userId)).version).toBe(4);

    const added = (await ctx.outbox(user.email, 'otpDeviceChanged')).slice(1).map((message) => message.data);
    expect(added.map(({ change, deviceName, removedDeviceName }) => ({ change, deviceName, removedDeviceName }))).toEqual([
      { change: 'ADDED', deviceName: 'Tablet', removedDeviceName: '' },
      { change: 'ADDED', deviceName: 'Ponsel pribadi', removedDeviceName: '' },
      { change: 'ADDED', deviceName: 'Ponsel baru', removedDeviceName: 'Ponsel kantor' },
    ]);
    expect(await ctx.auditOf(user.userId, 'OTP_DEVICE_ADDED')).toHaveLength(3);

    // The replaced device's code no longer logs in; the newest device's does.
    const { loginTicket } = await loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD });
    ctx.nextStep();
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret) }))).toBe('INVALID_OTP');
  });

  it('ends with exactly three devices when two are added at once to an account with three', async () => {
    ctx.clock.advance(1000);
    const setups = await Promise.all([0, 1].map(() => startDeviceSetup(ctx.deps, { actor })));
    const messagesBefore = (await ctx.outbox(user.email, 'otpDeviceChanged')).length;
    const outcomes = await Promise.all(setups.map((started, index) =>
      codeOf(addDevice(ctx.deps, { actor, setupId: started.setupId, deviceName: `Laptop ${index + 1}`, otp: ctx.codeFor(started.otp.secret) }))));
    expect(outcomes).toContain('OK');
    for (const outcome of outcomes) expect(['OK', 'CONFLICT']).toContain(outcome);

    const devices = await ctx.devicesOf(user.userId);
    expect(devices).toHaveLength(3);
    const winners = outcomes.filter((outcome) => outcome === 'OK').length;
    expect(devices.filter((device) => device.name.startsWith('Laptop'))).toHaveLength(winners);
    expect(await ctx.outbox(user.email, 'otpDeviceChanged')).toHaveLength(messagesBefore + winners);
  });

  it('removes a device, never the last one; an unknown device is DEVICE_NOT_FOUND', async () => {
    expect(await codeOf(removeDevice(ctx.deps, { actor, deviceId: 'no-such-device' }))).toBe('DEVICE_NOT_FOUND');
    const [oldest, ...rest] = await ctx.devicesOf(user.userId);
    ctx.clock.advance(1000);
    await removeDevice(ctx.deps, { actor, deviceId: oldest!.deviceId });
    expect(await ctx.devicesOf(user.userId)).toEqual(rest);
    expect((await ctx.outbox(user.email, 'otpDeviceChanged')).at(-1)?.data).toMatchObject({ change: 'REMOVED', deviceName: oldest!.name });
    // Another user's device is unknown here.
    const other = await ctx.activeUser('Ahmad Fauzi');
    expect(await codeOf(removeDevice(ctx.deps, { actor, deviceId: other.deviceId }))).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf(removeDevice(ctx.deps, { actor: ctx.actorOf(other), deviceId: other.deviceId }))).toBe('LAST_DEVICE');
    expect(await ctx.devicesOf(other.userId)).toHaveLength(1);

    // Two removals at once of the last two: one is kept.
    const outcomes = await Promise.all(rest.map((device) => codeOf(removeDevice(ctx.deps, { actor, deviceId: device.deviceId }))));
    expect(outcomes.filter((outcome) => outcome === 'OK')).toHaveLength(1);
    expect(['CONFLICT', 'LAST_DEVICE']).toContain(outcomes.find((outcome) => outcome !== 'OK'));
    expect(await ctx.devicesOf(user.userId)).toHaveLength(1);
  });
});

describe('password reset', () => {
  let ctx: Context;
  let user: ActiveUser;
  beforeAll(async () => {
    ctx = await setup();
    user = await ctx.activeUser('Siti Aminah');
  });

  it('sends nothing for an unknown address or an account not yet set up', async () => {
    const approved = await ctx.approvedUser('Ahmad Fauzi');
    const before = await ctx.snapshot();
    await requestPasswordReset(ctx.deps, { email: `nobody.${randomUUID()}@uji.go.id` });
    await requestPasswordReset(ctx.deps, { email: approved.email });
    expect(await ctx.snapshot()).toEqual(before);
  });

  it('sends one link for requests close together, and another after a minute', async () => {
    await Promise.all([0, 1].map(() => requestPasswordReset(ctx.deps, { email: user.email })));
    ctx.clock.advance(59_000);
    await requestPasswordReset(ctx.deps, { email: ` ${user.email.toUpperCase()} ` });
    const links = await ctx.outbox(user.email, 'passwordResetLink');
    expect(links).toHaveLength(1);
    expect(links[0]?.data).toEqual({ fullName: 'Siti Aminah', expiresAt: iso(ctx.clock.now(), 3600_000 - 59_000) });
    expect(await ctx.auditOf(user.userId, 'PASSWORD_RESET_REQUESTED')).toHaveLength(1);

    ctx.clock.advance(2000);
    await requestPasswordReset(ctx.deps, { email: user.email });
    expect(await ctx.outbox(user.email, 'passwordResetLink')).toHaveLength(2);
  });

  it('counts a wrong code and changes nothing else; with the right code: new password, every session ended, password lock lifted', async () => {
    // Two sessions, then a password lock.
    await ctx.logIn(user);
    await ctx.logIn(user);
    expect(await ctx.deps.sessions.listUserSessions(user.userId)).toHaveLength(2);
    await Promise.all(Array.from({ length: 5 }, () => codeOf(loginWithPassword(ctx.deps, { email: user.email, password: 'Salah#2026' }))));
    // Under a password lock the right password is not even checked: it answers as a wrong one (security.md F6).
    expect(await codeOf(loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD }))).toBe('INVALID_CREDENTIALS');
    expect(await ctx.credentialOf(user.userId)).toMatchObject({ failedPasswords: { count: 5 }, lockCause: 'password' });
    const token = await ctx.linkIn(user.email, 'passwordResetLink');
    const oldHash = (await ctx.credentialOf(user.userId)).passwordHash;

    ctx.nextStep();
    expect(await codeOf(resetPassword(ctx.deps, { token, otp: ctx.wrongCodeFor(user.secret), newPassword: NEW_PASSWORD }))).toBe('INVALID_OTP');
    expect(await failureOf(resetPassword(ctx.deps, { token, otp: ctx.codeFor(user.secret), newPassword: 'lemah' })))
      .toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'newPassword', code: 'PASSWORD_POLICY' }] });
    const afterWrong = await ctx.credentialOf(user.userId);
    expect(afterWrong).toMatchObject({ passwordHash: oldHash, failedOtps: { count: 1 }, lockCause: 'password' });
    expect((await ctx.item(keys.token(hashToken(token))))?.usedAt).toBeUndefined();
    expect(await ctx.sessionItemsOf(user.userId)).toHaveLength(4);

    const now = ctx.clock.now();
    await resetPassword(ctx.deps, { token, otp: ctx.codeFor(user.secret), newPassword: NEW_PASSWORD });
    const credential = await ctx.credentialOf(user.userId);
    expect(credential.passwordHash).toMatch(/^\$argon2id\$/);
    expect(credential.passwordHash).not.toBe(oldHash);
    expect(credential).toMatchObject({ passwordChangedAt: iso(now), version: afterWrong.version + 1 });
    for (const cleared of ['failedPasswords', 'failedOtps', 'lockedUntil', 'lockCause']) expect(credential[cleared]).toBeUndefined();
    expect(await ctx.sessionItemsOf(user.userId)).toEqual([]);
    expect((await ctx.item(keys.token(hashToken(token))))?.usedAt).toBe(iso(now));
    expect((await ctx.devicesOf(user.userId))[0]?.lastTimeStep).toBe(timeStepOf(now));
    expect((await ctx.outbox(user.email, 'passwordChanged')).at(-1)?.data).toEqual({ fullName: 'Siti Aminah', change: 'RESET', changedAt: iso(now) });
    expect(await ctx.auditOf(user.userId, 'PASSWORD_RESET')).toHaveLength(1);

    expect(await codeOf(resetPassword(ctx.deps, { token, otp: ctx.codeFor(user.secret, 1), newPassword: 'Lagi#Baru2028' }))).toBe('TOKEN_USED');
    expect(await codeOf(loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD }))).toBe('INVALID_CREDENTIALS');
    await ctx.logIn(user, NEW_PASSWORD);
  });
});

describe('password reset under an OTP lock', () => {
  it('is refused: wrong codes through the reset link lock the account like wrong codes at login', async () => {
    const ctx = await setup();
    const user = await ctx.activeUser('Ahmad Fauzi');
    await requestPasswordReset(ctx.deps, { email: user.email });
    const token = await ctx.linkIn(user.email, 'passwordResetLink');
    ctx.nextStep();
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      outcomes.push(await codeOf(resetPassword(ctx.deps, { token, otp: ctx.wrongCodeFor(user.secret), newPassword: NEW_PASSWORD })));
    }
    expect(outcomes).toEqual(['INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'ACCOUNT_LOCKED']);
    const before = await ctx.credentialOf(user.userId);
    expect(before).toMatchObject({ failedOtps: { count: 5 }, lockCause: 'otp', lockedUntil: iso(ctx.clock.now(), 15 * MINUTE) });
    expect(await failureOf(resetPassword(ctx.deps, { token, otp: ctx.codeFor(user.secret), newPassword: NEW_PASSWORD })))
      .toMatchObject({ code: 'ACCOUNT_LOCKED', extensions: { lockedUntil: before.lockedUntil } });
    expect(await ctx.credentialOf(user.userId)).toEqual(before);
    expect((await ctx.item(keys.token(hashToken(token))))?.usedAt).toBeUndefined();
    expect(await ctx.outbox(user.email, 'accountLocked')).toHaveLength(1);
  });
});

describe('marking an account compromised', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await setup();
  });

  it("is not for another tenant's verifier: USER_NOT_FOUND, nothing written", async () => {
    const user = await ctx.approvedUser('Siti Aminah');
    const before = await ctx.snapshot();
    expect(await codeOf(markCompromised(ctx.deps, { actor: ctx.otherVerifier, userId: user.userId, reason: 'Diduga disalahgunakan' }))).toBe('USER_NOT_FOUND');
    expect(await codeOf(markCompromised(ctx.deps, { actor: ctx.verifier, userId: 'no-such-user', reason: 'Diduga disalahgunakan' }))).toBe('USER_NOT_FOUND');
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("by the tenant's verifier disables an approved account, and the setup link sent before stops working", async () => {
    const user = await ctx.approvedUser('Ahmad Fauzi');
    await getAccountSetup(ctx.deps, { token: user.setupToken });
    const now = ctx.clock.now();
    expect(await markCompromised(ctx.deps, { actor: ctx.verifier, userId: user.userId, reason: 'E-mail diretas' })).toEqual({ status: 'DISABLED' });

    expect(await ctx.userOf(user.userId)).toMatchObject({
      status: 'DISABLED', linksRevokedAt: iso(now), disabled: { reason: 'E-mail diretas', actorId: ctx.verifier.actorId, at: iso(now) },
      gsi1pk: `TENANT#${ctx.tenant.tenantId}#STATUS#DISABLED`,
    });
    expect(await codeOf(getAccountSetup(ctx.deps, { token: user.setupToken }))).toBe('TOKEN_EXPIRED');
    ctx.clock.advance(MINUTE);
    expect(await codeOf(getAccountSetup(ctx.deps, { token: user.setupToken }))).toBe('TOKEN_EXPIRED');
    expect((await ctx.outbox(user.email, 'accountDisabled')).map((message) => message.data)).toEqual([{ fullName: 'Ahmad Fauzi', reason: 'E-mail diretas', disabledAt: iso(now) }]);
    expect(await ctx.auditOf(user.userId, 'ACCOUNT_MARKED_COMPROMISED')).toEqual([
      expect.objectContaining({ actorId: ctx.verifier.actorId, actorRole: 'VERIFIER', status: 'DISABLED', reason: 'E-mail diretas' }),
    ]);
    expect(await codeOf(markCompromised(ctx.deps, { actor: ctx.verifier, userId: user.userId, reason: 'Lagi' }))).toBe('ACCOUNT_ALREADY_DISABLED');
  });

  it('by an operator disables an active account: sessions and links end, login answers ACCOUNT_DISABLED', async () => {
    const user = await ctx.activeUser('Dewi Lestari');
    await ctx.logIn(user);
    await requestPasswordReset(ctx.deps, { email: user.email });
    const resetToken = await ctx.linkIn(user.email, 'passwordResetLink');
    expect(await ctx.sessionItemsOf(user.userId)).toHaveLength(2);

    ctx.clock.advance(1000);
    expect(await markCompromised(ctx.deps, { actor: ctx.operator, userId: user.userId, reason: 'Ponsel dicuri' })).toEqual({ status: 'DISABLED' });
    expect(await ctx.sessionItemsOf(user.userId)).toEqual([]);
    expect((await ctx.userOf(user.userId)).status).toBe('DISABLED');
    expect(await ctx.auditOf(user.userId, 'ACCOUNT_MARKED_COMPROMISED')).toEqual([expect.objectContaining({ actorId: 'operator-1', actorRole: 'OPERATOR' })]);

    ctx.nextStep();
    expect(await codeOf(resetPassword(ctx.deps, { token: resetToken, otp: ctx.codeFor(user.secret), newPassword: NEW_PASSWORD }))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD }))).toBe('ACCOUNT_DISABLED');
    expect(await codeOf(loginWithPassword(ctx.deps, { email: user.email, password: 'Salah#2026' }))).toBe('INVALID_CREDENTIALS');
    // No reset link for a disabled account.
    ctx.clock.advance(2 * MINUTE);
    await requestPasswordReset(ctx.deps, { email: user.email });
    expect(await ctx.outbox(user.email, 'passwordResetLink')).toHaveLength(1);

    expect(await codeOf(markCompromised(ctx.deps, { actor: ctx.verifier, userId: user.userId, reason: 'Lagi' }))).toBe('ACCOUNT_ALREADY_DISABLED');
    expect(await ctx.outbox(user.email, 'accountDisabled')).toHaveLength(1);
  });
});

describe('device requests: a lost phone', () => {
  let ctx: Context;
  let user: ActiveUser;
  beforeAll(async () => {
    ctx = await setup();
    user = await ctx.activeUser('Siti Aminah');
  });

  it('sends nothing for an unknown address or an account not set up', async () => {
    const approved = await ctx.approvedUser('Ahmad Fauzi');
    const before = await ctx.snapshot();
    await requestOtpDevice(ctx.deps, { email: `nobody.${randomUUID()}@uji.go.id` });
    await requestOtpDevice(ctx.deps, { email: approved.email });
    expect(await ctx.snapshot()).toEqual(before);
  });

  it('asks for a fresh selfie, refuses a bad image keeping the link, and hands the request to the verifiers', async () => {
    const createdAt = iso(ctx.clock.now());
    await Promise.all([0, 1].map(() => requestOtpDevice(ctx.deps, { email: user.email.toUpperCase() })));
    const [request, ...others] = await ctx.requestsOf(user.userId);
    expect(others).toEqual([]);
    expect(request).toMatchObject({
      userId: user.userId, tenantId: ctx.tenant.tenantId, kind: 'ADD_DEVICE', status: 'AWAITING_SELFIE', createdAt, version: 1,
      gsi1pk: `TENANT#${ctx.tenant.tenantId}#DEVICEREQ#AWAITING_SELFIE`,
    });
    const links = await ctx.outbox(user.email, 'otpDeviceRequestLink');
    expect(links.map((message) => message.data)).toEqual([{ fullName: 'Siti Aminah', kind: 'ADD_DEVICE', expiresAt: iso(ctx.clock.now(), 24 * 3600_000) }]);
    const token = await ctx.linkIn(user.email, 'otpDeviceRequestLink');
    expect(await ctx.item(keys.token(hashToken(token)))).toMatchObject({ purpose: 'otp-device', requestId: request!.requestId });
    expect(await getOtpDeviceLink(ctx.deps, { token })).toEqual({ fullName: 'Siti Aminah', email: user.email, kind: 'ADD_DEVICE', step: 'SELFIE' });

    const folder = `kyc/${ctx.tenant.tenantId}/${user.userId}/device-requests/${request!.requestId}/`;
    const bad = await ctx.uploadSelfie(token, notAPhoto);
    expect(await ctx.objectsUnder(folder)).toEqual([`${folder}${bad.photoId}`]);
    expect(await codeOf(confirmSelfie(ctx.deps, { token, photoId: bad.photoId }))).toBe('PHOTO_INVALID');
    expect(await ctx.objectsUnder(folder)).toEqual([]);
    expect((await ctx.requestsOf(user.userId))[0]?.status).toBe('AWAITING_SELFIE');
    expect((await ctx.item(keys.token(hashToken(token))))?.usedAt).toBeUndefined();
    // Nothing uploaded under the id: refused the same way.
    expect(await codeOf(confirmSelfie(ctx.deps, { token, photoId: newPhotoId('SELFIE', ctx.clock.now()) }))).toBe('PHOTO_INVALID');

    ctx.clock.advance(MINUTE);
    const good = await ctx.uploadSelfie(token, sampleSelfie);
    expect(await confirmSelfie(ctx.deps, { token, photoId: good.photoId })).toEqual({ status: 'AWAITING_REVIEW' });
    const now = ctx.clock.now();
    expect((await ctx.requestsOf(user.userId))[0]).toMatchObject({
      status: 'AWAITING_REVIEW', version: 2, updatedAt: iso(now), gsi1pk: `TENANT#${ctx.tenant.tenantId}#DEVICEREQ#AWAITING_REVIEW`,
      selfie: { photoId: good.photoId, objectKey: `${folder}${good.photoId}`, width: 480, height: 640, confirmedAt: iso(now) },
    });
    expect((await ctx.item(keys.token(hashToken(token))))?.usedAt).toBe(iso(now));
    expect((await ctx.outbox(ctx.verifierEmail, 'otpDeviceReviewRequested')).map((message) => message.data)).toEqual([{
      applicantName: 'Siti Aminah', tenantName: ctx.tenant.name, kind: 'ADD_DEVICE', reviewUrl: 'https://tte.uji.go.id/console/device-requests',
    }]);
    expect(await codeOf(getOtpDeviceLink(ctx.deps, { token }))).toBe('TOKEN_USED');
    expect(await codeOf(confirmSelfie(ctx.deps, { token, photoId: good.photoId }))).toBe('TOKEN_USED');
  });

  it("shows the request to its tenant's verifier with the selfie, not to another tenant's", async () => {
    const [request] = await ctx.requestsOf(user.userId);
    const page = await listDeviceRequests(ctx.deps, { actor: ctx.verifier, status: 'AWAITING_REVIEW', limit: 25 });
    expect(page.items).toEqual([{
      requestId: request!.requestId, userId: user.userId, fullName: 'Siti Aminah', email: user.email, kind: 'ADD_DEVICE', status: 'AWAITING_REVIEW',
      createdAt: request!.createdAt, selfieUrl: expect.stringContaining(request!.requestId),
    }]);
    const photo = await fetch(page.items[0]!.selfieUrl!);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(sampleSelfie)).toBe(true);

    expect((await listDeviceRequests(ctx.deps, { actor: ctx.otherVerifier, status: 'AWAITING_REVIEW', limit: 25 })).items).toEqual([]);
    expect((await listDeviceRequests(ctx.deps, { actor: ctx.verifier, status: 'AWAITING_SELFIE', limit: 25 })).items).toEqual([]);
    expect(await codeOf(decideDeviceRequest(ctx.deps, { actor: ctx.otherVerifier, requestId: request!.requestId, decision: 'APPROVE' }))).toBe('DEVICE_REQUEST_NOT_FOUND');
  });

  it('on approval sends a link that registers the new authenticator with the password and a first code', async () => {
    const [request] = await ctx.requestsOf(user.userId);
    ctx.clock.advance(MINUTE);
    const decidedAt = ctx.clock.now();
    expect(await decideDeviceRequest(ctx.deps, { actor: ctx.verifier, requestId: request!.requestId, decision: 'APPROVE' })).toEqual({ status: 'APPROVED' });
    expect((await ctx.requestsOf(user.userId))[0]).toMatchObject({
      status: 'APPROVED', decision: { decision: 'APPROVE', actorId: ctx.verifier.actorId, at: iso(decidedAt) }, gsi1pk: `TENANT#${ctx.tenant.tenantId}#DEVICEREQ#APPROVED`,
    });
    expect((await ctx.outbox(user.email, 'otpDeviceApproved')).map((message) => message.data)).toEqual([{ fullName: 'Siti Aminah', expiresAt: iso(decidedAt, 24 * 3600_000) }]);
    expect(await ctx.auditOf(user.userId, 'OTP_DEVICE_REQUEST_APPROVED')).toEqual([expect.objectContaining({ actorId: ctx.verifier.actorId, actorRole: 'VERIFIER' })]);
    expect(await codeOf(decideDeviceRequest(ctx.deps, { actor: ctx.verifier, requestId: request!.requestId, decision: 'REJECT', reason: 'Terlambat' }))).toBe('NOT_AWAITING_REVIEW');

    const token = await ctx.linkIn(user.email, 'otpDeviceApproved');
    const page = await getOtpDeviceLink(ctx.deps, { token });
    expect(page).toMatchObject({ fullName: 'Siti Aminah', email: user.email, kind: 'ADD_DEVICE', step: 'REGISTER' });
    const { secret } = offerOn(page);
    expect(offerOn(await getOtpDeviceLink(ctx.deps, { token })).secret).toBe(secret);

    expect(await codeOf(registerRequestedDevice(ctx.deps, { token, password: 'Salah#2026', deviceName: 'Ponsel baru', otp: ctx.codeFor(secret) }))).toBe('INVALID_CREDENTIALS');
    expect((await ctx.credentialOf(user.userId)).failedPasswords?.count).toBe(1);
    expect(await codeOf(registerRequestedDevice(ctx.deps, { token, password: PASSWORD, deviceName: 'Ponsel baru', otp: ctx.wrongCodeFor(secret) }))).toBe('INVALID_OTP');
    expect(await ctx.devicesOf(user.userId)).toHaveLength(1);

    const registered = await registerRequestedDevice(ctx.deps, { token, password: PASSWORD, deviceName: 'Ponsel baru', otp: ctx.codeFor(secret) });
    expect(registered).toEqual({ deviceId: expect.any(String), name: 'Ponsel baru', createdAt: iso(ctx.clock.now()) });
    expect((await ctx.devicesOf(user.userId)).map((device) => device.name)).toEqual(['Ponsel kantor', 'Ponsel baru']);
    expect((await ctx.requestsOf(user.userId))[0]).toMatchObject({ status: 'COMPLETED', version: 4 });
    expect((await ctx.item(keys.token(hashToken(token))))?.usedAt).toBe(iso(ctx.clock.now()));
    expect((await ctx.outbox(user.email, 'otpDeviceChanged')).at(-1)?.data).toMatchObject({ change: 'ADDED', deviceName: 'Ponsel baru', removedDeviceName: '' });
    expect(await codeOf(getOtpDeviceLink(ctx.deps, { token }))).toBe('TOKEN_USED');

    // The new phone logs in.
    ctx.nextStep();
    await ctx.logIn({ email: user.email, secret });
  });

  it('needs a reason to reject, and the e-mail carries it', async () => {
    const decide = accountsRoutes.routes.decideDeviceRequest.body;
    expect(decide.safeParse({ decision: 'REJECT' }).success).toBe(false);
    expect(decide.safeParse({ decision: 'REJECT', reason: 'Foto tidak jelas' }).success).toBe(true);
    expect(decide.safeParse({ decision: 'APPROVE' }).success).toBe(true);

    ctx.clock.advance(2 * MINUTE);
    const { request } = await ctx.requestToReview(user);
    expect(await decideDeviceRequest(ctx.deps, { actor: ctx.verifier, requestId: request.requestId, decision: 'REJECT', reason: 'Foto tidak jelas' })).toEqual({ status: 'REJECTED' });
    expect(await ctx.deps.requests.findRequest(request.requestId)).toMatchObject({ status: 'REJECTED', decision: { decision: 'REJECT', reason: 'Foto tidak jelas' } });
    expect((await ctx.outbox(user.email, 'otpDeviceRequestRejected')).map((message) => message.data)).toEqual([{ fullName: 'Siti Aminah', kind: 'ADD_DEVICE', reason: 'Foto tidak jelas' }]);
  });

  it('lets exactly one of two decisions at once win', async () => {
    ctx.clock.advance(2 * MINUTE);
    const { request } = await ctx.requestToReview(user);
    const [approved, rejected] = [(await ctx.outbox(user.email, 'otpDeviceApproved')).length, (await ctx.outbox(user.email, 'otpDeviceRequestRejected')).length];
    const secondVerifier: Actor = { ...ctx.verifier, actorId: 'verifier-2' };
    const outcomes = await Promise.all([
      codeOf(decideDeviceRequest(ctx.deps, { actor: ctx.verifier, requestId: request.requestId, decision: 'APPROVE' })),
      codeOf(decideDeviceRequest(ctx.deps, { actor: secondVerifier, requestId: request.requestId, decision: 'REJECT', reason: 'Bukan orang yang sama' })),
    ]);
    expect([...outcomes].sort()).toEqual(['NOT_AWAITING_REVIEW', 'OK']);
    const stored = await ctx.deps.requests.findRequest(request.requestId);
    expect(stored?.status).toBe(outcomes[0] === 'OK' ? 'APPROVED' : 'REJECTED');
    expect(stored?.version).toBe(3);
    const sent = (await ctx.outbox(user.email, 'otpDeviceApproved')).length - approved + (await ctx.outbox(user.email, 'otpDeviceRequestRejected')).length - rejected;
    expect(sent).toBe(1);
  });
});

describe('device requests: restoring a disabled account', () => {
  it('takes a verifier-approved reset: a new setup replaces the password and every device, and the account is ACTIVE again', async () => {
    const ctx = await setup({ faceMatcher: new FakeFaceMatcher() });
    const user = await ctx.activeUser('Siti Aminah', { selfiePhotoId: newPhotoId('SELFIE', new Date('2026-11-01T00:00:00.000Z')) });
    ctx.clock.advance(1000);
    const started = await startDeviceSetup(ctx.deps, { actor: ctx.actorOf(user) });
    await addDevice(ctx.deps, { actor: ctx.actorOf(user), setupId: started.setupId, deviceName: 'Tablet', otp: ctx.codeFor(started.otp.secret) });
    const oldDevices = await ctx.devicesOf(user.userId);
    expect(oldDevices).toHaveLength(2);
    await markCompromised(ctx.deps, { actor: ctx.verifier, userId: user.userId, reason: 'Ponsel dicuri' });

    ctx.clock.advance(MINUTE);
    const { request, confirmed } = await ctx.requestToReview(user);
    // Restoring an account always takes a verifier, however well the faces match.
    expect(confirmed).toEqual({ status: 'AWAITING_REVIEW' });
    expect(request).toMatchObject({ kind: 'RESET_AUTHENTICATOR', status: 'AWAITING_REVIEW' });
    expect((await ctx.outbox(user.email, 'otpDeviceRequestLink')).at(-1)?.data).toMatchObject({ kind: 'RESET_AUTHENTICATOR' });
    expect((await ctx.outbox(ctx.verifierEmail, 'otpDeviceReviewRequested')).at(-1)?.data).toMatchObject({ kind: 'RESET_AUTHENTICATOR' });
    expect(await ctx.auditOf(user.userId, 'REACTIVATION_REQUESTED')).toHaveLength(1);

    ctx.clock.advance(MINUTE);
    expect(await decideDeviceRequest(ctx.deps, { actor: ctx.verifier, requestId: request.requestId, decision: 'APPROVE' })).toEqual({ status: 'APPROVED' });
    expect((await ctx.outbox(user.email, 'accountReactivation')).map((message) => message.data)).toEqual([{
      fullName: 'Siti Aminah', username: user.email, expiresAt: iso(ctx.clock.now(), 72 * 3600_000),
    }]);
    const token = await ctx.linkIn(user.email, 'accountReactivation');
    const page = await getAccountSetup(ctx.deps, { token });
    expect(page).toMatchObject({ email: user.email, reactivation: true });
    expect(page.otp.secret).not.toBe(user.secret);
    // The link sent at approval, before the account was disabled, still does not work.
    expect(await codeOf(getAccountSetup(ctx.deps, { token: user.setupToken }))).toBe('TOKEN_USED');

    ctx.clock.advance(MINUTE);
    const now = ctx.clock.now();
    await completeAccountSetup(ctx.deps, { token, password: NEW_PASSWORD, deviceName: 'Ponsel pengganti', otp: ctx.codeFor(page.otp.secret) });
    const stored = await ctx.userOf(user.userId);
    expect(stored).toMatchObject({ status: 'ACTIVE', version: expect.any(Number) });
    expect(stored.disabled).toBeUndefined();
    const credential = await ctx.credentialOf(user.userId);
    expect(await argon2Hasher.verify(credential.passwordHash, NEW_PASSWORD)).toBe(true);
    const devices = await ctx.devicesOf(user.userId);
    expect(devices.map((device) => device.name)).toEqual(['Ponsel pengganti']);
    expect((await ctx.allItems()).filter((entry) => entry.pk === `USER#${user.userId}` && String(entry.sk).startsWith('ACCOUNT#DEVICE#'))).toHaveLength(1);
    expect((await ctx.outbox(user.email, 'passwordChanged')).at(-1)?.data).toEqual({ fullName: 'Siti Aminah', change: 'REACTIVATION', changedAt: iso(now) });
    expect((await ctx.outbox(user.email, 'otpDeviceChanged')).at(-1)?.data).toMatchObject({ change: 'REPLACED', deviceName: 'Ponsel pengganti' });
    expect(await ctx.auditOf(user.userId, 'ACCOUNT_REACTIVATED')).toHaveLength(1);

    expect(await codeOf(loginWithPassword(ctx.deps, { email: user.email, password: PASSWORD }))).toBe('INVALID_CREDENTIALS');
    const { loginTicket } = await loginWithPassword(ctx.deps, { email: user.email, password: NEW_PASSWORD });
    ctx.nextStep();
    // An old authenticator is gone with its device.
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(user.secret) }))).toBe('INVALID_OTP');
    expect(await codeOf(loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(page.otp.secret) }))).toBe('OK');
  });
});

describe('device requests with a face matcher', () => {
  let ctx: Context;
  let matcher: FakeFaceMatcher;
  beforeAll(async () => {
    matcher = new FakeFaceMatcher();
    ctx = await setup({ faceMatcher: matcher });
  });

  it('approves a lost-phone request at confirm time when the fresh selfie matches the activation one, without a verifier', async () => {
    const selfiePhotoId = newPhotoId('SELFIE', new Date('2026-11-01T00:00:00.000Z'));
    const user = await ctx.activeUser('Siti Aminah', { selfiePhotoId });
    matcher.answer = 'MATCH';
    const { request, confirmed, slot } = await ctx.requestToReview(user);
    expect(confirmed).toEqual({ status: 'APPROVED' });
    expect(matcher.calls.at(-1)).toEqual({
      freshSelfieKey: `kyc/${ctx.tenant.tenantId}/${user.userId}/device-requests/${request.requestId}/${slot.photoId}`,
      referenceSelfieKey: `kyc/${ctx.tenant.tenantId}/${user.userId}/selfie/${selfiePhotoId}`,
    });
    expect(request).toMatchObject({ status: 'APPROVED', decision: { decision: 'APPROVE', actorId: 'face-match' } });
    expect(await ctx.auditOf(user.userId, 'OTP_DEVICE_REQUEST_MATCHED')).toHaveLength(1);
    expect(await ctx.outbox(ctx.verifierEmail)).toEqual([]);
    expect(await ctx.outbox(user.email, 'otpDeviceApproved')).toHaveLength(1);

    const token = await ctx.linkIn(user.email, 'otpDeviceApproved');
    const { secret } = offerOn(await getOtpDeviceLink(ctx.deps, { token }));
    ctx.clock.advance(1000);
    await registerRequestedDevice(ctx.deps, { token, password: PASSWORD, deviceName: 'Ponsel baru', otp: ctx.codeFor(secret) });
    expect((await ctx.devicesOf(user.userId)).map((device) => device.name)).toEqual(['Ponsel kantor', 'Ponsel baru']);
  });

  it('still asks a verifier when the matcher is unsure, or there is no activation selfie to compare with', async () => {
    const unsure = await ctx.activeUser('Ahmad Fauzi', { selfiePhotoId: newPhotoId('SELFIE', new Date('2026-11-01T00:00:00.000Z')) });
    matcher.answer = 'UNSURE';
    expect((await ctx.requestToReview(unsure)).confirmed).toEqual({ status: 'AWAITING_REVIEW' });

    const calls = matcher.calls.length;
    matcher.answer = 'MATCH';
    const without = await ctx.activeUser('Dewi Lestari');
    expect((await ctx.requestToReview(without)).confirmed).toEqual({ status: 'AWAITING_REVIEW' });
    expect(matcher.calls).toHaveLength(calls);
    expect(await ctx.outbox(ctx.verifierEmail, 'otpDeviceReviewRequested')).toHaveLength(2);
  });
});

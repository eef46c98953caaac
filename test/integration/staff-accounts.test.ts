import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { completeAccountSetup, getAccountSetup } from '../../functions/accounts/use-cases/account-setup.js';
import { markCompromised } from '../../functions/accounts/use-cases/compromise.js';
import type { AccountsDeps } from '../../functions/accounts/use-cases/deps.js';
import { requestOtpDevice } from '../../functions/accounts/use-cases/device-requests.js';
import { loginWithOtp, loginWithPassword } from '../../functions/accounts/use-cases/login.js';
import { requestPasswordReset, resetPassword } from '../../functions/accounts/use-cases/password-reset.js';
import { reactivateStaff } from '../../functions/accounts/use-cases/reactivate-staff.js';
import { createAdminTasks } from '../../functions/operator/admin-tasks.js';
import { inviteOperator, inviteVerifier, listVerifiers, PLATFORM_TENANT_ID } from '../../functions/operator/use-cases/verifiers.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoDeviceRequestStore } from '../../shared/adapters/aws/dynamo-device-requests.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { argon2Hasher } from '../../shared/crypto/passwords.js';
import { keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import { hashToken } from '../../shared/domain/tokens.js';
import { messageComposer } from '../../shared/outbox.js';
import type { AccountChange, AccountStore } from '../../shared/ports/accounts.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { codeOf, freshTable, manualClock, outboxReader, putTenant, quietLogger, s3Client, testSealer } from './harness.js';

/**
 * Security review F3 and F4 against DynamoDB Local: staff accounts (verifiers, operators) can be
 * disabled and restored by an operator only, never leaving the service without an active
 * operator; and a login whose transaction commits after a compromise, a disable or a password
 * reset gets no session, whichever of the two reads first. The interleavings are driven by a
 * store that holds one commit until the test lets it go.
 */

const PASSWORD = 'Rahasia#2026';
const NEW_PASSWORD = 'Baru&Aman2027';
const settings = { webBaseUrl: 'https://tte.uji.go.id/web', serviceName: 'TTE Uji', sessionIdleMinutes: 30, sessionMaxHours: 8, publicRequestFloorMs: 0 };

/** An account store whose next commit matching `when` waits, once, until the test releases it. */
class HeldCommits implements AccountStore {
  private hold?: { when: (change: AccountChange) => boolean; reached: () => void; release: Promise<void> };
  constructor(private readonly inner: DynamoAccountStore) {}
  /** Holds the next matching commit: `reached` settles when it arrives, `release()` lets it go on. */
  holdNext(when: (change: AccountChange) => boolean) {
    let reached!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    this.hold = { when, reached, release: new Promise<void>((resolve) => (release = resolve)) };
    return { arrived, release };
  }
  async commit(change: AccountChange) {
    const hold = this.hold;
    if (hold?.when(change)) {
      this.hold = undefined;
      hold.reached();
      await hold.release;
    }
    return this.inner.commit(change);
  }
  loadAccount = (userId: string) => this.inner.loadAccount(userId);
  reservePendingDevice: AccountStore['reservePendingDevice'] = (token, candidate) => this.inner.reservePendingDevice(token, candidate);
  saveDeviceSetup: AccountStore['saveDeviceSetup'] = (userId, setup, expiresAt) => this.inner.saveDeviceSetup(userId, setup, expiresAt);
  findDeviceSetup: AccountStore['findDeviceSetup'] = (userId, setupId) => this.inner.findDeviceSetup(userId, setupId);
  claimRequestSlot: AccountStore['claimRequestSlot'] = (userId, slot, at, notBefore) => this.inner.claimRequestSlot(userId, slot, at, notBefore);
}

const isLogin = (change: AccountChange) => change.startSession !== undefined;
const isDisable = (change: AccountChange) => change.user?.next.status === 'DISABLED';
const isReset = (change: AccountChange) => change.credential?.password !== undefined;

async function setup() {
  const table = await freshTable();
  const { dynamo, tableName, allItems } = table;
  const clock = manualClock();
  const sealer = testSealer();
  const tenant = await putTenant(dynamo, tableName);
  const otherTenant = await putTenant(dynamo, tableName, { name: 'Dinas Lain', emailDomains: ['lain.go.id'] });
  const store = new DynamoAccountStore(dynamo, tableName);
  const accounts = new HeldCommits(store);
  const composer = messageComposer({ ids: randomIds, clock, sealer });
  const registry = new DynamoTenantRegistry(dynamo, tableName);
  const deps: AccountsDeps = {
    users: table.users, tenants: table.tenants, accounts, lockouts: store,
    sessions: new DynamoSessionStore(dynamo, tableName), requests: new DynamoDeviceRequestStore(dynamo, tableName),
    photos: new S3PhotoStore(s3Client(), 'unused'), personalData: new DynamoPersonalData(dynamo, tableName),
    audit: new DynamoAuditTrail(dynamo, tableName), passwords: argon2Hasher, sealer, composer, clock, ids: randomIds, logger: quietLogger(), settings,
  };
  const inviteDeps = { registry, composer, clock, ids: randomIds, settings };
  const admin = createAdminTasks({ ...inviteDeps, users: table.users, accounts, sessions: deps.sessions }, quietLogger());

  const { outbox, linkIn } = outboxReader(allItems, sealer);
  const snapshot = async () => (await allItems()).sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
  const userOf = async (userId: string) => (await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.user(userId), ConsistentRead: true }))).Item!;
  const sessionItemsOf = async (userId: string) => (await allItems())
    .filter((item) => (item.pk === `USER#${userId}` && String(item.sk).startsWith('SESSION#')) || (String(item.pk).startsWith('SESSION#') && item.userId === userId));
  const auditOf = async (userId: string, action: string) => (await allItems())
    .filter((item) => item.pk === `USER#${userId}` && String(item.sk).startsWith('AUDIT#') && item.action === action);
  const codeFor = (secret: string, steps = 0) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + steps * 30 });
  const nextStep = () => clock.advance(30_000);

  type Staff = { userId: string; email: string; secret: string; actor: Actor };
  /** Sets up an account from its latest setup link, as the page does. */
  const setUp = async (email: string, template = 'accountInfo') => {
    const token = await linkIn(email, template);
    const { otp } = await getAccountSetup(deps, { token });
    nextStep();
    await completeAccountSetup(deps, { token, password: PASSWORD, deviceName: 'Ponsel dinas', otp: codeFor(otp.secret) });
    return otp.secret;
  };
  const operatorActor: Actor = { actorId: 'deployment-operator', role: 'OPERATOR', tenantId: PLATFORM_TENANT_ID };
  /** A verifier of the tenant (or an operator) invited and set up the way the service does it. */
  const staff = async (role: 'VERIFIER' | 'OPERATOR', tenantId = tenant.tenantId): Promise<Staff> => {
    const name = randomUUID().slice(0, 8);
    const domain = tenantId === otherTenant.tenantId ? 'lain.go.id' : 'uji.go.id';
    const email = `${role.toLowerCase()}.${name}@${domain}`;
    const invited = role === 'VERIFIER'
      ? await inviteVerifier(inviteDeps, { actor: operatorActor, tenantId, fullName: 'Staf Uji', email })
      : await inviteOperator(inviteDeps, { actor: { actorId: 'deployment-admin', role: 'SYSTEM' }, fullName: 'Operator Uji', email });
    const secret = await setUp(email);
    return { userId: invited.userId, email, secret, actor: { actorId: invited.userId, role, tenantId: role === 'OPERATOR' ? PLATFORM_TENANT_ID : tenantId } };
  };
  const passwordStep = (who: { email: string }, password = PASSWORD) => loginWithPassword(deps, { email: who.email, password });
  const otpStep = (who: { secret: string }, loginTicket: string) => {
    nextStep();
    return loginWithOtp(deps, { loginTicket, otp: codeFor(who.secret) });
  };
  const logIn = async (who: { email: string; secret: string }, password = PASSWORD) => otpStep(who, (await passwordStep(who, password)).loginTicket);
  const sessionWorks = async (sessionToken: string) => (await deps.sessions.findSession(hashToken(sessionToken))) !== undefined;

  return {
    ...table, clock, tenant, otherTenant, deps, accounts, inviteDeps, admin, registry, operatorActor,
    outbox, linkIn, snapshot, userOf, sessionItemsOf, auditOf, staff, setUp, passwordStep, otpStep, logIn, sessionWorks, nextStep, codeFor,
  };
}

describe('staff accounts can be disabled (security review F3)', () => {
  it('an operator disables a verifier: every session ends at once, login answers ACCOUNT_DISABLED, audited and e-mailed; the list shows it', async () => {
    const ctx = await setup();
    const operator = await ctx.staff('OPERATOR');
    const verifier = await ctx.staff('VERIFIER');
    const first = await ctx.logIn(verifier);
    const second = await ctx.logIn(verifier);
    expect(await ctx.sessionItemsOf(verifier.userId)).toHaveLength(4);

    expect(await markCompromised(ctx.deps, { actor: operator.actor, userId: verifier.userId, reason: 'Pindah tugas ke instansi lain' })).toEqual({ status: 'DISABLED' });

    expect(await ctx.sessionItemsOf(verifier.userId)).toEqual([]);
    expect(await ctx.sessionWorks(first.sessionToken)).toBe(false);
    expect(await ctx.sessionWorks(second.sessionToken)).toBe(false);
    expect(await codeOf(ctx.passwordStep(verifier))).toBe('ACCOUNT_DISABLED');
    expect(await ctx.userOf(verifier.userId)).toMatchObject({ status: 'DISABLED', disabled: { reason: 'Pindah tugas ke instansi lain', actorId: operator.userId } });
    expect((await ctx.auditOf(verifier.userId, 'STAFF_DISABLED')).map((entry) => [entry.actorId, entry.actorRole, entry.reason]))
      .toEqual([[operator.userId, 'OPERATOR', 'Pindah tugas ke instansi lain']]);
    expect((await ctx.outbox(verifier.email, 'accountDisabled')).map((message) => message.data)).toEqual([expect.objectContaining({ staffRole: 'VERIFIER' })]);
    expect((await listVerifiers({ registry: ctx.registry }, { actor: operator.actor, tenantId: ctx.tenant.tenantId })).find((entry) => entry.userId === verifier.userId))
      .toMatchObject({ status: 'DISABLED' });
    // Disabled staff cannot route around the operator through a selfie request a colleague approves.
    const before = await ctx.snapshot();
    await requestOtpDevice(ctx.deps, { email: verifier.email });
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("a verifier disables no verifier, not even themself, and another tenant's verifier finds no one (404); nothing is written", async () => {
    const ctx = await setup();
    const verifier = await ctx.staff('VERIFIER');
    const colleague = await ctx.staff('VERIFIER');
    const stranger = await ctx.staff('VERIFIER', ctx.otherTenant.tenantId);
    const operator = await ctx.staff('OPERATOR');
    const before = await ctx.snapshot();
    for (const [actor, target] of [[verifier, colleague], [verifier, verifier], [stranger, colleague], [verifier, operator]] as const) {
      expect(await codeOf(markCompromised(ctx.deps, { actor: actor.actor, userId: target.userId, reason: 'Coba' }))).toBe('USER_NOT_FOUND');
    }
    expect(await codeOf(markCompromised(ctx.deps, { actor: verifier.actor, userId: 'tidak-ada', reason: 'Coba' }))).toBe('USER_NOT_FOUND');
    expect(await codeOf(reactivateStaff(ctx.deps, { actor: verifier.actor, userId: colleague.userId }))).toBe('USER_NOT_FOUND');
    expect(await ctx.snapshot()).toEqual(before);
  });

  it('an operator restores a disabled verifier with a new account-setup link; the old password stays void, the new one works', async () => {
    const ctx = await setup();
    const operator = await ctx.staff('OPERATOR');
    const verifier = await ctx.staff('VERIFIER');
    expect(await codeOf(reactivateStaff(ctx.deps, { actor: operator.actor, userId: verifier.userId }))).toBe('ACCOUNT_NOT_DISABLED');
    await markCompromised(ctx.deps, { actor: operator.actor, userId: verifier.userId, reason: 'Ponsel hilang' });
    ctx.clock.advance(1000);

    expect(await reactivateStaff(ctx.deps, { actor: operator.actor, userId: verifier.userId })).toMatchObject({ status: 'DISABLED' });
    const firstLink = await ctx.linkIn(verifier.email, 'accountReactivation');
    ctx.clock.advance(1000);
    await reactivateStaff(ctx.deps, { actor: operator.actor, userId: verifier.userId });
    // Sending again replaces the earlier link.
    expect(await codeOf(getAccountSetup(ctx.deps, { token: firstLink }))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(ctx.passwordStep(verifier))).toBe('ACCOUNT_DISABLED');
    expect((await ctx.outbox(verifier.email, 'accountReactivation')).at(-1)!.data).toMatchObject({ staffRole: 'VERIFIER' });
    expect(await ctx.auditOf(verifier.userId, 'STAFF_REACTIVATION_SENT')).toHaveLength(2);

    const newSecret = await ctx.setUp(verifier.email, 'accountReactivation');
    expect(await ctx.userOf(verifier.userId)).toMatchObject({ status: 'ACTIVE' });
    const session = await ctx.logIn({ email: verifier.email, secret: newSecret });
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(true);
  });

  it("an employee's account is restored by a selfie request, not by an operator (REACTIVATION_BY_REQUEST)", async () => {
    const ctx = await setup();
    const operator = await ctx.staff('OPERATOR');
    // An employee record: the same rule reaches it, the operator route refuses it.
    const employee = { ...(await ctx.staff('VERIFIER')) };
    await ctx.dynamo.send(new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
      TableName: ctx.tableName, Key: keys.user(employee.userId), UpdateExpression: 'SET #role = :user, #status = :disabled REMOVE gsi2pk, gsi2sk',
      ExpressionAttributeNames: { '#role': 'role', '#status': 'status' }, ExpressionAttributeValues: { ':user': 'USER', ':disabled': 'DISABLED' },
    }));
    expect(await codeOf(reactivateStaff(ctx.deps, { actor: operator.actor, userId: employee.userId }))).toBe('REACTIVATION_BY_REQUEST');
  });

  it('an operator disables another operator but not themself (CANNOT_DISABLE_SELF), and two disabling each other leave one active', async () => {
    const ctx = await setup();
    const [first, second, third] = [await ctx.staff('OPERATOR'), await ctx.staff('OPERATOR'), await ctx.staff('OPERATOR')];
    const before = await ctx.snapshot();
    expect(await codeOf(markCompromised(ctx.deps, { actor: first.actor, userId: first.userId, reason: 'Coba' }))).toBe('CANNOT_DISABLE_SELF');
    expect(await ctx.snapshot()).toEqual(before);

    await markCompromised(ctx.deps, { actor: first.actor, userId: third.userId, reason: 'Tidak bertugas lagi' });
    expect(await ctx.userOf(third.userId)).toMatchObject({ status: 'DISABLED' });
    expect(await codeOf(ctx.passwordStep(third))).toBe('ACCOUNT_DISABLED');

    // The two left disable each other at once: the one whose commit comes second finds its actor disabled.
    const outcomes = await Promise.all([
      codeOf(markCompromised(ctx.deps, { actor: first.actor, userId: second.userId, reason: 'Saling' })),
      codeOf(markCompromised(ctx.deps, { actor: second.actor, userId: first.userId, reason: 'Saling' })),
    ]);
    expect(outcomes.sort()).toEqual(['LAST_OPERATOR', 'OK']);
    const statuses = [(await ctx.userOf(first.userId)).status, (await ctx.userOf(second.userId)).status].sort();
    expect(statuses).toEqual(['ACTIVE', 'DISABLED']);
  });

  it('the disableOperator admin task disables an operator, never the last active one, and restores nothing', async () => {
    const ctx = await setup();
    const [first, second] = [await ctx.staff('OPERATOR'), await ctx.staff('OPERATOR')];
    expect(await ctx.admin({ task: 'disableOperator', email: 'tidak.ada@uji.go.id', reason: 'Darurat' })).toMatchObject({ ok: false, code: 'USER_NOT_FOUND' });
    const verifier = await ctx.staff('VERIFIER');
    expect(await ctx.admin({ task: 'disableOperator', email: verifier.email, reason: 'Darurat' })).toMatchObject({ ok: false, code: 'USER_NOT_FOUND' });
    expect(await ctx.admin({ task: 'disableOperator', email: first.email })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: ['reason'] });

    const session = await ctx.logIn(first);
    expect(await ctx.admin({ task: 'disableOperator', email: first.email.toUpperCase(), reason: 'Akun diduga diambil alih' })).toEqual({ ok: true, task: 'disableOperator', status: 'DISABLED' });
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(false);
    expect((await ctx.auditOf(first.userId, 'STAFF_DISABLED')).map((entry) => [entry.actorId, entry.actorRole])).toEqual([['deployment-admin', 'SYSTEM']]);

    const before = await ctx.snapshot();
    expect(await ctx.admin({ task: 'disableOperator', email: second.email, reason: 'Darurat' })).toMatchObject({ ok: false, code: 'LAST_OPERATOR' });
    expect(await ctx.snapshot()).toEqual(before);
    expect(await ctx.userOf(second.userId)).toMatchObject({ status: 'ACTIVE' });
  });
});

describe('no session outlives a compromise, a disable or a password reset (security review F4)', () => {
  it('a login whose transaction commits after the account was disabled gets no session (ACCOUNT_DISABLED)', async () => {
    const ctx = await setup();
    const operator = await ctx.staff('OPERATOR');
    const verifier = await ctx.staff('VERIFIER');
    const { loginTicket } = await ctx.passwordStep(verifier);
    const held = ctx.accounts.holdNext(isLogin);
    const login = codeOf(ctx.otpStep(verifier, loginTicket));
    await held.arrived; // the login has read an ACTIVE user and is about to commit
    await markCompromised(ctx.deps, { actor: operator.actor, userId: verifier.userId, reason: 'Kata sandi bocor' });
    held.release();
    expect(await login).toBe('ACCOUNT_DISABLED');
    expect(await ctx.sessionItemsOf(verifier.userId)).toEqual([]);
    expect(await ctx.auditOf(verifier.userId, 'LOGGED_IN')).toEqual([]);
  });

  it('a disable that listed the sessions before a login committed lists again and ends that session too', async () => {
    const ctx = await setup();
    const operator = await ctx.staff('OPERATOR');
    const verifier = await ctx.staff('VERIFIER');
    const held = ctx.accounts.holdNext(isDisable);
    const disable = markCompromised(ctx.deps, { actor: operator.actor, userId: verifier.userId, reason: 'Kata sandi bocor' });
    await held.arrived; // the disable has listed no session and is about to commit
    const session = await ctx.logIn(verifier);
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(true);
    held.release();
    expect(await disable).toEqual({ status: 'DISABLED' });
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(false);
    expect(await ctx.sessionItemsOf(verifier.userId)).toEqual([]);
    expect(await ctx.auditOf(verifier.userId, 'STAFF_DISABLED')).toHaveLength(1);
  });

  it('a login whose transaction commits after a password reset gets no session (LOGIN_TICKET_EXPIRED), nor does a ticket from before it', async () => {
    const ctx = await setup();
    const verifier = await ctx.staff('VERIFIER');
    const racing = await ctx.passwordStep(verifier);
    const early = await ctx.passwordStep(verifier);
    await requestPasswordReset(ctx.deps, { email: verifier.email });
    const resetToken = await ctx.linkIn(verifier.email, 'passwordResetLink');
    const held = ctx.accounts.holdNext(isLogin);
    const login = codeOf(ctx.otpStep(verifier, racing.loginTicket));
    await held.arrived;
    ctx.nextStep();
    await resetPassword(ctx.deps, { token: resetToken, otp: ctx.codeFor(verifier.secret), newPassword: NEW_PASSWORD });
    held.release();
    expect(await login).toBe('LOGIN_TICKET_EXPIRED');
    // A ticket got with the old password, tried after the reset: the credential it was checked against is gone.
    expect(await codeOf(ctx.otpStep(verifier, early.loginTicket))).toBe('LOGIN_TICKET_EXPIRED');
    expect(await ctx.sessionItemsOf(verifier.userId)).toEqual([]);
    const session = await ctx.logIn(verifier, NEW_PASSWORD);
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(true);
  });

  it('a password reset that listed the sessions before a login committed ends that session too', async () => {
    const ctx = await setup();
    const verifier = await ctx.staff('VERIFIER');
    await requestPasswordReset(ctx.deps, { email: verifier.email });
    const resetToken = await ctx.linkIn(verifier.email, 'passwordResetLink');
    const held = ctx.accounts.holdNext(isReset);
    ctx.nextStep();
    // The reset proves itself with the next time step's code (accepted one step early), so the
    // login's code, of this step, leaves it valid: only the sessions race here.
    const reset = resetPassword(ctx.deps, { token: resetToken, otp: ctx.codeFor(verifier.secret, 1), newPassword: NEW_PASSWORD });
    await held.arrived;
    const { loginTicket } = await ctx.passwordStep(verifier);
    const session = await loginWithOtp(ctx.deps, { loginTicket, otp: ctx.codeFor(verifier.secret) });
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(true);
    held.release();
    await reset;
    expect(await ctx.sessionWorks(session.sessionToken)).toBe(false);
    expect(await ctx.sessionItemsOf(verifier.userId)).toEqual([]);
  });
});

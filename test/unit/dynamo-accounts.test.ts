import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { findItem, keyOf, pk, sentItems as sentItemsOf, sk, type TransactItem } from './support/transactions.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { AppError } from '../../shared/domain/errors.js';
import type { AccountChange, Credential, DeviceRequest, OtpDevice, SessionRecord } from '../../shared/ports/accounts.js';
import type { LinkTokenRecord } from '../../shared/ports/links.js';
import type { OutboxMessage } from '../../shared/ports/outbox.js';
import type { AuditEntry, UserRecord } from '../../shared/ports/users.js';

const TABLE = 'tte-test';
const USER = 'user-1';
const AT = '2026-11-22T03:00:00.000Z';
const dynamo = mockClient(DynamoDBDocumentClient);
const store = () => new DynamoAccountStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);


/** A cancelled transaction as DynamoDB reports it: one reason per item, in order. */
const cancelled = (...codes: string[]) => new TransactionCanceledException({
  message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  $metadata: {},
  CancellationReasons: codes.map((Code) => ({ Code })),
});
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const device = (deviceId: string, createdAt: string, lastTimeStep?: number): OtpDevice => ({
  userId: USER, deviceId, name: `Ponsel ${deviceId}`, sealedSecret: `sealed-${deviceId}`, createdAt, ...(lastTimeStep === undefined ? {} : { lastTimeStep }),
});
const PHONE = device('dev-1', '2026-10-01T00:00:00.000Z', 58_000_000);
const OLD_PHONE = device('dev-0', '2026-09-01T00:00:00.000Z', 57_000_000);
const NEW_PHONE = device('dev-2', AT, 58_000_010);

const credential: Credential = { userId: USER, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', passwordChangedAt: AT, version: 3 };

const token: LinkTokenRecord = {
  tokenHash: 'b'.repeat(64), purpose: 'account-setup', userId: USER, tenantId: 'tenant-a', createdAt: '2026-11-21T03:00:00.000Z', expiresAt: '2026-11-23T03:00:00.000Z',
};

const user: UserRecord = {
  userId: USER, tenantId: 'tenant-a', role: 'USER', fullName: 'Siti Aminah', email: 'siti@sultengprov.go.id', status: 'ACTIVE',
  createdAt: '2026-11-01T03:00:00.000Z', updatedAt: AT, createdBy: 'verifier-1', version: 8,
};

const session: SessionRecord = {
  sessionHash: 's'.repeat(64), userId: USER, tenantId: 'tenant-a', role: 'USER', csrfToken: 'csrf-secret',
  createdAt: AT, lastSeenAt: AT, idleExpiresAt: '2026-11-22T03:30:00.000Z', absoluteExpiresAt: '2026-11-22T15:00:00.000Z',
};

const request = (version: number, status: DeviceRequest['status']): DeviceRequest => ({
  requestId: 'req-1', userId: USER, tenantId: 'tenant-a', kind: 'ADD_DEVICE', status, createdAt: '2026-11-20T03:00:00.000Z', updatedAt: AT, version,
});

const audit: AuditEntry = { auditId: 'audit-1', at: AT, actorId: USER, actorRole: 'USER', tenantId: 'tenant-a', subject: { userId: USER }, action: 'LOGGED_IN' };
const message: OutboxMessage = { messageId: 'msg-1', template: 'accountLocked', to: 'siti@sultengprov.go.id', data: { fullName: 'Siti Aminah' }, createdAt: AT };

const sentItems = () => sentItemsOf(dynamo);

beforeEach(() => dynamo.reset());

describe('DynamoAccountStore.commit: what the transaction carries', () => {
  it('login: replay guard on the device, the ticket used up, the session and its pointer, counters cleared, audit', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({
      userId: USER,
      acceptedOtp: { device: PHONE, timeStep: 58_000_001, at: AT },
      consumeTicket: 't'.repeat(64),
      startSession: session,
      credential: { clear: ['failedPasswords', 'failedOtps'] },
      audit,
    });
    const items = sentItems();
    expect(items).toHaveLength(6);

    const replay = findItem(items, `USER#${USER}`, `ACCOUNT#DEVICE#${PHONE.createdAt}#dev-1`);
    expect(replay.Update).toMatchObject({
      TableName: TABLE,
      UpdateExpression: 'SET lastTimeStep = :step, lastUsedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastTimeStep) OR lastTimeStep < :step)',
      ExpressionAttributeValues: { ':step': 58_000_001, ':at': AT },
    });

    const ticket = findItem(items, `LOGIN#${'t'.repeat(64)}`, 'TICKET');
    expect(ticket.Delete).toMatchObject({ TableName: TABLE, ConditionExpression: 'attribute_exists(pk)' });

    const ttl = Date.parse(session.absoluteExpiresAt) / 1000;
    const sessionPut = findItem(items, `SESSION#${session.sessionHash}`, 'SESSION');
    expect(sessionPut.Put?.Item).toEqual({ pk: `SESSION#${session.sessionHash}`, sk: 'SESSION', ...session, ttl });
    // The pointer in the user's partition holds the hash only (no CSRF token, no role): it exists to end sessions.
    const pointer = findItem(items, `USER#${USER}`, `SESSION#${session.sessionHash}`);
    expect(pointer.Put?.Item).toEqual({ pk: `USER#${USER}`, sk: `SESSION#${session.sessionHash}`, sessionHash: session.sessionHash, ttl });

    const counters = findItem(items, `USER#${USER}`, 'ACCOUNT#CREDENTIAL');
    expect(counters.Update).toMatchObject({ UpdateExpression: 'REMOVE failedPasswords, failedOtps', ConditionExpression: 'attribute_exists(pk)' });

    expect(findItem(items, `USER#${USER}`, `AUDIT#${AT}#audit-1`).Put?.Item).toMatchObject({ action: 'LOGGED_IN', actorId: USER });
  });

  it('a password change is guarded by the credential version and bumps it', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({
      userId: USER,
      credential: { expectedVersion: 3, password: { passwordHash: '$argon2id$new', changedAt: AT }, clear: ['lockedUntil', 'lockCause'] },
      consumeToken: { ...token, purpose: 'reset-password' },
      endSessions: ['h1'],
      audit: { ...audit, action: 'PASSWORD_RESET' },
    });
    const items = sentItems();
    const update = findItem(items, `USER#${USER}`, 'ACCOUNT#CREDENTIAL').Update;
    expect(update).toMatchObject({
      UpdateExpression: 'SET passwordHash = :hash, passwordChangedAt = :changedAt, #version = :nextVersion REMOVE lockedUntil, lockCause',
      ConditionExpression: 'attribute_exists(pk) AND #version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':hash': '$argon2id$new', ':changedAt': AT, ':version': 3, ':nextVersion': 4 },
    });
    // Every session ends with the password change: both the session and its pointer.
    expect(findItem(items, 'SESSION#h1', 'SESSION').Delete).toBeDefined();
    expect(findItem(items, `USER#${USER}`, 'SESSION#h1').Delete).toBeDefined();
  });

  it('account setup: link used up once, credential written whole, devices replaced, user moved on from the status read', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({
      userId: USER,
      consumeToken: token,
      credential: { replace: credential },
      addDevices: [NEW_PHONE],
      removeDevices: [OLD_PHONE],
      user: { next: user, fromStatuses: ['APPROVED', 'DISABLED'] },
      audit: { ...audit, action: 'ACCOUNT_SET_UP', status: 'ACTIVE' },
      messages: [message],
    });
    const items = sentItems();

    expect(findItem(items, `TOKEN#${token.tokenHash}`, 'TOKEN').Update).toMatchObject({
      UpdateExpression: 'SET usedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':at': AT },
    });
    expect(findItem(items, `USER#${USER}`, 'ACCOUNT#CREDENTIAL').Put?.Item).toEqual({ pk: `USER#${USER}`, sk: 'ACCOUNT#CREDENTIAL', ...credential });
    expect(findItem(items, `USER#${USER}`, `ACCOUNT#DEVICE#${AT}#dev-2`).Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)', Item: { ...NEW_PHONE },
    });
    expect(findItem(items, `USER#${USER}`, `ACCOUNT#DEVICE#${OLD_PHONE.createdAt}#dev-0`).Delete).toMatchObject({ ConditionExpression: 'attribute_exists(pk)' });
    expect(findItem(items, `USER#${USER}`, 'PROFILE').Put).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #version = :previous AND #status IN (:from0, :from1)',
      ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
      ExpressionAttributeValues: { ':previous': 7, ':from0': 'APPROVED', ':from1': 'DISABLED' },
      Item: { status: 'ACTIVE', version: 8 },
    });
    expect(findItem(items, 'OUTBOX#msg-1', 'OUTBOX').Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)', Item: { status: 'PENDING', attempts: 0, template: 'accountLocked' },
    });
  });

  it('a device added while signed in uses up its pending setup', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({ userId: USER, addDevices: [NEW_PHONE], consumeDeviceSetup: 'dev-2', credential: { expectedVersion: 3 }, audit });
    const items = sentItems();
    expect(findItem(items, `USER#${USER}`, 'DEVICESETUP#dev-2').Delete).toMatchObject({ ConditionExpression: 'attribute_exists(pk)' });
    expect(findItem(items, `USER#${USER}`, 'ACCOUNT#CREDENTIAL').Update).toMatchObject({
      UpdateExpression: 'SET #version = :nextVersion', ConditionExpression: 'attribute_exists(pk) AND #version = :version',
    });
  });

  it.each([
    ['a new device request must not exist yet', request(1, 'AWAITING_SELFIE'), ['AWAITING_SELFIE'] as const, {
      ConditionExpression: 'attribute_not_exists(pk)',
    }],
    ['a request moving on is guarded by its version and status', request(4, 'APPROVED'), ['AWAITING_REVIEW'] as const, {
      ConditionExpression: 'attribute_exists(pk) AND #version = :previous AND #status IN (:from0)',
      ExpressionAttributeValues: { ':previous': 3, ':from0': 'AWAITING_REVIEW' },
    }],
  ])('%s', async (_case, next, fromStatuses, expected) => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({ userId: USER, request: { next, fromStatuses }, audit });
    expect(findItem(sentItems(), 'DEVICEREQ#req-1', 'DEVICEREQ').Put).toMatchObject({ ...expected, Item: { status: next.status, version: next.version } });
  });

  it('an audit-only change still writes its audit entry, append-only and in its tenant\'s trail, and nothing besides', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({ userId: USER, audit });
    expect(sentItems()).toEqual([{
      Put: {
        TableName: TABLE,
        Item: { pk: `USER#${USER}`, sk: `AUDIT#${AT}#audit-1`, gsi2pk: 'TENANT#tenant-a#AUDIT', gsi2sk: `${AT}#audit-1`, ...audit },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }]);
  });
});

describe('DynamoAccountStore.commit: a failed guard says which error it means', () => {
  // One change with every part, so each guard sits at its own position in the transaction.
  const everything: AccountChange = {
    userId: USER,
    credential: { expectedVersion: 3, password: { passwordHash: '$argon2id$new', changedAt: AT } },
    addDevices: [NEW_PHONE],
    removeDevices: [OLD_PHONE],
    acceptedOtp: { device: PHONE, timeStep: 58_000_001, at: AT },
    consumeToken: token,
    tokens: [{ ...token, tokenHash: 'c'.repeat(64), purpose: 'otp-device' }],
    user: { next: user, fromStatuses: ['ACTIVE'] },
    startSession: session,
    consumeTicket: 't'.repeat(64),
    consumeDeviceSetup: 'dev-9',
    endSessions: ['h1', 'h2'],
    request: { next: request(2, 'COMPLETED'), fromStatuses: ['APPROVED'] },
    audit,
    messages: [message],
  };

  it.each<[string, string, number, (item: TransactItem) => boolean]>([
    ['the device\'s replay guard (the same code used twice at once)', 'OTP_ALREADY_USED', 401, (item) => item.Update !== undefined && sk(item).startsWith('ACCOUNT#DEVICE#')],
    ['the link token (used or revoked meanwhile)', 'TOKEN_USED', 410, (item) => item.Update !== undefined && pk(item).startsWith('TOKEN#')],
    ['the login ticket (expired and deleted, or used)', 'LOGIN_TICKET_EXPIRED', 401, (item) => pk(item).startsWith('LOGIN#')],
    ['the credential version (changed meanwhile)', 'CONFLICT', 409, (item) => sk(item) === 'ACCOUNT#CREDENTIAL'],
    ['the user\'s version and status', 'CONFLICT', 409, (item) => sk(item) === 'PROFILE'],
    ['the new device (id taken)', 'CONFLICT', 409, (item) => item.Put !== undefined && sk(item).startsWith('ACCOUNT#DEVICE#')],
    ['a removed device (already gone)', 'CONFLICT', 409, (item) => item.Delete !== undefined && sk(item).startsWith('ACCOUNT#DEVICE#')],
    ['the pending device setup (expired or used)', 'DEVICE_SETUP_NOT_FOUND', 404, (item) => sk(item).startsWith('DEVICESETUP#')],
    ['the device request (decided meanwhile)', 'NOT_AWAITING_REVIEW', 409, (item) => pk(item).startsWith('DEVICEREQ#')],
    ['an outbox id collision (no specific meaning)', 'CONFLICT', 409, (item) => pk(item).startsWith('OUTBOX#')],
  ])('%s → %s', async (_case, code, status, locate) => {
    let position = -1;
    dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      const items = input.TransactItems ?? [];
      position = items.findIndex(locate);
      expect(items.filter(locate)).toHaveLength(1);
      throw cancelled(...items.map((_, index) => (index === position ? 'ConditionalCheckFailed' : 'None')));
    });
    const failure = await store().commit(everything).catch((error: unknown) => error);

    expect(position).toBeGreaterThanOrEqual(0);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code, status });
    // A lost guard is final: no retry, no partial follow-up writes.
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('every guarded item of the change carries a condition', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit(everything);
    const unconditioned = sentItems()
      .filter((item) => !(item.Put ?? item.Update ?? item.Delete)?.ConditionExpression)
      .map((item) => `${pk(item).replace(/#.*/, '#')} ${sk(item).replace(/#.*/, '#')}`);
    // Only writes that cannot collide go unguarded: fresh tokens, the new session (random hash)
    // and deletions of sessions being ended. The audit entry is guarded: it is never written over.
    expect(unconditioned.sort()).toEqual([
      'SESSION# SESSION', 'SESSION# SESSION', 'SESSION# SESSION', // the new session, two ended
      'USER# SESSION#', 'USER# SESSION#', 'USER# SESSION#', // their pointers
      'TOKEN# TOKEN',
    ].sort());
  });

  it('retries when another transaction was in flight, then succeeds', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    await expect(store().commit({ userId: USER, acceptedOtp: { device: PHONE, timeStep: 58_000_001, at: AT }, audit })).resolves.toBeUndefined();
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('passes errors that are not cancellations through unchanged', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    dynamo.on(TransactWriteCommand).rejects(throttled);
    await expect(store().commit({ userId: USER, audit })).rejects.toBe(throttled);
  });
});

describe('DynamoAccountStore.commit: ending many sessions', () => {
  const hashes = Array.from({ length: 33 }, (_, index) => `hash-${String(index).padStart(2, '0')}`);

  it('ends 30 sessions inside the transaction (under the 100-item limit) and the rest right after it', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    await store().commit({ userId: USER, endSessions: hashes, audit });

    const items = sentItems();
    expect(items.length).toBeLessThanOrEqual(100);
    expect(items.filter((item) => item.Delete && pk(item) === `USER#${USER}`)).toHaveLength(30);
    expect(items.filter((item) => item.Delete && sk(item) === 'SESSION')).toHaveLength(30);
    const after = dynamo.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key);
    expect(after).toEqual(hashes.slice(30).flatMap((hash) => [
      { pk: `SESSION#${hash}`, sk: 'SESSION' },
      { pk: `USER#${USER}`, sk: `SESSION#${hash}` },
    ]));
    // Together: every session and every pointer, none twice.
    const ended = [...items.map((item) => keyOf(item)).filter((key) => String(key.pk).startsWith('SESSION#')).map((key) => key.pk), ...after.filter((key) => String(key?.pk).startsWith('SESSION#')).map((key) => key?.pk)];
    expect(new Set(ended).size).toBe(33);
  });

  it('ends none outside the transaction when the transaction fails', async () => {
    // The link (first item) was used meanwhile.
    dynamo.on(TransactWriteCommand).rejects(cancelled(...Array.from({ length: 62 }, (_, index) => (index === 0 ? 'ConditionalCheckFailed' : 'None'))));
    await expect(store().commit({ userId: USER, endSessions: hashes, audit, consumeToken: token })).rejects.toMatchObject({ code: 'TOKEN_USED' });
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });
});

describe('DynamoAccountStore.loadAccount', () => {
  it('reads credential and devices in one consistent query and splits them, devices oldest first', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: `USER#${USER}`, sk: 'ACCOUNT#CREDENTIAL', ...credential, failedOtps: { count: 2, windowStart: AT } },
        { pk: `USER#${USER}`, sk: `ACCOUNT#DEVICE#${OLD_PHONE.createdAt}#dev-0`, ...OLD_PHONE },
        { pk: `USER#${USER}`, sk: `ACCOUNT#DEVICE#${PHONE.createdAt}#dev-1`, ...PHONE },
      ],
    });
    await expect(store().loadAccount(USER)).resolves.toEqual({
      credential: { ...credential, failedOtps: { count: 2, windowStart: AT } },
      devices: [OLD_PHONE, PHONE],
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `USER#${USER}`, ':prefix': 'ACCOUNT#' },
      ConsistentRead: true,
    });
  });

  it('an account not set up yet has no credential and no devices', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const account = await store().loadAccount(USER);
    expect(account).toEqual({ devices: [] });
    expect('credential' in account).toBe(false);
  });

  it('devices without a credential (setup in progress) are still returned', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ pk: `USER#${USER}`, sk: `ACCOUNT#DEVICE#${PHONE.createdAt}#dev-1`, ...PHONE }] });
    await expect(store().loadAccount(USER)).resolves.toEqual({ devices: [PHONE] });
  });
});

describe('DynamoAccountStore.recordFailure', () => {
  const NOW = new Date(AT);
  const FLOOR = '2026-11-22T02:45:00.000Z';

  it.each([
    ['password', 'failedPasswords'],
    ['otp', 'failedOtps'],
  ] as const)('adds one %s failure to the open window and returns the counter after it', async (kind, attribute) => {
    const counter = { count: 3, windowStart: '2026-11-22T02:50:00.000Z' };
    dynamo.on(UpdateCommand).resolves({ Attributes: { [attribute]: counter } });
    await expect(store().recordFailure(USER, kind, NOW)).resolves.toEqual(counter);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: `USER#${USER}`, sk: 'ACCOUNT#CREDENTIAL' },
      UpdateExpression: 'ADD #counter.#count :one',
      ConditionExpression: 'attribute_exists(pk) AND #counter.windowStart > :floor',
      ExpressionAttributeNames: { '#counter': attribute, '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':floor': FLOOR },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('starts a fresh window at 1 when no window is open (the add\'s condition failed)', async () => {
    dynamo.on(UpdateCommand, { UpdateExpression: 'ADD #counter.#count :one' }).rejects(conditionFailed());
    dynamo.on(UpdateCommand, { UpdateExpression: 'SET #counter = :fresh' }).resolves({});

    await expect(store().recordFailure(USER, 'password', NOW)).resolves.toEqual({ count: 1, windowStart: AT });
    const calls = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({
      Key: { pk: `USER#${USER}`, sk: 'ACCOUNT#CREDENTIAL' },
      // Only over a missing or stale window: never resets a window another request just opened.
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#counter) OR #counter.windowStart <= :floor)',
      ExpressionAttributeNames: { '#counter': 'failedPasswords' },
      ExpressionAttributeValues: { ':fresh': { count: 1, windowStart: AT }, ':floor': FLOOR },
    });
  });

  it('when another request opened the window first, tries again and adds to it (every failure counted once)', async () => {
    dynamo.on(UpdateCommand, { UpdateExpression: 'ADD #counter.#count :one' })
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: { failedOtps: { count: 2, windowStart: AT } } });
    dynamo.on(UpdateCommand, { UpdateExpression: 'SET #counter = :fresh' }).rejects(conditionFailed());

    await expect(store().recordFailure(USER, 'otp', NOW)).resolves.toEqual({ count: 2, windowStart: AT });
    expect(dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.UpdateExpression)).toEqual([
      'ADD #counter.#count :one', 'SET #counter = :fresh', 'ADD #counter.#count :one',
    ]);
  });

  it('gives up with CONFLICT after a bounded number of rounds', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    await expect(store().recordFailure(USER, 'password', NOW)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(10);
  });

  it('does not mistake other errors for a closed window', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    dynamo.on(UpdateCommand).rejects(throttled);
    await expect(store().recordFailure(USER, 'password', NOW)).rejects.toBe(throttled);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});

describe('DynamoAccountStore.lock', () => {
  const NOW = new Date(AT);
  const lock = { until: '2026-11-22T03:15:00.000Z', cause: 'otp' as const };
  const extra = { audit: { ...audit, action: 'LOCKED_FAILED_OTPS' }, message };

  it('writes the lock with its cause, the audit entry and the e-mail together, and says it did', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await expect(store().lock(USER, lock, NOW, extra)).resolves.toBe(true);
    const [update, auditPut, outbox] = sentItems();
    expect(update?.Update).toMatchObject({
      Key: { pk: `USER#${USER}`, sk: 'ACCOUNT#CREDENTIAL' },
      UpdateExpression: 'SET lockedUntil = :until, lockCause = :cause',
      // Not over a lock still in force: one lock, one e-mail, however many failures race.
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
      ExpressionAttributeValues: { ':until': lock.until, ':cause': 'otp', ':now': AT },
    });
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'LOCKED_FAILED_OTPS' });
    expect(outbox?.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { pk: 'OUTBOX#msg-1' } });
  });

  it('returns false when a lock is already in force (another request wrote it)', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    await expect(store().lock(USER, lock, NOW, extra)).resolves.toBe(false);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('does not swallow other failures (an outbox id collision is an error, not "already locked")', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed'));
    await expect(store().lock(USER, lock, NOW, extra)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('DynamoAccountStore: pending devices and request slots', () => {
  it('reservePendingDevice keeps the first secret offered for a link (the QR code never changes under the user)', async () => {
    const first = { deviceId: 'dev-a', sealedSecret: 'sealed-a', createdAt: AT };
    dynamo.on(UpdateCommand).resolves({ Attributes: { pendingDevice: first } });
    const candidate = { deviceId: 'dev-b', sealedSecret: 'sealed-b', createdAt: AT };
    await expect(store().reservePendingDevice(token, candidate)).resolves.toEqual(first);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `TOKEN#${token.tokenHash}`, sk: 'TOKEN' },
      UpdateExpression: 'SET pendingDevice = if_not_exists(pendingDevice, :candidate)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':candidate': candidate },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('findDeviceSetup reads consistently and returns only the setup\'s own fields', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { pk: `USER#${USER}`, sk: 'DEVICESETUP#dev-2', ttl: 1, deviceId: 'dev-2', sealedSecret: 'sealed', createdAt: AT, expiresAt: '2026-11-22T03:10:00.000Z' },
    });
    await expect(store().findDeviceSetup(USER, 'dev-2')).resolves.toEqual({ deviceId: 'dev-2', sealedSecret: 'sealed', createdAt: AT, expiresAt: '2026-11-22T03:10:00.000Z' });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `USER#${USER}`, sk: 'DEVICESETUP#dev-2' }, ConsistentRead: true });
    dynamo.on(GetCommand).resolves({});
    await expect(store().findDeviceSetup(USER, 'dev-3')).resolves.toBeUndefined();
  });

  it('claimRequestSlot: true for the request that claims it, false while one is recent', async () => {
    dynamo.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    const s = store();
    await expect(s.claimRequestSlot(USER, 'passwordResetRequestedAt', AT, '2026-11-22T02:55:00.000Z')).resolves.toBe(true);
    await expect(s.claimRequestSlot(USER, 'passwordResetRequestedAt', AT, '2026-11-22T02:55:00.000Z')).resolves.toBe(false);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      // Its own item: a user without a credential yet (disabled before setup) can still ask.
      Key: { pk: `USER#${USER}`, sk: 'ACCOUNT#REQUESTS' },
      ConditionExpression: 'attribute_not_exists(#slot) OR #slot < :notBefore',
      ExpressionAttributeNames: { '#slot': 'passwordResetRequestedAt' },
      ExpressionAttributeValues: { ':at': AT, ':notBefore': '2026-11-22T02:55:00.000Z' },
    });
  });
});

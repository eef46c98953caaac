import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../domain/errors.js';
import {
  isExhausted, lockedUntil, lockoutPolicy, windowFloor, type FailureCounter, type FailureKind, type LockState,
} from '../../domain/lockout.js';
import { keys } from '../../data/table.js';
import {
  sessionsRaced,
  type Account, type AccountChange, type AccountStore, type Credential, type LockoutStore, type OtpDevice, type PendingDevice, type RequestSlot,
} from '../../ports/accounts.js';
import type { AttemptLeases } from '../../ports/attempts.js';
import type { LinkTokenRecord } from '../../ports/links.js';
import type { AuditEntry } from '../../ports/users.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import { fromItem, guardedItems, ifConditionHolds, transactWrite, versionGuard } from './dynamo-items.js';
import { holdsLease, liveLeaseUntil, readSlot, settleHolding, takeLease, type LeaseSlot } from './dynamo-attempt-leases.js';
import {
  auditPut, consumeTokenUpdate, credentialItem, deviceItem, deviceRequestItem, deviceSetupItem, outboxItem, sessionItems, tokenItem, userItem,
} from './table-items.js';

// A transaction holds at most 100 items; sessions beyond these end right after it.
const SESSIONS_IN_TRANSACTION = 30;

const counterAttribute: Record<FailureKind, 'failedPasswords' | 'failedOtps'> = { password: 'failedPasswords', otp: 'failedOtps' };
/** The credential item's attributes holding the attempt lease of each kind. */
const attemptLease: Record<FailureKind, string> = { password: 'passwordAttemptLease', otp: 'otpAttemptLease' };

/**
 * A user's credential and OTP devices (the ACCOUNT# items of the user's partition), the pending
 * device setups, and the failure counters. An account change is one transaction with whatever
 * else it touches (link, user, session, request, audit, e-mail); each guard that can fail says
 * which error it means.
 */
export class DynamoAccountStore implements AccountStore, LockoutStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async loadAccount(userId: string): Promise<Account> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.accountPrefix },
      ConsistentRead: true,
    }));
    const items = result.Items ?? [];
    const credentialRow = items.find((item) => item.sk === keys.credential(userId).sk);
    // The attempt leases belong to the item, not the record: a credential written back must not revive one.
    const { [attemptLease.password]: _password, [attemptLease.otp]: _otp, ...credential } = credentialRow ?? {};
    // Device keys hold their creation time, so the query returns them oldest first.
    const devices = items.filter((item) => String(item.sk).startsWith(keys.devicePrefix)).map((item) => fromItem<OtpDevice>(item));
    return { ...(credentialRow ? { credential: fromItem<Credential>(credential) } : {}), devices };
  }

  async commit(change: AccountChange): Promise<void> {
    const transaction = guardedItems();
    const { add } = transaction;
    const table = this.tableName;
    const { userId } = change;

    const credential = change.credential;
    // A login and a change that ends every session meet on the credential item (see AccountChange).
    const sessionGuard = change.startSession ? change.sessionGuard : undefined;
    const seen = change.sessionsStartedSeen;
    const seenCondition = seen === undefined ? undefined : seen === 0 ? 'attribute_not_exists(sessionsStarted)' : 'sessionsStarted = :seen';
    if (credential?.replace) {
      add({ Put: { TableName: table, Item: credentialItem(credential.replace) } });
    } else if (credential || sessionGuard) {
      const set: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds: string[] = [];
      if (credential?.password) {
        set.push('passwordHash = :hash', 'passwordChangedAt = :changedAt');
        values[':hash'] = credential.password.passwordHash;
        values[':changedAt'] = credential.password.changedAt;
      }
      let condition = 'attribute_exists(pk)';
      if (credential?.expectedVersion !== undefined) {
        set.push('#version = :nextVersion');
        condition += ' AND #version = :version';
        names['#version'] = 'version';
        values[':version'] = credential.expectedVersion;
        values[':nextVersion'] = credential.expectedVersion + 1;
      }
      if (sessionGuard) {
        // The password checked for this login must still be the one in force (no reset since).
        adds.push('sessionsStarted :one');
        condition += ' AND #version = :sessionVersion';
        names['#version'] = 'version';
        values[':one'] = 1;
        values[':sessionVersion'] = sessionGuard.credentialVersion;
      }
      if (seenCondition) {
        condition += ` AND ${seenCondition}`;
        if (seen) values[':seen'] = seen;
      }
      const remove = [...(credential?.clear ?? [])];
      const expression = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '']
        .filter(Boolean).join(' ');
      if (expression) {
        add({
          Update: {
            TableName: table, Key: keys.credential(userId), UpdateExpression: expression, ConditionExpression: condition,
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          },
        }, sessionGuard ? new AppError('LOGIN_TICKET_EXPIRED') : seenCondition ? sessionsRaced() : new AppError('CONFLICT'));
      }
    }
    if (seenCondition && !credential) {
      // Nothing else touches the credential: check it (an account never set up has none, and no session).
      add({
        ConditionCheck: {
          TableName: table, Key: keys.credential(userId), ConditionExpression: seenCondition,
          ...(seen ? { ExpressionAttributeValues: { ':seen': seen } } : {}),
        },
      }, sessionsRaced());
    }
    // A session starts only for a user still ACTIVE; the stored status says which refusal applies.
    const userCheck = sessionGuard && !change.user ? transaction.items.length : undefined;
    if (sessionGuard && !change.user) {
      add({
        ConditionCheck: {
          TableName: table, Key: keys.user(userId), ConditionExpression: 'attribute_exists(pk) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':active': 'ACTIVE' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      }, new AppError('LOGIN_TICKET_EXPIRED'));
    }
    if (change.keepActive) {
      add({
        ConditionCheck: {
          TableName: table, Key: keys.user(change.keepActive), ConditionExpression: 'attribute_exists(pk) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':active': 'ACTIVE' },
        },
      }, new AppError('LAST_OPERATOR'));
    }
    for (const device of change.addDevices ?? []) {
      add({ Put: { TableName: table, Item: deviceItem(device), ConditionExpression: 'attribute_not_exists(pk)' } }, new AppError('CONFLICT'));
    }
    for (const device of change.removeDevices ?? []) {
      add({ Delete: { TableName: table, Key: keys.device(device.userId, device.createdAt, device.deviceId), ConditionExpression: 'attribute_exists(pk)' } }, new AppError('CONFLICT'));
    }
    if (change.acceptedOtp) {
      const { device, timeStep, at } = change.acceptedOtp;
      add({
        Update: {
          TableName: table,
          Key: keys.device(device.userId, device.createdAt, device.deviceId),
          UpdateExpression: 'SET lastTimeStep = :step, lastUsedAt = :at',
          // The replay guard: two requests with the same code cannot both pass.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastTimeStep) OR lastTimeStep < :step)',
          ExpressionAttributeValues: { ':step': timeStep, ':at': at },
        },
      }, new AppError('OTP_ALREADY_USED'));
    }
    if (change.consumeToken) add(consumeTokenUpdate(table, change.consumeToken, change.audit.at), new AppError('TOKEN_USED'));
    for (const token of change.tokens ?? []) add({ Put: { TableName: table, Item: tokenItem(token) } });
    if (change.user) {
      const { next, fromStatuses } = change.user;
      add({ Put: { TableName: table, Item: userItem(next), ...versionGuard(next.version, fromStatuses) } }, new AppError('CONFLICT'));
    }
    if (change.startSession) {
      for (const item of sessionItems(change.startSession)) add({ Put: { TableName: table, Item: item } });
    }
    if (change.consumeTicket) {
      add({ Delete: { TableName: table, Key: keys.loginTicket(change.consumeTicket), ConditionExpression: 'attribute_exists(pk)' } }, new AppError('LOGIN_TICKET_EXPIRED'));
    }
    if (change.consumeDeviceSetup) {
      add({ Delete: { TableName: table, Key: keys.deviceSetup(userId, change.consumeDeviceSetup), ConditionExpression: 'attribute_exists(pk)' } }, new AppError('DEVICE_SETUP_NOT_FOUND'));
    }
    const sessions = change.endSessions ?? [];
    for (const sessionHash of sessions.slice(0, SESSIONS_IN_TRANSACTION)) {
      add({ Delete: { TableName: table, Key: keys.session(sessionHash) } });
      add({ Delete: { TableName: table, Key: keys.userSession(userId, sessionHash) } });
    }
    if (change.request) {
      const { next, fromStatuses } = change.request;
      // A new request must not exist yet; a later version must follow the one read.
      const guard = next.version === 1 ? { ConditionExpression: 'attribute_not_exists(pk)' } : versionGuard(next.version, fromStatuses);
      add({ Put: { TableName: table, Item: deviceRequestItem(next), ...guard } }, new AppError('NOT_AWAITING_REVIEW'));
    }
    add(auditPut(table, change.audit));
    for (const message of change.messages ?? []) {
      add({ Put: { TableName: table, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' } });
    }

    await transactWrite(this.db, 'accountChange', transaction.items, (reasons) => {
      const user = userCheck === undefined ? undefined : reasons[userCheck];
      return user?.failed && user.item?.status === 'DISABLED' ? new AppError('ACCOUNT_DISABLED') : transaction.explain(reasons);
    });
    for (const sessionHash of sessions.slice(SESSIONS_IN_TRANSACTION)) {
      await this.db.send(new DeleteCommand({ TableName: table, Key: keys.session(sessionHash) }));
      await this.db.send(new DeleteCommand({ TableName: table, Key: keys.userSession(userId, sessionHash) }));
    }
  }

  async reservePendingDevice(token: LinkTokenRecord, candidate: PendingDevice): Promise<PendingDevice> {
    const result = await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keys.token(token.tokenHash),
      UpdateExpression: 'SET pendingDevice = if_not_exists(pendingDevice, :candidate)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':candidate': candidate },
      ReturnValues: 'ALL_NEW',
    }));
    return result.Attributes!.pendingDevice as PendingDevice;
  }

  async saveDeviceSetup(userId: string, setup: PendingDevice, expiresAt: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: deviceSetupItem(userId, setup, expiresAt) }));
  }

  async findDeviceSetup(userId: string, setupId: string): Promise<(PendingDevice & { expiresAt: string }) | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.deviceSetup(userId, setupId), ConsistentRead: true }));
    if (!result.Item) return undefined;
    const { deviceId, sealedSecret, createdAt, expiresAt } = result.Item as PendingDevice & { expiresAt: string };
    return { deviceId, sealedSecret, createdAt, expiresAt };
  }

  async claimRequestSlot(userId: string, slot: RequestSlot, at: string, notBefore: string): Promise<boolean> {
    return ifConditionHolds(this.db, new UpdateCommand({
      TableName: this.tableName,
      Key: keys.requestSlots(userId),
      UpdateExpression: 'SET #slot = :at',
      ConditionExpression: 'attribute_not_exists(#slot) OR #slot < :notBefore',
      ExpressionAttributeNames: { '#slot': slot },
      ExpressionAttributeValues: { ':at': at, ':notBefore': notBefore },
    }));
  }

  async recordFailure(userId: string, kind: FailureKind, now: Date): Promise<FailureCounter> {
    const attribute = counterAttribute[kind];
    const floor = windowFloor(now);
    // Two guarded updates: add to an open window, or start a new one. Whichever loses a race
    // simply tries again, so every failure is counted exactly once.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const added = await this.db.send(new UpdateCommand({
          TableName: this.tableName,
          Key: keys.credential(userId),
          UpdateExpression: 'ADD #counter.#count :one',
          ConditionExpression: 'attribute_exists(pk) AND #counter.windowStart > :floor',
          ExpressionAttributeNames: { '#counter': attribute, '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':floor': floor },
          ReturnValues: 'ALL_NEW',
        }));
        return added.Attributes![attribute] as FailureCounter;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const fresh: FailureCounter = { count: 1, windowStart: now.toISOString() };
      const started = await ifConditionHolds(this.db, new UpdateCommand({
        TableName: this.tableName,
        Key: keys.credential(userId),
        UpdateExpression: 'SET #counter = :fresh',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#counter) OR #counter.windowStart <= :floor)',
        ExpressionAttributeNames: { '#counter': attribute },
        ExpressionAttributeValues: { ':fresh': fresh, ':floor': floor },
      }));
      if (started) return fresh;
    }
    throw new AppError('CONFLICT', [], { internal: 'failure counter kept changing' });
  }

  async lock(userId: string, lock: { until: string; cause: FailureKind }, now: Date, extra: { audit: AuditEntry; message: OutboxMessage }): Promise<boolean> {
    try {
      await transactWrite(this.db, 'lock', [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.credential(userId),
            UpdateExpression: 'SET lockedUntil = :until, lockCause = :cause',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
            ExpressionAttributeValues: { ':until': lock.until, ':cause': lock.cause, ':now': now.toISOString() },
          },
        },
        auditPut(this.tableName, extra.audit),
        { Put: { TableName: this.tableName, Item: outboxItem(extra.message), ConditionExpression: 'attribute_not_exists(pk)' } },
      ], (reasons) => (reasons[0]?.failed ? new AppError('ACCOUNT_LOCKED') : undefined));
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'ACCOUNT_LOCKED') return false;
      throw error;
    }
  }

  attempts(userId: string, kind: FailureKind): AttemptLeases {
    const attribute = counterAttribute[kind];
    const slot: LeaseSlot = { db: this.db, tableName: this.tableName, key: keys.credential(userId), attribute: attemptLease[kind] };
    const counterNames = { '#counter': attribute, '#count': 'count' };
    const countIn = (item: Record<string, unknown>, now: Date) => {
      const counter = item[attribute] as FailureCounter | undefined;
      return counter && counter.windowStart > windowFloor(now) ? counter.count : 0;
    };
    return {
      take: async (lease, now) => {
        // Only this kind's lock stops this kind's tries: a password may still be tried under an OTP lock (bounded by its own counter).
        const taken = await takeLease(slot, lease, now, {
          condition: 'attribute_exists(pk) AND NOT (lockCause = :kind AND lockedUntil > :now)'
            + ' AND (attribute_not_exists(#counter) OR #counter.windowStart <= :floor OR #counter.#count < :max)',
          names: counterNames,
          values: { ':kind': kind, ':now': now.toISOString(), ':floor': windowFloor(now), ':max': lockoutPolicy.maxFailures },
        });
        if (taken) return { admitted: true, failures: countIn(taken, now) };
        const current = await readSlot(slot);
        if (!current) return { admitted: false, reason: 'GONE' };
        const state = fromItem<LockState>(current);
        const lockInForce = state.lockedUntil !== undefined && state.lockedUntil > now.toISOString();
        if ((lockInForce && state.lockCause === kind) || isExhausted(state[attribute], now)) {
          const until = lockedUntil(state, now);
          return { admitted: false, reason: 'LOCKED', lockWritten: lockInForce, ...(until ? { lockedUntil: until.toISOString() } : {}) };
        }
        return { admitted: false, reason: 'BUSY', leaseUntil: liveLeaseUntil(current, slot.attribute, now) ?? now.toISOString() };
      },
      settle: async (lease, outcome, now) => {
        if (outcome !== 'WRONG') {
          // A right password or code leaves the counters to the login that completes (it clears both).
          const after = await settleHolding(slot, lease.leaseId, { condition: 'attribute_exists(pk)' });
          return after ? countIn(after, now) : 0;
        }
        const floor = windowFloor(now);
        for (let attempt = 0; attempt < 5; attempt++) {
          const added = await settleHolding(slot, lease.leaseId, {
            add: ['#counter.#count :one'], condition: 'attribute_exists(pk) AND #counter.windowStart > :floor', names: counterNames, values: { ':one': 1, ':floor': floor },
          });
          if (added) return countIn(added, now);
          const fresh: FailureCounter = { count: 1, windowStart: now.toISOString() };
          const started = await settleHolding(slot, lease.leaseId, {
            set: ['#counter = :fresh'],
            condition: 'attribute_exists(pk) AND (attribute_not_exists(#counter) OR #counter.windowStart <= :floor)',
            names: { '#counter': attribute },
            values: { ':fresh': fresh, ':floor': floor },
          });
          if (started) return 1;
          // The lease lapsed and is not this try's any more: the guess was tested, so count it all the same.
          if (!holdsLease(await readSlot(slot), slot.attribute, lease.leaseId)) return (await this.recordFailure(userId, kind, now)).count;
        }
        throw new AppError('CONFLICT', [], { internal: 'failure counter kept changing' });
      },
    };
  }
}

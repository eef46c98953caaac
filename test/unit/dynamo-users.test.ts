import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoTenantDirectory } from '../../shared/adapters/aws/dynamo-tenants.js';
import { DynamoUserDirectory } from '../../shared/adapters/aws/dynamo-users.js';
import { AppError } from '../../shared/domain/errors.js';
import type { Registration } from '../../shared/ports/users.js';

const TABLE = 'tte-test';
const dynamo = mockClient(DynamoDBDocumentClient);
const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
const directory = () => new DynamoUserDirectory(client(), TABLE);
const tenants = () => new DynamoTenantDirectory(client(), TABLE);

const registration: Registration = {
  user: {
    userId: 'user-1',
    tenantId: 'tenant-a',
    role: 'USER',
    fullName: 'Siti Aminah',
    email: 'siti@sultengprov.go.id',
    status: 'INVITED',
    createdAt: '2026-11-22T03:00:00.000Z',
    updatedAt: '2026-11-22T03:00:00.000Z',
    createdBy: 'verifier-1',
    activationTokenHash: 'a'.repeat(64),
    activationExpiresAt: '2026-11-23T03:00:00.000Z',
    version: 1,
  },
  token: {
    tokenHash: 'a'.repeat(64),
    purpose: 'activate',
    userId: 'user-1',
    tenantId: 'tenant-a',
    createdAt: '2026-11-22T03:00:00.000Z',
    expiresAt: '2026-11-23T03:00:00.000Z',
  },
  audit: { auditId: 'audit-1', at: '2026-11-22T03:00:00.000Z', actorId: 'verifier-1', actorRole: 'VERIFIER', tenantId: 'tenant-a', subject: { userId: 'user-1' }, action: 'USER_REGISTERED', status: 'INVITED' },
  message: {
    messageId: 'msg-1',
    template: 'activation',
    to: 'siti@sultengprov.go.id',
    data: { fullName: 'Siti Aminah', tenantName: 'Diskominfo', expiresAt: '2026-11-23T03:00:00.000Z' },
    sealedData: 'c2VhbGVk',
    createdAt: '2026-11-22T03:00:00.000Z',
  },
};

/** A cancelled transaction as DynamoDB reports it: one reason per item, in order. */
const cancelled = (...codes: string[]) => new TransactionCanceledException({
  message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  $metadata: {},
  CancellationReasons: codes.map((Code) => ({ Code })),
});

beforeEach(() => dynamo.reset());

describe('DynamoUserDirectory.register', () => {
  it('writes user, e-mail claim, token, audit and outbox message in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await directory().register(registration);

    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(5);
    const [user, email, token, audit, outbox] = items;

    expect(user?.Put).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'USER#user-1', sk: 'PROFILE', gsi1pk: 'TENANT#tenant-a#STATUS#INVITED', email: 'siti@sultengprov.go.id' },
    });
    expect(email?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'EMAIL#siti@sultengprov.go.id', sk: 'UNIQUE', userId: 'user-1', tenantId: 'tenant-a' },
    });
    expect(token?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `TOKEN#${'a'.repeat(64)}`, sk: 'TOKEN', purpose: 'activate' },
    });
    // The token item expires (DynamoDB TTL) some time after the link does, never before.
    expect(token?.Put?.Item?.ttl).toBeGreaterThan(Date.parse('2026-11-23T03:00:00.000Z') / 1000);
    expect(audit?.Put?.Item).toMatchObject({ pk: 'USER#user-1', sk: 'AUDIT#2026-11-22T03:00:00.000Z#audit-1', action: 'USER_REGISTERED' });
    expect(outbox?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'OUTBOX#msg-1', sk: 'OUTBOX', status: 'PENDING', attempts: 0, gsi1pk: 'OUTBOX#PENDING' },
    });
    // Nothing is billed until the approval (USER_APPROVED).
    expect(items.some((item) => item.Update)).toBe(false);
  });

  it('reports a taken e-mail address as EMAIL_ALREADY_REGISTERED', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None'));
    const failure = await directory().register(registration).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED', status: 409 });
    // A lost condition is final: no retry.
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('reports any other cancelled item (e.g. a user id collision) as CONFLICT', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None'));
    await expect(directory().register(registration)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
  });

  it('retries a transaction that conflicted with another one in flight, then succeeds', async () => {
    dynamo.on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict', 'None', 'None', 'None', 'None'))
      .resolves({});

    await expect(directory().register(registration)).resolves.toBeUndefined();
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    const [first, second] = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
    expect(second).toEqual(first);
  });

  it('retries a conflict and then reports the e-mail taken if the other transaction won', async () => {
    dynamo.on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict', 'None', 'None', 'None', 'None'))
      .rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None'));

    await expect(directory().register(registration)).rejects.toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED' });
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('gives up after a bounded number of conflicts with CONFLICT', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None', 'None', 'None', 'None'));
    await expect(directory().register(registration)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(dynamo.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(dynamo.commandCalls(TransactWriteCommand).length).toBeLessThanOrEqual(5);
  });

  it('passes errors that are not cancellations through unchanged', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    dynamo.on(TransactWriteCommand).rejects(throttled);
    await expect(directory().register(registration)).rejects.toBe(throttled);
  });
});

describe('DynamoTenantDirectory lookups', () => {
  it('finds an API key by its hash and returns the record without storage keys', async () => {
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: 'APIKEY#hash-1', sk: 'APIKEY' } }).resolves({
      Item: { pk: 'APIKEY#hash-1', sk: 'APIKEY', keyHash: 'hash-1', actorId: 'v-1', role: 'VERIFIER', tenantId: 't', label: 'x', createdAt: 'now' },
    });
    await expect(tenants().findApiKey('hash-1')).resolves.toEqual({
      keyHash: 'hash-1', actorId: 'v-1', role: 'VERIFIER', tenantId: 't', label: 'x', createdAt: 'now',
    });
  });

  it('answers undefined for an unknown key', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(tenants().findApiKey('nope')).resolves.toBeUndefined();
  });
});

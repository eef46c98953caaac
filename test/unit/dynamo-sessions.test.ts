import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import type { LoginTicket, SessionRecord } from '../../shared/ports/accounts.js';

const TABLE = 'tte-test';
const dynamo = mockClient(DynamoDBDocumentClient);
const store = () => new DynamoSessionStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);

const HASH = 'a'.repeat(64);
const session: SessionRecord = {
  sessionHash: HASH, userId: 'user-1', tenantId: 'tenant-a', role: 'USER', csrfToken: 'csrf-1',
  createdAt: '2026-11-22T03:00:00.000Z', lastSeenAt: '2026-11-22T03:00:00.000Z',
  idleExpiresAt: '2026-11-22T03:30:00.000Z', absoluteExpiresAt: '2026-11-22T15:00:00.000Z',
};

beforeEach(() => dynamo.reset());

describe('DynamoSessionStore.findSession', () => {
  it('gets the session by the hash of its token and returns the record without storage keys', async () => {
    dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: `SESSION#${HASH}`, sk: 'SESSION' } }).resolves({
      Item: { pk: `SESSION#${HASH}`, sk: 'SESSION', ttl: 1_795_000_000, ...session },
    });
    await expect(store().findSession(HASH)).resolves.toEqual(session);
  });

  it('answers undefined for an unknown (or ended) session', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(store().findSession('b'.repeat(64))).resolves.toBeUndefined();
  });
});

describe('DynamoSessionStore.touchSession', () => {
  it('slides the idle end of an existing session only', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await store().touchSession(HASH, '2026-11-22T03:05:00.000Z', '2026-11-22T03:35:00.000Z');
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: `SESSION#${HASH}`, sk: 'SESSION' },
      UpdateExpression: 'SET lastSeenAt = :seen, idleExpiresAt = :idle',
      // Without it an update would recreate an ended session as a fragment.
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':seen': '2026-11-22T03:05:00.000Z', ':idle': '2026-11-22T03:35:00.000Z' },
    });
  });

  it('a session ended meanwhile stays ended, and the request goes on without an error', async () => {
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(store().touchSession(HASH, '2026-11-22T03:05:00.000Z', '2026-11-22T03:35:00.000Z')).resolves.toBeUndefined();
  });

  it('other failures are not swallowed', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    dynamo.on(UpdateCommand).rejects(throttled);
    await expect(store().touchSession(HASH, '2026-11-22T03:05:00.000Z', '2026-11-22T03:35:00.000Z')).rejects.toBe(throttled);
  });
});

describe('DynamoSessionStore.listUserSessions', () => {
  it('reads every page of the user\'s session pointers, consistently, and returns their hashes', async () => {
    const firstPageEnd = { pk: 'USER#user-1', sk: 'SESSION#h2' };
    dynamo.on(QueryCommand)
      .resolvesOnce({ Items: [{ sessionHash: 'h1' }, { sessionHash: 'h2' }], LastEvaluatedKey: firstPageEnd })
      .resolvesOnce({ Items: [{ sessionHash: 'h3' }] });

    await expect(store().listUserSessions('user-1')).resolves.toEqual(['h1', 'h2', 'h3']);
    const inputs = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input).toMatchObject({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'USER#user-1', ':prefix': 'SESSION#' },
        ProjectionExpression: 'sessionHash',
        // A session started just before "end all sessions" must not be missed.
        ConsistentRead: true,
      });
    }
    expect(inputs[0]?.ExclusiveStartKey).toBeUndefined();
    expect(inputs[1]?.ExclusiveStartKey).toEqual(firstPageEnd);
  });

  it('a user without sessions has none (one query)', async () => {
    dynamo.on(QueryCommand).resolves({});
    await expect(store().listUserSessions('user-1')).resolves.toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
  });
});

describe('DynamoSessionStore: logout and login tickets', () => {
  it('endSession deletes the session and its pointer together', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().endSession('user-1', HASH);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(TransactWriteCommand, {
      TransactItems: [
        { Delete: { TableName: TABLE, Key: { pk: `SESSION#${HASH}`, sk: 'SESSION' } } },
        { Delete: { TableName: TABLE, Key: { pk: 'USER#user-1', sk: `SESSION#${HASH}` } } },
      ],
    });
  });

  it('a login ticket is stored by its hash and expires with it (TTL)', async () => {
    const ticket: LoginTicket = { ticketHash: 't'.repeat(64), userId: 'user-1', createdAt: '2026-11-22T03:00:00.000Z', expiresAt: '2026-11-22T03:05:00.000Z' };
    dynamo.on(PutCommand).resolves({});
    await store().issueTicket(ticket);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: { pk: `LOGIN#${'t'.repeat(64)}`, sk: 'TICKET', ...ticket, ttl: Date.parse(ticket.expiresAt) / 1000 },
    });

    dynamo.on(GetCommand, { Key: { pk: `LOGIN#${'t'.repeat(64)}`, sk: 'TICKET' } }).resolves({
      Item: { pk: `LOGIN#${'t'.repeat(64)}`, sk: 'TICKET', ttl: 1, ...ticket },
    });
    await expect(store().findTicket('t'.repeat(64))).resolves.toEqual(ticket);
    dynamo.on(GetCommand).resolves({});
    await expect(store().findTicket('u'.repeat(64))).resolves.toBeUndefined();
  });
});

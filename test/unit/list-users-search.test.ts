import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { listUsers } from '../../functions/enrollment/use-cases/list-users.js';
import { DynamoUserDirectory } from '../../shared/adapters/aws/dynamo-users.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { UserRecord } from '../../shared/ports/users.js';

const TABLE = 'tte-test';
const dynamo = mockClient(DynamoDBDocumentClient);
const directory = () => new DynamoUserDirectory(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);
const tenantUsers = 'TENANT#tenant-a#USERS';

/** A user item as the table holds it (keys of the table and of both indexes). */
function item(n: number, fields: Partial<UserRecord> = {}) {
  const userId = `user-${n}`;
  const createdAt = `2026-11-${String(1 + (n % 28)).padStart(2, '0')}T03:00:00.000Z`;
  return {
    pk: `USER#${userId}`, sk: 'PROFILE',
    gsi1pk: 'TENANT#tenant-a#STATUS#INVITED', gsi1sk: `${createdAt}#${userId}`,
    gsi2pk: tenantUsers, gsi2sk: `${createdAt}#${userId}`,
    userId, tenantId: 'tenant-a', role: 'USER', fullName: `Pegawai Nomor ${n}`, email: `pegawai${n}@contoh.go.id`,
    status: 'INVITED', createdAt, updatedAt: createdAt, createdBy: 'verifier-1', version: 1,
    ...fields,
  };
}
const keyOf = (entry: ReturnType<typeof item>) => ({ pk: entry.pk, sk: entry.sk, gsi2pk: entry.gsi2pk, gsi2sk: entry.gsi2sk });
const cursorOf = (key: Record<string, string>) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const decoded = (cursor: string | null) => (cursor === null ? null : JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, string>);

beforeEach(() => dynamo.reset());

describe('DynamoUserDirectory.listUsers with a search', () => {
  it('filters the tenant Query by name, KTP name or e-mail, ignoring case; never a Scan', async () => {
    const budi = item(1, { fullName: 'BUDI SANTOSO' });
    const siti = item(2, { fullName: 'Siti', identity: { fullName: 'Siti Santika' } as UserRecord['identity'] });
    const ani = item(3, { fullName: 'Ani Wijaya', email: 'ani.santo@contoh.go.id' });
    const other = item(4, { fullName: 'Rina Wati' });
    dynamo.on(QueryCommand).resolves({ Items: [budi, siti, ani, other] });

    const page = await directory().listUsers({ tenantId: 'tenant-a', limit: 25, search: 'Sant' });

    expect(page.items.map((user) => user.userId)).toEqual(['user-1', 'user-2', 'user-3']);
    expect(page.nextCursor).toBeNull();
    expect(dynamo).toHaveReceivedCommandTimes(ScanCommand, 0);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: TABLE, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': tenantUsers },
      ScanIndexForward: false, Limit: 100,
    });
  });

  it('searches one status on its own index partition', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await directory().listUsers({ tenantId: 'tenant-a', status: 'AWAITING_REVIEW', limit: 25, search: 'budi' });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'TENANT#tenant-a#STATUS#AWAITING_REVIEW' }, ScanIndexForward: true,
    });
  });

  it('reads on until the page is full, and the next page starts after the last user given', async () => {
    const first = [item(1), item(2, { fullName: 'Dewi Lestari' }), item(3)];
    const second = [item(4), item(5, { fullName: 'Dewi Kartika' }), item(6, { fullName: 'Dewi Sartika' }), item(7)];
    dynamo.on(QueryCommand)
      .resolvesOnce({ Items: first, LastEvaluatedKey: keyOf(first[2]!) })
      .resolvesOnce({ Items: second, LastEvaluatedKey: keyOf(second[3]!) });

    const page = await directory().listUsers({ tenantId: 'tenant-a', limit: 2, search: 'dewi' });

    expect(page.items.map((user) => user.fullName)).toEqual(['Dewi Lestari', 'Dewi Kartika']);
    expect(decoded(page.nextCursor)).toEqual(keyOf(second[1]!));
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual(keyOf(first[2]!));

    dynamo.reset();
    dynamo.on(QueryCommand).resolves({ Items: [second[2]!, second[3]!] });
    const next = await directory().listUsers({ tenantId: 'tenant-a', limit: 2, search: 'dewi', cursor: page.nextCursor! });
    expect(next.items.map((user) => user.fullName)).toEqual(['Dewi Sartika']);
    expect(next.nextCursor).toBeNull();
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExclusiveStartKey: keyOf(second[1]!) });
  });

  it('stops after 500 users read: the page holds fewer than the limit, even none, and says where to go on', async () => {
    const batches = Array.from({ length: 6 }, (_, batch) => Array.from({ length: 100 }, (_, index) => item(batch * 100 + index)));
    const query = dynamo.on(QueryCommand);
    for (const batch of batches) query.resolvesOnce({ Items: batch, LastEvaluatedKey: keyOf(batch.at(-1)!) });

    const page = await directory().listUsers({ tenantId: 'tenant-a', limit: 25, search: 'nobody by this name' });

    expect(page.items).toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 5);
    expect(decoded(page.nextCursor)).toEqual(keyOf(batches[4]!.at(-1)!));
  });

  it('keeps the plain list as it was: one Query of `limit` items', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [item(1)], LastEvaluatedKey: keyOf(item(1)) });
    const page = await directory().listUsers({ tenantId: 'tenant-a', limit: 1, cursor: cursorOf(keyOf(item(9))) });
    expect(page.items).toHaveLength(1);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: TABLE, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': tenantUsers },
      ScanIndexForward: false, Limit: 1, ExclusiveStartKey: keyOf(item(9)),
    });
  });
});

describe('listUsers (use case) with q', () => {
  const actor: Actor = { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-a' };
  const user = (fields: Partial<UserRecord> = {}) => item(1, { fullName: 'Ani Wijaya', email: 'ani.wijaya@contoh.go.id', ...fields }) as unknown as UserRecord;
  const fakeUsers = (found: UserRecord | undefined) => ({
    findUserIdByEmail: vi.fn(async (email: string) => (found && found.email === email ? found.userId : undefined)),
    findUser: vi.fn(async () => found),
    listUsers: vi.fn(async () => ({ items: [] as UserRecord[], nextCursor: null })),
  });

  it('looks a whole e-mail address up exactly, without reading the list', async () => {
    const users = fakeUsers(user());
    const page = await listUsers(users, { actor, limit: 25, q: '  Ani.Wijaya@Contoh.go.id ' });
    expect(page).toEqual({ items: [expect.objectContaining({ userId: 'user-1', fullName: 'Ani Wijaya' })], nextCursor: null });
    expect(users.findUserIdByEmail).toHaveBeenCalledWith('ani.wijaya@contoh.go.id');
    expect(users.listUsers).not.toHaveBeenCalled();
  });

  it('gives nothing for an address found in another status than the one asked', async () => {
    const users = fakeUsers(user());
    expect(await listUsers(users, { actor, status: 'ACTIVE', limit: 25, q: 'ani.wijaya@contoh.go.id' })).toEqual({ items: [], nextCursor: null });
  });

  it("never shows another tenant's user: the search then runs in the caller's tenant only", async () => {
    const users = fakeUsers(user({ tenantId: 'tenant-b' }));
    await listUsers(users, { actor, limit: 25, q: 'ani.wijaya@contoh.go.id' });
    expect(users.listUsers).toHaveBeenCalledWith({ tenantId: 'tenant-a', status: undefined, limit: 25, cursor: undefined, search: 'ani.wijaya@contoh.go.id' });
  });

  it('falls back to the filtered list for an address without a claim (a rejected applicant)', async () => {
    const users = fakeUsers(undefined);
    await listUsers(users, { actor, limit: 25, q: 'rina.wati@contoh.go.id' });
    expect(users.listUsers).toHaveBeenCalledWith(expect.objectContaining({ search: 'rina.wati@contoh.go.id' }));
  });

  it('passes other text on as a search, spaces tidied; blank text is no search', async () => {
    const users = fakeUsers(undefined);
    await listUsers(users, { actor, status: 'INVITED', limit: 10, q: '  budi   san ' });
    expect(users.listUsers).toHaveBeenLastCalledWith({ tenantId: 'tenant-a', status: 'INVITED', limit: 10, cursor: undefined, search: 'budi san' });
    await listUsers(users, { actor, limit: 10, q: '   ' });
    expect(users.listUsers).toHaveBeenLastCalledWith({ tenantId: 'tenant-a', status: undefined, limit: 10, cursor: undefined });
    expect(users.findUserIdByEmail).not.toHaveBeenCalled();
  });
});

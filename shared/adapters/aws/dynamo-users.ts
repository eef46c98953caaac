import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { UserListing } from '../../domain/user.js';
import { indexKeys, keys } from '../../data/table.js';
import type { LinkTokenRecord } from '../../ports/links.js';
import type { Page, Registration, UserChange, UserDirectory, UserRecord } from '../../ports/users.js';
import { decodeCursor, encodeCursor, fromItem, transactWrite, versionGuard } from './dynamo-items.js';
import { addressedTo, auditPut, billedTo, outboxItem, tokenItem, usageIncrement, userItem } from './table-items.js';
import { queryTrail, userTrail } from './dynamo-audit.js';
import { personalDataReads } from '../../audit.js';

// A user's page shows this many of their latest changes; the audit trail has them all.
const HISTORY_ENTRIES = 100;

// A search reads the tenant's users in Query pages of this size, and at most this many per request.
const SEARCH_PAGE_ITEMS = 100;
const SEARCH_MAX_ITEMS = 500;

/** Text as the search compares it: one form of each letter, lower case, single spaces. */
const searchable = (text: string) => text.normalize('NFC').toLowerCase().trim().replace(/\s+/g, ' ');

/** Whether the registered name, the name on the KTP or the e-mail address contains the text. */
function matchesSearch(item: Record<string, unknown>, needle: string): boolean {
  const identity = item.identity as { fullName?: unknown } | undefined;
  return [item.fullName, identity?.fullName, item.email].some((value) => typeof value === 'string' && searchable(value).includes(needle));
}

/** Users with their link tokens, audit trail and e-mails: the records every user change writes. */
export class DynamoUserDirectory implements UserDirectory {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findUser(userId: string): Promise<UserRecord | undefined> {
    return this.get<UserRecord>(keys.user(userId));
  }

  async findToken(tokenHash: string): Promise<LinkTokenRecord | undefined> {
    return this.get<LinkTokenRecord>(keys.token(tokenHash));
  }

  async findUserIdByEmail(email: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.emailUnique(email) }));
    return result.Item?.userId as string | undefined;
  }

  async findUserIdByNikIndex(nikIndex: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.nikUnique(nikIndex) }));
    return result.Item?.userId as string | undefined;
  }

  async findUserWithHistory(userId: string) {
    // The profile and its latest changes side by side; reads of the person's data by others are
    // in the audit trail, not in this history.
    const [user, changes] = await Promise.all([
      this.findUser(userId),
      queryTrail(this.db, this.tableName, userTrail(userId), { limit: HISTORY_ENTRIES }, { excludeActions: personalDataReads }),
    ]);
    return user ? { user, history: changes.items.reverse() } : undefined;
  }

  async listUsers(query: { tenantId: string; status?: UserListing; limit: number; cursor?: string; search?: string }): Promise<Page<UserRecord>> {
    const byStatus = query.status !== undefined;
    const partition = byStatus
      ? indexKeys.usersByStatus(query.tenantId, query.status!, '', '').gsi1pk
      : indexKeys.usersOfTenant(query.tenantId, '', '').gsi2pk;
    const [indexName, pkName, skName] = byStatus ? ['gsi1', 'gsi1pk', 'gsi1sk'] : ['gsi2', 'gsi2pk', 'gsi2sk'];
    const cursorKeys = ['pk', 'sk', pkName, skName];
    const queryPage = (limit: number, startKey: Record<string, unknown> | undefined) => this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${pkName} = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
      // The review queue is oldest first (first come, first served); the full list newest first.
      ScanIndexForward: byStatus,
      Limit: limit,
      ExclusiveStartKey: startKey,
    }));
    const startKey = decodeCursor(query.cursor, { attribute: pkName, value: partition, keys: cursorKeys });
    if (query.search === undefined) {
      const page = await queryPage(query.limit, startKey);
      return { items: (page.Items ?? []).map((item) => fromItem<UserRecord>(item)), nextCursor: encodeCursor(page.LastEvaluatedKey) };
    }

    // Search: the same Query over the tenant's partition, filtered. A FilterExpression compares
    // case-sensitively and names keep the case they were typed in, so the filter runs here on the
    // Query's pages instead (the same items are read and paid for either way). The Query reads on
    // until `limit` users match or SEARCH_MAX_ITEMS were read, so a page may hold fewer than
    // `limit` users, even none, and still have a next page: never a Scan, and bounded.
    const needle = searchable(query.search);
    const matches: Record<string, unknown>[] = [];
    let next = startKey;
    let read = 0;
    do {
      const page = await queryPage(Math.min(SEARCH_PAGE_ITEMS, SEARCH_MAX_ITEMS - read), next);
      const items = page.Items ?? [];
      read += items.length;
      next = page.LastEvaluatedKey;
      for (const [index, item] of items.entries()) {
        if (!matchesSearch(item, needle)) continue;
        matches.push(item);
        if (matches.length === query.limit) {
          // Full: the next page starts after this user (unless it was the partition's last).
          const last = index === items.length - 1 && !next;
          return {
            items: matches.map((match) => fromItem<UserRecord>(match)),
            nextCursor: last ? null : encodeCursor(Object.fromEntries(cursorKeys.map((name) => [name, item[name]]))),
          };
        }
      }
    } while (next && read < SEARCH_MAX_ITEMS);
    return { items: matches.map((match) => fromItem<UserRecord>(match)), nextCursor: encodeCursor(next) };
  }

  async register(registration: Registration): Promise<void> {
    const { user, token, audit, message, notices = [] } = registration;
    await transactWrite(this.db, 'register', [
      { Put: { TableName: this.tableName, Item: userItem(user), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.emailUnique(user.email), userId: user.userId, tenantId: user.tenantId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(token ? [{ Put: { TableName: this.tableName, Item: tokenItem(token), ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
      auditPut(this.tableName, audit),
      ...[...(message ? [message] : []), ...notices].map((mail) => ({
        Put: { TableName: this.tableName, Item: outboxItem(billedTo(addressedTo(mail, user), user.tenantId)), ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    ], (reasons) => (reasons[1]?.failed ? new AppError('EMAIL_ALREADY_REGISTERED') : undefined));
  }

  async commitUserChange(change: UserChange): Promise<void> {
    const { user, tokens = [], audit, messages = [], fromStatuses, releaseClaims = {}, usage, closesApplication } = change;
    // Claims are released only while they are still this user's.
    const release = (key: { pk: string; sk: string }) => ({
      Delete: { TableName: this.tableName, Key: key, ConditionExpression: 'attribute_not_exists(pk) OR userId = :me', ExpressionAttributeValues: { ':me': user.userId } },
    });
    await transactWrite(this.db, 'userChange', [
      { Put: { TableName: this.tableName, Item: userItem(user), ...versionGuard(user.version, fromStatuses) } },
      // Tokens are written whole (not updated) so a revocation holds even if the item expired.
      ...tokens.map((token) => ({ Put: { TableName: this.tableName, Item: tokenItem(token) } })),
      auditPut(this.tableName, audit),
      ...messages.map((message) => ({
        Put: { TableName: this.tableName, Item: outboxItem(billedTo(addressedTo(message, user), user.tenantId)), ConditionExpression: 'attribute_not_exists(pk)' },
      })),
      ...(releaseClaims.email ? [release(keys.emailUnique(releaseClaims.email))] : []),
      ...(releaseClaims.nikIndex ? [release(keys.nikUnique(releaseClaims.nikIndex))] : []),
      ...(usage ? [usageIncrement(this.tableName, usage.tenantId, usage.event, usage.at, usage.quantity)] : []),
      ...(closesApplication ? [{
        Put: { TableName: this.tableName, Item: { ...keys.closedApplication(user.updatedAt, user.userId), userId: user.userId, tenantId: user.tenantId, closedAt: user.updatedAt } },
      }] : []),
    ], (reasons) => (reasons[0]?.failed ? new AppError('CONFLICT') : undefined));
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return result.Item ? fromItem<T>(result.Item) : undefined;
  }
}

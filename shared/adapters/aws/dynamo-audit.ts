import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import { AppError } from '../../domain/errors.js';
import type { AuditEntry, AuditRange, AuditTrail } from '../../ports/audit.js';
import type { Page } from '../../ports/users.js';
import { decodeCursor, encodeCursor, fromItem } from './dynamo-items.js';
import { auditItem } from './table-items.js';

/** Where a trail is read: a partition (or an index partition) and the sort keys of its audit items. */
export interface TrailLocation {
  indexName?: 'gsi2';
  pkName: 'pk' | 'gsi2pk';
  skName: 'sk' | 'gsi2sk';
  partition: string;
  /** What every audit item's sort key starts with there, before its time. */
  skPrefix: string;
  /** The attributes of a page's last key there. */
  cursorKeys: readonly string[];
}

export const userTrail = (userId: string): TrailLocation => ({
  pkName: 'pk', skName: 'sk', partition: keys.userPartition(userId), skPrefix: keys.auditPrefix, cursorKeys: ['pk', 'sk'],
});

export const serviceTrail = (service: string): TrailLocation => ({
  pkName: 'pk', skName: 'sk', partition: keys.servicePartition(service), skPrefix: keys.auditPrefix, cursorKeys: ['pk', 'sk'],
});

export const tenantTrail = (tenantId: string): TrailLocation => ({
  indexName: 'gsi2', pkName: 'gsi2pk', skName: 'gsi2sk', partition: indexKeys.auditOfTenant(tenantId, '', '').gsi2pk, skPrefix: '', cursorKeys: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
});

// A filtered page (one action, one tenant, changes only) reads the trail in Query pages of this
// size, and at most this many entries per request: a page may then hold fewer entries than asked
// for, even none, and still have a next page. Never a Scan, and bounded.
const FILTERED_PAGE_ITEMS = 100;
const FILTERED_MAX_ITEMS = 1000;

// Times are ISO instants (digits first): '0' sorts before and '~' after every one of them.
const LOWEST = '0';
const HIGHEST = '~';

export interface TrailFilter {
  /** Only entries whose subject was in this tenant when they were made. */
  tenantId?: string;
  /** Only entries of this action. */
  action?: string;
  /** Leave these actions out. */
  excludeActions?: readonly string[];
}

/**
 * One page of a trail, newest first, between `from` (inclusive) and `before` (exclusive). A cursor
 * is accepted only for the same trail and within the same time range, so a forged or stale one is
 * a 422, never a DynamoDB error.
 */
export async function queryTrail(db: DynamoDBDocumentClient, tableName: string, where: TrailLocation, range: AuditRange, filter: TrailFilter = {}): Promise<Page<AuditEntry>> {
  const lower = `${where.skPrefix}${range.from ?? LOWEST}`;
  const upper = `${where.skPrefix}${range.before ?? HIGHEST}`;
  const startKey = decodeCursor(range.cursor, { attribute: where.pkName, value: where.partition, keys: where.cursorKeys });
  const resumeAt = startKey?.[where.skName];
  if (resumeAt !== undefined && (resumeAt < lower || resumeAt > upper)) {
    throw new AppError('VALIDATION_FAILED', [{ field: 'cursor', code: 'CURSOR_INVALID' }]);
  }

  const conditions: string[] = [];
  const names: Record<string, string> = { '#pk': where.pkName, '#sk': where.skName };
  const values: Record<string, unknown> = { ':pk': where.partition, ':lower': lower, ':upper': upper };
  if (filter.tenantId !== undefined) {
    conditions.push('#tenantId = :tenantId');
    names['#tenantId'] = 'tenantId';
    values[':tenantId'] = filter.tenantId;
  }
  if (filter.action !== undefined) {
    conditions.push('#action = :action');
    names['#action'] = 'action';
    values[':action'] = filter.action;
  }
  if (filter.excludeActions?.length) {
    const placeholders = filter.excludeActions.map((action, index) => {
      values[`:excluded${index}`] = action;
      return `:excluded${index}`;
    });
    conditions.push(`NOT (#action IN (${placeholders.join(', ')}))`);
    names['#action'] = 'action';
  }
  const filtered = conditions.length > 0;
  const query = (limit: number, exclusiveStartKey: Record<string, unknown> | undefined) => db.send(new QueryCommand({
    TableName: tableName,
    ...(where.indexName ? { IndexName: where.indexName } : {}),
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
    ...(filtered ? { FilterExpression: conditions.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: limit,
    ExclusiveStartKey: exclusiveStartKey,
  }));

  if (!filtered) {
    const page = await query(range.limit, startKey);
    return { items: (page.Items ?? []).map((item) => fromItem<AuditEntry>(item)), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }

  const matches: Record<string, unknown>[] = [];
  let next: Record<string, unknown> | undefined = startKey;
  let read = 0;
  do {
    const page = await query(Math.min(FILTERED_PAGE_ITEMS, FILTERED_MAX_ITEMS - read), next);
    read += page.ScannedCount ?? 0;
    next = page.LastEvaluatedKey;
    const items = page.Items ?? [];
    for (const [index, item] of items.entries()) {
      matches.push(item);
      if (matches.length === range.limit) {
        // Full: the next page starts after this entry (unless it was the trail's last).
        const last = index === items.length - 1 && !next;
        return {
          items: matches.map((match) => fromItem<AuditEntry>(match)),
          nextCursor: last ? null : encodeCursor(Object.fromEntries(where.cursorKeys.map((name) => [name, item[name]]))),
        };
      }
    }
  } while (next && read < FILTERED_MAX_ITEMS);
  return { items: matches.map((match) => fromItem<AuditEntry>(match)), nextCursor: encodeCursor(next) };
}

/** The audit trail in the single table: entries in their subject's partition and the tenant index. */
export class DynamoAuditTrail implements AuditTrail {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: auditItem(entry), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async listTenantTrail(query: AuditRange & { tenantId: string }): Promise<Page<AuditEntry>> {
    return queryTrail(this.db, this.tableName, tenantTrail(query.tenantId), query, { ...(query.action ? { action: query.action } : {}) });
  }

  async listServiceTrail(query: AuditRange & { service: string }): Promise<Page<AuditEntry>> {
    return queryTrail(this.db, this.tableName, serviceTrail(query.service), query, { ...(query.action ? { action: query.action } : {}) });
  }

  async listUserTrail(query: AuditRange & { userId: string; tenantId?: string }): Promise<Page<AuditEntry>> {
    return queryTrail(this.db, this.tableName, userTrail(query.userId), query, {
      ...(query.action ? { action: query.action } : {}),
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
    });
  }
}

import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import type { DataChangeOrigin, DataChangeStatus } from '../../domain/data-changes.js';
import { AppError } from '../../domain/errors.js';
import type { DataChangeRequest, DataChangeStore, DataChangeWrite } from '../../ports/data-changes.js';
import type { Page } from '../../ports/users.js';
import { decodeCursor, encodeCursor, fromItem, type guardedItems, versionGuard } from './dynamo-items.js';
import { userItem } from './table-items.js';

/** A data change: in its tenant's queue of its side and status, and in its user's list. */
export function dataChangeItem(request: DataChangeRequest) {
  return {
    ...keys.dataChange(request.requestId),
    ...indexKeys.dataChangesByStatus(request.tenantId, request.origin, request.status, request.createdAt, request.requestId),
    ...indexKeys.dataChangesOfUser(request.userId, request.createdAt, request.requestId),
    ...request,
  };
}

// The profile may change only while the account is in use (not disabled meanwhile).
const changeableUserStatuses = ['APPROVED', 'ACTIVE'] as const;

/**
 * The items a data change adds to a certificate change's transaction, each with the error its
 * guard means: the pending slot first, so a second request is told DATA_CHANGE_PENDING.
 */
export function addDataChangeItems(transaction: ReturnType<typeof guardedItems>, tableName: string, userId: string, write: DataChangeWrite): void {
  const { add } = transaction;
  const { request } = write;
  const slot = keys.pendingDataChange(userId);
  if (write.pendingSlot === 'CLAIM') {
    add({
      Put: { TableName: tableName, Item: { ...slot, userId, requestId: request.requestId, createdAt: request.createdAt }, ConditionExpression: 'attribute_not_exists(pk)' },
    }, new AppError('DATA_CHANGE_PENDING'));
  }
  const guard = write.fromStatuses ? versionGuard(request.version, write.fromStatuses) : { ConditionExpression: 'attribute_not_exists(pk)' };
  add({ Put: { TableName: tableName, Item: dataChangeItem(request), ...guard } }, new AppError(write.fromStatuses ? 'DATA_CHANGE_NOT_PENDING' : 'CONFLICT'));
  if (write.pendingSlot === 'RELEASE') {
    add({
      Delete: { TableName: tableName, Key: slot, ConditionExpression: 'requestId = :request', ExpressionAttributeValues: { ':request': request.requestId } },
    }, new AppError('CONFLICT'));
  }
  if (write.user) {
    add({ Put: { TableName: tableName, Item: userItem(write.user), ...versionGuard(write.user.version, changeableUserStatuses) } }, new AppError('CONFLICT'));
  }
  if (write.moveEmail) {
    const owner = write.user ?? { userId, tenantId: request.tenantId };
    add({
      Put: {
        TableName: tableName, Item: { ...keys.emailUnique(write.moveEmail.to), userId: owner.userId, tenantId: owner.tenantId }, ConditionExpression: 'attribute_not_exists(pk)',
      },
    }, new AppError('EMAIL_ALREADY_REGISTERED'));
    add({
      Delete: {
        TableName: tableName, Key: keys.emailUnique(write.moveEmail.from), ConditionExpression: 'userId = :me', ExpressionAttributeValues: { ':me': owner.userId },
      },
    }, new AppError('CONFLICT'));
  }
}

/** Data change requests: by id, the user's pending slot, the tenant's queues and the user's list. */
export class DynamoDataChanges implements DataChangeStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findRequest(requestId: string): Promise<DataChangeRequest | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.dataChange(requestId), ConsistentRead: true }));
    return result.Item ? fromItem<DataChangeRequest>(result.Item) : undefined;
  }

  async findPendingRequestId(userId: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.pendingDataChange(userId), ConsistentRead: true }));
    return result.Item?.requestId as string | undefined;
  }

  async listTenantRequests(query: { tenantId: string; origin: DataChangeOrigin; status: DataChangeStatus; limit: number; cursor?: string }): Promise<Page<DataChangeRequest>> {
    const partition = indexKeys.dataChangesByStatus(query.tenantId, query.origin, query.status, '', '').gsi1pk;
    const page = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, { attribute: 'gsi1pk', value: partition, keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] }),
    }));
    return { items: (page.Items ?? []).map((item) => fromItem<DataChangeRequest>(item)), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }

  async listUserRequests(query: { userId: string; status?: DataChangeStatus; limit: number; cursor?: string }): Promise<Page<DataChangeRequest>> {
    const partition = indexKeys.dataChangesOfUser(query.userId, '', '').gsi2pk;
    // A person has a handful of requests: the status is a filter on their own partition.
    const page = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ...(query.status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':pk': partition, ':status': query.status } }
        : { ExpressionAttributeValues: { ':pk': partition } }),
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, { attribute: 'gsi2pk', value: partition, keys: ['pk', 'sk', 'gsi2pk', 'gsi2sk'] }),
    }));
    return { items: (page.Items ?? []).map((item) => fromItem<DataChangeRequest>(item)), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }
}

import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import type { DeviceRequest, DeviceRequestStatus, DeviceRequestStore } from '../../ports/accounts.js';
import type { Page } from '../../ports/users.js';
import { decodeCursor, encodeCursor, fromItem } from './dynamo-items.js';

/** Requests for a new OTP device or a restored account, and the verifiers' queue of them. */
export class DynamoDeviceRequestStore implements DeviceRequestStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findRequest(requestId: string): Promise<DeviceRequest | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.deviceRequest(requestId), ConsistentRead: true }));
    return result.Item ? fromItem<DeviceRequest>(result.Item) : undefined;
  }

  async listRequests(query: { tenantId: string; status: DeviceRequestStatus; limit: number; cursor?: string }): Promise<Page<DeviceRequest>> {
    const partition = indexKeys.deviceRequestsByStatus(query.tenantId, query.status, '', '').gsi1pk;
    const startKey = decodeCursor(query.cursor, { attribute: 'gsi1pk', value: partition, keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] });
    const page = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      Limit: query.limit,
      ExclusiveStartKey: startKey,
    }));
    return { items: (page.Items ?? []).map((item) => fromItem<DeviceRequest>(item)), nextCursor: encodeCursor(page.LastEvaluatedKey) };
  }
}

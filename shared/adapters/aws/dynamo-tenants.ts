import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import type { ApiKeyRecord, Tenant, TenantDirectory } from '../../ports/tenants.js';
import type { Page } from '../../ports/users.js';
import { decodeCursor, encodeCursor, fromItem } from './dynamo-items.js';

/** Tenants, their API keys and their verifiers. */
export class DynamoTenantDirectory implements TenantDirectory {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findTenant(tenantId: string): Promise<Tenant | undefined> {
    return this.get<Tenant>(keys.tenant(tenantId));
  }

  async listTenants(limit: number, cursor?: string): Promise<Page<Tenant>> {
    const partition = indexKeys.tenants('').gsi1pk;
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { attribute: 'gsi1pk', value: partition, keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] }),
    }));
    return { items: (result.Items ?? []).map((item) => fromItem<Tenant>(item)), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return this.get<ApiKeyRecord>(keys.apiKey(keyHash));
  }

  async listVerifierEmails(tenantId: string): Promise<string[]> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.verifiersOfTenant(tenantId, '').gsi2pk, ':active': 'ACTIVE' },
      FilterExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
    }));
    return (result.Items ?? []).map((item) => String(item.email));
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return result.Item ? fromItem<T>(result.Item) : undefined;
  }
}

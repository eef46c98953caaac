import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import { isAppError } from '../../domain/errors.js';
import type { AuditEntry } from '../../ports/users.js';
import type { ApiKeyRecord, ApiKeyRegistry, TenantApiKey } from '../../ports/tenants.js';
import { fromItem, queryAll, transactWrite } from './dynamo-items.js';
import { auditPut } from './table-items.js';

type StoredTenantKey = TenantApiKey & { keyHash: string };

/**
 * Each integrator key is two items written together: the lookup item under the key's hash (what
 * the authenticator reads, one GetItem) and its description in the tenant's partition (what the
 * tenant's people list). Revoking deletes the first and marks the second.
 */
export class DynamoApiKeyRegistry implements ApiKeyRegistry {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async createApiKey(tenantId: string, key: TenantApiKey, keyHash: string, audit: AuditEntry): Promise<void> {
    const lookup: ApiKeyRecord = { keyHash, actorId: key.keyId, role: 'INTEGRATOR', tenantId, scopes: key.scopes, label: key.name, createdAt: key.createdAt };
    await transactWrite(this.db, 'create API key', [
      { Put: { TableName: this.tableName, Item: { ...keys.apiKey(keyHash), ...lookup }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: { ...keys.tenantApiKey(tenantId, key.keyId), ...key, keyHash }, ConditionExpression: 'attribute_not_exists(pk)' } },
      auditPut(this.tableName, audit),
    ]);
  }

  async listApiKeys(tenantId: string): Promise<TenantApiKey[]> {
    const stored = await queryAll<StoredTenantKey>(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenantPartition(tenantId), ':prefix': keys.tenantApiKeyPrefix },
    });
    return stored.map(({ keyHash: _hash, ...key }) => key).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async revokeApiKey(tenantId: string, keyId: string, revokedAt: string, audit: AuditEntry): Promise<boolean> {
    const found = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tenantApiKey(tenantId, keyId), ConsistentRead: true }));
    if (!found.Item) return false;
    const key = fromItem<StoredTenantKey>(found.Item);
    if (key.revokedAt) return true;
    try {
      await this.revokeTransaction(tenantId, key, revokedAt, audit);
    } catch (error) {
      // Two revocations at once: the one that loses finds the key revoked, which is what it asked.
      if (isAppError(error) && error.code === 'CONFLICT' && (await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tenantApiKey(tenantId, keyId), ConsistentRead: true }))).Item?.revokedAt) return true;
      throw error;
    }
    return true;
  }

  private async revokeTransaction(tenantId: string, key: StoredTenantKey, revokedAt: string, audit: AuditEntry): Promise<void> {
    await transactWrite(this.db, 'revoke API key', [
      { Delete: { TableName: this.tableName, Key: keys.apiKey(key.keyHash) } },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.tenantApiKey(tenantId, key.keyId),
          UpdateExpression: 'SET revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': revokedAt, ':by': audit.actorId },
        },
      },
      auditPut(this.tableName, audit),
    ]);
  }
}

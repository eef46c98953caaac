import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { AuditEntry } from '../../ports/users.js';
import type { ApiKeyRecord, ApiKeyRegistry, TenantApiKey } from '../../ports/tenants.js';
import { fromItem, queryAll, transactWrite, type TransactItems } from './dynamo-items.js';
import { auditPut } from './table-items.js';

type StoredTenantKey = TenantApiKey & { keyHash: string };

// Creations and revocations racing on one tenant's counter each count again, a few times at most.
const CREATE_ATTEMPTS = 8;

/**
 * Each integrator key is two items written together: the lookup item under the key's hash (what
 * the authenticator reads, one GetItem) and its description in the tenant's partition (what the
 * tenant's people list). Revoking deletes the first and marks the second.
 */
export class DynamoApiKeyRegistry implements ApiKeyRegistry {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /**
   * The key, counted in the same transaction: the tenant's counter of live keys is ADDed to on
   * condition that it is below the limit, so of concurrent creations exactly those that fit win.
   * A tenant whose keys predate the counter has none yet: it is written from a consistent count of
   * the live keys, each checked still live and the counter still absent in that same transaction
   * (a revocation or another first creation meanwhile makes it count again).
   */
  async createApiKey(tenantId: string, key: TenantApiKey, keyHash: string, audit: AuditEntry, limit: number): Promise<void> {
    const lookup: ApiKeyRecord = { keyHash, actorId: key.keyId, role: 'INTEGRATOR', tenantId, scopes: key.scopes, label: key.name, createdAt: key.createdAt };
    const writes = [
      { Put: { TableName: this.tableName, Item: { ...keys.apiKey(keyHash), ...lookup }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: { ...keys.tenantApiKey(tenantId, key.keyId), ...key, keyHash }, ConditionExpression: 'attribute_not_exists(pk)' } },
      auditPut(this.tableName, audit),
    ];
    for (let attempt = 1; ; attempt++) {
      const counted = await this.liveCount(tenantId);
      let count: TransactItems;
      if (counted !== undefined) {
        if (counted >= limit) throw new AppError('API_KEY_LIMIT');
        count = [{
          Update: {
            TableName: this.tableName,
            Key: keys.tenantApiKeyCount(tenantId),
            UpdateExpression: 'ADD liveKeys :one',
            ConditionExpression: 'liveKeys < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': limit },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        }];
      } else {
        const live = (await this.storedKeys(tenantId, true)).filter((stored) => !stored.revokedAt);
        if (live.length >= limit) throw new AppError('API_KEY_LIMIT');
        count = [
          { Put: { TableName: this.tableName, Item: { ...keys.tenantApiKeyCount(tenantId), liveKeys: live.length + 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...live.map((stored) => ({
            ConditionCheck: { TableName: this.tableName, Key: keys.tenantApiKey(tenantId, stored.keyId), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)' },
          })),
        ];
      }
      try {
        await transactWrite(this.db, 'create API key', [...count, ...writes], (reasons) => {
          const counter = reasons[0];
          return counter?.failed && Number(counter.item?.liveKeys ?? 0) >= limit ? new AppError('API_KEY_LIMIT') : undefined;
        });
        return;
      } catch (error) {
        // The counter or a counted key changed under us (or a busy table outlasted the retries):
        // count again. The key's own items are new random ids, so they never fail a retry.
        if (!(isAppError(error) && error.code === 'CONFLICT') || attempt >= CREATE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  /** The tenant's live-key counter, undefined when it has none yet (keys made before it existed). */
  private async liveCount(tenantId: string): Promise<number | undefined> {
    const found = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tenantApiKeyCount(tenantId), ConsistentRead: true }));
    return found.Item ? Number(found.Item.liveKeys) : undefined;
  }

  private storedKeys(tenantId: string, consistent = false): Promise<StoredTenantKey[]> {
    return queryAll<StoredTenantKey>(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenantPartition(tenantId), ':prefix': keys.tenantApiKeyPrefix },
      ...(consistent ? { ConsistentRead: true } : {}),
    });
  }

  async listApiKeys(tenantId: string): Promise<TenantApiKey[]> {
    const stored = await this.storedKeys(tenantId);
    return stored.map(({ keyHash: _hash, ...key }) => key).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async revokeApiKey(tenantId: string, keyId: string, revokedAt: string, audit: AuditEntry): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const found = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tenantApiKey(tenantId, keyId), ConsistentRead: true }));
      if (!found.Item) return false;
      const key = fromItem<StoredTenantKey>(found.Item);
      // Two revocations at once: the one that loses finds the key revoked, which is what it asked.
      if (key.revokedAt) return true;
      try {
        await this.revokeTransaction(tenantId, key, revokedAt, audit, await this.liveCount(tenantId));
        return true;
      } catch (error) {
        // The key was revoked meanwhile (found so above), or the counter appeared: look again.
        if (!(isAppError(error) && error.code === 'CONFLICT') || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Marks the key revoked, deletes its lookup item and gives its place back: the counter goes down
   * by one. A tenant with no counter yet keeps none, on condition that none was written meanwhile
   * (a first creation counting this key as live would then count one too many).
   */
  private async revokeTransaction(tenantId: string, key: StoredTenantKey, revokedAt: string, audit: AuditEntry, counted: number | undefined): Promise<void> {
    const counter = keys.tenantApiKeyCount(tenantId);
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
      counted === undefined
        ? { ConditionCheck: { TableName: this.tableName, Key: counter, ConditionExpression: 'attribute_not_exists(pk)' } }
        : { Update: { TableName: this.tableName, Key: counter, UpdateExpression: 'ADD liveKeys :minusOne', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':minusOne': -1 } } },
      auditPut(this.tableName, audit),
    ]);
  }
}

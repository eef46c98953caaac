import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { keys } from '../../data/table.js';
import type { RateDecision, RateLimit, RateLimiter } from '../../ports/rate-limiter.js';
import type { Clock } from '../../ports/runtime.js';

// DynamoDB's TTL sweep runs late (up to days); the window's end is in the key, so a counter left
// behind never counts again. The margin only keeps items around for a look while debugging.
const TTL_MARGIN_SECONDS = 300;

/**
 * Fixed-window counters in the table: one item per client, scope and window, incremented by a
 * single conditional UpdateItem (ADD), so concurrent requests on any number of Lambda instances
 * count exactly and a refused request writes nothing. A fixed window lets a client reach twice the
 * limit across a window boundary; for a public, per-IP brake on expensive work that is enough.
 * The client key (an IP) is hashed with the scope and the window: no IP is stored, and a client's
 * counters of two windows cannot be linked to each other.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly clock: Clock) {}

  async take(scope: string, clientKey: string, { limit, windowSeconds }: RateLimit): Promise<RateDecision> {
    const nowSeconds = this.clock.now().getTime() / 1000;
    const windowStart = Math.floor(nowSeconds / windowSeconds) * windowSeconds;
    const windowEnd = windowStart + windowSeconds;
    const client = createHash('sha256').update(`${scope}\n${windowStart}\n${clientKey}`).digest('base64url').slice(0, 32);
    try {
      const result = await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateLimit(scope, client, windowStart),
        UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': windowEnd + TTL_MARGIN_SECONDS },
        ReturnValues: 'UPDATED_NEW',
      }));
      return { allowed: true, remaining: Math.max(0, limit - Number(result.Attributes?.count ?? limit)) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(windowEnd - nowSeconds)) };
      throw error;
    }
  }
}

import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UsageCounter, UsageEvent } from '../../ports/usage.js';
import { usageIncrement } from './table-items.js';

export class DynamoUsageCounter implements UsageCounter {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async count(tenantId: string, event: UsageEvent, at: Date, quantity = 1): Promise<void> {
    const { Update } = usageIncrement(this.tableName, tenantId, event, at.toISOString());
    await this.db.send(new UpdateCommand({ ...Update, ExpressionAttributeValues: { ':one': quantity } }));
  }
}

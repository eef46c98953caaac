import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { DailyUsage, UsageCounter, UsageEvent, UsageReader } from '../../ports/usage.js';
import { usageIncrement } from './table-items.js';

export class DynamoUsageCounter implements UsageCounter {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async count(tenantId: string, event: UsageEvent, at: Date, quantity = 1): Promise<void> {
    await this.db.send(new UpdateCommand(usageIncrement(this.tableName, tenantId, event, at.toISOString(), quantity).Update));
  }
}

export class DynamoUsageReader implements UsageReader {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async dailyUsage(tenantId: string, fromDay: string, toDay: string): Promise<DailyUsage[]> {
    const usage: DailyUsage[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      // `~` sorts after every event name, so the last day is read whole.
      const page = await this.db.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.usagePartition(tenantId), ':from': `${keys.usageDayPrefix}${fromDay}#`, ':to': `${keys.usageDayPrefix}${toDay}#~`,
        },
        ProjectionExpression: '#day, #event, #count',
        ExpressionAttributeNames: { '#day': 'day', '#event': 'event', '#count': 'count' },
        ExclusiveStartKey: cursor,
      }));
      for (const item of page.Items ?? []) usage.push({ day: String(item.day), event: item.event as UsageEvent, count: Number(item.count) });
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return usage;
  }
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import type { CertificateDirectory, CertificateRecord } from '../../ports/certificates.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import { outboxItem } from './table-items.js';
import { fromItem } from './dynamo-items.js';

export class DynamoCertificates implements CertificateDirectory {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async listExpiringOn(day: string): Promise<CertificateRecord[]> {
    const items: CertificateRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': indexKeys.certificatesExpiringOn(day, '').gsi2pk },
        ExclusiveStartKey: startKey,
      }));
      items.push(...(page.Items ?? []).map((item) => fromItem<CertificateRecord>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async markExpired(certificate: CertificateRecord, at: string): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: keys.certificate(certificate.userId, certificate.serialNumber),
        UpdateExpression: 'SET #status = :expired, expiredAt = :at',
        ConditionExpression: '#status = :issued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':expired': 'EXPIRED', ':issued': 'ISSUED', ':at': at },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async enqueueOnce(message: OutboxMessage): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

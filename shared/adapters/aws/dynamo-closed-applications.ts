import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { ClosedApplication, ClosedApplications } from '../../ports/closed-applications.js';

export class DynamoClosedApplications implements ClosedApplications {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async listClosedBefore(before: string, limit: number): Promise<ClosedApplication[]> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :before',
      ExpressionAttributeValues: { ':pk': keys.closedApplicationsPartition, ':before': before },
      Limit: limit,
    }));
    return (result.Items ?? []).map((item) => ({ userId: String(item.userId), tenantId: String(item.tenantId), closedAt: String(item.closedAt) }));
  }

  async photosDeleted(application: ClosedApplication, at: string): Promise<void> {
    const photos = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :photo)',
      ExpressionAttributeValues: { ':pk': keys.userPartition(application.userId), ':photo': 'PHOTO#' },
      ProjectionExpression: 'pk, sk',
    }));
    const records = photos.Items ?? [];
    for (let index = 0; index < records.length; index += 25) {
      await this.db.send(new BatchWriteCommand({
        RequestItems: { [this.tableName]: records.slice(index, index + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })) },
      }));
    }
    try {
      // Only while the application is still closed: an erased user's record is not touched again.
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: keys.user(application.userId),
        UpdateExpression: 'SET photosDeletedAt = :at ADD #version :one REMOVE ktpPhotoId, selfiePhotoId',
        ConditionExpression: '#status IN (:rejected, :expired)',
        ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':one': 1, ':rejected': 'REJECTED', ':expired': 'EXPIRED' },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.closedApplication(application.closedAt, application.userId) }));
  }
}

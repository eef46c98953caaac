import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { DomainOwners } from '../../ports/domain-owners.js';

/** The domain claims the tenant registry writes (`DOMAIN#<domain>`): one GetItem per lookup. */
export class DynamoDomainOwners implements DomainOwners {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async ownerOf(domain: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.domainUnique(domain) }));
    const owner: unknown = result.Item?.tenantId;
    return typeof owner === 'string' ? owner : undefined;
  }
}

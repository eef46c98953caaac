import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import { AppError } from '../../domain/errors.js';
import type { Tenant, TenantRegistry, VerifierInvitation, VerifierSummary } from '../../ports/tenants.js';
import type { AuditEntry, UserRecord } from '../../ports/users.js';
import { fromItem, guardedItems, queryAll, transactWrite } from './dynamo-items.js';
import { auditPut, outboxItem, tokenItem, userItem } from './table-items.js';

/** Every tenant is in the tenants index, so the operator's list is one Query. */
const tenantItem = (tenant: Tenant) => ({ ...keys.tenant(tenant.tenantId), ...indexKeys.tenants(tenant.tenantId), ...tenant });

const domainTaken = (domain: string) => new AppError('TENANT_DOMAIN_TAKEN', [], {
  detail: {
    id: `Domain ${domain} sudah dimiliki instansi lain. Setiap domain hanya boleh dimiliki satu instansi; hapus domain itu dari daftar atau hubungi pemiliknya.`,
    en: `The domain ${domain} already belongs to another tenant. Each domain belongs to one tenant only; remove it from the list or contact its owner.`,
  },
});

/**
 * Tenants with their domain claims (`DOMAIN#<domain>`, one owner each) and their audit trail, and
 * the verifiers operators invite. Each change is one transaction whose guards say which error
 * they mean, so a refused change writes nothing at all.
 */
export class DynamoTenantRegistry implements TenantRegistry {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async readTenant(tenantId: string): Promise<Tenant | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tenant(tenantId), ConsistentRead: true }));
    return result.Item ? fromItem<Tenant>(result.Item) : undefined;
  }

  async createTenant(tenant: Tenant, audit: readonly AuditEntry[]): Promise<void> {
    const { items, add, explain } = guardedItems();
    const table = this.tableName;
    add({ Put: { TableName: table, Item: tenantItem(tenant), ConditionExpression: 'attribute_not_exists(pk)' } });
    for (const domain of tenant.emailDomains) {
      add({ Put: { TableName: table, Item: this.claim(domain, tenant.tenantId), ConditionExpression: 'attribute_not_exists(pk)' } }, domainTaken(domain));
    }
    for (const entry of audit) add(auditPut(table, entry));
    await transactWrite(this.db, 'create tenant', items, explain);
  }

  async updateTenant(previous: Tenant, next: Tenant, audit: readonly AuditEntry[]): Promise<void> {
    const { items, add, explain } = guardedItems();
    const table = this.tableName;
    const tenantId = next.tenantId;
    // A tenant written before versions existed has none: it must still have none.
    const versionCondition = previous.version === undefined ? 'attribute_not_exists(#version)' : '#version = :previous';
    add({
      Put: {
        TableName: table,
        Item: tenantItem(next),
        ConditionExpression: `attribute_exists(pk) AND ${versionCondition}`,
        ExpressionAttributeNames: { '#version': 'version' },
        ...(previous.version === undefined ? {} : { ExpressionAttributeValues: { ':previous': previous.version } }),
      },
    }, new AppError('CONFLICT'));
    const ours = { ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :me', ExpressionAttributeValues: { ':me': tenantId } };
    // Every domain of the new list is claimed (again): a tenant from before the claims gets them on its first change.
    for (const domain of next.emailDomains) {
      add({ Put: { TableName: table, Item: this.claim(domain, tenantId), ...ours } }, domainTaken(domain));
    }
    // Only this tenant's claims are released: a tenant from before the claims may list a domain
    // another tenant has claimed since, and giving it up must leave that claim alone.
    const released = previous.emailDomains.filter((domain) => !next.emailDomains.includes(domain));
    for (const domain of await this.claimedBy(tenantId, released)) {
      add({ Delete: { TableName: table, Key: keys.domainUnique(domain), ConditionExpression: 'tenantId = :me', ExpressionAttributeValues: { ':me': tenantId } } });
    }
    for (const entry of audit) add(auditPut(table, entry));
    await transactWrite(this.db, 'update tenant', items, explain);
  }

  async inviteVerifier(invitation: VerifierInvitation): Promise<void> {
    const { user, token, message, audit } = invitation;
    const { items, add, explain } = guardedItems();
    const table = this.tableName;
    // A verifier's tenant must exist; operators belong to the service team, which is no tenant record.
    if (user.role !== 'OPERATOR') {
      add({ ConditionCheck: { TableName: table, Key: keys.tenant(user.tenantId), ConditionExpression: 'attribute_exists(pk)' } }, new AppError('TENANT_NOT_FOUND'));
    }
    add({ Put: { TableName: table, Item: userItem(user), ConditionExpression: 'attribute_not_exists(pk)' } });
    add({
      Put: { TableName: table, Item: { ...keys.emailUnique(user.email), userId: user.userId, tenantId: user.tenantId }, ConditionExpression: 'attribute_not_exists(pk)' },
    }, new AppError('EMAIL_ALREADY_REGISTERED'));
    add({ Put: { TableName: table, Item: tokenItem(token), ConditionExpression: 'attribute_not_exists(pk)' } });
    add(auditPut(table, audit));
    add({ Put: { TableName: table, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' } });
    await transactWrite(this.db, 'invite verifier', items, explain);
  }

  async listVerifiers(tenantId: string): Promise<VerifierSummary[]> {
    // A tenant has a handful of verifiers: the whole index partition is read.
    const users = await queryAll<UserRecord>(this.db, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.verifiersOfTenant(tenantId, '').gsi2pk },
    });
    return users
      .map(({ userId, fullName, email, status, createdAt }) => ({ userId, fullName, email, status, createdAt }))
      .sort((a, b) => a.fullName.localeCompare(b.fullName, 'id') || a.email.localeCompare(b.email));
  }

  /** Those of `domains` whose claim this tenant holds. */
  private async claimedBy(tenantId: string, domains: readonly string[]): Promise<string[]> {
    const claims = await Promise.all(domains.map(async (domain) => {
      const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.domainUnique(domain), ConsistentRead: true }));
      return result.Item?.tenantId === tenantId ? [domain] : [];
    }));
    return claims.flat();
  }

  private claim(domain: string, tenantId: string) {
    return { ...keys.domainUnique(domain), domain, tenantId };
  }
}

import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys } from '../../data/table.js';
import type { OtpDevice } from '../../ports/accounts.js';
import type { AuditEntry } from '../../ports/audit.js';
import type { CertificateRecord } from '../../ports/certificates.js';
import type { DataChangeRequest } from '../../ports/data-changes.js';
import type { Erasure, PersonalDataStore, PersonalHoldings } from '../../ports/personal-data.js';
import type { PhotoRecord } from '../../ports/photos.js';
import type { SignedHashBatch, SigningBatch } from '../../ports/signatures.js';
import type { UserRecord } from '../../ports/users.js';
import { epochSeconds, fromItem, transactWrite, versionGuard } from './dynamo-items.js';
import { auditPut, userItem } from './table-items.js';

type Item = Record<string, unknown>;

// The erased record and the audit trail stay in the person's partition; so do the certificates
// (in their own partitions), which are public and the evidence of what was signed.
const KEPT_PREFIXES = ['PROFILE', 'AUDIT#'];

/** A person's data, read by Queries on their partition and their indexes: never a scan. */
export class DynamoPersonalData implements PersonalDataStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async collect(userId: string): Promise<PersonalHoldings | undefined> {
    const [own, certificates, signatures, dataChanges] = await Promise.all([
      this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.userPartition(userId) } }),
      this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': indexKeys.certificatesOfUser(userId, '', '').gsi1pk } }),
      this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': indexKeys.signaturesOfUser(userId, '', '').gsi1pk } }),
      this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': indexKeys.dataChangesOfUser(userId, '', '').gsi2pk } }),
    ]);
    const profile = own.find((item) => item.sk === 'PROFILE');
    if (!profile) return undefined;
    const startingWith = (prefix: string) => own.filter((item) => String(item.sk).startsWith(prefix));
    return {
      user: fromItem<UserRecord>(profile),
      devices: startingWith(keys.devicePrefix).map((item) => {
        const { sealedSecret: _secret, lastTimeStep: _step, ...device } = fromItem<OtpDevice>(item);
        return device;
      }),
      photos: startingWith('PHOTO#').map((item) => fromItem<PhotoRecord>(item)),
      certificates: certificates.map((item) => fromItem<CertificateRecord>(item)),
      signatures: signatures.map((item) => fromItem<SigningBatch | SignedHashBatch>(item)),
      dataChanges: dataChanges.map((item) => fromItem<DataChangeRequest>(item)),
      audit: startingWith('AUDIT#').map((item) => fromItem<AuditEntry>(item)),
    };
  }

  async erase(erasure: Erasure): Promise<void> {
    const { user } = erasure;
    const [partition, dataChanges] = await Promise.all([
      this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.userPartition(user.userId) }, ProjectionExpression: 'pk, sk' }),
      // Data change requests (old and new name, address, phone) live in their own partitions.
      this.query({
        IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': indexKeys.dataChangesOfUser(user.userId, '', '').gsi2pk },
        ProjectionExpression: 'pk, sk',
      }),
    ]);
    const doomed = [...partition, ...dataChanges]
      .filter((item) => !KEPT_PREFIXES.some((prefix) => String(item.sk).startsWith(prefix)))
      .flatMap((item) => {
        const key = { pk: String(item.pk), sk: String(item.sk) };
        // A session lives twice: beside the user, and under its hash where requests look it up.
        const session = key.sk.startsWith(keys.userSessionPrefix) ? [keys.session(key.sk.slice(keys.userSessionPrefix.length))] : [];
        return [key, ...session];
      });
    // Deleting first is safe to repeat; the record turns ERASED only once nothing else is left.
    for (let index = 0; index < doomed.length; index += 25) {
      await this.deleteAll(doomed.slice(index, index + 25));
    }
    const claims = [];
    if (erasure.email) {
      claims.push({
        Delete: {
          TableName: this.tableName, Key: keys.emailUnique(erasure.email),
          ConditionExpression: 'attribute_not_exists(pk) OR userId = :me', ExpressionAttributeValues: { ':me': user.userId },
        },
      });
    }
    if (erasure.nikClaim) {
      claims.push({
        Update: {
          TableName: this.tableName, Key: keys.nikUnique(erasure.nikClaim.nikIndex),
          UpdateExpression: 'SET #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk) AND userId = :me',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':ttl': epochSeconds(erasure.nikClaim.keepUntil), ':me': user.userId },
        },
      });
    }
    await transactWrite(this.db, 'erase', [
      { Put: { TableName: this.tableName, Item: userItem(user), ...versionGuard(user.version) } },
      auditPut(this.tableName, erasure.audit),
      ...claims,
    ]);
  }

  private async deleteAll(batch: { pk: string; sk: string }[]): Promise<void> {
    let pending: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']> = {
      [this.tableName]: batch.map((Key) => ({ DeleteRequest: { Key } })),
    };
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** Math.min(attempt, 6)));
      const result = await this.db.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = result.UnprocessedItems ?? {};
      if (attempt > 10) throw new Error('Erasure: DynamoDB kept items unprocessed');
    }
  }

  private async query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: Item | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: cursor }));
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return items;
  }
}

import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/table.js';
import type { RevocationEntry } from '../../ports/certificates.js';
import type { CrlState, PkiStore, PublishedCrl, StoredTsaCertificate } from '../../ports/pki.js';
import { ifConditionHolds, queryAll } from './dynamo-items.js';

/** The CA's partition: its certificate, the CRL state and the revocation entries. */
export class DynamoPkiStore implements PkiStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findCaCertificate(): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.caCertificate, ConsistentRead: true }));
    return result.Item?.pem as string | undefined;
  }

  async saveCaCertificate(pem: string, at: string): Promise<boolean> {
    return ifConditionHolds(this.db, new PutCommand({ TableName: this.tableName, Item: { ...keys.caCertificate, pem, createdAt: at }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async findTsaCertificate(keyHash: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tsaCertificate(keyHash), ConsistentRead: true }));
    return result.Item?.pem as string | undefined;
  }

  async saveTsaCertificate(keyHash: string, certificate: StoredTsaCertificate, at: string): Promise<boolean> {
    return ifConditionHolds(this.db, new PutCommand({
      TableName: this.tableName,
      Item: { ...keys.tsaCertificate(keyHash), pem: certificate.pem, serialNumber: certificate.serialNumber, createdAt: at },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  async tsaSerialNumbers(): Promise<string[]> {
    return this.serialNumbersUnder(keys.tsaPrefix);
  }

  async findSealCertificate(keyHash: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.sealCertificate(keyHash), ConsistentRead: true }));
    return result.Item?.pem as string | undefined;
  }

  async saveSealCertificate(keyHash: string, certificate: StoredTsaCertificate, at: string): Promise<boolean> {
    return ifConditionHolds(this.db, new PutCommand({
      TableName: this.tableName,
      Item: { ...keys.sealCertificate(keyHash), pem: certificate.pem, serialNumber: certificate.serialNumber, createdAt: at },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  async sealSerialNumbers(): Promise<string[]> {
    return this.serialNumbersUnder(keys.sealPrefix);
  }

  private async serialNumbersUnder(prefix: string): Promise<string[]> {
    const items = await queryAll<{ serialNumber: string }>(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.caPartition, ':prefix': prefix },
      ProjectionExpression: 'serialNumber',
      ConsistentRead: true,
    });
    return items.map((item) => item.serialNumber);
  }

  async crlState(): Promise<CrlState> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.crlState, ConsistentRead: true }));
    return { revision: Number(result.Item?.revision ?? 0), ...(result.Item?.published ? { published: result.Item.published as PublishedCrl } : {}) };
  }

  async nextCrlNumber(): Promise<{ crlNumber: number; revision: number }> {
    const result = await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keys.crlState,
      UpdateExpression: 'ADD crlNumber :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }));
    return { crlNumber: Number(result.Attributes!.crlNumber), revision: Number(result.Attributes!.revision ?? 0) };
  }

  async listRevocations(): Promise<RevocationEntry[]> {
    return queryAll<RevocationEntry>(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.caPartition, ':prefix': keys.revocationPrefix },
      ConsistentRead: true,
    });
  }

  async publishCrl(crl: PublishedCrl): Promise<boolean> {
    return ifConditionHolds(this.db, new UpdateCommand({
      TableName: this.tableName,
      Key: keys.crlState,
      UpdateExpression: 'SET published = :crl',
      // Two revocations racing each publish a CRL; the higher number (built later) must win.
      ConditionExpression: 'attribute_not_exists(published) OR published.crlNumber < :number',
      ExpressionAttributeValues: { ':crl': crl, ':number': crl.crlNumber },
    }));
  }
}

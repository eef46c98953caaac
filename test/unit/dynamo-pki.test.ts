import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import type { RevocationEntry } from '../../shared/ports/certificates.js';
import type { PublishedCrl } from '../../shared/ports/pki.js';

const TABLE = 'tte-test';
const AT = '2026-11-22T03:00:00.000Z';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBCA\n-----END CERTIFICATE-----\n';
const dynamo = mockClient(DynamoDBDocumentClient);
const store = () => new DynamoPkiStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

const crl = (crlNumber: number): PublishedCrl => ({
  crlNumber, revision: 7, thisUpdate: AT, nextUpdate: '2026-11-23T03:00:00.000Z', objectKey: `crl/${crlNumber}.crl`, entries: 3, bytes: 512,
});
const entry = (serialNumber: string, reason: RevocationEntry['reason'] = 'keyCompromise'): RevocationEntry => ({
  serialNumber, revokedAt: AT, reason, notAfter: '2028-11-21T03:00:00.000Z',
});

beforeEach(() => dynamo.reset());

describe('DynamoPkiStore: CRL numbers', () => {
  it('nextCrlNumber is one atomic ADD on the CRL state that reads back the number and the revision', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { pk: 'PKI#CA', sk: 'CRL', crlNumber: 42, revision: 17 } });
    await expect(store().nextCrlNumber()).resolves.toEqual({ crlNumber: 42, revision: 17 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: 'PKI#CA', sk: 'CRL' },
      UpdateExpression: 'ADD crlNumber :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    });
    // Never read-then-write: two CRLs made at once get different numbers.
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('nextCrlNumber reads a revision of 0 before any revocation', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { pk: 'PKI#CA', sk: 'CRL', crlNumber: 1 } });
    await expect(store().nextCrlNumber()).resolves.toEqual({ crlNumber: 1, revision: 0 });
  });

  it('crlState reads consistently, with 0 and nothing published at first', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(store().crlState()).resolves.toEqual({ revision: 0 });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: TABLE, Key: { pk: 'PKI#CA', sk: 'CRL' }, ConsistentRead: true });

    dynamo.on(GetCommand).resolves({ Item: { pk: 'PKI#CA', sk: 'CRL', revision: 5, crlNumber: 9, published: crl(9) } });
    await expect(store().crlState()).resolves.toEqual({ revision: 5, published: crl(9) });
  });
});

describe('DynamoPkiStore.publishCrl', () => {
  it('points to the new CRL only when none, or a lower number, is published', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await expect(store().publishCrl(crl(12))).resolves.toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: 'PKI#CA', sk: 'CRL' },
      UpdateExpression: 'SET published = :crl',
      ConditionExpression: 'attribute_not_exists(published) OR published.crlNumber < :number',
      ExpressionAttributeValues: { ':crl': crl(12), ':number': 12 },
    });
  });

  it('returns false when a higher-numbered CRL was published meanwhile (the later one wins)', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    await expect(store().publishCrl(crl(11))).resolves.toBe(false);
  });

  it('passes other failures through', async () => {
    const error = throttled();
    dynamo.on(UpdateCommand).rejects(error);
    await expect(store().publishCrl(crl(11))).rejects.toBe(error);
  });
});

describe('DynamoPkiStore.listRevocations', () => {
  it('reads every page of the CA partition\'s revocation entries consistently, without storage keys', async () => {
    const entries = [entry('aa01'), entry('bb02', 'superseded'), entry('cc03', 'cessationOfOperation')];
    const item = (e: RevocationEntry) => ({ pk: 'PKI#CA', sk: `REVOKED#${e.serialNumber}`, ...e });
    dynamo.on(QueryCommand)
      .resolvesOnce({ Items: [item(entries[0]!), item(entries[1]!)], LastEvaluatedKey: { pk: 'PKI#CA', sk: 'REVOKED#bb02' } })
      .resolvesOnce({ Items: [item(entries[2]!)] });
    await expect(store().listRevocations()).resolves.toEqual(entries);

    const calls = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    for (const input of calls) {
      expect(input).toMatchObject({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'PKI#CA', ':prefix': 'REVOKED#' },
        // A revocation just committed must be on the next CRL.
        ConsistentRead: true,
      });
      // The table itself, not an index (indexes cannot be read consistently).
      expect(input.IndexName).toBeUndefined();
    }
    expect(calls[0]?.ExclusiveStartKey).toBeUndefined();
    expect(calls[1]?.ExclusiveStartKey).toEqual({ pk: 'PKI#CA', sk: 'REVOKED#bb02' });
  });

  it('answers an empty list when nothing is revoked', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await expect(store().listRevocations()).resolves.toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
  });
});

describe('DynamoPkiStore: the CA certificate', () => {
  it('saveCaCertificate stores it once, conditionally', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(store().saveCaCertificate(CA_PEM, AT)).resolves.toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: { pk: 'PKI#CA', sk: 'CERTIFICATE', pem: CA_PEM, createdAt: AT },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('saveCaCertificate returns false when one is stored already (a bootstrap racing another)', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    await expect(store().saveCaCertificate(CA_PEM, AT)).resolves.toBe(false);
  });

  it('saveCaCertificate passes other failures through', async () => {
    const error = throttled();
    dynamo.on(PutCommand).rejects(error);
    await expect(store().saveCaCertificate(CA_PEM, AT)).rejects.toBe(error);
  });

  it('findCaCertificate reads the PEM consistently, undefined before the bootstrap', async () => {
    dynamo.on(GetCommand).resolvesOnce({ Item: { pk: 'PKI#CA', sk: 'CERTIFICATE', pem: CA_PEM, createdAt: AT } }).resolves({});
    const s = store();
    await expect(s.findCaCertificate()).resolves.toBe(CA_PEM);
    await expect(s.findCaCertificate()).resolves.toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'PKI#CA', sk: 'CERTIFICATE' }, ConsistentRead: true });
  });
});

describe('DynamoPkiStore: the TSA certificates (one per TSA key)', () => {
  const KEY_HASH = 'ab'.repeat(32);

  it('saveTsaCertificate stores it under the key\'s hash in the CA partition, once, conditionally', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(store().saveTsaCertificate(KEY_HASH, { pem: CA_PEM, serialNumber: '4f01' }, AT)).resolves.toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: { pk: 'PKI#CA', sk: `TSA#${KEY_HASH}`, pem: CA_PEM, serialNumber: '4f01', createdAt: AT },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('saveTsaCertificate returns false when another function stored one first, and passes other failures through', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    await expect(store().saveTsaCertificate(KEY_HASH, { pem: CA_PEM, serialNumber: '4f01' }, AT)).resolves.toBe(false);
    const error = throttled();
    dynamo.on(PutCommand).rejects(error);
    await expect(store().saveTsaCertificate(KEY_HASH, { pem: CA_PEM, serialNumber: '4f01' }, AT)).rejects.toBe(error);
  });

  it('findTsaCertificate reads the PEM of that key consistently, undefined when none was made', async () => {
    dynamo.on(GetCommand).resolvesOnce({ Item: { pk: 'PKI#CA', sk: `TSA#${KEY_HASH}`, pem: CA_PEM } }).resolves({});
    const s = store();
    await expect(s.findTsaCertificate(KEY_HASH)).resolves.toBe(CA_PEM);
    await expect(s.findTsaCertificate(KEY_HASH)).resolves.toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'PKI#CA', sk: `TSA#${KEY_HASH}` }, ConsistentRead: true });
  });

  it('tsaSerialNumbers queries the TSA records of the CA partition (never a scan), serials only', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ serialNumber: '4f01' }, { serialNumber: '5e02' }] });
    await expect(store().tsaSerialNumbers()).resolves.toEqual(['4f01', '5e02']);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'PKI#CA', ':prefix': 'TSA#' },
      ProjectionExpression: 'serialNumber',
      ConsistentRead: true,
    });
  });

  it('the seal certificate is kept like the TSA\'s, under SEAL#<key hash>: stored once, read consistently, its serials queried', async () => {
    dynamo.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    await expect(store().saveSealCertificate(KEY_HASH, { pem: CA_PEM, serialNumber: '6a03' }, AT)).resolves.toBe(true);
    await expect(store().saveSealCertificate(KEY_HASH, { pem: CA_PEM, serialNumber: '6a04' }, AT)).resolves.toBe(false);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { pk: 'PKI#CA', sk: `SEAL#${KEY_HASH}`, pem: CA_PEM, serialNumber: '6a03', createdAt: AT },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    dynamo.on(GetCommand).resolvesOnce({ Item: { pk: 'PKI#CA', sk: `SEAL#${KEY_HASH}`, pem: CA_PEM } }).resolves({});
    await expect(store().findSealCertificate(KEY_HASH)).resolves.toBe(CA_PEM);
    await expect(store().findSealCertificate(KEY_HASH)).resolves.toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'PKI#CA', sk: `SEAL#${KEY_HASH}` }, ConsistentRead: true });
    dynamo.on(QueryCommand).resolves({ Items: [{ serialNumber: '6a03' }] });
    await expect(store().sealSerialNumbers()).resolves.toEqual(['6a03']);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PKI#CA', ':prefix': 'SEAL#' } });
  });
});

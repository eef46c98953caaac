import { usageDay } from '../../shared/domain/usage.js';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { findItem, pk, sentItems as sentItemsOf, sk, type TransactItem } from './support/transactions.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { certificateItem } from '../../shared/adapters/aws/table-items.js';
import { AppError } from '../../shared/domain/errors.js';
import type { CertificateChange, CertificateRecord, CertificateStatus, SigningKeyRecord } from '../../shared/ports/certificates.js';
import type { LinkTokenRecord } from '../../shared/ports/links.js';
import type { OutboxMessage } from '../../shared/ports/outbox.js';
import type { AuditEntry } from '../../shared/ports/users.js';

const TABLE = 'tte-test';
const USER = 'user-1';
const AT = '2026-11-22T03:00:00.000Z';
const OLD_SERIAL = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const NEW_SERIAL = '7f00112233445566778899aabbccddee';
const dynamo = mockClient(DynamoDBDocumentClient);
const store = () => new DynamoCertificates(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);


/** A cancelled transaction as DynamoDB reports it: one reason per item, in order. */
const cancelled = (...codes: string[]) => new TransactionCanceledException({
  message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  $metadata: {},
  CancellationReasons: codes.map((Code) => ({ Code })),
});
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const token: LinkTokenRecord = {
  tokenHash: 'e'.repeat(64), purpose: 'enroll', userId: USER, tenantId: 'tenant-a', createdAt: '2026-11-21T03:00:00.000Z', expiresAt: '2026-11-23T03:00:00.000Z',
};

const certificate = (serialNumber: string, status: CertificateStatus = 'ISSUED', version = 1): CertificateRecord => ({
  serialNumber,
  userId: USER,
  tenantId: 'tenant-a',
  email: 'siti@sultengprov.go.id',
  fullName: 'Siti Aminah',
  subject: 'CN=Siti Aminah, OU=Bidang TIK, O=Dinas Kominfo Sulteng, C=ID',
  status,
  notBefore: AT,
  notAfter: '2028-11-21T03:00:00.000Z',
  pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
  keyId: `key-${serialNumber.slice(0, 4)}`,
  issuedAt: AT,
  issuance: { kind: 'FIRST', tokenHash: token.tokenHash },
  agreement: { version: '2026-01', acceptedAt: AT, sourceIp: '203.0.113.9' },
  selfie: { photoId: 'photo-1', objectKey: `selfies/${USER}/photo-1.jpg`, width: 720, height: 960, confirmedAt: AT },
  version,
});

const signingKey = (serialNumber: string, extra: Partial<SigningKeyRecord> = {}): SigningKeyRecord => ({
  userId: USER,
  keyId: `key-${serialNumber.slice(0, 4)}`,
  serialNumber,
  sealed: { kdf: { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==' }, wrapped: 'd3JhcHBlZA==' },
  createdAt: AT,
  updatedAt: AT,
  failedPassphrases: 0,
  version: 1,
  ...extra,
});

const audit: AuditEntry = { auditId: 'audit-1', at: AT, actorId: USER, actorRole: 'USER', tenantId: 'tenant-a', subject: { userId: USER }, action: 'CERTIFICATE_ISSUED' };
const message: OutboxMessage = { messageId: 'msg-1', template: 'certificateIssued', to: 'siti@sultengprov.go.id', data: { fullName: 'Siti Aminah' }, createdAt: AT };
const usage = { tenantId: 'tenant-a', event: 'CERTIFICATE_ISSUED' as const, at: AT };

const sentItems = () => sentItemsOf(dynamo);

beforeEach(() => dynamo.reset());

describe('DynamoCertificates.commit: an issuance is one transaction', () => {
  const first: CertificateChange = {
    userId: USER,
    consumeToken: { token, serialNumber: NEW_SERIAL },
    issue: { certificate: certificate(NEW_SERIAL), key: signingKey(NEW_SERIAL) },
    audit,
    messages: [message],
    usage,
  };

  it('a first certificate: link used up with the serial, certificate and key new, audit, e-mail and usage together', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit(first);
    const items = sentItems();
    expect(items).toHaveLength(7);
    expect(items.every((item) => (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck)?.TableName === TABLE)).toBe(true);
    // No certificate with the old data while a data change waits for its decision.
    expect(findItem(items, `USER#${USER}`, 'DATACHANGE#PENDING').ConditionCheck?.ConditionExpression).toBe('attribute_not_exists(pk)');

    expect(findItem(items, `TOKEN#${token.tokenHash}`, 'TOKEN').Update).toMatchObject({
      UpdateExpression: 'SET usedAt = :at, #extra0 = :extra0',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeNames: { '#extra0': 'issuedSerial' },
      ExpressionAttributeValues: { ':at': AT, ':extra0': NEW_SERIAL },
    });

    const certPut = findItem(items, `CERT#${NEW_SERIAL}`, 'CERT').Put;
    expect(certPut?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(certPut?.Item).toEqual(certificateItem(certificate(NEW_SERIAL)));

    const keyPut = findItem(items, `USER#${USER}`, 'SIGNINGKEY').Put;
    // One signing key per user: a first certificate only when there is none.
    expect(keyPut?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(keyPut?.ExpressionAttributeValues).toBeUndefined();
    expect(keyPut?.Item).toEqual({ pk: `USER#${USER}`, sk: 'SIGNINGKEY', ...signingKey(NEW_SERIAL) });

    expect(findItem(items, `USER#${USER}`, `AUDIT#${AT}#audit-1`).Put?.Item).toMatchObject({ action: 'CERTIFICATE_ISSUED', actorId: USER });
    expect(findItem(items, 'OUTBOX#msg-1', 'OUTBOX').Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)', Item: { status: 'PENDING', attempts: 0, template: 'certificateIssued' },
    });
    // Counted on the WIB day of the issuance.
    expect(findItem(items, 'USAGE#tenant-a', `DAY#${usageDay(AT)}#CERTIFICATE_ISSUED`).Update).toMatchObject({
      UpdateExpression: 'ADD #count :quantity SET tenantId = :tenant, #day = :day, #event = :event',
      ExpressionAttributeValues: { ':quantity': 1, ':tenant': 'tenant-a', ':day': usageDay(AT), ':event': 'CERTIFICATE_ISSUED' },
    });
    // Nothing about the CRL: no revocation here.
    expect(items.some((item) => pk(item) === 'PKI#CA')).toBe(false);
  });

  it('a renewal: the new key replaces the one holding the old serial, the old certificate turns RENEWED on its version', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const renewed = { ...certificate(OLD_SERIAL, 'RENEWED', 3), renewedBy: NEW_SERIAL };
    await store().commit({ ...first, issue: { ...first.issue!, replacesSerial: OLD_SERIAL }, updates: [renewed] });
    const items = sentItems();

    expect(findItem(items, `USER#${USER}`, 'SIGNINGKEY').Put).toMatchObject({
      ConditionExpression: 'serialNumber = :replaced',
      ExpressionAttributeValues: { ':replaced': OLD_SERIAL },
      Item: { serialNumber: NEW_SERIAL, keyId: signingKey(NEW_SERIAL).keyId },
    });
    const old = findItem(items, `CERT#${OLD_SERIAL}`, 'CERT').Put;
    expect(old).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #version = :previous',
      ExpressionAttributeValues: { ':previous': 2 },
      Item: { status: 'RENEWED', renewedBy: NEW_SERIAL, version: 3 },
    });
    // A renewed certificate leaves the expiry index: no notices for it any more.
    expect(old?.Item).not.toHaveProperty('gsi2pk');
    expect(items.some((item) => pk(item) === 'PKI#CA')).toBe(false);
  });

  it('a reset: the old certificate revoked (superseded), its CRL entry and the CRL revision bumped in the same transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const revoked: CertificateRecord = {
      ...certificate(OLD_SERIAL, 'REVOKED', 2), revocation: { at: AT, reason: 'superseded', actorId: USER, actorRole: 'USER' },
    };
    const entry = { serialNumber: OLD_SERIAL, revokedAt: AT, reason: 'superseded' as const, notAfter: revoked.notAfter };
    await store().commit({
      ...first,
      consumeToken: { token: { ...token, purpose: 'reset-passphrase' }, serialNumber: NEW_SERIAL },
      issue: { ...first.issue!, replacesSerial: OLD_SERIAL },
      updates: [revoked],
      revocations: [entry],
    });
    const items = sentItems();
    expect(items).toHaveLength(10);

    expect(findItem(items, `USER#${USER}`, 'SIGNINGKEY').Put).toMatchObject({ ConditionExpression: 'serialNumber = :replaced', ExpressionAttributeValues: { ':replaced': OLD_SERIAL } });
    expect(findItem(items, `CERT#${OLD_SERIAL}`, 'CERT').Put?.Item).toMatchObject({ status: 'REVOKED', revocation: { reason: 'superseded' } });
    expect(findItem(items, 'PKI#CA', `REVOKED#${OLD_SERIAL}`).Put?.Item).toEqual({ pk: 'PKI#CA', sk: `REVOKED#${OLD_SERIAL}`, ...entry });
    expect(findItem(items, 'PKI#CA', 'CRL').Update).toMatchObject({ UpdateExpression: 'ADD revision :count', ExpressionAttributeValues: { ':count': 1 } });
  });

  it('a revocation: certificate REVOKED on its version, CRL entry, revision + 1, the current key dropped if it is this certificate\'s', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const revoked: CertificateRecord = {
      ...certificate(OLD_SERIAL, 'REVOKED', 5), revocation: { at: AT, reason: 'keyCompromise', actorId: 'verifier-1', actorRole: 'VERIFIER' },
    };
    await store().commit({
      userId: USER,
      updates: [revoked],
      revocations: [{ serialNumber: OLD_SERIAL, revokedAt: AT, reason: 'keyCompromise', notAfter: revoked.notAfter }],
      dropKeyOf: OLD_SERIAL,
      audit: { ...audit, action: 'CERTIFICATE_REVOKED' },
      messages: [{ ...message, template: 'certificateRevoked' }],
    });
    const items = sentItems();
    expect(items.map((item) => `${Object.keys(item)[0]} ${pk(item)} ${sk(item)}`)).toEqual([
      `Put CERT#${OLD_SERIAL} CERT`,
      `Put PKI#CA REVOKED#${OLD_SERIAL}`,
      'Update PKI#CA CRL',
      `Delete USER#${USER} SIGNINGKEY`,
      `Put USER#${USER} AUDIT#${AT}#audit-1`,
      'Put OUTBOX#msg-1 OUTBOX',
    ]);
    expect(findItem(items, `CERT#${OLD_SERIAL}`, 'CERT').Put?.ExpressionAttributeValues).toEqual({ ':previous': 4 });
    expect(findItem(items, `USER#${USER}`, 'SIGNINGKEY').Delete).toMatchObject({
      ConditionExpression: 'serialNumber = :serial', ExpressionAttributeValues: { ':serial': OLD_SERIAL },
    });
    // No link, no billing: a revocation is not an issuance.
    expect(items.some((item) => pk(item).startsWith('TOKEN#') || pk(item).startsWith('USAGE#'))).toBe(false);
  });

  it('a passphrase change: the same key sealed anew, guarded by its id, the version read and not being locked', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const resealed = signingKey(OLD_SERIAL, { version: 4, sealed: { ...signingKey(OLD_SERIAL).sealed, wrapped: 'bmV3LXdyYXBwZWQ=' } });
    await store().commit({ userId: USER, consumeToken: { token: { ...token, purpose: 'change-passphrase' } }, resealKey: resealed, audit: { ...audit, action: 'PASSPHRASE_CHANGED' } });
    const items = sentItems();
    // A change issues nothing: the link records no serial.
    expect(findItem(items, `TOKEN#${token.tokenHash}`, 'TOKEN').Update).toMatchObject({ UpdateExpression: 'SET usedAt = :at', ExpressionAttributeValues: { ':at': AT } });
    expect(findItem(items, `TOKEN#${token.tokenHash}`, 'TOKEN').Update?.ExpressionAttributeNames).toBeUndefined();
    expect(findItem(items, `USER#${USER}`, 'SIGNINGKEY').Put).toMatchObject({
      ConditionExpression: 'keyId = :keyId AND #version = :previous AND attribute_not_exists(lockedAt)',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':keyId': resealed.keyId, ':previous': 3 },
      Item: { sealed: { wrapped: 'bmV3LXdyYXBwZWQ=' }, version: 4 },
    });
  });

  it('counts every revocation of the change in the CRL revision', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const entries = ['aa01', 'bb02', 'cc03'].map((serialNumber) => ({ serialNumber, revokedAt: AT, reason: 'cessationOfOperation' as const, notAfter: AT }));
    await store().commit({ userId: USER, revocations: entries, audit });
    expect(findItem(sentItems(), 'PKI#CA', 'CRL').Update?.ExpressionAttributeValues).toEqual({ ':count': 3 });
  });

  it('passes errors that are not cancellations through unchanged', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    dynamo.on(TransactWriteCommand).rejects(throttled);
    await expect(store().commit(first)).rejects.toBe(throttled);
  });
});

describe('DynamoCertificates.commit: a failed guard says which error it means', () => {
  const revoked = (serial: string, version: number): CertificateRecord => ({
    ...certificate(serial, 'REVOKED', version), revocation: { at: AT, reason: 'superseded', actorId: USER, actorRole: 'USER' },
  });
  const everything = (replacesSerial?: string): CertificateChange => ({
    userId: USER,
    consumeToken: { token, serialNumber: NEW_SERIAL },
    issue: { certificate: certificate(NEW_SERIAL), key: signingKey(NEW_SERIAL), ...(replacesSerial ? { replacesSerial } : {}) },
    updates: [revoked(OLD_SERIAL, 2)],
    revocations: [{ serialNumber: OLD_SERIAL, revokedAt: AT, reason: 'superseded', notAfter: AT }],
    audit,
    messages: [message],
    usage,
  });
  const isKeyPut = (item: TransactItem) => item.Put !== undefined && sk(item) === 'SIGNINGKEY';

  it.each<[string, CertificateChange, string, number, (item: TransactItem) => boolean]>([
    ['the link (used, revoked or replaced meanwhile)', everything(), 'TOKEN_USED', 410, (item) => pk(item).startsWith('TOKEN#')],
    ['the key slot of a first certificate (a key is there: another link issued first)', everything(), 'CERTIFICATE_ALREADY_ISSUED', 409, isKeyPut],
    ['the key slot of a renewal or reset (the key no longer holds the old serial)', everything(OLD_SERIAL), 'CERTIFICATE_NOT_ACTIVE', 409, isKeyPut],
    ['the new certificate (serial taken)', everything(), 'CONFLICT', 409, (item) => pk(item) === `CERT#${NEW_SERIAL}`],
    ['the old certificate\'s version (changed meanwhile)', everything(OLD_SERIAL), 'CONFLICT', 409, (item) => pk(item) === `CERT#${OLD_SERIAL}`],
    ['an outbox id collision', everything(), 'CONFLICT', 409, (item) => pk(item).startsWith('OUTBOX#')],
    ['a data change waiting for its decision (the pending slot is taken)', everything(), 'DATA_CHANGE_PENDING', 409, (item) => item.ConditionCheck !== undefined],
  ])('%s → %s', async (_case, change, code, status, locate) => {
    let position = -1;
    dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      const items = input.TransactItems ?? [];
      expect(items.filter(locate)).toHaveLength(1);
      position = items.findIndex(locate);
      throw cancelled(...items.map((_, index) => (index === position ? 'ConditionalCheckFailed' : 'None')));
    });
    const failure = await store().commit(change).catch((error: unknown) => error);

    expect(position).toBeGreaterThanOrEqual(0);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code, status });
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('a dropped key that is no longer this certificate\'s → CONFLICT', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'ConditionalCheckFailed', 'None'));
    const failure = await store().commit({ userId: USER, updates: [revoked(OLD_SERIAL, 2)], revocations: [{ serialNumber: OLD_SERIAL, revokedAt: AT, reason: 'superseded', notAfter: AT }], dropKeyOf: OLD_SERIAL, audit })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'CONFLICT' });
  });

  it('a resealed key changed or locked meanwhile → CONFLICT (the passphrase change is not applied)', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    const failure = await store().commit({ userId: USER, consumeToken: { token }, resealKey: signingKey(OLD_SERIAL, { version: 2 }), audit })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'CONFLICT' });
  });

  it('every item that could collide carries a condition, audit included (never written over); only the CRL entry, the revision and usage go unguarded', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit(everything(OLD_SERIAL));
    const unconditioned = sentItems()
      .filter((item) => !(item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck)?.ConditionExpression)
      .map((item) => `${pk(item).replace(/#.*/, '#')} ${sk(item).replace(/#.*/, '#')}`);
    expect(unconditioned.sort()).toEqual(['PKI# REVOKED#', 'PKI# CRL', 'USAGE# DAY#'].sort());
  });
});

describe('DynamoCertificates: wrong passphrases and the lock', () => {
  const key = signingKey(OLD_SERIAL, { failedPassphrases: 3 });

  const NOW = new Date(AT);
  const lease = { leaseId: 'lease-1', until: '2026-11-22T03:00:15.000Z' };
  const keyItem = { pk: `USER#${USER}`, sk: 'SIGNINGKEY' };

  it('passphraseAttempts.take sets the lease in one conditional write: no live lease, this key, unlocked, below five failures', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...keyItem, ...key, attemptLease: lease } });
    await expect(store().passphraseAttempts(key).take(lease, NOW)).resolves.toEqual({ admitted: true, failures: 3 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: keyItem,
      UpdateExpression: 'SET #lease = :lease',
      ConditionExpression: '(attribute_not_exists(#lease) OR #lease.#leaseUntil <= :leaseNow) AND keyId = :keyId AND attribute_not_exists(lockedAt) AND (attribute_not_exists(failedPassphrases) OR failedPassphrases < :max)',
      ExpressionAttributeNames: { '#lease': 'attemptLease', '#leaseUntil': 'until' },
      ExpressionAttributeValues: { ':lease': lease, ':leaseNow': AT, ':keyId': key.keyId, ':max': 5 },
      ReturnValues: 'ALL_NEW',
    });
  });

  it.each([
    ['this key is locked', { ...key, failedPassphrases: 5, lockedAt: AT }, { admitted: false, reason: 'LOCKED', lockWritten: true }],
    ['the fifth failure is counted and its lock not written yet', { ...key, failedPassphrases: 5 }, { admitted: false, reason: 'LOCKED', lockWritten: false }],
    ['another try holds the lease', { ...key, attemptLease: { leaseId: 'other', until: '2026-11-22T03:00:09.000Z' } }, { admitted: false, reason: 'BUSY', leaseUntil: '2026-11-22T03:00:09.000Z' }],
    ['the key was replaced by another (a reset)', signingKey(NEW_SERIAL), { admitted: false, reason: 'GONE' }],
  ])('take reads the key to say why it was refused: %s', async (_case, current, expected) => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: { ...keyItem, ...current } });
    await expect(store().passphraseAttempts(key).take(lease, NOW)).resolves.toEqual(expected);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: keyItem, ConsistentRead: true });
  });

  it('settle counts a wrong passphrase and drops the lease in one write while the lease is this try\'s', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...keyItem, ...key, failedPassphrases: 4 } });
    await expect(store().passphraseAttempts(key).settle(lease, 'WRONG', NOW)).resolves.toBe(4);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      Key: keyItem,
      UpdateExpression: 'ADD failedPassphrases :one REMOVE #lease',
      ConditionExpression: '#lease.#leaseId = :leaseId AND keyId = :keyId',
      ExpressionAttributeNames: { '#lease': 'attemptLease', '#leaseId': 'leaseId' },
      ExpressionAttributeValues: { ':leaseId': 'lease-1', ':keyId': key.keyId, ':one': 1 },
    });
  });

  it('settle still counts a wrong passphrase when the lease was lost (it lapsed), leaving the other try\'s lease alone', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({ Attributes: { ...keyItem, ...key, failedPassphrases: 4 } });
    await expect(store().passphraseAttempts(key).settle(lease, 'WRONG', NOW)).resolves.toBe(4);
    expect(dynamo.commandCalls(UpdateCommand)[1]?.args[0].input).toMatchObject({
      UpdateExpression: 'ADD failedPassphrases :one', ConditionExpression: 'keyId = :keyId', ExpressionAttributeValues: { ':keyId': key.keyId, ':one': 1 },
    });
    expect(dynamo.commandCalls(UpdateCommand)[1]?.args[0].input.ExpressionAttributeNames).toBeUndefined();
  });

  it('settle clears the count on a right passphrase only while the key is unlocked; a lock that landed meanwhile answers KEY_LOCKED', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });
    await expect(store().passphraseAttempts(key).settle(lease, 'RIGHT', NOW)).resolves.toBe(0);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET failedPassphrases = :zero REMOVE #lease',
      ConditionExpression: '#lease.#leaseId = :leaseId AND keyId = :keyId AND attribute_not_exists(lockedAt)',
    });
    dynamo.reset();
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: { ...keyItem, ...key, failedPassphrases: 5, lockedAt: AT } });
    await expect(store().passphraseAttempts(key).settle(lease, 'RIGHT', NOW)).rejects.toMatchObject({ code: 'KEY_LOCKED' });
  });

  it('passes other failures through', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    dynamo.on(UpdateCommand).rejects(throttled);
    await expect(store().passphraseAttempts(key).take(lease, NOW)).rejects.toBe(throttled);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  const extra = { audit: { ...audit, action: 'SIGNING_KEY_LOCKED' }, message: { ...message, template: 'signingKeyLocked' } };

  it('lockKey locks this key, with the audit entry and the e-mail in one transaction, and says it did', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await expect(store().lockKey(key, AT, extra)).resolves.toBe(true);
    const [lock, auditPut, outbox, ...rest] = sentItems();
    expect(rest).toEqual([]);
    expect(lock?.Update).toMatchObject({
      Key: { pk: `USER#${USER}`, sk: 'SIGNINGKEY' },
      UpdateExpression: 'SET lockedAt = :at',
      ConditionExpression: 'keyId = :keyId AND attribute_not_exists(lockedAt)',
      ExpressionAttributeValues: { ':at': AT, ':keyId': key.keyId },
    });
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'SIGNING_KEY_LOCKED' });
    expect(outbox?.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { pk: 'OUTBOX#msg-1', template: 'signingKeyLocked' } });
  });

  it('lockKey returns false when the key is already locked (one lock, one e-mail)', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    await expect(store().lockKey(key, AT, extra)).resolves.toBe(false);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('lockKey does not take an outbox collision for "already locked"', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed'));
    await expect(store().lockKey(key, AT, extra)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('DynamoCertificates: reads', () => {
  it('findCertificate is one consistent GetItem by serial, returning the record without storage keys', async () => {
    const stored = certificateItem(certificate(OLD_SERIAL));
    dynamo.on(GetCommand).resolves({ Item: stored });
    await expect(store().findCertificate(OLD_SERIAL)).resolves.toEqual(certificate(OLD_SERIAL));
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetCommand, { TableName: TABLE, Key: { pk: `CERT#${OLD_SERIAL}`, sk: 'CERT' }, ConsistentRead: true });
    expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
  });

  it('findCertificate answers undefined for an unknown serial', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(store().findCertificate('ffff')).resolves.toBeUndefined();
  });

  it('findSigningKey is a consistent GetItem in the user\'s partition', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: `USER#${USER}`, sk: 'SIGNINGKEY', ...signingKey(OLD_SERIAL) } });
    await expect(store().findSigningKey(USER)).resolves.toEqual(signingKey(OLD_SERIAL));
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `USER#${USER}`, sk: 'SIGNINGKEY' }, ConsistentRead: true });
  });

  it('listExpiringOn reads every page of the day\'s partition of the expiry index', async () => {
    const a = certificate('aa01');
    const b = certificate('bb02');
    const c = certificate('cc03', 'SUSPENDED');
    dynamo.on(QueryCommand)
      .resolvesOnce({ Items: [certificateItem(a), certificateItem(b)], LastEvaluatedKey: { gsi2pk: 'EXPIRES#2028-11-21', gsi2sk: 'bb02', pk: 'CERT#bb02', sk: 'CERT' } })
      .resolvesOnce({ Items: [certificateItem(c)] });
    await expect(store().listExpiringOn('2028-11-21')).resolves.toEqual([a, b, c]);

    const calls = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    for (const input of calls) {
      expect(input).toMatchObject({
        TableName: TABLE, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': 'EXPIRES#2028-11-21' },
      });
      // A query, never a filter over everything.
      expect(input.FilterExpression).toBeUndefined();
    }
    expect(calls[0]?.ExclusiveStartKey).toBeUndefined();
    expect(calls[1]?.ExclusiveStartKey).toEqual({ gsi2pk: 'EXPIRES#2028-11-21', gsi2sk: 'bb02', pk: 'CERT#bb02', sk: 'CERT' });
  });

  it('listUserCertificates reads the user\'s certificates newest first, all pages', async () => {
    dynamo.on(QueryCommand)
      .resolvesOnce({ Items: [certificateItem(certificate('bb02'))], LastEvaluatedKey: { gsi1pk: `USER#${USER}#CERTS`, gsi1sk: 'x', pk: 'CERT#bb02', sk: 'CERT' } })
      .resolvesOnce({ Items: [certificateItem(certificate('aa01', 'REVOKED'))] });
    const found = await store().listUserCertificates(USER);
    expect(found.map((record) => record.serialNumber)).toEqual(['bb02', 'aa01']);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${USER}#CERTS` }, ScanIndexForward: false,
    });
  });
});

describe('certificateItem: the expiry index holds live certificates only', () => {
  it.each<[CertificateStatus, boolean]>([
    ['ISSUED', true],
    ['SUSPENDED', true],
    ['REVOKED', false],
    ['RENEWED', false],
    ['EXPIRED', false],
  ])('%s → in the expiry index: %s', (status, indexed) => {
    const item = certificateItem({ ...certificate(OLD_SERIAL, status), notAfter: '2028-11-21T16:59:59.000Z' });
    expect(item).toMatchObject({ pk: `CERT#${OLD_SERIAL}`, sk: 'CERT', gsi1pk: `USER#${USER}#CERTS`, gsi1sk: `${AT}#${OLD_SERIAL}`, status });
    if (indexed) {
      // By the UTC day of notAfter (the job runs by UTC day).
      expect(item).toMatchObject({ gsi2pk: 'EXPIRES#2028-11-21', gsi2sk: OLD_SERIAL });
    } else {
      expect(item).not.toHaveProperty('gsi2pk');
      expect(item).not.toHaveProperty('gsi2sk');
    }
  });
});

describe('DynamoCertificates: links, expiry and notices', () => {
  it('holdLink holds an unused link unless another request holds it still', async () => {
    dynamo.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    const s = store();
    await expect(s.holdLink(token, AT, '2026-11-22T03:00:30.000Z')).resolves.toBe(true);
    await expect(s.holdLink(token, AT, '2026-11-22T03:00:30.000Z')).resolves.toBe(false);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: `TOKEN#${token.tokenHash}`, sk: 'TOKEN' },
      UpdateExpression: 'SET heldUntil = :until',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt) AND (attribute_not_exists(heldUntil) OR heldUntil <= :now)',
      ExpressionAttributeValues: { ':until': '2026-11-22T03:00:30.000Z', ':now': AT },
    });
  });

  it('saveLinkSelfie answers TOKEN_USED when the link was used meanwhile', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    const selfie = certificate(OLD_SERIAL).selfie;
    await expect(store().saveLinkSelfie(token, selfie)).rejects.toMatchObject({ code: 'TOKEN_USED' });
  });

  it('markExpired moves a live certificate to EXPIRED on its version and drops its key, with an audit entry', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: `USER#${USER}`, sk: 'SIGNINGKEY', ...signingKey(OLD_SERIAL) } });
    dynamo.on(TransactWriteCommand).resolves({});
    const later = '2028-11-22T00:05:00.000Z';
    await expect(store().markExpired(certificate(OLD_SERIAL, 'ISSUED', 2), later)).resolves.toBe(true);
    const items = sentItems();
    expect(findItem(items, `CERT#${OLD_SERIAL}`, 'CERT').Put).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #version = :previous AND #status IN (:from0, :from1)',
      ExpressionAttributeValues: { ':previous': 2, ':from0': 'ISSUED', ':from1': 'SUSPENDED' },
      Item: { status: 'EXPIRED', expiredAt: later, version: 3 },
    });
    expect(findItem(items, `CERT#${OLD_SERIAL}`, 'CERT').Put?.Item).not.toHaveProperty('gsi2pk');
    expect(findItem(items, `USER#${USER}`, 'SIGNINGKEY').Delete).toMatchObject({ ConditionExpression: 'serialNumber = :serial', ExpressionAttributeValues: { ':serial': OLD_SERIAL } });
    expect(findItem(items, `USER#${USER}`, `AUDIT#${later}#expired-${OLD_SERIAL}`).Put?.Item).toMatchObject({ action: 'CERTIFICATE_EXPIRED', actorRole: 'SYSTEM' });
  });

  it('markExpired leaves a newer key alone and returns false when the certificate changed meanwhile', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: `USER#${USER}`, sk: 'SIGNINGKEY', ...signingKey(NEW_SERIAL) } });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    await expect(store().markExpired(certificate(OLD_SERIAL), AT)).resolves.toBe(false);
    expect(sentItems().some((item) => item.Delete !== undefined)).toBe(false);
  });

  it('enqueueOnce queues a message id once', async () => {
    dynamo.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    const s = store();
    await expect(s.enqueueOnce(message)).resolves.toBe(true);
    await expect(s.enqueueOnce(message)).resolves.toBe(false);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ pk: 'OUTBOX#msg-1' }) });
  });
});

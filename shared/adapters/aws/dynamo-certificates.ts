import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../domain/errors.js';
import { MAX_PASSPHRASE_FAILURES } from '../../domain/certificates.js';
import { auditEntry } from '../../audit.js';
import { indexKeys, keys } from '../../data/table.js';
import type {
  CertificateChange, CertificateRecord, CertificateStore, ConfirmedSelfie, ExpiringCertificates, SigningKeyRecord,
} from '../../ports/certificates.js';
import type { AttemptLeases } from '../../ports/attempts.js';
import type { LinkTokenRecord } from '../../ports/links.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import type { AuditEntry } from '../../ports/users.js';
import { fromItem, guardedItems, ifConditionHolds, queryAll, transactWrite, versionGuard, type TransactItems } from './dynamo-items.js';
import { addDataChangeItems } from './dynamo-data-changes.js';
import { liveLeaseUntil, readSlot, settleHolding, takeLease, updateWithoutLease, type LeaseSlot } from './dynamo-attempt-leases.js';
import {
  auditPut, certificateItem, consumeTokenUpdate, outboxItem, revocationItem, signingKeyItem, tokenItem, usageIncrement,
} from './table-items.js';

const liveStatuses = ['ISSUED', 'SUSPENDED'];
/** The signing key item's attribute holding the passphrase attempt lease. */
const PASSPHRASE_LEASE = 'attemptLease';
const DAILY_JOB = 'daily-notices';

/**
 * Certificates (by serial), the user's signing key, and the revocation entries of the CA. A
 * certificate change is one transaction; each guard that can fail says which error it means.
 */
export class DynamoCertificates implements CertificateStore, ExpiringCertificates {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findCertificate(serialNumber: string): Promise<CertificateRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.certificate(serialNumber), ConsistentRead: true }));
    return result.Item ? fromItem<CertificateRecord>(result.Item) : undefined;
  }

  async listUserCertificates(userId: string): Promise<CertificateRecord[]> {
    return queryAll<CertificateRecord>(this.db, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.certificatesOfUser(userId, '', '').gsi1pk },
      ScanIndexForward: false,
    });
  }

  async findSigningKey(userId: string): Promise<SigningKeyRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.signingKey(userId), ConsistentRead: true }));
    if (!result.Item) return undefined;
    // The attempt lease belongs to the item, not the record: a record written back must not revive it.
    const { [PASSPHRASE_LEASE]: _lease, ...item } = result.Item;
    return fromItem<SigningKeyRecord>(item);
  }

  async holdLink(token: LinkTokenRecord, now: string, until: string): Promise<boolean> {
    return ifConditionHolds(this.db, new UpdateCommand({
      TableName: this.tableName,
      Key: keys.token(token.tokenHash),
      UpdateExpression: 'SET heldUntil = :until',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt) AND (attribute_not_exists(heldUntil) OR heldUntil <= :now)',
      ExpressionAttributeValues: { ':until': until, ':now': now },
    }));
  }

  async releaseLink(token: LinkTokenRecord, until: string): Promise<void> {
    await ifConditionHolds(this.db, new UpdateCommand({
      TableName: this.tableName,
      Key: keys.token(token.tokenHash),
      UpdateExpression: 'REMOVE heldUntil',
      ConditionExpression: 'heldUntil = :until',
      ExpressionAttributeValues: { ':until': until },
    }));
  }

  async saveLinkSelfie(token: LinkTokenRecord, selfie: ConfirmedSelfie): Promise<void> {
    const saved = await ifConditionHolds(this.db, new UpdateCommand({
      TableName: this.tableName,
      Key: keys.token(token.tokenHash),
      UpdateExpression: 'SET freshSelfie = :selfie',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':selfie': selfie },
    }));
    if (!saved) throw new AppError('TOKEN_USED');
  }

  async commit(change: CertificateChange): Promise<void> {
    const transaction = guardedItems();
    const { add } = transaction;
    const table = this.tableName;
    const at = change.audit.at;

    if (change.consumeToken) {
      const { token, serialNumber } = change.consumeToken;
      add(consumeTokenUpdate(table, token, at, serialNumber ? { issuedSerial: serialNumber } : {}), new AppError('TOKEN_USED'));
    }
    if (change.issue) {
      const { certificate, key, replacesSerial } = change.issue;
      add({ Put: { TableName: table, Item: certificateItem(certificate), ConditionExpression: 'attribute_not_exists(pk)' } }, new AppError('CONFLICT'));
      // One signing key per user: a first certificate needs none there, a renewal or reset the old one.
      const keyGuard = replacesSerial
        ? { ConditionExpression: 'serialNumber = :replaced', ExpressionAttributeValues: { ':replaced': replacesSerial } }
        : { ConditionExpression: 'attribute_not_exists(pk)' };
      add({ Put: { TableName: table, Item: signingKeyItem(key), ...keyGuard } },
        new AppError(replacesSerial ? 'CERTIFICATE_NOT_ACTIVE' : 'CERTIFICATE_ALREADY_ISSUED'));
      // No certificate with the old data while a data change waits (race-safe: the slot is one item).
      add({ ConditionCheck: { TableName: table, Key: keys.pendingDataChange(change.userId), ConditionExpression: 'attribute_not_exists(pk)' } }, new AppError('DATA_CHANGE_PENDING'));
    }
    if (change.dataChange) addDataChangeItems(transaction, table, change.userId, change.dataChange);
    for (const next of change.updates ?? []) {
      add({ Put: { TableName: table, Item: certificateItem(next), ...versionGuard(next.version) } }, new AppError('CONFLICT'));
    }
    const revocations = change.revocations ?? [];
    for (const entry of revocations) add({ Put: { TableName: table, Item: revocationItem(entry) } });
    if (revocations.length > 0) {
      add({
        Update: {
          TableName: table, Key: keys.crlState, UpdateExpression: 'ADD revision :count', ExpressionAttributeValues: { ':count': revocations.length },
        },
      });
    }
    if (change.dropKeyOf) {
      add({
        Delete: { TableName: table, Key: keys.signingKey(change.userId), ConditionExpression: 'serialNumber = :serial', ExpressionAttributeValues: { ':serial': change.dropKeyOf } },
      }, new AppError('CONFLICT'));
    }
    if (change.resealKey) {
      const key = change.resealKey;
      add({
        Put: {
          TableName: table,
          Item: signingKeyItem(key),
          ConditionExpression: 'keyId = :keyId AND #version = :previous AND attribute_not_exists(lockedAt)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':keyId': key.keyId, ':previous': key.version - 1 },
        },
      }, new AppError('CONFLICT'));
    }
    for (const token of change.tokens ?? []) add({ Put: { TableName: table, Item: tokenItem(token) } });
    add(auditPut(table, change.audit));
    for (const message of change.messages ?? []) {
      add({ Put: { TableName: table, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' } });
    }
    if (change.usage) add(usageIncrement(table, change.usage.tenantId, change.usage.event, change.usage.at, change.usage.quantity));

    await transactWrite(this.db, 'certificateChange', transaction.items, transaction.explain);
  }

  passphraseAttempts(key: SigningKeyRecord): AttemptLeases {
    const slot: LeaseSlot = { db: this.db, tableName: this.tableName, key: keys.signingKey(key.userId), attribute: PASSPHRASE_LEASE };
    const sameKey = { condition: 'keyId = :keyId', values: { ':keyId': key.keyId } };
    const failuresIn = (item: Record<string, unknown>) => Number(item.failedPassphrases ?? 0);
    return {
      take: async (lease, now) => {
        const taken = await takeLease(slot, lease, now, {
          condition: 'keyId = :keyId AND attribute_not_exists(lockedAt) AND (attribute_not_exists(failedPassphrases) OR failedPassphrases < :max)',
          values: { ':keyId': key.keyId, ':max': MAX_PASSPHRASE_FAILURES },
        });
        if (taken) return { admitted: true, failures: failuresIn(taken) };
        const current = await readSlot(slot);
        if (current?.keyId !== key.keyId) return { admitted: false, reason: 'GONE' };
        if (current.lockedAt) return { admitted: false, reason: 'LOCKED', lockWritten: true };
        if (failuresIn(current) >= MAX_PASSPHRASE_FAILURES) return { admitted: false, reason: 'LOCKED', lockWritten: false };
        // Live, or it lapsed between the write and this read: either way, try again shortly.
        return { admitted: false, reason: 'BUSY', leaseUntil: liveLeaseUntil(current, PASSPHRASE_LEASE, now) ?? now.toISOString() };
      },
      settle: async (lease, outcome) => {
        if (outcome === 'UNTRIED') {
          await settleHolding(slot, lease.leaseId, sameKey);
          return key.failedPassphrases;
        }
        if (outcome === 'WRONG') {
          const count = { ...sameKey, add: ['failedPassphrases :one'], values: { ...sameKey.values, ':one': 1 } };
          // A guess tested is counted, even by a try that outlived its lease.
          const after = await settleHolding(slot, lease.leaseId, count) ?? await updateWithoutLease(slot, count);
          if (!after) throw new AppError('CONFLICT', [], { internal: 'the signing key was replaced during a passphrase try' });
          return failuresIn(after);
        }
        // RIGHT: only on a key still unlocked, so a lock that landed after the lease was lost wins.
        const clear = {
          set: ['failedPassphrases = :zero'], condition: 'keyId = :keyId AND attribute_not_exists(lockedAt)', values: { ...sameKey.values, ':zero': 0 },
        };
        if (await settleHolding(slot, lease.leaseId, clear) ?? await updateWithoutLease(slot, clear)) return 0;
        const current = await readSlot(slot);
        throw new AppError(current?.keyId === key.keyId ? 'KEY_LOCKED' : 'CONFLICT');
      },
    };
  }

  async lockKey(key: SigningKeyRecord, at: string, extra: { audit: AuditEntry; message: OutboxMessage }): Promise<boolean> {
    try {
      await transactWrite(this.db, 'lockKey', [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.signingKey(key.userId),
            UpdateExpression: 'SET lockedAt = :at',
            ConditionExpression: 'keyId = :keyId AND attribute_not_exists(lockedAt)',
            ExpressionAttributeValues: { ':at': at, ':keyId': key.keyId },
          },
        },
        auditPut(this.tableName, extra.audit),
        { Put: { TableName: this.tableName, Item: outboxItem(extra.message), ConditionExpression: 'attribute_not_exists(pk)' } },
      ], (reasons) => (reasons[0]?.failed ? new AppError('KEY_LOCKED') : undefined));
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'KEY_LOCKED') return false;
      throw error;
    }
  }

  async listExpiringOn(day: string): Promise<CertificateRecord[]> {
    return queryAll<CertificateRecord>(this.db, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': indexKeys.certificatesExpiringOn(day, '').gsi2pk },
    });
  }

  async markExpired(certificate: CertificateRecord, at: string): Promise<boolean> {
    const next: CertificateRecord = { ...certificate, status: 'EXPIRED', expiredAt: at, version: certificate.version + 1 };
    const key = await this.findSigningKey(certificate.userId);
    const items: TransactItems = [{ Put: { TableName: this.tableName, Item: certificateItem(next), ...versionGuard(next.version, liveStatuses) } }];
    if (key?.serialNumber === certificate.serialNumber) {
      items.push({
        Delete: {
          TableName: this.tableName, Key: keys.signingKey(certificate.userId), ConditionExpression: 'serialNumber = :serial', ExpressionAttributeValues: { ':serial': certificate.serialNumber },
        },
      });
    }
    // One entry per certificate: its id is the serial's, so the expiry is recorded once whatever runs.
    const once = { ids: { newId: () => `expired-${certificate.serialNumber}` } };
    items.push(auditPut(this.tableName, auditEntry(once, new Date(at), { actorId: DAILY_JOB, role: 'SYSTEM' }, 'CERTIFICATE_EXPIRED', certificate)));
    try {
      await transactWrite(this.db, 'markExpired', items, () => new AppError('CONFLICT'));
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT') return false;
      throw error;
    }
  }

  async lastCompletedDay(): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.jobState(DAILY_JOB), ConsistentRead: true }));
    return result.Item?.completedDay as string | undefined;
  }

  async recordCompletedDay(day: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.jobState(DAILY_JOB), completedDay: day } }));
  }

  async enqueueOnce(message: OutboxMessage): Promise<boolean> {
    return ifConditionHolds(this.db, new PutCommand({ TableName: this.tableName, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' }));
  }
}

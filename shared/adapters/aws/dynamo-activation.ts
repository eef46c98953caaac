import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError, type FieldError } from '../../domain/errors.js';
import { indexKeys, keys } from '../../data/table.js';
import type { ActivationStore } from '../../ports/activation.js';
import type { AuditEntry, EmploymentData, IdentityData, UserRecord } from '../../ports/users.js';
import type { LinkTokenRecord } from '../../ports/links.js';
import type { PhotoKind, PhotoRecord } from '../../ports/photos.js';
import { auditPut } from './table-items.js';
import { cancellationReasons, epochSeconds, withConflictRetry } from './dynamo-items.js';

// A photo slot that was never confirmed disappears after a day.
const PENDING_PHOTO_SECONDS = 24 * 3600;

/**
 * Every activation write is one request guarded by the same condition: the user still holds
 * this activation link and has not submitted. When a guard fails, DynamoDB hands back the stored
 * item (ReturnValuesOnConditionCheckFailure), so the reason is told without another read.
 */
export class DynamoActivationStore implements ActivationStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async saveIdentity(token: LinkTokenRecord, identity: IdentityData, at: string): Promise<void> {
    const attempt = () => this.db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: this.progress(token, at, {
            set: { identity },
            // The NIP, if already given, must encode the same birth date as this NIK.
            condition: '(attribute_not_exists(#employment.nipBirthDate) OR #employment.nipBirthDate = :birthDate)',
            values: { ':birthDate': identity.birthDate },
          }),
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.nikUnique(identity.nikIndex), userId: token.userId, tenantId: token.tenantId },
            ConditionExpression: 'attribute_not_exists(pk) OR userId = :me',
            ExpressionAttributeValues: { ':me': token.userId },
          },
        },
      ],
    }));
    try {
      await withConflictRetry(attempt);
    } catch (error) {
      const reasons = cancellationReasons<UserRecord>(error);
      if (!reasons) throw error;
      if (reasons[0]?.failed) throw this.explainGuard(token, reasons[0].item, [{ field: 'nik', code: 'NIP_NIK_MISMATCH' }]);
      if (reasons[1]?.failed && (await this.releaseStaleNikClaim(identity.nikIndex))) {
        await withConflictRetry(attempt).catch((retryError: unknown) => {
          throw cancellationReasons(retryError)?.[1]?.failed ? new AppError('NIK_ALREADY_REGISTERED') : retryError;
        });
        return;
      }
      throw new AppError('NIK_ALREADY_REGISTERED');
    }
  }

  async saveEmployment(token: LinkTokenRecord, employment: EmploymentData, at: string): Promise<void> {
    await this.update(token, at, {
      set: { employment },
      ...(employment.nipBirthDate
        ? { condition: '(attribute_not_exists(#identity) OR #identity.birthDate = :birthDate)', values: { ':birthDate': employment.nipBirthDate } }
        : {}),
    }, [{ field: 'nip', code: 'NIP_NIK_MISMATCH' }]);
  }

  async addPhoto(token: LinkTokenRecord, photo: PhotoRecord): Promise<void> {
    await this.transact(token, [
      { ConditionCheck: this.guard(token) },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.photo(photo.userId, photo.kind, photo.photoId), ...photo, ttl: epochSeconds(photo.createdAt) + PENDING_PHOTO_SECONDS },
        },
      },
    ]);
  }

  async confirmPhoto(token: LinkTokenRecord, photo: { photoId: string; kind: PhotoKind; width: number; height: number }, at: string): Promise<void> {
    const field = photo.kind === 'KTP' ? 'ktpPhotoId' : 'selfiePhotoId';
    const userUpdate = this.progress(token, at, {
      set: { [field]: photo.photoId },
      // Photo ids grow with upload time: of two confirms racing, the newer photo wins.
      condition: `(attribute_not_exists(${field}) OR ${field} < :photoId)`,
      values: { ':photoId': photo.photoId },
    });
    const photoUpdate = {
      TableName: this.tableName,
      Key: keys.photo(token.userId, photo.kind, photo.photoId),
      UpdateExpression: 'SET #status = :confirmed, confirmedAt = :at, width = :width, height = :height REMOVE #ttl',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':at': at, ':width': photo.width, ':height': photo.height },
    };
    try {
      await this.transact(token, [{ Update: userUpdate }, { Update: photoUpdate }], (index) => (index === 1 ? new AppError('PHOTO_NOT_FOUND') : undefined));
    } catch (error) {
      // The link holds, so what failed is the newer-photo condition.
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
        throw new AppError('CONFLICT', [], { detail: { id: 'Foto yang lebih baru sudah dikonfirmasi.', en: 'A newer photo was confirmed already.' } });
      }
      throw error;
    }
  }

  async markPrivacyPolicyViewed(token: LinkTokenRecord, version: string, at: string): Promise<string> {
    const result = await this.update(token, at, {
      // The first showing counts: reading again does not restart the minimum reading time.
      set: {},
      extra: ', privacyPolicyViewedAt = if_not_exists(privacyPolicyViewedAt, :viewedAt), privacyPolicyVersion = :version',
      values: { ':viewedAt': at, ':version': version },
    });
    return String(result?.privacyPolicyViewedAt ?? at);
  }

  async submit(token: LinkTokenRecord, submission: { consent: { version: string; acceptedAt: string; sourceIp: string }; readBefore: string; audit: AuditEntry }): Promise<void> {
    const at = submission.consent.acceptedAt;
    const complete = ['#identity', '#employment', 'ktpPhotoId', 'selfiePhotoId', 'privacyPolicyViewedAt']
      .map((field) => `attribute_exists(${field})`).join(' AND ');
    const userUpdate = this.progress(token, at, {
      status: 'SUBMITTED',
      set: { consent: submission.consent, submittedAt: at },
      condition: `${complete} AND privacyPolicyViewedAt <= :readBefore`,
      values: { ':readBefore': submission.readBefore },
    });
    try {
      await withConflictRetry(() => this.db.send(new TransactWriteCommand({
        TransactItems: [
          { Update: userUpdate },
          {
            Update: {
              TableName: this.tableName,
              Key: keys.token(token.tokenHash),
              UpdateExpression: 'SET usedAt = :at',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          auditPut(this.tableName, submission.audit),
        ],
      })));
    } catch (error) {
      const reasons = cancellationReasons<UserRecord>(error);
      if (!reasons) throw error;
      if (reasons[1]?.failed) throw new AppError('TOKEN_USED');
      const user = reasons[0]?.item;
      if (!user || !holdsLink(token, user)) throw this.explainGuard(token, user, []);
      const missing = [
        ['identity', user.identity], ['employment', user.employment], ['ktpPhoto', user.ktpPhotoId],
        ['selfie', user.selfiePhotoId], ['privacyPolicy', user.privacyPolicyViewedAt],
      ].filter(([, value]) => value === undefined).map(([field]) => ({ field: String(field), code: 'REQUIRED' as const }));
      if (missing.length > 0) throw new AppError('ACTIVATION_INCOMPLETE', missing);
      const waitSeconds = Math.ceil((new Date(user.privacyPolicyViewedAt!).getTime() - new Date(submission.readBefore).getTime()) / 1000);
      throw new AppError('PRIVACY_POLICY_NOT_READ', [], {
        detail: {
          id: `Mohon baca kebijakan privasi sampai selesai: ${waitSeconds} detik lagi sebelum dapat mengirim.`,
          en: `Please read the privacy policy: ${waitSeconds} more seconds before you can submit.`,
        },
      });
    }
  }

  /** A NIK claim whose holder no longer has that NIK (they corrected a typo) is given up. */
  private async releaseStaleNikClaim(nikIndex: string): Promise<boolean> {
    const claim = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.nikUnique(nikIndex) }));
    const holderId = claim.Item?.userId as string | undefined;
    if (!holderId) return true;
    const holder = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.user(holderId) }));
    const stillHeld = (holder.Item as UserRecord | undefined)?.identity?.nikIndex === nikIndex
      && !['REJECTED', 'EXPIRED'].includes(String(holder.Item?.status));
    if (stillHeld) return false;
    try {
      await this.db.send(new DeleteCommand({
        TableName: this.tableName,
        Key: keys.nikUnique(nikIndex),
        ConditionExpression: 'userId = :holder',
        ExpressionAttributeValues: { ':holder': holderId },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return true;
  }

  private guard(token: LinkTokenRecord) {
    return {
      TableName: this.tableName,
      Key: keys.user(token.userId),
      ConditionExpression: 'activationTokenHash = :hash AND #status IN (:invited, :activating)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':hash': token.tokenHash, ':invited': 'INVITED', ':activating': 'ACTIVATING' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /** The guarded update of an activation step: it also moves INVITED to ACTIVATING (or on). */
  private progress(token: LinkTokenRecord, at: string, change: {
    set: Record<string, unknown>;
    status?: 'ACTIVATING' | 'SUBMITTED';
    extra?: string;
    condition?: string;
    values?: Record<string, unknown>;
  }) {
    const guard = this.guard(token);
    const status = change.status ?? 'ACTIVATING';
    const fields = Object.entries(change.set);
    const assignments = fields.map(([, _value], index) => `#f${index} = :f${index}`);
    const statusKeys = indexKeys.usersByStatus(token.tenantId, status, at, token.userId);
    const condition = change.condition ? `${guard.ConditionExpression} AND ${change.condition}` : guard.ConditionExpression;
    // identity is a DynamoDB reserved word: conditions name these two through placeholders.
    const reserved = ['identity', 'employment'].filter((name) => condition.includes(`#${name}`));
    return {
      ...guard,
      UpdateExpression: `SET #status = :newStatus, updatedAt = :at, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk${assignments.map((a) => `, ${a}`).join('')}${change.extra ?? ''} ADD version :one`,
      ConditionExpression: condition,
      ExpressionAttributeNames: {
        ...guard.ExpressionAttributeNames,
        ...Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
        ...Object.fromEntries(reserved.map((name) => [`#${name}`, name])),
      },
      ExpressionAttributeValues: {
        ...guard.ExpressionAttributeValues,
        ...Object.fromEntries(fields.map(([, value], index) => [`:f${index}`, value])),
        ':newStatus': status,
        ':at': at,
        ':gsi1pk': statusKeys.gsi1pk,
        ':gsi1sk': statusKeys.gsi1sk,
        ':one': 1,
        ...change.values,
      },
    };
  }

  private async update(token: LinkTokenRecord, at: string, change: Parameters<DynamoActivationStore['progress']>[2], conditionErrors: FieldError[] = []) {
    try {
      const result = await this.db.send(new UpdateCommand({ ...this.progress(token, at, change), ReturnValues: 'UPDATED_NEW' }));
      return result.Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw this.explainGuard(token, error.Item ? unmarshall(error.Item) as UserRecord : undefined, conditionErrors);
      }
      throw error;
    }
  }

  private async transact(
    token: LinkTokenRecord,
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
    explainOther: (index: number) => AppError | undefined = () => undefined,
  ): Promise<void> {
    try {
      await withConflictRetry(() => this.db.send(new TransactWriteCommand({ TransactItems: items })));
    } catch (error) {
      const reasons = cancellationReasons<UserRecord>(error);
      if (!reasons) throw error;
      if (reasons[0]?.failed) throw this.explainGuard(token, reasons[0].item, []);
      const failedIndex = reasons.findIndex((reason) => reason?.failed);
      throw explainOther(failedIndex) ?? new AppError('CONFLICT', [], { internal: `activation transaction item ${failedIndex}` });
    }
  }

  /** Why a guarded write failed, from the stored user the condition failure returned. */
  private explainGuard(token: LinkTokenRecord, user: UserRecord | undefined, otherwise: FieldError[]): AppError {
    if (!user) return new AppError('TOKEN_NOT_FOUND');
    if (user.activationTokenHash !== token.tokenHash) return new AppError('TOKEN_EXPIRED');
    if (user.status !== 'INVITED' && user.status !== 'ACTIVATING') return new AppError('TOKEN_USED');
    return new AppError('VALIDATION_FAILED', otherwise);
  }
}

function holdsLink(token: LinkTokenRecord, user: UserRecord): boolean {
  return user.activationTokenHash === token.tokenHash && (user.status === 'INVITED' || user.status === 'ACTIVATING');
}

import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { exportPersonalData } from '../../functions/accounts/use-cases/personal-data.js';
import { revokeCertificate } from '../../functions/certificates/use-cases/lifecycle.js';
import { eraseUser } from '../../functions/enrollment/use-cases/erase-user.js';
import { rejectApplicant } from '../../functions/enrollment/use-cases/review.js';
import { deleteClosedApplicationPhotos } from '../../functions/notices/use-cases/photo-retention.js';
import { DynamoClosedApplications } from '../../shared/adapters/aws/dynamo-closed-applications.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { dispatchMessage } from '../../functions/outbox/use-cases/dispatch-message.js';
import { DynamoOutboxStore } from '../../shared/adapters/aws/dynamo-outbox.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { keys } from '../../shared/data/table.js';
import type { Actor } from '../../shared/domain/actor.js';
import { activationPhotoKey, newPhotoId, userPhotoFolder } from '../../shared/domain/photo-ids.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { certificatesSetup } from './certificates-harness.js';
import { codeOf } from './harness.js';

const NIK = '7271015503850001';
const operator: Actor = { actorId: 'operator-1', role: 'OPERATOR', tenantId: 'platform' };

/** A civil servant with an ISSUED certificate, a KTP identity, a phone and a live session. */
async function setup() {
  const ctx = await certificatesSetup();
  const personalData = new DynamoPersonalData(ctx.dynamo, ctx.tableName);
  const photos = new S3PhotoStore(ctx.s3, ctx.photoBucket);
  const identity = { fullName: 'Ratna Sari Dewi', nikSealed: 'sealed-nik', nikIndex: `nik-index-${randomIds.newId()}`, nikLast4: NIK.slice(-4), birthDate: '1985-03-15', gender: 'FEMALE' as const };
  const user = await ctx.approvedUser('Ratna Sari', { identity, phone: '+6281234567890' });
  await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { ...keys.nikUnique(identity.nikIndex), userId: user.userId, tenantId: ctx.tenant.tenantId } }));
  await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { ...keys.session('a'.repeat(64)), userId: user.userId } }));
  await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { ...keys.userSession(user.userId, 'a'.repeat(64)), userId: user.userId } }));
  const certificate = await ctx.issueThrough(user.enrollToken);
  const erasureDeps = { personalData, photos, clock: ctx.clock, ids: randomIds, settings: { erasedNikClaimDays: 365 } };
  const exportDeps = { personalData, tenants: ctx.tenants, audit: new DynamoAuditTrail(ctx.dynamo, ctx.tableName), clock: ctx.clock, ids: randomIds };
  const objects = async () => (await ctx.s3.send(new ListObjectsV2Command({ Bucket: ctx.photoBucket, Prefix: userPhotoFolder({ tenantId: ctx.tenant.tenantId, userId: user.userId }) }))).Contents ?? [];
  return { ...ctx, user, identity, certificate, erasureDeps, exportDeps, objects };
}

describe('the person\'s own data (UU PDP right of access)', () => {
  it('holds profile, identity, employment, consents, photos, certificates and the trail, and no secret; the export is audited', async () => {
    const ctx = await setup();
    const data = await exportPersonalData(ctx.exportDeps, { actor: ctx.user.actor });
    expect(data.profile).toMatchObject({ userId: ctx.user.userId, email: ctx.user.email, phone: '+6281234567890', status: 'APPROVED' });
    expect(data.identity).toMatchObject({ fullName: 'Ratna Sari Dewi', nik: '************0001', birthDate: '1985-03-15' });
    expect(data.employment).toMatchObject({ unitName: 'Dinas Komunikasi dan Informatika' });
    expect(data.certificates).toEqual([expect.objectContaining({ serialNumber: ctx.certificate.serialNumber, status: 'ISSUED', pem: expect.stringContaining('BEGIN CERTIFICATE') })]);
    expect(data.consents).toEqual([expect.objectContaining({ kind: 'SUBSCRIBER_AGREEMENT', sourceIp: '203.0.113.7', certificateSerial: ctx.certificate.serialNumber })]);
    expect(data.photos).toEqual([expect.objectContaining({ kind: 'SELFIE', status: 'CONFIRMED' })]);
    expect(data.audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['APPLICATION_APPROVED', 'CERTIFICATE_ISSUED']));
    const text = JSON.stringify(data);
    for (const secret of ['sealed-nik', ctx.identity.nikIndex, NIK, 'sealedSecret', 'passwordHash', 'sealed"']) expect(text).not.toContain(secret);

    const again = await exportPersonalData(ctx.exportDeps, { actor: ctx.user.actor });
    expect(again.audit.filter((entry) => entry.action === 'PERSONAL_DATA_EXPORTED')).toHaveLength(1);
  });
});

describe('erasure (operator, UU PDP)', () => {
  it('is refused while a certificate is valid, and writes nothing', async () => {
    const ctx = await setup();
    const before = await ctx.snapshot();
    expect(await codeOf(eraseUser(ctx.erasureDeps, { actor: operator, userId: ctx.user.userId }))).toBe('ERASURE_NOT_ALLOWED');
    expect(await ctx.snapshot()).toEqual(before);
    expect(await ctx.objects()).not.toHaveLength(0);
  });

  it('after revocation: no photo object and no personal field is left; certificates and the trail stay; running it again changes nothing', async () => {
    const ctx = await setup();
    await revokeCertificate(ctx.deps, { actor: ctx.verifier, serialNumber: ctx.certificate.serialNumber, reason: 'cessationOfOperation', userId: ctx.user.userId });
    // The outbox worker sends the e-mails meanwhile: a sent message keeps neither address nor data.
    const dispatch = { outbox: new DynamoOutboxStore(ctx.dynamo, ctx.tableName), mailer: { send: async () => ({ providerMessageId: 'ses-1' }) }, sealer: ctx.sealer, clock: ctx.clock, settings: { subjectPrefix: '[TTE]' } };
    for (const message of (await ctx.allItems()).filter((item) => String(item.pk).startsWith('OUTBOX#'))) {
      expect(await dispatchMessage(dispatch, String(message.messageId))).toBe('sent');
    }

    const erased = await eraseUser(ctx.erasureDeps, { actor: operator, userId: ctx.user.userId });
    expect(erased).toMatchObject({ userId: ctx.user.userId, status: 'ERASED' });
    expect(await ctx.objects()).toEqual([]);

    const items = await ctx.allItems();
    const mine = items.filter((item) => !String(item.pk).startsWith('CERT#') && !String(item.sk).startsWith('AUDIT#'));
    const text = JSON.stringify(mine);
    for (const personal of [ctx.user.email, 'Ratna Sari', ctx.identity.birthDate, '+6281234567890', 'sealed-nik', 'Analis Kebijakan']) {
      expect(text, personal).not.toContain(personal);
    }
    expect(items.find((item) => item.pk === `USER#${ctx.user.userId}` && item.sk === 'PROFILE')).toMatchObject({ status: 'ERASED', fullName: '', email: '' });
    expect(items.filter((item) => item.pk === `USER#${ctx.user.userId}`).map((item) => String(item.sk).replace(/#.*/, '')).sort())
      .toEqual(expect.arrayContaining(['AUDIT', 'PROFILE']));
    expect(items.filter((item) => item.pk === `USER#${ctx.user.userId}` && !['AUDIT', 'PROFILE'].includes(String(item.sk).replace(/#.*/, '')))).toEqual([]);
    expect(items.some((item) => item.pk === keys.session('a'.repeat(64)).pk)).toBe(false);
    expect(items.some((item) => item.pk === keys.emailUnique(ctx.user.email).pk)).toBe(false);
    // The NIK's keyed index stays for the policy's days, then expires (DynamoDB TTL).
    const nikClaim = items.find((item) => item.pk === keys.nikUnique(ctx.identity.nikIndex).pk);
    expect(nikClaim?.ttl).toBe(Math.floor((ctx.clock.now().getTime() + 365 * 86_400_000) / 1000));
    // Certificates are public and stay, revoked; the trail records the erasure.
    expect((await ctx.certificateOf(ctx.certificate.serialNumber))?.status).toBe('REVOKED');
    expect(items.filter((item) => item.pk === `USER#${ctx.user.userId}` && item.action === 'USER_ERASED')).toHaveLength(1);

    ctx.clock.advance(60_000);
    expect(await eraseUser(ctx.erasureDeps, { actor: operator, userId: ctx.user.userId })).toEqual(erased);
  });

  it('does not let a verifier erase, nor reach another tenant\'s user', async () => {
    const ctx = await setup();
    expect(await codeOf(eraseUser(ctx.erasureDeps, { actor: { actorId: 'x', role: 'VERIFIER', tenantId: ctx.otherTenant.tenantId }, userId: ctx.user.userId }))).toBe('USER_NOT_FOUND');
  });
});

describe('retention of the photos of applications that ended without an account', () => {
  it('deletes a rejected applicant\'s photos and their records once 90 days have passed, not before, and once', async () => {
    const ctx = await setup();
    const at = ctx.clock.now().toISOString();
    const userId = randomIds.newId();
    const owner = { tenantId: ctx.tenant.tenantId, userId };
    const ktpPhotoId = newPhotoId('KTP', ctx.clock.now());
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.photoBucket, Key: activationPhotoKey(owner, ktpPhotoId), Body: 'ktp', ContentType: 'image/jpeg' }));
    await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { ...keys.photo(userId, 'KTP', ktpPhotoId), photoId: ktpPhotoId, userId, kind: 'KTP', status: 'CONFIRMED' } }));
    await ctx.dynamo.send(new PutCommand({
      TableName: ctx.tableName,
      Item: userItem({ ...owner, role: 'USER', fullName: 'Budi Ditolak', email: 'budi.ditolak@uji.go.id', status: 'AWAITING_REVIEW', createdAt: at, updatedAt: at, createdBy: 'v', version: 4, ktpPhotoId }),
    }));
    const reviewDeps = { users: ctx.users, tenants: ctx.tenants, composer: ctx.composer, clock: ctx.clock, ids: randomIds, settings: ctx.deps.settings };
    await rejectApplicant(reviewDeps, userId, 'Foto KTP tidak terbaca', { actorId: ctx.verifier.actorId, actorRole: 'VERIFIER' });
    const retention = {
      applications: new DynamoClosedApplications(ctx.dynamo, ctx.tableName), photos: new S3PhotoStore(ctx.s3, ctx.photoBucket), clock: ctx.clock,
      settings: { closedApplicationPhotoDays: 90 },
    };
    const objects = async () => (await ctx.s3.send(new ListObjectsV2Command({ Bucket: ctx.photoBucket, Prefix: userPhotoFolder(owner) }))).Contents ?? [];

    ctx.clock.advance(89 * 86_400_000);
    expect(await deleteClosedApplicationPhotos(retention)).toEqual({ applicationsCleared: 0, objectsDeleted: 0 });
    expect(await objects()).toHaveLength(1);

    ctx.clock.advance(2 * 86_400_000);
    expect(await deleteClosedApplicationPhotos(retention)).toEqual({ applicationsCleared: 1, objectsDeleted: 1 });
    expect(await objects()).toEqual([]);
    const items = await ctx.allItems();
    expect(items.filter((item) => item.pk === `USER#${userId}` && String(item.sk).startsWith('PHOTO#'))).toEqual([]);
    const profile = items.find((item) => item.pk === `USER#${userId}` && item.sk === 'PROFILE');
    expect(profile).toMatchObject({ status: 'REJECTED', photosDeletedAt: ctx.clock.now().toISOString() });
    expect(profile?.ktpPhotoId).toBeUndefined();
    expect(await deleteClosedApplicationPhotos(retention)).toEqual({ applicationsCleared: 0, objectsDeleted: 0 });
  });
});

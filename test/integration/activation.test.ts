import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoActivationStore } from '../../shared/adapters/aws/dynamo-activation.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { HmacPseudonymizer } from '../../shared/adapters/local/key-vault.js';
import { keys } from '../../shared/data/table.js';
import { privacyPolicy } from '../../shared/domain/privacy-policy.js';
import { hashToken } from '../../shared/domain/tokens.js';
import { messageComposer } from '../../shared/outbox.js';
import type { PhotoContentType, PhotoKind } from '../../shared/ports/photos.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { ApprovalWorkflow, ReviewDecision } from '../../shared/ports/workflow.js';
import { importUsers } from '../../functions/enrollment/use-cases/import-users.js';
import { confirmPhoto, requestPhotoUpload } from '../../functions/enrollment/use-cases/photos.js';
import { submitActivation, viewPrivacyPolicy } from '../../functions/enrollment/use-cases/privacy-and-submit.js';
import { registerUser } from '../../functions/enrollment/use-cases/register-user.js';
import { resendLink } from '../../functions/enrollment/use-cases/resend-link.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { saveEmployment, type EmploymentInput } from '../../functions/enrollment/use-cases/save-employment.js';
import { saveIdentity } from '../../functions/enrollment/use-cases/save-identity.js';
import { nikSealingContext } from '../../shared/domain/identity.js';
import { codeOf, failureOf, freshTable, latestLinkToken, manualClock, putTenant, s3Client, testSealer, verifierOf } from './harness.js';

const settings = { webBaseUrl: 'https://tte.uji.go.id', activationLinkHours: 24, privacyMinReadSeconds: 60 };
const sampleKtp = readFileSync(new URL('../fixtures/sample-ktp.png', import.meta.url)); // 856 x 540
const sampleSelfie = readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url)); // 480 x 640
const notAPhoto = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** One bucket for this file on s3rver; each user's photos live under their own prefix in it. */
const bucket = `it-activation-${randomUUID()}`;
const s3 = s3Client();
beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

/** A NIK of Kota Palu (72.71) for a birth date; women add 40 to the day. */
function nikFor(birthDate: string, serial: number, gender: 'MALE' | 'FEMALE' = 'MALE'): string {
  const [year, month, day] = birthDate.split('-') as [string, string, string];
  const dd = String(Number(day) + (gender === 'FEMALE' ? 40 : 0)).padStart(2, '0');
  return `727101${dd}${month}${year.slice(2)}${String(serial).padStart(4, '0')}`;
}

/** A NIP: birth date, appointment year and month, gender digit, serial. */
const nipFor = (birthDate: string, appointed: string, gender: 'MALE' | 'FEMALE' = 'MALE', serial = 1) =>
  `${birthDate.replaceAll('-', '')}${appointed.replace('-', '')}${gender === 'MALE' ? 1 : 2}${String(serial).padStart(3, '0')}`;

const employmentOf = (overrides: Partial<EmploymentInput> = {}): EmploymentInput => ({
  employmentType: 'OTHER',
  position: 'Pranata Komputer Ahli Pertama',
  unitName: 'Bidang Aplikasi Informatika',
  province: 'Sulawesi Tengah',
  city: 'Kota Palu',
  ...overrides,
});

/** The approval workflow, as the use cases see it: named after the user, so a second start is a no-op. */
class RecordingWorkflow implements ApprovalWorkflow {
  readonly starts: { userId: string; started: boolean }[] = [];
  readonly resumes: { taskToken: string; decision: ReviewDecision }[] = [];
  private readonly running = new Set<string>();

  async start(userId: string): Promise<boolean> {
    const started = !this.running.has(userId);
    this.running.add(userId);
    this.starts.push({ userId, started });
    return started;
  }

  async resume(taskToken: string, decision: ReviewDecision): Promise<void> {
    this.resumes.push({ taskToken, decision });
  }
}

async function setup() {
  const table = await freshTable();
  const clock = manualClock();
  const sealer = testSealer();
  const tenant = await putTenant(table.dynamo, table.tableName);
  const actor = verifierOf(tenant);
  const workflow = new RecordingWorkflow();
  const activation = new DynamoActivationStore(table.dynamo, table.tableName);
  const photos = new S3PhotoStore(s3, bucket);

  // Every command the directory and the activation store send goes through this one client.
  let requests = 0;
  table.dynamo.middlewareStack.add((next) => async (args) => {
    requests++;
    return next(args);
  }, { step: 'initialize', name: 'countDynamoRequests' });

  const deps = {
    tenants: table.tenants,
    users: table.users,
    activation,
    photos,
    workflow,
    sealer,
    pseudonymizer: new HmacPseudonymizer(randomBytes(32)),
    composer: messageComposer({ ids: randomIds, clock, sealer }),
    clock,
    ids: randomIds,
    settings,
  };

  const allItems = table.allItems;
  /** The raw activation token, as the e-mail carries it. */
  const linkTokenOf = (email: string) => latestLinkToken(allItems, sealer, email);
  /** A registered user and the token from their "Aktivasi Akun" e-mail. */
  const invite = async (fullName: string) => {
    const email = `${fullName.toLowerCase().replaceAll(' ', '.')}.${randomUUID().slice(0, 8)}@uji.go.id`;
    const { userId } = await registerUser(deps, { actor, fullName, email });
    return { userId, email, token: await linkTokenOf(email) };
  };
  /** The stored profile item, storage keys included. */
  const profileItem = async (userId: string) =>
    (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.user(userId) }))).Item!;
  const photoItem = async (userId: string, kind: PhotoKind, photoId: string) =>
    (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.photo(userId, kind, photoId) }))).Item;
  const objectsOf = async (userId: string, kind: PhotoKind) => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `kyc/${tenant.tenantId}/${userId}/${kind.toLowerCase()}/` }));
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  };
  /** Ask for a slot and PUT the bytes to it, as the browser does. */
  const upload = async (token: string, kind: PhotoKind, bytes: Buffer, contentType: PhotoContentType) => {
    const slot = await requestPhotoUpload(deps, { token, kind, contentType, contentLength: bytes.length });
    const put = await fetch(slot.uploadUrl, { method: 'PUT', headers: slot.uploadHeaders, body: bytes });
    expect(put.status, await put.text()).toBe(200);
    return slot;
  };
  /** Everything but the privacy policy and submit. */
  const completeSteps = async (token: string, nik: string) => {
    await saveIdentity(deps, { token, fullName: 'Siti Aminah', nik });
    await saveEmployment(deps, { token, ...employmentOf() });
    await confirmPhoto(deps, { token, photoId: (await upload(token, 'KTP', sampleKtp, 'image/png')).photoId });
    await confirmPhoto(deps, { token, photoId: (await upload(token, 'SELFIE', sampleSelfie, 'image/jpeg')).photoId });
  };
  /** The DynamoDB requests one call costs. */
  const measure = async <T>(run: () => Promise<T>): Promise<{ result: T; requests: number }> => {
    const before = requests;
    const result = await run();
    return { result, requests: requests - before };
  };
  return { ...table, clock, sealer, tenant, actor, deps, workflow, allItems, linkTokenOf, invite, profileItem, photoItem, objectsOf, upload, completeSteps, measure };
}

type Context = Awaited<ReturnType<typeof setup>>;



describe('the identity step', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('moves the user to ACTIVATING and stores the NIK only sealed, indexed and by its last digits', async () => {
    const { userId, token } = await ctx.invite('Siti Aminah');
    const nik = nikFor('1985-03-15', 1, 'FEMALE');
    const shown = await saveIdentity(ctx.deps, { token, fullName: 'Siti Aminah', nik });
    expect(shown).toEqual({ fullName: 'Siti Aminah', nik: `************${nik.slice(-4)}`, birthDate: '1985-03-15' });

    const user = await ctx.profileItem(userId);
    expect(user.status).toBe('ACTIVATING');
    expect(user.identity).toEqual({
      fullName: 'Siti Aminah',
      nikSealed: expect.any(String),
      nikIndex: expect.stringMatching(/^[0-9a-f]{64}$/),
      nikLast4: nik.slice(-4),
      birthDate: '1985-03-15',
      gender: 'FEMALE',
    });
    expect(await ctx.sealer.open(user.identity.nikSealed, nikSealingContext(userId))).toBe(nik);
    await expect(ctx.sealer.open(user.identity.nikSealed, nikSealingContext('someone-else'))).rejects.toThrow();

    const items = await ctx.allItems();
    expect(JSON.stringify(items)).not.toContain(nik);
    expect(items.find((item) => item.pk === `NIK#${user.identity.nikIndex}`)).toMatchObject({ sk: 'UNIQUE', userId, tenantId: ctx.tenant.tenantId });

    // The verifier queue reads the status index: the user left INVITED for ACTIVATING.
    const byStatus = async (status: string) => (await ctx.dynamo.send(new QueryCommand({
      TableName: ctx.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `TENANT#${ctx.tenant.tenantId}#STATUS#${status}` },
    }))).Items?.map((item) => item.userId) ?? [];
    expect(user.gsi1pk).toBe(`TENANT#${ctx.tenant.tenantId}#STATUS#ACTIVATING`);
    expect(await byStatus('ACTIVATING')).toContain(userId);
    expect(await byStatus('INVITED')).not.toContain(userId);
  });

  it('gives one NIK to one account: a second user with the same NIK is refused and nothing of theirs changes', async () => {
    const first = await ctx.invite('Ahmad Fauzi');
    const second = await ctx.invite('Budi Santoso');
    const nik = nikFor('1990-01-01', 3);
    await saveIdentity(ctx.deps, { token: first.token, fullName: 'Ahmad Fauzi', nik });
    const before = await ctx.profileItem(second.userId);
    expect(await codeOf(saveIdentity(ctx.deps, { token: second.token, fullName: 'Budi Santoso', nik }))).toBe('NIK_ALREADY_REGISTERED');
    expect(await ctx.profileItem(second.userId)).toEqual(before);
    // The holder may save the same NIK again (a name correction).
    expect(await codeOf(saveIdentity(ctx.deps, { token: first.token, fullName: 'Ahmad Fauzi Rahman', nik }))).toBe('OK');
  });

  it('keeps the old claim when the holder corrects their NIK (it is given up only lazily)', async () => {
    const first = await ctx.invite('Dewi Lestari');
    const nik = nikFor('1988-07-20', 5, 'FEMALE');
    const corrected = nikFor('1988-07-20', 6, 'FEMALE');
    await saveIdentity(ctx.deps, { token: first.token, fullName: 'Dewi Lestari', nik });
    await saveIdentity(ctx.deps, { token: first.token, fullName: 'Dewi Lestari', nik: corrected });
    const user = await ctx.profileItem(first.userId);
    expect(await ctx.sealer.open(user.identity.nikSealed, nikSealingContext(first.userId))).toBe(corrected);
    const claims = (await ctx.allItems()).filter((item) => String(item.pk).startsWith('NIK#') && item.userId === first.userId);
    // Both claims are the holder's for now: the old one is only given up lazily.
    expect(claims).toHaveLength(2);
    expect(claims.map((claim) => claim.pk)).toContain(`NIK#${user.identity.nikIndex}`);
    // The holder can still go back to the first NIK.
    expect(await codeOf(saveIdentity(ctx.deps, { token: first.token, fullName: 'Dewi Lestari', nik }))).toBe('OK');
  });

  it('gives a NIK the holder corrected away from to the next person who claims it', async () => {
    const holder = await ctx.invite('Dewi Anggraini');
    const typo = nikFor('1987-02-11', 8, 'FEMALE');
    const real = nikFor('1987-02-11', 9, 'FEMALE');
    await saveIdentity(ctx.deps, { token: holder.token, fullName: 'Dewi Anggraini', nik: typo });
    await saveIdentity(ctx.deps, { token: holder.token, fullName: 'Dewi Anggraini', nik: real });
    const owner = await ctx.invite('Sri Rahayu');
    expect(await codeOf(saveIdentity(ctx.deps, { token: owner.token, fullName: 'Sri Rahayu', nik: typo }))).toBe('OK');
    // And the holder cannot take it back now: it is the other person's.
    expect(await codeOf(saveIdentity(ctx.deps, { token: holder.token, fullName: 'Dewi Anggraini', nik: typo }))).toBe('NIK_ALREADY_REGISTERED');
  });

  it('refuses a link replaced by a resend with TOKEN_EXPIRED, and takes the new one', async () => {
    const { userId, email, token } = await ctx.invite('Rina Wati');
    await saveIdentity(ctx.deps, { token, fullName: 'Rina Wati', nik: nikFor('1992-12-31', 7, 'FEMALE') });
    ctx.clock.advance(60_000); // so the new e-mail is the latest one
    await resendLink({ ...ctx.deps, certificates: new DynamoCertificates(ctx.dynamo, ctx.tableName) }, { actor: ctx.actor, userId, purpose: 'activate' });
    const fresh = await ctx.linkTokenOf(email);
    expect(fresh).not.toBe(token);
    expect(await codeOf(saveIdentity(ctx.deps, { token, fullName: 'Rina Wati', nik: nikFor('1992-12-31', 8, 'FEMALE') }))).toBe('TOKEN_EXPIRED');
    expect(await ctx.sealer.open((await ctx.profileItem(userId)).identity.nikSealed, nikSealingContext(userId))).toBe(nikFor('1992-12-31', 7, 'FEMALE'));
    expect(await codeOf(saveIdentity(ctx.deps, { token: fresh, fullName: 'Rina Wati', nik: nikFor('1992-12-31', 8, 'FEMALE') }))).toBe('OK');
  });

  it('refuses an impossible NIK with NIK_INVALID and writes nothing', async () => {
    const { userId, token } = await ctx.invite('Yusuf Hamid');
    const before = await ctx.profileItem(userId);
    // 31 February
    expect(await failureOf(saveIdentity(ctx.deps, { token, fullName: 'Yusuf Hamid', nik: '7271013102900001' })))
      .toEqual({ code: 'VALIDATION_FAILED', errors: [{ field: 'nik', code: 'NIK_INVALID' }] });
    expect(await ctx.profileItem(userId)).toEqual(before);
  });
});

describe('the employment step', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('refuses an ASN NIP whose birth date differs from the NIK, and changes nothing', async () => {
    const { userId, token } = await ctx.invite('Siti Aminah');
    await saveIdentity(ctx.deps, { token, fullName: 'Siti Aminah', nik: nikFor('1985-03-15', 1, 'FEMALE') });
    const before = await ctx.profileItem(userId);
    const nip = nipFor('1985-03-16', '2010-01', 'FEMALE', 3);
    expect(await failureOf(saveEmployment(ctx.deps, { token, ...employmentOf({ employmentType: 'ASN', nip }) })))
      .toEqual({ code: 'VALIDATION_FAILED', errors: [{ field: 'nip', code: 'NIP_NIK_MISMATCH' }] });
    expect(await ctx.profileItem(userId)).toEqual(before);

    // The matching NIP is taken; the birth date it encodes is kept, not shown.
    const saved = await saveEmployment(ctx.deps, { token, ...employmentOf({ employmentType: 'ASN', nip: nipFor('1985-03-15', '2010-01', 'FEMALE', 3) }) });
    expect(saved).toEqual({
      employmentType: 'ASN', nip: '198503152010012003', position: 'Pranata Komputer Ahli Pertama', unitName: 'Bidang Aplikasi Informatika',
      provinceCode: '72', provinceName: 'Sulawesi Tengah', cityCode: '72.71', cityName: 'Kota Palu',
    });
    expect((await ctx.profileItem(userId)).employment).toEqual({ ...saved, nipBirthDate: '1985-03-15' });
  });

  it('checks the same rule the other way round: a NIK after a NIP must match its birth date', async () => {
    const { userId, token } = await ctx.invite('Ahmad Fauzi');
    await saveEmployment(ctx.deps, { token, ...employmentOf({ employmentType: 'ASN', nip: nipFor('1990-01-01', '2015-03') }) });
    expect((await ctx.profileItem(userId)).status).toBe('ACTIVATING');
    const before = await ctx.profileItem(userId);
    expect(await failureOf(saveIdentity(ctx.deps, { token, fullName: 'Ahmad Fauzi', nik: nikFor('1990-01-02', 3) })))
      .toEqual({ code: 'VALIDATION_FAILED', errors: [{ field: 'nik', code: 'NIP_NIK_MISMATCH' }] });
    expect(await ctx.profileItem(userId)).toEqual(before);
    // The refused NIK was not claimed either.
    expect((await ctx.allItems()).filter((item) => String(item.pk).startsWith('NIK#'))).toHaveLength(1);

    expect(await codeOf(saveIdentity(ctx.deps, { token, fullName: 'Ahmad Fauzi', nik: nikFor('1990-01-01', 3) }))).toBe('OK');
  });
});

describe('the photo steps', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('takes a real KTP photo and selfie through the presigned upload, and records them with their size', async () => {
    const { userId, token } = await ctx.invite('Siti Aminah');
    const ktp = await ctx.upload(token, 'KTP', sampleKtp, 'image/png');
    expect(ktp.photoId).toMatch(/^ktp-\d{13}-[0-9a-f-]{36}$/);
    expect(ktp.expiresAt).toBe('2026-11-22T03:05:00.000Z');
    expect(await ctx.photoItem(userId, 'KTP', ktp.photoId)).toMatchObject({ status: 'PENDING', contentType: 'image/png', contentLength: sampleKtp.length });

    expect(await confirmPhoto(ctx.deps, { token, photoId: ktp.photoId })).toEqual({ photoId: ktp.photoId, kind: 'KTP', width: 856, height: 540 });
    const selfie = await ctx.upload(token, 'SELFIE', sampleSelfie, 'image/jpeg');
    expect(await confirmPhoto(ctx.deps, { token, photoId: selfie.photoId })).toEqual({ photoId: selfie.photoId, kind: 'SELFIE', width: 480, height: 640 });

    const user = await ctx.profileItem(userId);
    expect(user).toMatchObject({ status: 'ACTIVATING', ktpPhotoId: ktp.photoId, selfiePhotoId: selfie.photoId });
    const ktpItem = await ctx.photoItem(userId, 'KTP', ktp.photoId);
    expect(ktpItem).toMatchObject({ status: 'CONFIRMED', width: 856, height: 540, confirmedAt: '2026-11-22T03:00:00.000Z' });
    expect(ktpItem?.ttl).toBeUndefined(); // a confirmed photo does not expire with its slot
    expect(await ctx.photoItem(userId, 'SELFIE', selfie.photoId)).toMatchObject({ status: 'CONFIRMED', width: 480, height: 640 });

    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `kyc/${ctx.tenant.tenantId}/${userId}/ktp/${ktp.photoId}` }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(sampleKtp)).toBe(true);
  });

  it('replaces an earlier KTP photo: the new one is kept, the old object deleted', async () => {
    const { userId, token } = await ctx.invite('Ahmad Fauzi');
    const first = await ctx.upload(token, 'KTP', sampleKtp, 'image/png');
    await confirmPhoto(ctx.deps, { token, photoId: first.photoId });
    const second = await ctx.upload(token, 'KTP', sampleKtp, 'image/png');
    expect(await ctx.objectsOf(userId, 'KTP')).toHaveLength(2);
    await confirmPhoto(ctx.deps, { token, photoId: second.photoId });

    expect(await ctx.objectsOf(userId, 'KTP')).toEqual([`kyc/${ctx.tenant.tenantId}/${userId}/ktp/${second.photoId}`]);
    expect((await ctx.profileItem(userId)).ktpPhotoId).toBe(second.photoId);
  });

  it('refuses a PDF sent as a JPEG with PHOTO_INVALID, and deletes it', async () => {
    const { userId, token } = await ctx.invite('Dewi Lestari');
    const slot = await ctx.upload(token, 'SELFIE', notAPhoto, 'image/jpeg');
    expect(await ctx.objectsOf(userId, 'SELFIE')).toHaveLength(1);
    const before = await ctx.profileItem(userId);
    expect(await codeOf(confirmPhoto(ctx.deps, { token, photoId: slot.photoId }))).toBe('PHOTO_INVALID');
    expect(await ctx.objectsOf(userId, 'SELFIE')).toEqual([]);
    expect(await ctx.profileItem(userId)).toEqual(before);
    expect((await ctx.photoItem(userId, 'SELFIE', slot.photoId))?.status).toBe('PENDING');
  });

  it('keeps the newest of two photos confirmed at once (two tabs), and its object', async () => {
    const { userId, token } = await ctx.invite('Bambang Wijaya');
    const older = await ctx.upload(token, 'KTP', sampleKtp, 'image/png');
    ctx.clock.advance(1000);
    const newer = await ctx.upload(token, 'KTP', sampleKtp, 'image/png');
    const outcomes = await Promise.all([older, newer].map((photo) => codeOf(confirmPhoto(ctx.deps, { token, photoId: photo.photoId }))));
    expect(outcomes[1]).toBe('OK');
    expect(['OK', 'CONFLICT']).toContain(outcomes[0]);
    expect((await ctx.profileItem(userId)).ktpPhotoId).toBe(newer.photoId);
    expect((await ctx.objectsOf(userId, 'KTP')).map((key) => key.split('/').at(-1))).toEqual([newer.photoId]);
  });

  it('refuses to confirm a slot nothing was uploaded to, and a photo id never handed out', async () => {
    const { userId, token } = await ctx.invite('Rina Wati');
    const slot = await requestPhotoUpload(ctx.deps, { token, kind: 'KTP', contentType: 'image/png', contentLength: sampleKtp.length });
    const before = await ctx.profileItem(userId);
    expect(await codeOf(confirmPhoto(ctx.deps, { token, photoId: slot.photoId }))).toBe('PHOTO_INVALID');
    // Well-formed but never requested: no object under it either, so the same answer.
    expect(await codeOf(confirmPhoto(ctx.deps, { token, photoId: `selfie-${Date.now()}-${randomUUID()}` }))).toBe('PHOTO_INVALID');
    expect(await codeOf(confirmPhoto(ctx.deps, { token, photoId: `ktp-${Date.now()}-${randomUUID()}` }))).toBe('PHOTO_INVALID');
    const after = await ctx.profileItem(userId);
    expect(after).toEqual(before);
    expect(after.ktpPhotoId).toBeUndefined();
    expect(after.selfiePhotoId).toBeUndefined();
  });
});

describe('the privacy policy and submitting', () => {
  let ctx: Context;
  let user: { userId: string; email: string; token: string };
  beforeAll(async () => {
    ctx = await setup();
    user = await ctx.invite('Siti Aminah');
  });
  const submit = () => submitActivation(ctx.deps, { token: user.token, sourceIp: '203.0.113.7' });
  const auditOf = async (action: string) => (await ctx.allItems())
    .filter((item) => item.pk === `USER#${user.userId}` && String(item.sk).startsWith('AUDIT#') && item.action === action);

  it('names every missing step when nothing was done yet', async () => {
    expect(await failureOf(submit())).toEqual({
      code: 'ACTIVATION_INCOMPLETE',
      errors: ['identity', 'employment', 'ktpPhoto', 'selfie', 'privacyPolicy'].map((field) => ({ field, code: 'REQUIRED' })),
    });
    expect((await ctx.profileItem(user.userId)).status).toBe('INVITED');
    expect(ctx.workflow.starts).toEqual([]);
  });

  it('names only the steps still missing', async () => {
    await saveIdentity(ctx.deps, { token: user.token, fullName: 'Siti Aminah', nik: nikFor('1985-03-15', 1, 'FEMALE') });
    await saveEmployment(ctx.deps, { token: user.token, ...employmentOf() });
    expect(await failureOf(submit())).toEqual({
      code: 'ACTIVATION_INCOMPLETE',
      errors: ['ktpPhoto', 'selfie', 'privacyPolicy'].map((field) => ({ field, code: 'REQUIRED' })),
    });
    await confirmPhoto(ctx.deps, { token: user.token, photoId: (await ctx.upload(user.token, 'KTP', sampleKtp, 'image/png')).photoId });
    await confirmPhoto(ctx.deps, { token: user.token, photoId: (await ctx.upload(user.token, 'SELFIE', sampleSelfie, 'image/jpeg')).photoId });
  });

  it('starts the reading time at the first showing of the policy, not at later ones', async () => {
    const first = await viewPrivacyPolicy(ctx.deps, { token: user.token });
    expect(first).toEqual({ text: privacyPolicy.text, version: privacyPolicy.version, viewedAt: '2026-11-22T03:00:00.000Z', minReadSeconds: 60 });
    ctx.clock.advance(30_000);
    const second = await viewPrivacyPolicy(ctx.deps, { token: user.token });
    expect(second.viewedAt).toBe(first.viewedAt);
    expect((await ctx.profileItem(user.userId))).toMatchObject({ privacyPolicyViewedAt: first.viewedAt, privacyPolicyVersion: privacyPolicy.version });
  });

  it('refuses a submit before the minimum reading time with PRIVACY_POLICY_NOT_READ', async () => {
    ctx.clock.advance(29_000); // 59 s after the first showing
    expect(await codeOf(submit())).toBe('PRIVACY_POLICY_NOT_READ');
    expect((await ctx.profileItem(user.userId)).status).toBe('ACTIVATING');
    expect(await auditOf('ACTIVATION_SUBMITTED')).toEqual([]);
    expect(ctx.workflow.starts).toEqual([]);
  });

  it('submits once read: consent recorded, link consumed, audited, workflow started once', async () => {
    ctx.clock.advance(1_000); // exactly 60 s
    expect(await submit()).toEqual({ status: 'SUBMITTED' });
    const at = '2026-11-22T03:01:00.000Z';
    const stored = await ctx.profileItem(user.userId);
    expect(stored).toMatchObject({
      status: 'SUBMITTED',
      submittedAt: at,
      consent: { version: privacyPolicy.version, acceptedAt: at, sourceIp: '203.0.113.7' },
      gsi1pk: `TENANT#${ctx.tenant.tenantId}#STATUS#SUBMITTED`,
    });
    const token = (await ctx.dynamo.send(new GetCommand({ TableName: ctx.tableName, Key: keys.token(hashToken(user.token)) }))).Item;
    expect(token?.usedAt).toBe(at);
    expect(await auditOf('ACTIVATION_SUBMITTED')).toEqual([expect.objectContaining({ actorId: user.userId, actorRole: 'USER', status: 'SUBMITTED', at })]);
    expect(ctx.workflow.starts).toEqual([{ userId: user.userId, started: true }]);
  });

  it('answers a second submit with TOKEN_USED, only re-poking the (already running) workflow', async () => {
    ctx.clock.advance(5_000);
    expect(await codeOf(submit())).toBe('TOKEN_USED');
    expect(ctx.workflow.starts).toEqual([{ userId: user.userId, started: true }, { userId: user.userId, started: false }]);
    expect(await auditOf('ACTIVATION_SUBMITTED')).toHaveLength(1);
    expect((await ctx.profileItem(user.userId)).submittedAt).toBe('2026-11-22T03:01:00.000Z');
  });

  it('answers every step after the submit with TOKEN_USED and changes nothing', async () => {
    const before = await ctx.profileItem(user.userId);
    const { token } = user;
    const attempts = {
      identity: await codeOf(saveIdentity(ctx.deps, { token, fullName: 'Siti Aminah', nik: nikFor('1985-03-15', 2, 'FEMALE') })),
      employment: await codeOf(saveEmployment(ctx.deps, { token, ...employmentOf() })),
      upload: await codeOf(requestPhotoUpload(ctx.deps, { token, kind: 'KTP', contentType: 'image/png', contentLength: sampleKtp.length })),
      confirm: await codeOf(confirmPhoto(ctx.deps, { token, photoId: String(before.ktpPhotoId) })),
      view: await codeOf(viewPrivacyPolicy(ctx.deps, { token })),
    };
    expect(attempts).toEqual({ identity: 'TOKEN_USED', employment: 'TOKEN_USED', upload: 'TOKEN_USED', confirm: 'TOKEN_USED', view: 'TOKEN_USED' });
    expect(await ctx.profileItem(user.userId)).toEqual(before);
    expect(ctx.workflow.starts).toHaveLength(2);
  });
});

describe('DynamoDB round trips per activation step', () => {
  it('costs at most 2 requests for each step on the happy path', async () => {
    const ctx = await setup();
    const { token } = await ctx.invite('Siti Aminah');
    // The counter counts what it should: one GetItem is one request.
    expect((await ctx.measure(() => ctx.users.findUser('nobody'))).requests).toBe(1);

    const ktpSlot = await ctx.measure(() => requestPhotoUpload(ctx.deps, { token, kind: 'KTP', contentType: 'image/png', contentLength: sampleKtp.length }));
    await fetch(ktpSlot.result.uploadUrl, { method: 'PUT', headers: ktpSlot.result.uploadHeaders, body: sampleKtp });
    const selfieSlot = await ctx.upload(token, 'SELFIE', sampleSelfie, 'image/jpeg');
    const steps: Record<string, number> = {
      saveIdentity: (await ctx.measure(() => saveIdentity(ctx.deps, { token, fullName: 'Siti Aminah', nik: nikFor('1985-03-15', 1, 'FEMALE') }))).requests,
      saveEmployment: (await ctx.measure(() => saveEmployment(ctx.deps, { token, ...employmentOf({ employmentType: 'ASN', nip: '198503152010012003' }) }))).requests,
      requestPhotoUpload: ktpSlot.requests,
      confirmPhoto: (await ctx.measure(() => confirmPhoto(ctx.deps, { token, photoId: ktpSlot.result.photoId }))).requests,
      confirmSecondPhoto: (await ctx.measure(() => confirmPhoto(ctx.deps, { token, photoId: selfieSlot.photoId }))).requests,
      viewPrivacyPolicy: (await ctx.measure(() => viewPrivacyPolicy(ctx.deps, { token }))).requests,
    };
    ctx.clock.advance(60_000);
    steps.submitActivation = (await ctx.measure(() => submitActivation(ctx.deps, { token, sourceIp: '203.0.113.7' }))).requests;
    expect(steps).toEqual({
      saveIdentity: 2, saveEmployment: 2, requestPhotoUpload: 2, confirmPhoto: 2, confirmSecondPhoto: 2, viewPrivacyPolicy: 2, submitActivation: 2,
    });
  });
});

describe('importing users from CSV', () => {
  it('creates the valid rows, rejects the bad one, and creates nothing on a re-import', async () => {
    const ctx = await setup();
    const csv = [
      'fullName,email,phone',
      'Siti Aminah,siti.aminah@uji.go.id,081234567890',
      'Ahmad Fauzi,ahmad.fauzi@uji.go.id,',
      'Budi Santoso,budi.santoso@gmail.com,',
      'Dewi Lestari,dewi.lestari@uji.go.id,+6281298765432',
    ].join('\n');
    const first = await importUsers(ctx.deps, { actor: ctx.actor, csv });
    expect(first.created.map((row) => row.line)).toEqual([2, 3, 5]);
    expect(first.rejected).toEqual([{ line: 4, code: 'EMAIL_DOMAIN_NOT_ALLOWED', errors: [] }]);

    const again = await importUsers(ctx.deps, { actor: ctx.actor, csv });
    expect(again.created).toEqual([]);
    expect(again.rejected.map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 2, code: 'EMAIL_ALREADY_REGISTERED' },
      { line: 3, code: 'EMAIL_ALREADY_REGISTERED' },
      { line: 4, code: 'EMAIL_DOMAIN_NOT_ALLOWED' },
      { line: 5, code: 'EMAIL_ALREADY_REGISTERED' },
    ]);

    const profiles = (await ctx.allItems()).filter((item) => String(item.pk).startsWith('USER#') && item.sk === 'PROFILE');
    expect(profiles).toHaveLength(3);
    expect(profiles.map((item) => item.userId).sort()).toEqual(first.created.map((row) => row.userId).sort());
    expect(profiles.find((item) => item.email === 'siti.aminah@uji.go.id')).toMatchObject({ status: 'INVITED', phone: '+6281234567890' });
    // Each created user got their own activation e-mail, once.
    expect((await ctx.allItems()).filter((item) => String(item.pk).startsWith('OUTBOX#'))).toHaveLength(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, otherEmployment, sampleKtp } from './enrollment-flow.js';
import { bootLocalRuntime, linkToken } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let http: ReturnType<typeof client>;

beforeAll(async () => {
  runtime = await bootLocalRuntime({ privacyMinReadSeconds: 1 });
  http = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
});
afterAll(async () => {
  await runtime?.shutdown();
});

describe('enrollment over HTTP', () => {
  it('approves a civil servant found in the registry automatically and sends both e-mails', async () => {
    // Siti Aminah is in the shipped registry fixture with this NIP and NIK.
    const { userId, token } = await http.register('Siti Aminah', 'siti.asn@contoh.go.id');
    await http.activate(token, { fullName: 'Siti  Aminah', nik: '7271015503850001' }, {
      employmentType: 'ASN', nip: '198503152010012003', position: 'Analis Kebijakan Ahli Muda',
      unitName: 'Bidang Aplikasi Informatika', province: '72', city: '72.71',
    });
    const submitted = await http.submitAfterReading(token);
    expect(submitted).toEqual({ status: 202, body: { status: 'SUBMITTED' } });

    const info = await http.waitForMail('siti.asn@contoh.go.id', '[TTE] Informasi Akun');
    expect(info.body.text).toContain('siti.asn@contoh.go.id');
    expect(linkToken(info, 'account-setup')).toHaveLength(43);
    const passphrase = await http.waitForMail('siti.asn@contoh.go.id', '[TTE] Set Passphrase');
    expect(linkToken(passphrase, 'enroll')).toHaveLength(43);
    expect(await http.statusOf(userId)).toBe('APPROVED');
    const detail = (await http.call('GET', `/v1/users/${userId}`, { key: runtime.seed.verifier.apiKey })).body;
    expect(detail.screening).toMatchObject({ outcome: 'MATCH', registry: { agency: 'Pemerintah Kabupaten Contoh' } });
    expect(detail.identity.nik).toBe('************0001');
    expect(JSON.stringify(detail)).not.toContain('7271015503850001');

    // The link is spent; a second submit says so and starts nothing new.
    expect((await http.submit(token)).body.code).toBe('TOKEN_USED');
  });

  it('sends an OTHER employee to the verifier, who sees the photos and approves', async () => {
    const { userId, token } = await http.register('Dewi Lestari', 'dewi.lestari@contoh.go.id');
    await http.activate(token, { fullName: 'Dewi Lestari', nik: '7271016108920004' }, otherEmployment);
    expect((await http.submitAfterReading(token)).status).toBe(202);

    const notice = await http.waitForMail(runtime.seed.verifier.email, '[TTE] Permintaan Verifikasi Pendaftaran');
    expect(notice.body.text).toContain('Dewi Lestari');
    await expect.poll(() => http.statusOf(userId)).toBe('AWAITING_REVIEW');
    const queue = await http.call('GET', '/v1/users?status=AWAITING_REVIEW', { key: runtime.seed.verifier.apiKey });
    expect(queue.body.items.map((item: { userId: string }) => item.userId)).toContain(userId);

    const detail = (await http.call('GET', `/v1/users/${userId}`, { key: runtime.seed.verifier.apiKey })).body;
    expect(detail.screening.outcome).toBe('NOT_APPLICABLE');
    expect(detail.employment).toMatchObject({ provinceName: 'Sulawesi Tengah', cityName: 'Kota Palu' });
    expect(detail.photos.map((photo: { kind: string }) => photo.kind).sort()).toEqual(['KTP', 'SELFIE']);
    const ktp = detail.photos.find((photo: { kind: string }) => photo.kind === 'KTP');
    const downloaded = Buffer.from(await (await fetch(ktp.url)).arrayBuffer());
    expect(downloaded.equals(sampleKtp)).toBe(true);

    const decisions = await Promise.all([
      http.call('POST', `/v1/users/${userId}/decision`, { key: runtime.seed.verifier.apiKey, body: { decision: 'APPROVE' } }),
      http.call('POST', `/v1/users/${userId}/decision`, { key: runtime.seed.verifier.apiKey, body: { decision: 'REJECT', reason: 'Coba bersamaan' } }),
    ]);
    const winners = decisions.filter((decision) => decision.status === 200);
    expect(winners).toHaveLength(1);
    expect(decisions.find((decision) => decision.status !== 200)?.body.code).toBe('NOT_AWAITING_REVIEW');
    const outcome = winners[0]!.body.status as string;
    if (outcome === 'APPROVED') {
      await http.waitForMail('dewi.lestari@contoh.go.id', '[TTE] Informasi Akun');
      await http.waitForMail('dewi.lestari@contoh.go.id', '[TTE] Set Passphrase');
    } else {
      await http.waitForMail('dewi.lestari@contoh.go.id', '[TTE] Pendaftaran Ditolak');
    }
    expect(await http.statusOf(userId)).toBe(outcome);
    const history = (await http.call('GET', `/v1/users/${userId}`, { key: runtime.seed.verifier.apiKey })).body.history as { action: string; actorRole: string }[];
    expect(history.at(-1)).toMatchObject({ actorRole: 'VERIFIER' });
  });

  it('lets the verifier reject with a reason, tells the employee why, and register them again', async () => {
    const { userId, token } = await http.register('Rina Wati', 'rina.wati@contoh.go.id');
    await http.activate(token, { fullName: 'Rina Wati', nik: '7271014407950005' }, otherEmployment);
    expect((await http.submitAfterReading(token)).status).toBe(202);
    await expect.poll(() => http.statusOf(userId)).toBe('AWAITING_REVIEW');

    const noReason = await http.call('POST', `/v1/users/${userId}/decision`, { key: runtime.seed.verifier.apiKey, body: { decision: 'REJECT' } });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason', code: 'REQUIRED' })]);

    const rejected = await http.call('POST', `/v1/users/${userId}/decision`, { key: runtime.seed.verifier.apiKey, body: { decision: 'REJECT', reason: 'Foto KTP buram' } });
    expect(rejected).toEqual({ status: 200, body: { status: 'REJECTED' } });
    const mail = await http.waitForMail('rina.wati@contoh.go.id', '[TTE] Pendaftaran Ditolak');
    expect(mail.body.text).toContain('Foto KTP buram');
    const again = await http.call('POST', `/v1/users/${userId}/decision`, { key: runtime.seed.verifier.apiKey, body: { decision: 'APPROVE' } });
    expect(again.body.code).toBe('NOT_AWAITING_REVIEW');

    const registeredAgain = await http.call('POST', '/v1/users', { key: runtime.seed.verifier.apiKey, body: { fullName: 'Rina Wati', email: 'rina.wati@contoh.go.id' } });
    expect(registeredAgain.status).toBe(201);
  });
});

describe('bad activation input gets its code and changes nothing', () => {
  it('refuses wrong numbers, titles, oversized and fake photos, early and incomplete submits', async () => {
    const { token } = await http.register('Bayu Pratama', 'bayu@contoh.go.id');
    const codes = async (method: string, path: string, body?: unknown) => {
      const response = await http.call(method, path, { ...(body !== undefined ? { body } : {}) });
      return [response.status, response.body.code, (response.body.errors ?? []).map((error: { field: string; code: string }) => `${error.field}:${error.code}`)];
    };
    const base = `/v1/activation/${token}`;
    expect(await codes('PUT', `${base}/identity`, { fullName: 'Bayu Pratama', nik: '7271013502990001' })).toEqual([422, 'VALIDATION_FAILED', ['nik:NIK_INVALID']]); // 35 Feb
    expect(await codes('PUT', `${base}/identity`, { fullName: 'Bayu Pratama', nik: '0071011503850002' })).toEqual([422, 'VALIDATION_FAILED', ['nik:NIK_INVALID']]); // no province 00
    expect(await codes('PUT', `${base}/identity`, { fullName: 'Ir. Bayu Pratama, M.T.', nik: '7271011503850009' })).toEqual([422, 'VALIDATION_FAILED', ['fullName:NAME_INVALID']]);
    expect(await codes('PUT', `${base}/identity`, { fullName: 'Bayu Pratama', nik: '7271015503850001' })).toEqual([409, 'NIK_ALREADY_REGISTERED', []]); // Siti's
    expect(await codes('PUT', `${base}/identity`, { fullName: 'Bayu Pratama', nik: '7271011503850009' })).toEqual([200, undefined, []]);
    expect(await codes('PUT', `${base}/employment`, { ...otherEmployment, employmentType: 'ASN', nip: '199001012015031001' })).toEqual([422, 'VALIDATION_FAILED', ['nip:NIP_NIK_MISMATCH']]);
    expect(await codes('PUT', `${base}/employment`, { ...otherEmployment, employmentType: 'ASN', nip: '198503152000011001' })).toEqual([422, 'VALIDATION_FAILED', ['nip:NIP_INVALID']]); // appointed at 14
    expect(await codes('PUT', `${base}/employment`, { ...otherEmployment, employmentType: 'POLRI', nrp: '1234' })).toEqual([422, 'VALIDATION_FAILED', ['nrp:NRP_INVALID']]);
    expect(await codes('PUT', `${base}/employment`, { ...otherEmployment, city: 'Kota Bandung' })).toEqual([422, 'VALIDATION_FAILED', ['city:CITY_INVALID']]);
    expect(await codes('POST', `${base}/photos`, { kind: 'KTP', contentType: 'image/jpeg', contentLength: 6 * 1024 * 1024 })).toEqual([422, 'VALIDATION_FAILED', ['contentLength:TOO_LARGE']]);
    expect(await codes('POST', `${base}/photos`, { kind: 'KTP', contentType: 'application/pdf', contentLength: 1000 })).toEqual([422, 'VALIDATION_FAILED', ['contentType:VALUE_INVALID']]);

    const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'.repeat(40));
    const fake = await http.uploadPhoto(token, 'KTP', pdf, 'image/jpeg');
    expect([fake.confirm.status, fake.confirm.body.code]).toEqual([422, 'PHOTO_INVALID']);
    const slot = await http.call('POST', `${base}/photos`, { body: { kind: 'SELFIE', contentType: 'image/jpeg', contentLength: 1000 } });
    expect(await codes('POST', `${base}/photos/${slot.body.photoId}/confirm`)).toEqual([422, 'PHOTO_INVALID', []]); // never uploaded

    expect(await codes('POST', `${base}/submit`, { acceptPrivacyPolicy: true })).toEqual([422, 'ACTIVATION_INCOMPLETE', ['employment:REQUIRED', 'ktpPhoto:REQUIRED', 'selfie:REQUIRED', 'privacyPolicy:REQUIRED']]);
    await http.activate(token, { fullName: 'Bayu Pratama', nik: '7271011503850009' }, otherEmployment);
    // The policy was just shown: the minimum reading time (1 s in this runtime) has not passed.
    const early = await http.submit(token);
    expect([early.status, early.body.code]).toEqual([422, 'PRIVACY_POLICY_NOT_READ']);
    expect(await codes('POST', `${base}/submit`, { acceptPrivacyPolicy: false })).toEqual([422, 'VALIDATION_FAILED', ['acceptPrivacyPolicy:VALUE_INVALID']]);
    const detail = await http.call('GET', `/v1/activation/${token}`);
    expect(detail.body.steps).toEqual({ identity: true, employment: true, ktpPhoto: true, selfie: true, privacyPolicy: true });
  });

  it('hides another tenant\'s applicant from a decision (404)', async () => {
    const { userId } = await http.register('Eko Prasetyo', 'eko@contoh.go.id');
    const decision = await http.call('POST', `/v1/users/${userId}/decision`, { key: runtime.seed.operator.apiKey, body: { decision: 'APPROVE' } });
    expect(decision.status).toBe(403); // the operator is not a verifier
    const unknown = await http.call('POST', '/v1/users/not-a-user/decision', { key: runtime.seed.verifier.apiKey, body: { decision: 'APPROVE' } });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'USER_NOT_FOUND']);
  });
});

import { X509Certificate } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  confirmEmail, decideDataChange, decideThroughLink, getDataChangeLink, getEmailConfirmation, getMyDataChanges, listDataChanges, requestDataChange,
  type DataChangeDeps, type DataChangeInput,
} from '../../functions/certificates/use-cases/data-change.js';
import { requestPassphraseChange, requestPassphraseReset, requestRenewal, revokeCertificate } from '../../functions/certificates/use-cases/lifecycle.js';
import { DynamoDataChanges } from '../../shared/adapters/aws/dynamo-data-changes.js';
import { userItem } from '../../shared/adapters/aws/table-items.js';
import { keys } from '../../shared/data/table.js';
import { revocationReasonCodes } from '../../shared/domain/certificates.js';
import { signingEligibility } from '../../shared/domain/signing.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { certificatesSetup, DAY, type CertificatesContext } from './certificates-harness.js';
import { codeOf, failureOf } from './harness.js';

let ctx: CertificatesContext;
let deps: DataChangeDeps;
/** The tenant's verifier as a person with an address (e-mails to verifiers go there). */
const verifierEmail = 'verifikator@uji.go.id';

beforeAll(async () => {
  ctx = await certificatesSetup();
  deps = { ...ctx.deps, users: ctx.users, tenants: ctx.tenants, dataChanges: new DynamoDataChanges(ctx.dynamo, ctx.tableName) };
  const at = ctx.clock.now().toISOString();
  const verifier: UserRecord = {
    userId: ctx.verifier.actorId, tenantId: ctx.tenant.tenantId, role: 'VERIFIER', fullName: 'Verifikator Uji', email: verifierEmail, status: 'ACTIVE',
    createdAt: at, updatedAt: at, createdBy: 'operator', version: 1,
  };
  await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: userItem(verifier) }));
});

/** An ACTIVE user with an ISSUED certificate, signed in as themself. */
async function activeHolder(fullName: string) {
  const holder = await ctx.holder(fullName);
  await ctx.setStatus(holder.userId, 'ACTIVE');
  // Each step a second later, so "the latest e-mail" of a kind is well defined.
  ctx.clock.advance(1000);
  return holder;
}

const userOf = async (userId: string) => (await ctx.item(keys.user(userId))) as UserRecord & Record<string, unknown>;
const pendingSlot = (userId: string) => ctx.item(keys.pendingDataChange(userId));
/** Why the person may not sign now (what the signing routes answer in SIGNER_NOT_ELIGIBLE), or 'SIGNS'. */
const signing = async (userId: string) => {
  const verdict = signingEligibility((await userOf(userId)).status, await ctx.certificates.listUserCertificates(userId), ctx.clock.now());
  return 'certificate' in verdict ? 'SIGNS' : verdict.reason;
};
const ask = (actor: Actor, changes: DataChangeInput) => {
  ctx.clock.advance(1000);
  return requestDataChange(deps, { actor, changes });
};
const propose = (userId: string, changes: DataChangeInput, actor: Actor = ctx.verifier) => {
  ctx.clock.advance(1000);
  return requestDataChange(deps, { actor, userId, changes });
};
const templatesTo = async (to: string) => (await ctx.outbox(to)).map((message) => String(message.template));

describe('a user asks, a verifier of the tenant decides', () => {
  it('holds signing while pending (SUSPENDED, on no CRL), and a rejection makes the certificate ISSUED again', async () => {
    const siti = await activeHolder('Siti Aminah');
    expect(await signing(siti.userId)).toBe('SIGNS');

    const asked = await ask(siti.actor, { position: 'Kepala Seksi Aplikasi', reason: 'SK mutasi jabatan nomor 800/12/2026' });
    expect(asked).toMatchObject({
      status: 'PENDING', origin: 'USER', awaiting: 'VERIFIER', certificateHeld: true,
      changes: [{ field: 'position', label: 'Jabatan', from: 'Analis Kebijakan', to: 'Kepala Seksi Aplikasi' }],
    });
    expect((await ctx.certificateOf(siti.serial))!.status).toBe('SUSPENDED');
    expect(await signing(siti.userId)).toBe('SUSPENDED');
    expect(await pendingSlot(siti.userId)).toMatchObject({ requestId: asked.requestId });
    // The hold is the service's own: the certificate is on no CRL.
    expect((await ctx.crlState()).revision ?? 0).toBe(0);
    // A suspended certificate is not renewed, re-keyed or given a new passphrase meanwhile.
    ctx.clock.advance(710 * DAY);
    expect(await codeOf(requestRenewal(ctx.deps, { actor: siti.actor, serialNumber: siti.serial }))).toBe('CERTIFICATE_SUSPENDED');
    ctx.clock.advance(-710 * DAY);
    expect(await codeOf(requestPassphraseChange(ctx.deps, { actor: siti.actor, serialNumber: siti.serial }))).toBe('CERTIFICATE_SUSPENDED');
    expect(await codeOf(requestPassphraseReset(ctx.deps, { actor: siti.actor, serialNumber: siti.serial }))).toBe('CERTIFICATE_SUSPENDED');

    // E-mails: a receipt to her, the request to the tenant's verifiers.
    expect(await templatesTo(siti.email)).toContain('dataChangeRequested');
    const review = (await ctx.outbox(verifierEmail, 'dataChangeReviewRequested')).at(-1)!;
    expect(review.data).toMatchObject({ applicantName: 'Siti Aminah', reason: 'SK mutasi jabatan nomor 800/12/2026', reviewUrl: 'https://tte.uji.go.id/console/data-changes' });
    expect(JSON.parse(String(review.data.changes))).toEqual([{ label: 'Jabatan', from: 'Analis Kebijakan', to: 'Kepala Seksi Aplikasi' }]);

    // The queue: this tenant's verifier sees it, the other tenant's does not; she sees her own.
    expect((await listDataChanges(deps, { actor: ctx.verifier, limit: 25 })).items.map((item) => item.requestId)).toContain(asked.requestId);
    expect((await listDataChanges(deps, { actor: ctx.otherVerifier, limit: 25 })).items).toEqual([]);
    expect((await listDataChanges(deps, { actor: siti.actor, status: 'PENDING', limit: 25 })).items.map((item) => item.requestId)).toEqual([asked.requestId]);

    // Only the other party decides: not she herself, not another tenant's verifier, not without a reason to reject.
    const decide = (actor: Actor, decision: 'APPROVE' | 'REJECT', reason?: string) =>
      decideDataChange(deps, { actor, requestId: asked.requestId, decision, ...(reason ? { reason } : {}) });
    const before = await ctx.snapshot();
    expect(await codeOf(decide(siti.actor, 'APPROVE'))).toBe('DATA_CHANGE_OTHER_PARTY');
    expect(await codeOf(decide(ctx.otherVerifier, 'APPROVE'))).toBe('DATA_CHANGE_NOT_FOUND');
    expect(await failureOf(decide(ctx.verifier, 'REJECT'))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'reason', code: 'REQUIRED' }] });
    expect(await ctx.snapshot()).toEqual(before);

    const rejected = await decide(ctx.verifier, 'REJECT', 'SK mutasi belum dilampirkan');
    expect(rejected).toMatchObject({ status: 'REJECTED', awaiting: null, decision: { decision: 'REJECT', reason: 'SK mutasi belum dilampirkan', byRole: 'VERIFIER' } });
    expect((await ctx.certificateOf(siti.serial))!.status).toBe('ISSUED');
    expect(await signing(siti.userId)).toBe('SIGNS');
    expect(await pendingSlot(siti.userId)).toBeUndefined();
    expect((await userOf(siti.userId)).employment?.position).toBe('Analis Kebijakan');
    const told = (await ctx.outbox(siti.email, 'dataChangeDecided')).at(-1)!;
    expect(told.data).toMatchObject({ decision: 'REJECT', by: 'VERIFIER', reason: 'SK mutasi belum dilampirkan', certificate: 'RESTORED' });
    expect(await codeOf(decide(ctx.verifier, 'APPROVE'))).toBe('DATA_CHANGE_NOT_PENDING');

    const history = (await ctx.users.findUserWithHistory(siti.userId))!.history.map((entry) => [entry.action, entry.actorRole]);
    expect(history).toEqual(expect.arrayContaining([['DATA_CHANGE_REQUESTED', 'USER'], ['DATA_CHANGE_REJECTED', 'VERIFIER']]));
  });

  it('refuses a second change while one waits (DATA_CHANGE_PENDING, nothing written), also when two race', async () => {
    const budi = await activeHolder('Budi Santoso');
    const first = await ask(budi.actor, { phone: '+6281234567890', reason: 'Nomor ponsel baru' });
    expect(first.changes).toEqual([{ field: 'phone', label: 'Nomor ponsel', from: null, to: '+6281234567890' }]);

    const before = await ctx.snapshot();
    expect(await codeOf(ask(budi.actor, { position: 'Kepala Bidang', reason: 'Promosi' }))).toBe('DATA_CHANGE_PENDING');
    expect(await codeOf(propose(budi.userId, { unitName: 'Bidang Lain', reason: 'Mutasi' }))).toBe('DATA_CHANGE_PENDING');
    expect(await ctx.snapshot()).toEqual(before);

    // Two at once, past the early read: the slot lets exactly one through.
    const dewi = await activeHolder('Dewi Lestari');
    const outcomes = await Promise.all([
      codeOf(ask(dewi.actor, { position: 'Kepala Seksi', reason: 'Promosi' })),
      codeOf(propose(dewi.userId, { unitName: 'Bidang Persandian', reason: 'Mutasi' })),
      codeOf(ask(dewi.actor, { phone: '+6281298765432', reason: 'Nomor baru' })),
    ]);
    expect(outcomes.filter((outcome) => outcome === 'OK')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'OK').every((outcome) => outcome === 'DATA_CHANGE_PENDING' || outcome === 'CONFLICT')).toBe(true);
    const requests = (await ctx.allItems()).filter((item) => String(item.pk).startsWith('DATACHANGE#') && item.userId === dewi.userId);
    expect(requests).toHaveLength(1);
    expect((await ctx.certificateOf(dewi.serial))!).toMatchObject({ status: 'SUSPENDED', version: 2 });
  });

  it('refuses a change that changes nothing, a foreign address domain, a taken address and another tenant\'s user, writing nothing', async () => {
    const eka = await activeHolder('Eka Putri');
    const taken = await activeHolder('Fajar Nugroho');
    const before = await ctx.snapshot();
    expect(await codeOf(ask(eka.actor, { fullName: 'Eka Putri', position: 'Analis Kebijakan', reason: 'Tidak ada' }))).toBe('DATA_CHANGE_NO_CHANGE');
    expect(await codeOf(ask(eka.actor, { email: 'eka.putri@gmail.com', reason: 'Alamat baru' }))).toBe('EMAIL_DOMAIN_NOT_ALLOWED');
    expect(await codeOf(ask(eka.actor, { email: taken.email, reason: 'Alamat baru' }))).toBe('EMAIL_ALREADY_REGISTERED');
    expect(await codeOf(propose(eka.userId, { position: 'Kepala', reason: 'Mutasi' }, ctx.otherVerifier))).toBe('USER_NOT_FOUND');
    await ctx.setStatus(eka.userId, 'DISABLED');
    expect(await codeOf(propose(eka.userId, { position: 'Kepala', reason: 'Mutasi' }))).toBe('ACCOUNT_NOT_ACTIVE');
    await ctx.setStatus(eka.userId, 'ACTIVE');
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe('a verifier proposes, the user decides', () => {
  it('approved through the link: profile updated, certificate revoked (affiliationChanged) on the CRL, and the set-passphrase link issues one with the new data', async () => {
    const siti = await activeHolder('Siti Rahma');
    const proposed = await propose(siti.userId, { fullName: 'Siti Rahma Lubis', unitName: 'Bidang Persandian', reason: 'SK mutasi dan akta perubahan nama' });
    expect(proposed).toMatchObject({ origin: 'VERIFIER', awaiting: 'USER', certificateHeld: true });
    expect(await signing(siti.userId)).toBe('SUSPENDED');
    // The proposer cannot decide it; the other tenant's verifier does not see it.
    expect(await codeOf(decideDataChange(deps, { actor: ctx.verifier, requestId: proposed.requestId, decision: 'APPROVE' }))).toBe('DATA_CHANGE_OTHER_PARTY');
    expect(await codeOf(decideDataChange(deps, { actor: ctx.otherVerifier, requestId: proposed.requestId, decision: 'APPROVE' }))).toBe('DATA_CHANGE_NOT_FOUND');

    const token = await ctx.linkIn(siti.email, 'dataChangeProposed');
    const page = await getDataChangeLink(deps, { token });
    expect(page).toMatchObject({
      requestId: proposed.requestId, fullName: 'Siti Rahma', tenantName: 'Dinas Uji Coba', reissuesCertificate: true, reason: 'SK mutasi dan akta perubahan nama',
      changes: [
        { field: 'fullName', from: 'Siti Rahma', to: 'Siti Rahma Lubis' },
        { field: 'unitName', from: 'Dinas Komunikasi dan Informatika', to: 'Bidang Persandian' },
      ],
    });

    const approved = await decideThroughLink(deps, { token, decision: 'APPROVE' });
    expect(approved).toMatchObject({ status: 'APPROVED', fullName: 'Siti Rahma Lubis', revoked: { serialNumber: siti.serial, reason: 'affiliationChanged' } });
    expect(await codeOf(getDataChangeLink(deps, { token }))).toBe('TOKEN_USED');
    expect(await codeOf(decideThroughLink(deps, { token, decision: 'REJECT', reason: 'x' }))).toBe('TOKEN_USED');

    const user = await userOf(siti.userId);
    expect(user).toMatchObject({ fullName: 'Siti Rahma Lubis', employment: { unitName: 'Bidang Persandian', position: 'Analis Kebijakan' } });
    const old = (await ctx.certificateOf(siti.serial))!;
    expect(old).toMatchObject({ status: 'REVOKED', revocation: { reason: 'affiliationChanged', actorId: siti.userId, actorRole: 'USER' } });
    expect(await ctx.signingKeyOf(siti.userId)).toBeUndefined();
    expect(await signing(siti.userId)).toBe('REVOKED');
    const crl = await ctx.publishedCrl();
    expect(crl.signatureValid).toBe(true);
    expect(crl.entries.get(siti.serial)).toBe(revocationReasonCodes.affiliationChanged);

    // Her e-mails: the decision, the revocation, the link for a new certificate; the proposer hears her answer.
    expect(await templatesTo(siti.email)).toEqual(expect.arrayContaining(['dataChangeProposed', 'dataChangeDecided', 'certificateRevoked', 'setPassphrase']));
    expect((await ctx.outbox(siti.email, 'setPassphrase')).at(-1)!.data).toMatchObject({ kind: 'DATA_CHANGE', fullName: 'Siti Rahma Lubis' });
    const answers = await ctx.outbox(verifierEmail, 'dataChangeAnswered');
    expect(answers.find((message) => message.data.applicantName === 'Siti Rahma')?.data).toMatchObject({ decision: 'APPROVE' });

    const certificate = await ctx.issueThrough(await ctx.linkIn(siti.email, 'setPassphrase'));
    const x509 = new X509Certificate(certificate.pem);
    expect(x509.subject).toContain('CN=Siti Rahma Lubis');
    expect(x509.subject).toContain('OU=Bidang Persandian');
    expect(await signing(siti.userId)).toBe('SIGNS');
  });

  it('rejected by the user signed in: nothing changes, the certificate is ISSUED again, the link no longer works', async () => {
    const agus = await activeHolder('Agus Salim');
    const proposed = await propose(agus.userId, { fullName: 'Agus Salim Harahap', reason: 'Data kepegawaian' });
    const token = await ctx.linkIn(agus.email, 'dataChangeProposed');
    const rejected = await decideDataChange(deps, { actor: agus.actor, requestId: proposed.requestId, decision: 'REJECT', reason: 'Nama saya tidak berubah' });
    expect(rejected).toMatchObject({ status: 'REJECTED', decision: { byRole: 'USER' } });
    expect((await ctx.certificateOf(agus.serial))!.status).toBe('ISSUED');
    expect((await userOf(agus.userId)).fullName).toBe('Agus Salim');
    expect(await codeOf(getDataChangeLink(deps, { token }))).toBe('TOKEN_USED');
    const answers = await ctx.outbox(verifierEmail, 'dataChangeAnswered');
    expect(answers.find((message) => message.data.applicantName === 'Agus Salim')?.data).toMatchObject({ decision: 'REJECT', reason: 'Nama saya tidak berubah' });
  });

  it('a change the certificate does not carry (phone) makes the held certificate ISSUED again on approval', async () => {
    const rina = await activeHolder('Rina Marlina');
    const proposed = await propose(rina.userId, { phone: '+628112345678', reason: 'Nomor dinas' });
    await decideDataChange(deps, { actor: rina.actor, requestId: proposed.requestId, decision: 'APPROVE' });
    expect((await userOf(rina.userId)).phone).toBe('+628112345678');
    expect((await ctx.certificateOf(rina.serial))!.status).toBe('ISSUED');
    expect(await ctx.outbox(rina.email, 'setPassphrase')).toHaveLength(1);
  });
});

describe('a new e-mail address', () => {
  it('is applied only once a link to it confirms: the claim moves, login follows, the new certificate link goes there; a taken address is 409 with nothing written', async () => {
    const hadi = await activeHolder('Hadi Pranoto');
    const newEmail = 'hadi.pranoto.baru@uji.go.id';
    const asked = await ask(hadi.actor, { email: newEmail, reason: 'Alamat dinas baru' });
    const approved = await decideDataChange(deps, { actor: ctx.verifier, requestId: asked.requestId, decision: 'APPROVE' });
    expect(approved).toMatchObject({ status: 'APPROVED', revoked: { reason: 'superseded' }, emailConfirmation: { address: newEmail, status: 'AWAITING_CONFIRMATION' } });
    // Not applied yet: the old address still logs in; the certificate link waits for the confirmation.
    expect((await userOf(hadi.userId)).email).toBe(hadi.email);
    expect(await ctx.users.findUserIdByEmail(hadi.email)).toBe(hadi.userId);
    expect(await ctx.outbox(hadi.email, 'setPassphrase')).toHaveLength(1);
    expect((await ctx.outbox(hadi.email, 'dataChangeDecided')).at(-1)!.data).toMatchObject({ newEmail, certificate: 'REVOKED' });
    expect((await ctx.certificateOf(hadi.serial))!.revocation?.reason).toBe('superseded');

    const token = await ctx.linkIn(newEmail, 'emailChangeConfirmation');
    expect(await getEmailConfirmation(deps, { token })).toMatchObject({ fullName: 'Hadi Pranoto', currentEmail: hadi.email, newEmail });

    // Someone took the address meanwhile: refused, nothing written, the link still usable.
    await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { ...keys.emailUnique(newEmail), userId: 'someone-else', tenantId: ctx.tenant.tenantId } }));
    const before = await ctx.snapshot();
    expect(await codeOf(confirmEmail(deps, { token }))).toBe('EMAIL_ALREADY_REGISTERED');
    expect(await ctx.snapshot()).toEqual(before);
    // The other account lets it go again: now it confirms.
    await ctx.dynamo.send(new DeleteCommand({ TableName: ctx.tableName, Key: keys.emailUnique(newEmail) }));

    expect(await confirmEmail(deps, { token })).toEqual({ email: newEmail });
    expect((await userOf(hadi.userId)).email).toBe(newEmail);
    expect(await ctx.users.findUserIdByEmail(newEmail)).toBe(hadi.userId);
    expect(await ctx.users.findUserIdByEmail(hadi.email)).toBeUndefined();
    expect(await templatesTo(hadi.email)).toContain('emailChanged');
    expect(await templatesTo(newEmail)).toEqual(expect.arrayContaining(['emailChangeConfirmation', 'emailChanged', 'setPassphrase']));
    expect(await codeOf(confirmEmail(deps, { token }))).toBe('TOKEN_USED');
    expect((await getMyDataChanges(deps, { actor: hadi.actor })).items[0]).toMatchObject({ emailConfirmation: { status: 'CONFIRMED' } });

    const certificate = await ctx.issueThrough(await ctx.linkIn(newEmail, 'setPassphrase'));
    expect(new X509Certificate(certificate.pem).subjectAltName).toBe(`email:${newEmail}`);
  });
});

describe('without a certificate', () => {
  it('a user may still change data (nothing to suspend), and no certificate is issued while a change waits', async () => {
    const nia = await ctx.approvedUser('Nia Ramadhani');
    await ctx.setStatus(nia.userId, 'ACTIVE');
    const asked = await ask(nia.actor, { unitName: 'Bidang Statistik', reason: 'Mutasi' });
    expect(asked.certificateHeld).toBe(false);
    expect(await codeOf(ctx.issueThrough(nia.enrollToken))).toBe('DATA_CHANGE_PENDING');
    expect(await ctx.allItems().then((items) => items.filter((item) => String(item.pk).startsWith('CERT#') && item.userId === nia.userId))).toEqual([]);

    await decideDataChange(deps, { actor: ctx.verifier, requestId: asked.requestId, decision: 'APPROVE' });
    expect((await userOf(nia.userId)).employment?.unitName).toBe('Bidang Statistik');
    expect(await ctx.outbox(nia.email, 'certificateRevoked')).toEqual([]);
    // The link she already had now issues her first certificate, with the new unit.
    const certificate = await ctx.issueThrough(nia.enrollToken);
    expect(new X509Certificate(certificate.pem).subject).toContain('OU=Bidang Statistik');
  });

  it('a certificate the holder revoked while the change waited is left revoked; approval sends no new link', async () => {
    const tono = await activeHolder('Tono Sutrisno');
    const asked = await ask(tono.actor, { fullName: 'Tono Sutrisno Wibowo', reason: 'Akta' });
    await revokeCertificate(ctx.deps, { actor: tono.actor, serialNumber: tono.serial, reason: 'keyCompromise' });
    const approved = await decideDataChange(deps, { actor: ctx.verifier, requestId: asked.requestId, decision: 'APPROVE' });
    expect(approved.revoked).toBeUndefined();
    expect((await ctx.certificateOf(tono.serial))!.revocation?.reason).toBe('keyCompromise');
    expect(await ctx.outbox(tono.email, 'setPassphrase')).toHaveLength(1);
  });
});

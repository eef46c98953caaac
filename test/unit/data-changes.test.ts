import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../functions/outbox/templates.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { dataChangeItem } from '../../shared/adapters/aws/dynamo-data-changes.js';
import {
  dataChangeLines, describeChangeLine, effectiveChanges, revocationReasonFor, touchesCertificate, type DataChangeValues,
} from '../../shared/domain/data-changes.js';
import type { CertificateChange } from '../../shared/ports/certificates.js';
import type { DataChangeRequest } from '../../shared/ports/data-changes.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { findItem, pk, sentItems as sentItemsOf, sk } from './support/transactions.js';

describe('what a data change means for the certificate', () => {
  it.each<[string, DataChangeValues, boolean, string]>([
    ['a new unit', { unitName: 'Bidang Persandian' }, true, 'affiliationChanged'],
    ['a new unit and name', { unitName: 'Bidang Persandian', fullName: 'Siti Aminah Lubis' }, true, 'affiliationChanged'],
    ['a new name', { fullName: 'Siti Aminah Lubis' }, true, 'superseded'],
    ['a new address', { email: 'siti.baru@contoh.go.id' }, true, 'superseded'],
    ['a new position only', { position: 'Kepala Seksi' }, false, 'superseded'],
    ['a new phone only', { phone: '+6281234567890' }, false, 'superseded'],
  ])('%s: makes it wrong %s, revoked as %s', (_case, changes, touches, reason) => {
    expect(touchesCertificate(changes)).toBe(touches);
    expect(revocationReasonFor(changes)).toBe(reason);
  });

  it('counts only fields whose value really changes', () => {
    const current = { fullName: 'Siti Aminah', position: 'Analis', unitName: 'Bidang TIK', email: 'siti@contoh.go.id', phone: null };
    expect(effectiveChanges({ fullName: 'Siti Aminah', position: 'Kepala Seksi', phone: '+6281234567890' }, current))
      .toEqual({ position: 'Kepala Seksi', phone: '+6281234567890' });
    expect(effectiveChanges({ fullName: 'Siti Aminah', email: 'siti@contoh.go.id' }, current)).toEqual({});
    expect(effectiveChanges({}, current)).toEqual({});
  });

  it('lists the changes in the order of the form, an empty old value as "(kosong)"', () => {
    const lines = dataChangeLines({ phone: '+6281234567890', fullName: 'Siti Aminah Lubis' }, { phone: null, fullName: 'Siti Aminah' });
    expect(lines).toEqual([{ label: 'Nama lengkap', from: 'Siti Aminah', to: 'Siti Aminah Lubis' }, { label: 'Nomor ponsel', from: '', to: '+6281234567890' }]);
    expect(lines.map(describeChangeLine)).toEqual(['Nama lengkap: "Siti Aminah" menjadi "Siti Aminah Lubis"', 'Nomor ponsel: (kosong) menjadi "+6281234567890"']);
  });
});

describe('the data change e-mails', () => {
  const changes = JSON.stringify([{ label: 'Unit kerja', from: 'Bidang TIK', to: 'Bidang <Persandian>' }]);
  const LINK = 'https://tte.contoh.go.id/web/data-change/Q2xhdWRlIHdyb3RlIHRoaXMgdG9rZW4gZm9yIHRlc3Rz';

  it('a proposal: subject "Perubahan Data", old → new, the hold, the link, escaped in HTML', () => {
    const message = renderMessage('dataChangeProposed', 'siti@contoh.go.id', {
      fullName: 'Siti Aminah', tenantName: 'Dinas Kominfo', changes, reason: 'SK mutasi', held: 'REISSUE', expiresAt: '2026-11-30T03:00:00.000Z',
    }, { link: LINK }, '[TTE]');
    expect(message.subject).toBe('[TTE] Perubahan Data');
    expect(message.text).toContain('Unit kerja: "Bidang TIK" menjadi "Bidang <Persandian>"');
    expect(message.text).toContain('sertifikat elektronik Anda ditangguhkan');
    expect(message.text).toContain(LINK);
    expect(message.text).toContain('30 November 2026 pukul 10.00 WIB');
    expect(message.html).toContain('&quot;Bidang &lt;Persandian&gt;&quot;');
    expect(message.html).toContain(`href="${LINK}"`);
  });

  it.each([
    ['dataChangeRequested', { fullName: 'Siti Aminah', changes, reason: 'SK', held: 'NONE' }, 'Perubahan Data Diajukan'],
    ['dataChangeReviewRequested', { applicantName: 'Siti Aminah', tenantName: 'Dinas Kominfo', changes, reason: 'SK', reviewUrl: 'https://x.go.id/web/console/data-changes' }, 'Permintaan Perubahan Data'],
    ['dataChangeAnswered', { applicantName: 'Siti Aminah', decision: 'REJECT', changes, reason: 'Salah', reviewUrl: 'https://x.go.id/web/console/users/u1' }, 'Tanggapan Perubahan Data'],
    ['emailChanged', { fullName: 'Siti Aminah', oldEmail: 'a@contoh.go.id', newEmail: 'b@contoh.go.id', changedAt: '2026-11-30T03:00:00.000Z' }, 'Alamat E-mail Diperbarui'],
  ] as const)('%s has the subject "[TTE] %s"', (template, data, subject) => {
    expect(renderMessage(template, 'x@contoh.go.id', data as never, {} as never, '[TTE]').subject).toBe(`[TTE] ${subject}`);
  });

  it('a decision says what happens to the certificate, and a new address that still has to confirm', () => {
    const decided = (data: Partial<Record<string, string>>) => renderMessage('dataChangeDecided', 'siti@contoh.go.id', {
      fullName: 'Siti Aminah', decision: 'APPROVE', by: 'VERIFIER', changes, reason: '', certificate: 'REVOKED', newEmail: '', ...data,
    } as never, {}, '[TTE]');
    expect(decided({}).subject).toBe('[TTE] Perubahan Data Disetujui');
    expect(decided({}).text).toContain('Kami mengirim e-mail "Set Passphrase"');
    expect(decided({ newEmail: 'siti.baru@contoh.go.id' }).text).toContain('Alamat e-mail baru (siti.baru@contoh.go.id) berlaku setelah Anda membuka tautan konfirmasi');
    const rejected = decided({ decision: 'REJECT', reason: 'Lampirkan SK', certificate: 'RESTORED' });
    expect(rejected.subject).toBe('[TTE] Perubahan Data Ditolak');
    expect(rejected.text).toContain('"Lampirkan SK"');
    expect(rejected.text).toContain('berlaku kembali');
  });

  it('the confirmation goes to the new address with its link', () => {
    const message = renderMessage('emailChangeConfirmation', 'siti.baru@contoh.go.id', {
      fullName: 'Siti Aminah', newEmail: 'siti.baru@contoh.go.id', expiresAt: '2026-11-30T03:00:00.000Z',
    }, { link: LINK.replace('data-change', 'confirm-email') }, '[TTE]');
    expect(message.subject).toBe('[TTE] Konfirmasi Alamat E-mail');
    expect(message.text).toContain('akan diubah menjadi siti.baru@contoh.go.id');
    expect(message.text).toContain('/confirm-email/');
  });
});

describe('DynamoCertificates.commit with a data change', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const store = () => new DynamoCertificates(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'tte-test');
  beforeEach(() => dynamo.reset());
  const AT = '2026-11-22T03:00:00.000Z';
  const request: DataChangeRequest = {
    requestId: 'dc-1', userId: 'user-1', tenantId: 'tenant-a', origin: 'USER', requestedBy: 'user-1', status: 'PENDING',
    changes: { unitName: 'Bidang Persandian' }, previous: { unitName: 'Bidang TIK' }, reason: 'SK', createdAt: AT, updatedAt: AT, version: 1,
  };
  const audit = { auditId: 'audit-1', at: AT, actorId: 'user-1', actorRole: 'USER' as const, action: 'DATA_CHANGE_REQUESTED', tenantId: 'tenant-a', subject: { userId: 'user-1' } };
  const user = { userId: 'user-1', tenantId: 'tenant-a', role: 'USER', fullName: 'Siti', email: 'siti@contoh.go.id', status: 'ACTIVE', createdAt: AT, updatedAt: AT, createdBy: 'v', version: 4 } as UserRecord;

  it('a new request takes the pending slot (first, so a second request is told DATA_CHANGE_PENDING) and is in both queues', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await store().commit({ userId: 'user-1', audit, dataChange: { request, pendingSlot: 'CLAIM' } } as CertificateChange);
    const items = sentItemsOf(dynamo);
    expect(`${pk(items[0]!)} ${sk(items[0]!)}`).toBe('USER#user-1 DATACHANGE#PENDING');
    expect(items[0]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { requestId: 'dc-1' } });
    expect(findItem(items, 'DATACHANGE#dc-1', 'DATACHANGE').Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { gsi1pk: 'TENANT#tenant-a#DATACHANGE#USER#PENDING', gsi2pk: 'USER#user-1#DATACHANGES', status: 'PENDING' },
    });

    dynamo.reset();
    dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      throw new TransactionCanceledException({
        message: 'cancelled', $metadata: {}, CancellationReasons: (input.TransactItems ?? []).map((_, index) => ({ Code: index === 0 ? 'ConditionalCheckFailed' : 'None' })),
      });
    });
    await expect(store().commit({ userId: 'user-1', audit, dataChange: { request, pendingSlot: 'CLAIM' } } as CertificateChange)).rejects.toMatchObject({ code: 'DATA_CHANGE_PENDING' });
  });

  it('a decision is on the version read while pending, frees the slot of this request only, and writes the profile on its version', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const decided = { ...request, status: 'APPROVED' as const, version: 2 };
    await store().commit({ userId: 'user-1', audit, dataChange: { request: decided, fromStatuses: ['PENDING'], pendingSlot: 'RELEASE', user: { ...user, version: 5 } } } as CertificateChange);
    const items = sentItemsOf(dynamo);
    expect(findItem(items, 'DATACHANGE#dc-1', 'DATACHANGE').Put).toMatchObject({
      ExpressionAttributeValues: { ':previous': 1, ':from0': 'PENDING' },
      Item: { gsi1pk: 'TENANT#tenant-a#DATACHANGE#USER#APPROVED', status: 'APPROVED' },
    });
    expect(findItem(items, 'USER#user-1', 'DATACHANGE#PENDING').Delete).toMatchObject({ ConditionExpression: 'requestId = :request', ExpressionAttributeValues: { ':request': 'dc-1' } });
    expect(findItem(items, 'USER#user-1', 'PROFILE').Put).toMatchObject({ ExpressionAttributeValues: { ':previous': 4, ':from0': 'APPROVED', ':from1': 'ACTIVE' } });
  });

  it('a confirmed address moves the e-mail claim: the new one only if free, the old one only if still this user\'s', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const confirmed = { ...request, status: 'APPROVED' as const, version: 3 };
    await store().commit({
      userId: 'user-1', audit, dataChange: { request: confirmed, fromStatuses: ['APPROVED'], user: { ...user, email: 'siti.baru@contoh.go.id', version: 5 }, moveEmail: { from: 'siti@contoh.go.id', to: 'siti.baru@contoh.go.id' } },
    } as CertificateChange);
    const items = sentItemsOf(dynamo);
    expect(findItem(items, 'EMAIL#siti.baru@contoh.go.id', 'UNIQUE').Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { userId: 'user-1', tenantId: 'tenant-a' } });
    expect(findItem(items, 'EMAIL#siti@contoh.go.id', 'UNIQUE').Delete).toMatchObject({ ConditionExpression: 'userId = :me', ExpressionAttributeValues: { ':me': 'user-1' } });
  });

  it('an item keeps the request whole, keyed for its queue and its user', () => {
    expect(dataChangeItem(request)).toMatchObject({ pk: 'DATACHANGE#dc-1', sk: 'DATACHANGE', gsi1sk: `${AT}#dc-1`, gsi2sk: `${AT}#dc-1`, changes: request.changes });
  });
});

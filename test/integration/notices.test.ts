import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { certificateItem } from '../../shared/adapters/aws/table-items.js';
import type { CertificateRecord } from '../../shared/ports/certificates.js';
import { runDailyNotices } from '../../functions/notices/use-cases/daily-notices.js';
import { freshTable, manualClock } from './harness.js';

describe('the daily notices job', () => {
  it('warns at 30, 7 and 1 days once each, and marks lapsed certificates EXPIRED', async () => {
    const table = await freshTable();
    const clock = manualClock(new Date('2026-11-22T00:00:00.000Z'));
    const certificate = async (serialNumber: string, notAfter: string, status: CertificateRecord['status'] = 'ISSUED') => {
      const record: CertificateRecord = {
        serialNumber, userId: `user-${serialNumber}`, tenantId: 'tenant-uji', email: `${serialNumber}@uji.go.id`, fullName: 'Siti Aminah',
        subject: 'CN=Siti Aminah', status, notBefore: '2025-11-22T00:00:00.000Z', notAfter, pem: '', csrPem: '', keyId: `key-${serialNumber}`,
        issuedAt: '2025-11-22T00:00:00.000Z', issuance: { kind: 'FIRST', tokenHash: 'x' }, agreement: { version: 'v', acceptedAt: '2025-11-22T00:00:00.000Z', sourceIp: '127.0.0.1' },
        selfie: { photoId: 'p', objectKey: 'k', width: 1, height: 1, confirmedAt: '2025-11-22T00:00:00.000Z' }, version: 1,
      };
      await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: certificateItem(record) }));
    };
    await certificate('a30', '2026-12-22T05:00:00.000Z');
    await certificate('b07', '2026-11-29T05:00:00.000Z');
    await certificate('c01', '2026-11-23T05:00:00.000Z');
    await certificate('d10', '2026-12-02T05:00:00.000Z'); // no notice on day 10
    await certificate('e30revoked', '2026-12-22T06:00:00.000Z', 'REVOKED');
    await certificate('f-lapsed', '2026-11-20T05:00:00.000Z');

    const deps = { certificates: new DynamoCertificates(table.dynamo, table.tableName), clock };
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 3, certificatesExpired: 1 });
    // A second run the same day (a retried schedule) queues nothing again.
    expect(await runDailyNotices(deps)).toEqual({ noticesQueued: 0, certificatesExpired: 0 });

    const items = (await table.dynamo.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
    const notices = items.filter((item) => item.template === 'certificateExpiring').map((item) => `${item.to}:${item.data.daysLeft}`).sort();
    expect(notices).toEqual(['a30@uji.go.id:30', 'b07@uji.go.id:7', 'c01@uji.go.id:1']);
    expect(items.find((item) => item.serialNumber === 'f-lapsed')?.status).toBe('EXPIRED');
    expect(items.find((item) => item.serialNumber === 'd10')?.status).toBe('ISSUED');
  });
});

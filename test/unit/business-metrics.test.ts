import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusinessMetrics, businessEventsOf } from '../../shared/adapters/aws/business-metrics.js';
import { auditPut, revocationItem, usageIncrement } from '../../shared/adapters/aws/table-items.js';
import { auditEntry } from '../../shared/audit.js';
import { SELF_APPLICATION_ACTOR } from '../../shared/domain/actor.js';
import { businessMetricNames } from '../../shared/domain/business-metrics.js';

const TABLE = 'tte-test';
const at = new Date('2026-12-05T03:00:00.000Z');
const ids = { newId: () => 'audit-1' };
const siti = { userId: 'user-1', tenantId: 'tenant-a' };
const verifier = { actorId: 'verifier-1', role: 'VERIFIER' as const };
const audit = (actor: { actorId: string; role: 'VERIFIER' | 'USER' }, action: string, status?: 'REJECTED' | 'INVITED') =>
  auditPut(TABLE, auditEntry({ ids }, at, actor, action, siti, status ? { status } : {}));

describe('the business events of a committed transaction', () => {
  it('reads registrations, self-applications, submissions and rejections from the audit entries', () => {
    expect(businessEventsOf([audit(verifier, 'USER_REGISTERED', 'INVITED')])).toEqual({ Registrations: 1 });
    expect(businessEventsOf([audit({ actorId: SELF_APPLICATION_ACTOR, role: 'USER' }, 'USER_REGISTERED', 'INVITED')])).toEqual({ Applications: 1 });
    expect(businessEventsOf([audit({ actorId: 'user-1', role: 'USER' }, 'ACTIVATION_SUBMITTED')])).toEqual({ Submissions: 1 });
    expect(businessEventsOf([audit(verifier, 'REJECTED', 'REJECTED'), audit(verifier, 'APPLICATION_REJECTED', 'REJECTED')])).toEqual({ Rejections: 2 });
    // Changes that are not business events count nothing.
    expect(businessEventsOf([audit(verifier, 'ACTIVATION_LINK_RESENT')])).toEqual({});
  });

  it('reads approvals, issuances and signatures (with their quantity) from the usage counters, and revocations from the CRL entries', () => {
    expect(businessEventsOf([
      usageIncrement(TABLE, 'tenant-a', 'USER_APPROVED', at.toISOString()),
      usageIncrement(TABLE, 'tenant-a', 'CERTIFICATE_ISSUED', at.toISOString()),
      usageIncrement(TABLE, 'tenant-a', 'DOCUMENT_SIGNED', at.toISOString(), 3),
      usageIncrement(TABLE, 'tenant-a', 'HASH_SIGNED', at.toISOString(), 40),
      { Put: { TableName: TABLE, Item: revocationItem({ serialNumber: '0A1B', revokedAt: at.toISOString(), reason: 'keyCompromise', notAfter: '2028-12-05T03:00:00.000Z' }) } },
    ])).toEqual({ Approvals: 1, CertificatesIssued: 1, DocumentsSigned: 3, HashesSigned: 40, CertificatesRevoked: 1 });
    // Counted where every one happens (billed or not), not from the bill.
    expect(businessEventsOf([usageIncrement(TABLE, 'tenant-a', 'EMAIL_SENT', at.toISOString()), usageIncrement(TABLE, 'tenant-a', 'VERIFICATION', at.toISOString())])).toEqual({});
  });
});

describe('the embedded metric lines', () => {
  let written: string[];
  let write: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    written = [];
    write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('name the TTE namespace and the stage as the only dimension (no tenant, no service), summed per invocation', () => {
    const metrics = new BusinessMetrics();
    metrics.configure('staging');
    metrics.count({ DocumentsSigned: 3 });
    metrics.count({ DocumentsSigned: 2, Approvals: 1 });
    metrics.flush();
    write.mockRestore();
    const lines = written.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line!._aws.CloudWatchMetrics).toEqual([{ Namespace: 'TTE', Dimensions: [['stage']], Metrics: expect.arrayContaining([{ Name: 'DocumentsSigned', Unit: 'Count' }, { Name: 'Approvals', Unit: 'Count' }]) }]);
    expect(line).toMatchObject({ stage: 'staging', DocumentsSigned: [3, 2], Approvals: 1 });
    expect(line).not.toHaveProperty('service');
    for (const name of Object.keys(line!).filter((key) => !['_aws', 'stage'].includes(key))) expect(businessMetricNames).toContain(name);
  });

  it('print nothing until a stage is configured, and nothing for an invocation that counted nothing', () => {
    const unconfigured = new BusinessMetrics();
    unconfigured.count({ Registrations: 1 });
    unconfigured.flush();
    const idle = new BusinessMetrics();
    idle.configure('prod');
    idle.flush();
    expect(written.join('')).toBe('');
  });

  it('go to a given writer at once, one line per event, where no invocation ends to batch them (the local runtime)', () => {
    const lines: string[] = [];
    const local = new BusinessMetrics();
    local.configure('local', (line) => lines.push(line));
    local.count({ Registrations: 1 });
    local.count({ DocumentsSigned: 2 });
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ stage: 'local', Registrations: 1 }),
      expect.objectContaining({ stage: 'local', DocumentsSigned: 2 }),
    ]);
    expect(written.join('')).toBe('');
  });
});

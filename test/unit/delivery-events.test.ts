import { describe, expect, it } from 'vitest';
import { parseSesEvent, type DeliveryReport } from '../../functions/delivery/ses-event.js';
import { MessageNotYetSent, recordDelivery, type RecordDeliveryDeps } from '../../functions/delivery/use-cases/record-delivery.js';
import { deliveryRank, supersedes, type DeliveryStatus } from '../../shared/domain/delivery.js';
import type { DeliveryLog, DeliveryOutcome, HandledMessage } from '../../shared/ports/delivery.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { fixedClock, sequentialIds } from './support/outbox-fakes.js';

const CONFIGURATION_SET = 'tte-prod';

/** An EventBridge event as SES publishes it (the shape of the SES event-publishing examples). */
function sesEvent(detailType: string, eventType: string, report: Record<string, unknown>, mail: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': detailType,
    source: 'aws.ses',
    account: '123456789012',
    time: '2026-11-22T03:01:00Z',
    region: 'ap-southeast-3',
    resources: [`arn:aws:ses:ap-southeast-3:123456789012:configuration-set/${CONFIGURATION_SET}`],
    detail: {
      eventType,
      mail: {
        timestamp: '2026-11-22T03:00:00.000Z',
        source: 'TTE <no-reply@tte.example.go.id>',
        messageId: 'ses-1',
        destination: ['siti@sultengprov.go.id'],
        tags: { 'ses:configuration-set': [CONFIGURATION_SET], outboxMessageId: ['msg-1'] },
        ...mail,
      },
      ...report,
    },
  };
}

const bounce = (bounceType = 'Permanent', extra: Record<string, unknown> = {}) => sesEvent('Email Bounced', 'Bounce', {
  bounce: {
    bounceType,
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: 'siti@sultengprov.go.id', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: '2026-11-22T03:00:05.000Z',
    feedbackId: 'f-1',
  },
}, extra);
const delivered = sesEvent('Email Delivered', 'Delivery', { delivery: { timestamp: '2026-11-22T03:00:02.000Z', recipients: ['siti@sultengprov.go.id'], smtpResponse: '250 ok' } });
const complaint = sesEvent('Email Complaint Received', 'Complaint', {
  complaint: { complainedRecipients: [{ emailAddress: 'siti@sultengprov.go.id' }], timestamp: '2026-11-22T04:00:00.000Z', feedbackId: 'f-2' },
});
const rejected = sesEvent('Email Rejected', 'Reject', { reject: { reason: 'Bad content' } });
const delayed = sesEvent('Email Delivery Delayed', 'DeliveryDelay', {
  deliveryDelay: { delayType: 'MailboxFull', timestamp: '2026-11-22T03:30:00.000Z', delayedRecipients: [{ emailAddress: 'siti@sultengprov.go.id' }] },
});

const reportOf = (event: unknown): DeliveryReport => {
  const parsed = parseSesEvent(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.report;
};

describe('parseSesEvent', () => {
  it('reads each of the five event types into a report about our message', () => {
    expect(reportOf(delivered)).toEqual({
      messageId: 'msg-1', providerMessageId: 'ses-1', configurationSet: CONFIGURATION_SET, recipient: 'siti@sultengprov.go.id', status: 'DELIVERED', at: '2026-11-22T03:00:02.000Z',
    });
    expect(reportOf(bounce())).toMatchObject({
      status: 'BOUNCED', bounceType: 'Permanent', at: '2026-11-22T03:00:05.000Z', detail: 'alamat tidak dapat menerima e-mail (smtp; 550 5.1.1 user unknown)',
    });
    expect(reportOf(complaint)).toMatchObject({ status: 'COMPLAINED', recipient: 'siti@sultengprov.go.id', at: '2026-11-22T04:00:00.000Z' });
    expect(reportOf(rejected)).toMatchObject({ status: 'REJECTED', at: '2026-11-22T03:01:00Z', detail: 'Amazon SES tidak mengirim e-mail ini (Bad content)' });
    expect(reportOf(delayed)).toMatchObject({ status: 'DELAYED', detail: 'Masih dicoba: kotak surat penerima penuh' });
  });

  it('refuses what is not an SES event about our message, naming fields only', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an SES event/],
      [{ ...delivered, source: 'aws.s3' }, /source/],
      [{ ...delivered, 'detail-type': 'Email Opened' }, /detail-type/],
      [{ ...delivered, 'detail-type': 'Email Bounced' }, /detail-type does not match/],
      [sesEvent('Email Delivered', 'Delivery', { delivery: { timestamp: 'yesterday' } }), /delivery\.timestamp/],
      [bounce('Sideways'), /bounce\.bounceType/],
      [sesEvent('Email Delivered', 'Delivery', { delivery: { timestamp: '2026-11-22T03:00:02.000Z' } }, { tags: { 'ses:configuration-set': [CONFIGURATION_SET] } }), /no outbox message tag/],
      [sesEvent('Email Delivered', 'Delivery', { delivery: { timestamp: '2026-11-22T03:00:02.000Z' } }, { destination: [] }), /mail\.destination/],
    ];
    for (const [event, reason] of cases) {
      const parsed = parseSesEvent(event);
      expect(parsed.ok, JSON.stringify(event)?.slice(0, 80)).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason).toMatch(reason);
        expect(parsed.reason).not.toContain('@');
      }
    }
  });
});

describe('delivery ranks', () => {
  it('only ever moves forward: a late delivery never hides a bounce or a complaint, a repeat changes nothing', () => {
    const moves: [DeliveryStatus, DeliveryStatus | undefined, boolean][] = [
      ['DELIVERED', undefined, true], ['DELAYED', undefined, true], ['DELIVERED', 'DELAYED', true], ['DELAYED', 'DELIVERED', false],
      ['BOUNCED', 'DELIVERED', true], ['DELIVERED', 'BOUNCED', false], ['DELIVERED', 'DELIVERED', false], ['BOUNCED', 'BOUNCED', false],
      ['COMPLAINED', 'DELIVERED', true], ['DELIVERED', 'COMPLAINED', false], ['BOUNCED', 'COMPLAINED', false], ['REJECTED', 'BOUNCED', false],
      ['DELIVERED', 'SUPPRESSED', false],
    ];
    for (const [next, current, moved] of moves) expect(supersedes(next, current), `${current ?? 'SENT'} -> ${next}`).toBe(moved);
    expect(deliveryRank('SENT')).toBe(0);
  });
});

/** A delivery log with the port's conditional semantics: an outcome commits only above the current rank. */
class InMemoryDeliveryLog implements DeliveryLog {
  readonly messages = new Map<string, HandledMessage>();
  readonly committed: DeliveryOutcome[] = [];

  async findMessage(messageId: string) {
    const message = this.messages.get(messageId);
    return message ? structuredClone(message) : undefined;
  }

  async recordOutcome(outcome: DeliveryOutcome): Promise<'recorded' | 'stale'> {
    const message = this.messages.get(outcome.message.messageId)!;
    if (!supersedes(outcome.status, message.delivery?.status)) return 'stale';
    message.delivery = { status: outcome.status, at: outcome.at, ...(outcome.detail ? { detail: outcome.detail } : {}) };
    this.committed.push(outcome);
    return 'recorded';
  }

  async listUserEmails() { return []; }
  async isBlocked() { return false; }
  async clearBlock() { return false; }
}

const siti: UserRecord = {
  userId: 'user-siti', tenantId: 'tenant-sulteng', role: 'USER', fullName: 'Siti Aminah', email: 'siti@sultengprov.go.id', status: 'INVITED',
  createdAt: '2026-11-22T02:00:00.000Z', updatedAt: '2026-11-22T02:00:00.000Z', createdBy: 'verifier-1', version: 1,
};

function world(message: Partial<HandledMessage> = {}, verifiers = ['verifikator@sultengprov.go.id', 'Siti@sultengprov.go.id']) {
  const log = new InMemoryDeliveryLog();
  log.messages.set('msg-1', {
    messageId: 'msg-1', template: 'activation', createdAt: '2026-11-22T03:00:00.000Z', status: 'SENT', providerMessageId: 'ses-1',
    userId: siti.userId, tenantId: siti.tenantId, subject: '[TTE] Aktivasi Akun', ...message,
  });
  const deps: RecordDeliveryDeps = {
    deliveries: log,
    users: { findUser: async (userId) => (userId === siti.userId ? siti : undefined) },
    tenants: { listVerifierEmails: async () => verifiers },
    ids: sequentialIds('notice'),
    clock: fixedClock(),
    settings: { webBaseUrl: 'https://tte.example.go.id/web/', configurationSet: CONFIGURATION_SET },
  };
  return { log, deps };
}

describe('recordDelivery', () => {
  it('records reports in any order and at least once: duplicates and a late delivery change nothing', async () => {
    const { log, deps } = world();
    expect(await recordDelivery(deps, reportOf(bounce()))).toBe('recorded');
    expect(await recordDelivery(deps, reportOf(bounce()))).toBe('stale');
    expect(await recordDelivery(deps, reportOf(delivered))).toBe('stale');
    expect(log.messages.get('msg-1')?.delivery?.status).toBe('BOUNCED');
    expect(log.committed).toHaveLength(1);
  });

  it('tells the tenant\'s verifiers of a hard bounce once, with a plain console link, and never the bounced address itself', async () => {
    const { log, deps } = world();
    await recordDelivery(deps, reportOf(bounce()));
    const [outcome] = log.committed;
    expect(outcome!.notices).toHaveLength(1);
    expect(outcome!.notices[0]).toMatchObject({
      template: 'emailBounced',
      to: 'verifikator@sultengprov.go.id',
      billedTenantId: 'tenant-sulteng',
      data: {
        fullName: 'Siti Aminah', email: 'siti@sultengprov.go.id', subject: '[TTE] Aktivasi Akun',
        reason: 'alamat tidak dapat menerima e-mail (smtp; 550 5.1.1 user unknown)', userUrl: 'https://tte.example.go.id/web/console/users/user-siti',
      },
    });
    expect(outcome!.notices[0]!.sealedData).toBeUndefined();
    expect(outcome!.audit).toMatchObject({ action: 'EMAIL_BOUNCED', actorRole: 'SYSTEM', subject: { userId: 'user-siti' }, target: 'activation' });
    expect(outcome!.block).toBeUndefined();
  });

  it('tells nobody of a soft bounce, of a bounced notice to verifiers (no loop), or of mail to no registered user', async () => {
    for (const [message, event] of [[{}, bounce('Transient')], [{ template: 'emailBounced' }, bounce()], [{ userId: undefined, tenantId: undefined }, bounce()]] as const) {
      const { log, deps } = world(message);
      expect(await recordDelivery(deps, reportOf(event))).toBe('recorded');
      expect(log.committed[0]!.notices).toEqual([]);
    }
  });

  it('holds the address on a complaint, with the change that records it', async () => {
    const { log, deps } = world();
    await recordDelivery(deps, reportOf(delivered));
    expect(await recordDelivery(deps, reportOf(complaint))).toBe('recorded');
    expect(log.committed.map((outcome) => outcome.status)).toEqual(['DELIVERED', 'COMPLAINED']);
    expect(log.committed[1]!.block).toEqual({ email: 'siti@sultengprov.go.id', messageId: 'msg-1', userId: 'user-siti', tenantId: 'tenant-sulteng' });
    expect(log.committed[1]!.notices).toEqual([]);
    expect(await recordDelivery(deps, reportOf(complaint))).toBe('stale');
  });

  it('drops reports that are not about a message of ours: unknown, another configuration set, another SES message', async () => {
    const { log, deps } = world();
    expect(await recordDelivery(deps, { ...reportOf(delivered), messageId: 'msg-unknown' })).toBe('unknown-message');
    expect(await recordDelivery(deps, { ...reportOf(complaint), configurationSet: 'someone-else' })).toBe('foreign');
    expect(await recordDelivery(deps, { ...reportOf(complaint), configurationSet: undefined })).toBe('foreign');
    expect(await recordDelivery(deps, { ...reportOf(complaint), providerMessageId: 'ses-forged' })).toBe('foreign');
    expect(log.committed).toEqual([]);
  });

  it('asks to be tried again when the outbox has not yet marked the message sent, and ignores a suppressed one', async () => {
    await expect(recordDelivery(world({ status: 'SENDING', providerMessageId: undefined }).deps, reportOf(delivered))).rejects.toBeInstanceOf(MessageNotYetSent);
    expect(await recordDelivery(world({ status: 'SUPPRESSED' }).deps, reportOf(delivered))).toBe('unknown-message');
  });
});

describe('the "E-mail Tidak Sampai" notice', () => {
  it('names the person, the address, the e-mail and the reason in Indonesian, with a plain console link', async () => {
    const { renderMessage } = await import('../../functions/outbox/templates.js');
    const mail = renderMessage('emailBounced', 'verifikator@sultengprov.go.id', {
      fullName: 'Siti Aminah', email: 'siti@sultengprov.go.id', subject: '[TTE] Aktivasi Akun', reason: 'alamat e-mail tidak ada (smtp; 550 5.1.1 user unknown)',
      bouncedAt: '2026-11-22T03:00:04.000Z', userUrl: 'https://tte.example.go.id/web/console/users/user-siti',
    }, {}, '[TTE]');
    expect(mail.subject).toBe('[TTE] E-mail Tidak Sampai');
    expect(mail.text).toContain('E-mail "[TTE] Aktivasi Akun" untuk Siti Aminah (siti@sultengprov.go.id) tidak sampai');
    expect(mail.text).toContain('22 November 2026');
    expect(mail.text).toContain('Alasan: alamat e-mail tidak ada (smtp; 550 5.1.1 user unknown).');
    expect(mail.text).toContain('Buka Halaman Pengguna: https://tte.example.go.id/web/console/users/user-siti');
    expect(mail.html).toContain('href="https://tte.example.go.id/web/console/users/user-siti"');
  });
});

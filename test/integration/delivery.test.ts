import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDeliveryHandler } from '../../functions/delivery/handler.js';
import { clearEmailBlock } from '../../functions/enrollment/use-cases/email-block.js';
import { dispatchMessage, OUTBOX_MESSAGE_TAG, type DispatchDeps } from '../../functions/outbox/use-cases/dispatch-message.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { DynamoOutboxStore } from '../../shared/adapters/aws/dynamo-outbox.js';
import { addressedTo, billedTo, outboxItem, userItem } from '../../shared/adapters/aws/table-items.js';
import { keys } from '../../shared/data/table.js';
import type { MailMessage, Mailer } from '../../shared/ports/mailer.js';
import { randomIds } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/users.js';
import { messageComposer } from '../../shared/outbox.js';
import { codeOf, freshTable, manualClock, putTenant, quietLogger, testSealer, verifierOf } from './harness.js';

const CONFIGURATION_SET = 'tte-it';

/** Accepts everything, as SES does, and remembers what it was given (with its SES-like id). */
class AcceptingMailer implements Mailer {
  readonly sent: (MailMessage & { providerMessageId: string })[] = [];
  async send(message: MailMessage) {
    const providerMessageId = `ses-${randomUUID()}`;
    this.sent.push({ ...message, providerMessageId });
    return { providerMessageId };
  }
}

/** The EventBridge event SES publishes about one message we sent. */
function sesEvent(sent: MailMessage & { providerMessageId: string }, detailType: string, record: Record<string, unknown>) {
  return {
    version: '0', id: randomUUID(), 'detail-type': detailType, source: 'aws.ses', account: '123456789012', time: '2026-11-22T03:05:00Z', region: 'ap-southeast-3', resources: [],
    detail: {
      ...record,
      mail: {
        timestamp: '2026-11-22T03:00:00.000Z', messageId: sent.providerMessageId, destination: [sent.to],
        tags: { 'ses:configuration-set': [CONFIGURATION_SET], [OUTBOX_MESSAGE_TAG]: [sent.tags![OUTBOX_MESSAGE_TAG]!] },
      },
    },
  };
}
const bounced = (sent: MailMessage & { providerMessageId: string }) => sesEvent(sent, 'Email Bounced', {
  eventType: 'Bounce',
  bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail', bouncedRecipients: [{ emailAddress: sent.to, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }], timestamp: '2026-11-22T03:00:04.000Z' },
});
const delivered = (sent: MailMessage & { providerMessageId: string }) => sesEvent(sent, 'Email Delivered', { eventType: 'Delivery', delivery: { timestamp: '2026-11-22T03:00:02.000Z' } });
const complained = (sent: MailMessage & { providerMessageId: string }) => sesEvent(sent, 'Email Complaint Received', {
  eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: sent.to }], timestamp: '2026-11-22T04:00:00.000Z' },
});

async function setup() {
  const table = await freshTable();
  const { dynamo, tableName } = table;
  const clock = manualClock();
  const sealer = testSealer();
  const tenant = await putTenant(dynamo, tableName);
  const person = async (role: UserRecord['role'], email: string, status: UserRecord['status']) => {
    const user: UserRecord = {
      userId: randomUUID(), tenantId: tenant.tenantId, role, fullName: role === 'USER' ? 'Siti Aminah' : 'Budi Verifikator', email, status,
      createdAt: '2026-11-22T02:00:00.000Z', updatedAt: '2026-11-22T02:00:00.000Z', createdBy: 'operator', version: 1,
    };
    await dynamo.send(new PutCommand({ TableName: tableName, Item: userItem(user) }));
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...keys.emailUnique(email), userId: user.userId, tenantId: user.tenantId } }));
    return user;
  };
  const user = await person('USER', 'siti@uji.go.id', 'INVITED');
  const verifier = await person('VERIFIER', 'verifikator@uji.go.id', 'ACTIVE');
  await person('VERIFIER', 'mantan@uji.go.id', 'DISABLED');
  const mailer = new AcceptingMailer();
  const outbox = new DynamoOutboxStore(dynamo, tableName);
  const dispatchDeps: DispatchDeps = { outbox, mailer, sealer, clock, settings: { subjectPrefix: '[TTE]' } };
  const composer = messageComposer({ ids: randomIds, clock, sealer });
  /** An activation e-mail to the user, written as a user change writes it, and dispatched. */
  const sendActivation = async () => {
    const message = await composer.compose('activation', user.email, { fullName: user.fullName, tenantName: tenant.name, expiresAt: '2026-11-23T03:00:00.000Z' }, { link: 'https://tte.uji.go.id/activate/SECRET' });
    await dynamo.send(new PutCommand({ TableName: tableName, Item: outboxItem(billedTo(addressedTo(message, user), user.tenantId)) }));
    clock.advance(1000);
    return { messageId: message.messageId, outcome: await dispatchMessage(dispatchDeps, message.messageId) };
  };
  const deliveries = new DynamoDeliveryLog(dynamo, tableName);
  const handle = createDeliveryHandler({
    deliveries, users: table.users, tenants: table.tenants, ids: randomIds, clock, logger: quietLogger(),
    settings: { webBaseUrl: 'https://tte.uji.go.id/web', configurationSet: CONFIGURATION_SET },
  });
  const items = async (prefix: string) => (await table.allItems()).filter((item) => String(item.pk).startsWith(prefix));
  const noticesTo = async (email: string) => (await items('OUTBOX#')).filter((item) => item.template === 'emailBounced' && item.to === email);
  return { ...table, clock, tenant, user, verifier, mailer, outbox, deliveries, sendActivation, handle, items, noticesTo };
}

describe('delivery status on DynamoDB Local', () => {
  it('records a hard bounce once, however often and in whatever order SES reports it: one notice per active verifier', async () => {
    const ctx = await setup();
    const { outcome } = await ctx.sendActivation();
    expect(outcome).toBe('sent');
    const [sent] = ctx.mailer.sent;
    expect((await ctx.deliveries.listUserEmails(ctx.user.userId, 20))).toEqual([expect.objectContaining({ status: 'SENT', purpose: 'activation', subject: '[TTE] Aktivasi Akun' })]);

    // Delivered to EventBridge at least once: the same bounce three times at once, then a late "delivered".
    const outcomes = await Promise.all([ctx.handle(bounced(sent!)), ctx.handle(bounced(sent!)), ctx.handle(bounced(sent!))]);
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'stale')).toHaveLength(2);
    expect(await ctx.handle(delivered(sent!))).toBe('stale');

    const [entry] = await ctx.deliveries.listUserEmails(ctx.user.userId, 20);
    expect(entry).toMatchObject({ status: 'BOUNCED', at: '2026-11-22T03:00:04.000Z', detail: 'alamat e-mail tidak ada (smtp; 550 5.1.1 user unknown)' });
    const notices = await ctx.noticesTo('verifikator@uji.go.id');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ status: 'PENDING', data: { fullName: 'Siti Aminah', email: 'siti@uji.go.id', userUrl: `https://tte.uji.go.id/web/console/users/${ctx.user.userId}` } });
    expect(notices[0]!.sealedData).toBeUndefined();
    expect(await ctx.noticesTo('mantan@uji.go.id')).toEqual([]);
    const audits = (await ctx.items(keys.userPartition(ctx.user.userId))).filter((item) => String(item.sk).startsWith('AUDIT#'));
    expect(audits.map((item) => item.action)).toEqual(['EMAIL_BOUNCED']);
    // Nothing of the link or the address stays on the sent message.
    const record = (await ctx.items(`OUTBOX#${sent!.tags![OUTBOX_MESSAGE_TAG]}`))[0]!;
    expect(record).toMatchObject({ status: 'SENT', delivery: { status: 'BOUNCED' }, userId: ctx.user.userId });
    expect(JSON.stringify(record)).not.toMatch(/SECRET|siti@/);

    // The notice itself bounces: nobody is told again.
    const noticeId = String(notices[0]!.messageId);
    expect(await dispatchMessage({ outbox: ctx.outbox, mailer: ctx.mailer, sealer: testSealer(), clock: ctx.clock, settings: { subjectPrefix: '[TTE]' } }, noticeId)).toBe('sent');
    const noticeSent = ctx.mailer.sent.at(-1)!;
    expect(noticeSent.subject).toBe('[TTE] E-mail Tidak Sampai');
    expect(await ctx.handle(bounced(noticeSent))).toBe('recorded');
    expect((await ctx.items('OUTBOX#')).filter((item) => item.template === 'emailBounced')).toHaveLength(1);
  });

  it('blocks an address that complained: the next e-mail is SUPPRESSED, unbilled; a verifier clears it and mail flows again', async () => {
    const ctx = await setup();
    const first = await ctx.sendActivation();
    const [sent] = ctx.mailer.sent;
    expect(await ctx.handle(delivered(sent!))).toBe('recorded');
    expect(await ctx.handle(complained(sent!))).toBe('recorded');
    expect(await ctx.handle(complained(sent!))).toBe('stale');
    expect(await ctx.deliveries.isBlocked('SITI@uji.go.id')).toBe(true);

    const second = await ctx.sendActivation();
    expect(second.outcome).toBe('suppressed');
    expect(ctx.mailer.sent).toHaveLength(1);
    const emails = await ctx.deliveries.listUserEmails(ctx.user.userId, 20);
    expect(emails.map((email) => [email.messageId, email.status])).toEqual([[second.messageId, 'SUPPRESSED'], [first.messageId, 'COMPLAINED']]);
    expect(emails[0]!.detail).toBe('Tidak dikirim: alamat menandai e-mail kami sebagai spam');
    const usage = (await ctx.items(keys.usagePartition(ctx.tenant.tenantId))).filter((item) => item.event === 'EMAIL_SENT');
    expect(usage.map((item) => item.count)).toEqual([1]);

    // Another tenant's verifier does not see the user; the own tenant's clears the block once.
    expect(await codeOf(clearEmailBlock({ users: ctx.users, deliveries: ctx.deliveries, clock: ctx.clock, ids: randomIds }, { actor: { ...verifierOf(ctx.tenant), tenantId: 'other' }, userId: ctx.user.userId }))).toBe('USER_NOT_FOUND');
    const clear = () => clearEmailBlock({ users: ctx.users, deliveries: ctx.deliveries, clock: ctx.clock, ids: randomIds }, { actor: verifierOf(ctx.tenant), userId: ctx.user.userId });
    await expect(clear()).resolves.toEqual({ emailBlocked: false });
    expect(await codeOf(clear())).toBe('EMAIL_NOT_BLOCKED');
    const audits = (await ctx.items(keys.userPartition(ctx.user.userId))).filter((item) => String(item.sk).startsWith('AUDIT#')).map((item) => item.action);
    expect(audits.sort()).toEqual(['EMAIL_BLOCK_CLEARED', 'EMAIL_COMPLAINED']);

    const third = await ctx.sendActivation();
    expect(third.outcome).toBe('sent');
    expect((await ctx.deliveries.listUserEmails(ctx.user.userId, 1))[0]).toMatchObject({ messageId: third.messageId, status: 'SENT' });
  });

  it('drops reports about messages it does not know, or sent through another configuration set, writing nothing', async () => {
    const ctx = await setup();
    await ctx.sendActivation();
    const [sent] = ctx.mailer.sent;
    const before = (await ctx.allItems()).length;
    expect(await ctx.handle(bounced({ ...sent!, tags: { [OUTBOX_MESSAGE_TAG]: randomUUID() } }))).toBe('unknown-message');
    const forged = complained(sent!);
    forged.detail.mail.tags['ses:configuration-set'] = ['someone-else'];
    expect(await ctx.handle(forged)).toBe('foreign');
    expect(await ctx.handle({ source: 'aws.ses', detail: 'garbage' })).toBe('dropped');
    expect((await ctx.allItems()).length).toBe(before);
    expect(await ctx.deliveries.isBlocked(sent!.to)).toBe(false);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { dispatchMessage, OUTBOX_MESSAGE_TAG, type DispatchDeps } from '../../functions/outbox/use-cases/dispatch-message.js';
import { messageComposer } from '../../shared/outbox.js';
import { ContextCheckingSealer, fixedClock, InMemoryOutbox, RecordingMailer, sequentialIds } from './support/outbox-fakes.js';

const clock = fixedClock('2026-11-22T03:00:00.000Z');
let outbox: InMemoryOutbox;
let mailer: RecordingMailer;
let deps: DispatchDeps;
let composer: ReturnType<typeof messageComposer>;

beforeEach(() => {
  outbox = new InMemoryOutbox();
  mailer = new RecordingMailer();
  const sealer = new ContextCheckingSealer();
  deps = { outbox, mailer, sealer, clock, settings: { subjectPrefix: '[TTE]' } };
  composer = messageComposer({ ids: sequentialIds('msg'), clock, sealer });
});

async function queue(to: string, extra: { userId?: string; tenantId?: string } = {}) {
  const message = await composer.compose('activation', to, { fullName: 'Siti Aminah', tenantName: 'Diskominfo', expiresAt: '2026-11-23T03:00:00.000Z' }, { link: 'https://x/activate/secret-token' });
  outbox.add({ ...message, ...extra });
  return message;
}

describe('dispatchMessage: delivery status', () => {
  it('tags what it sends with the outbox message id, and lists it on the registered recipient\'s e-mails', async () => {
    outbox.recipients.set('siti@sultengprov.go.id', { userId: 'user-siti', tenantId: 'tenant-sulteng' });
    const message = await queue('siti@sultengprov.go.id');
    expect(await dispatchMessage(deps, message.messageId)).toBe('sent');
    expect(mailer.messages[0]!.tags).toEqual({ [OUTBOX_MESSAGE_TAG]: message.messageId });
    expect(outbox.sent[0]!.summary).toEqual({
      recipient: { userId: 'user-siti', tenantId: 'tenant-sulteng' }, purpose: 'activation', subject: '[TTE] Aktivasi Akun', createdAt: message.createdAt,
    });
  });

  it('takes the recipient the writer named over a lookup', async () => {
    const message = await queue('siti@sultengprov.go.id', { userId: 'user-named', tenantId: 'tenant-named' });
    await dispatchMessage(deps, message.messageId);
    expect(outbox.sent[0]).toMatchObject({ billedTenantId: 'tenant-named', summary: { recipient: { userId: 'user-named', tenantId: 'tenant-named' } } });
  });

  it('sends nothing to a blocked address (whatever its case): SUPPRESSED, not billed, listed with the user', async () => {
    outbox.recipients.set('Siti@Sultengprov.go.id', { userId: 'user-siti', tenantId: 'tenant-sulteng' });
    outbox.blocked.add('siti@sultengprov.go.id');
    const message = await queue('Siti@Sultengprov.go.id');
    expect(await dispatchMessage(deps, message.messageId)).toBe('suppressed');
    expect(mailer.messages).toEqual([]);
    expect(outbox.sent).toEqual([]);
    expect(outbox.suppressed).toEqual([{ messageId: message.messageId, summary: expect.objectContaining({ recipient: { userId: 'user-siti', tenantId: 'tenant-sulteng' }, purpose: 'activation' }) }]);
    expect(outbox.records.get(message.messageId)).toMatchObject({ status: 'SUPPRESSED' });
    expect(outbox.records.get(message.messageId)?.sealedData).toBeUndefined();
    // Never claimed again.
    expect(await dispatchMessage(deps, message.messageId)).toBe('skipped');
  });

  it('sends again once the block is lifted', async () => {
    outbox.blocked.add('siti@sultengprov.go.id');
    const first = await queue('siti@sultengprov.go.id');
    await dispatchMessage(deps, first.messageId);
    outbox.blocked.delete('siti@sultengprov.go.id');
    const second = await queue('siti@sultengprov.go.id');
    expect(await dispatchMessage(deps, second.messageId)).toBe('sent');
    expect(mailer.messages.map((mail) => mail.tags?.[OUTBOX_MESSAGE_TAG])).toEqual([second.messageId]);
  });
});

describe('SesMailer: tags', () => {
  it('sends the message tags as SES Tags, with the configuration set that publishes the events', async () => {
    const { SendEmailCommand, SESClient } = await import('@aws-sdk/client-ses');
    const { mockClient } = await import('aws-sdk-client-mock');
    const { SesMailer } = await import('../../shared/adapters/aws/ses-mailer.js');
    const ses = mockClient(SESClient);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await new SesMailer(new SESClient({}), 'TTE <no-reply@tte.example.go.id>', 'tte-prod')
      .send({ to: 'siti@sultengprov.go.id', subject: 's', text: 't', html: 'h', tags: { [OUTBOX_MESSAGE_TAG]: 'msg-1' } });
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.ConfigurationSetName).toBe('tte-prod');
    expect(input.Tags).toEqual([{ Name: 'outboxMessageId', Value: 'msg-1' }]);
    ses.restore();
  });
});

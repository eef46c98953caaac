import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchMessage, type DispatchDeps } from '../../functions/outbox/use-cases/dispatch-message.js';
import { messageComposer, outboxSealingContext } from '../../shared/outbox.js';
import type { OutboxMessage } from '../../shared/ports/outbox.js';
import { ContextCheckingSealer, fixedClock, InMemoryOutbox, RecordingMailer, sequentialIds } from './support/outbox-fakes.js';

const TOKEN = 'Q2xhdWRlIHdyb3RlIHRoaXMgdG9rZW4gZm9yIHRlc3Rz';
const LINK = `https://tte.sultengprov.go.id/activate/${TOKEN}`;
const clock = fixedClock('2026-11-22T03:00:00.000Z');

let outbox: InMemoryOutbox;
let mailer: RecordingMailer;
let sealer: ContextCheckingSealer;
let deps: DispatchDeps;
let composer: ReturnType<typeof messageComposer>;

beforeEach(() => {
  outbox = new InMemoryOutbox();
  mailer = new RecordingMailer();
  sealer = new ContextCheckingSealer();
  deps = { outbox, mailer, sealer, clock, settings: { subjectPrefix: '[TTE]' } };
  composer = messageComposer({ ids: sequentialIds('msg'), clock, sealer });
});

async function queueActivation(to = 'siti@sultengprov.go.id'): Promise<OutboxMessage> {
  const message = await composer.compose(
    'activation', to, { fullName: 'Siti Aminah', tenantName: 'Dinas Kominfo', expiresAt: '2026-11-23T03:00:00.000Z' }, { link: LINK },
  );
  outbox.add(message);
  return message;
}

describe('dispatchMessage', () => {
  it('sends the rendered e-mail once and marks the message sent', async () => {
    const message = await queueActivation();

    await expect(dispatchMessage(deps, message.messageId)).resolves.toBe('sent');

    expect(mailer.messages).toHaveLength(1);
    expect(mailer.messages[0]).toMatchObject({ to: 'siti@sultengprov.go.id', subject: '[TTE] Aktivasi Akun' });
    expect(mailer.messages[0]?.text).toContain(LINK);
    // No recipient registered: the summary names nobody's e-mail list.
    expect(outbox.sent).toEqual([{
      messageId: message.messageId, sentAt: clock.now(), providerMessageId: 'provider-1',
      summary: { purpose: 'activation', subject: '[TTE] Aktivasi Akun', createdAt: message.createdAt },
    }]);
    // Nobody is registered with that address: nothing is billed.
    expect(outbox.records.get(message.messageId)).toMatchObject({ status: 'SENT' });
    expect(outbox.records.get(message.messageId)?.sealedData).toBeUndefined();
    expect(outbox.released).toEqual([]);
  });

  it('bills the e-mail to the tenant of the registered recipient', async () => {
    outbox.recipients.set('siti@sultengprov.go.id', { userId: 'user-siti', tenantId: 'tenant-sulteng' });
    const message = await queueActivation();
    await dispatchMessage(deps, message.messageId);
    expect(outbox.sent).toEqual([expect.objectContaining({ messageId: message.messageId, billedTenantId: 'tenant-sulteng' })]);
  });

  it('bills the tenant a message names, and nobody for a message marked unbilled', async () => {
    const named = await queueActivation('baru@sultengprov.go.id');
    outbox.records.set(named.messageId, { ...outbox.records.get(named.messageId)!, billedTenantId: 'tenant-named' });
    const unbilled = await queueActivation();
    outbox.recipients.set('siti@sultengprov.go.id', { userId: 'user-siti', tenantId: 'tenant-sulteng' });
    outbox.records.set(unbilled.messageId, { ...outbox.records.get(unbilled.messageId)!, billedTenantId: null });

    await dispatchMessage(deps, named.messageId);
    await dispatchMessage(deps, unbilled.messageId);

    expect(outbox.sent.map((sent) => sent.billedTenantId)).toEqual(['tenant-named', undefined]);
  });

  it('does not mark or bill a message whose lease another worker took over meanwhile', async () => {
    outbox.recipients.set('siti@sultengprov.go.id', { userId: 'user-siti', tenantId: 'tenant-sulteng' });
    const message = await queueActivation();
    const send = mailer.send.bind(mailer);
    vi.spyOn(mailer, 'send').mockImplementationOnce(async (mail) => {
      // The first worker's lease runs out while SES is slow; a second worker claims the message.
      outbox.records.set(message.messageId, { ...outbox.records.get(message.messageId)!, leaseUntil: '2026-11-22T03:05:00.000Z' });
      return send(mail);
    });
    await dispatchMessage(deps, message.messageId);
    expect(outbox.sent).toEqual([]);
    expect(outbox.records.get(message.messageId)).toMatchObject({ status: 'SENDING' });
  });

  it('opens the sealed link under the message\'s own sealing context', async () => {
    const message = await queueActivation();
    await dispatchMessage(deps, message.messageId);
    expect(sealer.opened).toEqual([outboxSealingContext(message.messageId)]);
  });

  it('keeps the link out of the plain message data (only the sealed part carries it)', async () => {
    const message = await queueActivation();
    expect(message.sealedData).toEqual(expect.any(String));
    expect(JSON.stringify(message.data)).not.toContain(TOKEN);
  });

  it('skips a message it cannot claim, without sending anything', async () => {
    const claim = vi.spyOn(outbox, 'claim').mockResolvedValue(undefined);
    const send = vi.spyOn(mailer, 'send');
    const release = vi.spyOn(outbox, 'release');

    await expect(dispatchMessage(deps, 'msg-held-elsewhere')).resolves.toBe('skipped');
    expect(claim).toHaveBeenCalledWith('msg-held-elsewhere', clock.now(), expect.any(Number));
    expect(send).not.toHaveBeenCalled();
    expect(release).not.toHaveBeenCalled();
    expect(outbox.sent).toEqual([]);
  });

  it('does not send a message twice when its stream record is delivered again', async () => {
    const message = await queueActivation();
    await expect(dispatchMessage(deps, message.messageId)).resolves.toBe('sent');
    await expect(dispatchMessage(deps, message.messageId)).resolves.toBe('skipped');
    expect(mailer.messages).toHaveLength(1);
  });

  it('on a mailer failure gives the message back with a reason free of the link, and rethrows', async () => {
    const message = await queueActivation();
    const failure = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });
    mailer.failFor.set('siti@sultengprov.go.id', failure);

    await expect(dispatchMessage(deps, message.messageId)).rejects.toBe(failure);

    expect(outbox.released).toHaveLength(1);
    const [released] = outbox.released;
    expect(released?.messageId).toBe(message.messageId);
    expect(released?.error).toContain('Maximum sending rate exceeded.');
    expect(released?.error).not.toContain(TOKEN);
    expect(released?.error).not.toContain(LINK);
    expect(outbox.sent).toEqual([]);
    expect(outbox.records.get(message.messageId)).toMatchObject({ status: 'PENDING' });
  });

  it('sends a released message on the next attempt', async () => {
    const message = await queueActivation();
    mailer.failFor.set('siti@sultengprov.go.id', new Error('Service Unavailable'));
    await expect(dispatchMessage(deps, message.messageId)).rejects.toThrow('Service Unavailable');

    mailer.failFor.clear();
    await expect(dispatchMessage(deps, message.messageId)).resolves.toBe('sent');
    expect(mailer.messages).toHaveLength(1);
    expect(outbox.records.get(message.messageId)).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('refuses sealed data that belongs to another message, sending nothing', async () => {
    const message = await queueActivation();
    const other = await queueActivation('budi@sultengprov.go.id');
    // Copy the first message's sealed link into the second one, as a tampered record would.
    outbox.add({ ...other, messageId: 'msg-tampered', sealedData: message.sealedData });

    await expect(dispatchMessage(deps, 'msg-tampered')).rejects.toThrow('context mismatch');
    expect(mailer.messages).toEqual([]);
    expect(outbox.released.map(({ messageId }) => messageId)).toEqual(['msg-tampered']);
  });

  it('gives back a message with an unknown template, naming the template', async () => {
    outbox.add({ messageId: 'msg-x', template: 'noSuchTemplate', to: 'a@b.go.id', data: {}, createdAt: clock.now().toISOString() });
    await expect(dispatchMessage(deps, 'msg-x')).rejects.toThrow('Unknown template noSuchTemplate');
    expect(mailer.messages).toEqual([]);
    expect(outbox.released).toEqual([{ messageId: 'msg-x', error: 'Error: Unknown template noSuchTemplate' }]);
  });

  it('sends a message without secrets without opening anything', async () => {
    outbox.add({
      messageId: 'msg-exp',
      template: 'certificateExpiring',
      to: 'budi@sultengprov.go.id',
      data: { fullName: 'Budi', serialNumber: '4F2A', notAfter: '2026-12-01T00:00:00.000Z', daysLeft: '7' },
      createdAt: clock.now().toISOString(),
    });
    await expect(dispatchMessage(deps, 'msg-exp')).resolves.toBe('sent');
    expect(sealer.opened).toEqual([]);
    expect(mailer.messages[0]?.subject).toBe('[TTE] Sertifikat Elektronik Akan Berakhir');
  });
});

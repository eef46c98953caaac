import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoOutboxStore } from '../../shared/adapters/aws/dynamo-outbox.js';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';
import { createSesClient } from '../../shared/adapters/aws/clients.js';
import { keys } from '../../shared/data/table.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { usageDay } from '../../shared/domain/usage.js';
import { messageComposer } from '../../shared/outbox.js';
import { randomIds } from '../../shared/ports/runtime.js';
import { dispatchMessage } from '../../functions/outbox/use-cases/dispatch-message.js';
import { startOutboxLoop } from '../../infra/local/dispatcher.js';
import { endpoints, freshTable, manualClock, quietLogger, sesClient, testSealer } from './harness.js';
import { outboxItem } from '../../shared/adapters/aws/table-items.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';

interface StoredMail { messageId: string; subject: string; destination: { to: string[] }; body: { text?: string; html?: string } }

async function inbox(to: string): Promise<StoredMail[]> {
  const response = await fetch(`${inject('standIns').mailUrl}/store`);
  const store = (await response.json()) as { emails: StoredMail[] };
  return store.emails.filter((email) => email.destination.to.includes(to));
}

async function setup() {
  const table = await freshTable();
  const clock = manualClock();
  const sealer = testSealer();
  const outbox = new DynamoOutboxStore(table.dynamo, table.tableName);
  const composer = messageComposer({ ids: randomIds, clock, sealer });
  const enqueue = async (to: string) => {
    const message = await composer.compose('activation', to,
      { fullName: 'Siti Aminah', tenantName: 'Dinas Uji', expiresAt: '2026-11-23T03:00:00.000Z' },
      { link: 'https://tte.uji.go.id/activate/SECRET-TOKEN-VALUE' });
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: outboxItem(message) }));
    return message.messageId;
  };
  const deps = { outbox, mailer: new SesMailer(sesClient(), 'TTE <no-reply@uji.go.id>'), sealer, clock, settings: { subjectPrefix: '[TTE]' } };
  return { ...table, clock, outbox, enqueue, deps };
}

describe('outbox dispatch against the SES stand-in', () => {
  it('sends the message once, then drops the sealed link', async () => {
    const ctx = await setup();
    const messageId = await ctx.enqueue('satu@uji.go.id');
    expect(await dispatchMessage(ctx.deps, messageId)).toBe('sent');
    expect(await dispatchMessage(ctx.deps, messageId)).toBe('skipped');

    const mails = await inbox('satu@uji.go.id');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('[TTE] Aktivasi Akun');
    expect(mails[0]?.body.text).toContain('https://tte.uji.go.id/activate/SECRET-TOKEN-VALUE');

    const stored = await ctx.dynamo.send(new GetCommand({ TableName: ctx.tableName, Key: keys.outbox(messageId) }));
    expect(stored.Item).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(stored.Item?.sealedData).toBeUndefined();
    expect(stored.Item?.gsi1pk).toBeUndefined();
    expect(await ctx.outbox.listPending(10)).not.toContain(messageId);
  });

  it('counts EMAIL_SENT once for the recipient\'s tenant, however many workers race for the message', async () => {
    const ctx = await setup();
    await ctx.dynamo.send(new PutCommand({ TableName: ctx.tableName, Item: { ...keys.emailUnique('tagih@uji.go.id'), userId: 'user-tagih', tenantId: 'tenant-uji' } }));
    const messageId = await ctx.enqueue('tagih@uji.go.id');
    const stranger = await ctx.enqueue('bukan-pengguna@uji.go.id');

    const outcomes = await Promise.all(Array.from({ length: 6 }, () => dispatchMessage(ctx.deps, messageId)));
    await dispatchMessage(ctx.deps, stranger);

    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    const usage = await new DynamoUsageReader(ctx.dynamo, ctx.tableName).dailyUsage('tenant-uji', '2000-01-01', '2999-12-31');
    expect(usage).toEqual([{ day: usageDay(ctx.clock.now()), event: 'EMAIL_SENT', count: 1 }]);
    // An address nobody registered bills no tenant: no other counter exists.
    const counters = (await ctx.allItems()).filter((item) => String(item.pk).startsWith('USAGE#'));
    expect(counters).toHaveLength(1);
  });

  it('keeps a message for retry while SES is unreachable, and sends it when it is back', async () => {
    const ctx = await setup();
    const messageId = await ctx.enqueue('dua@uji.go.id');
    const deadSes = createSesClient({ ...endpoints(), ses: 'http://127.0.0.1:9' });
    const failing = { ...ctx.deps, mailer: new SesMailer(deadSes, 'TTE <no-reply@uji.go.id>') };
    await expect(dispatchMessage(failing, messageId)).rejects.toThrow();

    const stored = await ctx.dynamo.send(new GetCommand({ TableName: ctx.tableName, Key: keys.outbox(messageId) }));
    expect(stored.Item).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(String(stored.Item?.lastError)).not.toContain('SECRET-TOKEN-VALUE');
    expect(await ctx.outbox.listPending(10)).toContain(messageId);

    expect(await dispatchMessage(ctx.deps, messageId)).toBe('sent');
    expect(await inbox('dua@uji.go.id')).toHaveLength(1);
  });

  it('does not let a second worker send a message another worker holds', async () => {
    const ctx = await setup();
    const messageId = await ctx.enqueue('tiga@uji.go.id');
    const held = await ctx.outbox.claim(messageId, ctx.clock.now(), 60);
    expect(held?.status).toBe('SENDING');
    expect(await dispatchMessage(ctx.deps, messageId)).toBe('skipped');
    ctx.clock.advance(61_000); // the first worker died: its lease runs out
    expect(await dispatchMessage(ctx.deps, messageId)).toBe('sent');
    expect(await inbox('tiga@uji.go.id')).toHaveLength(1);
  });

  it('the local loop delivers what is pending', async () => {
    const ctx = await setup();
    const ids = await Promise.all(['empat@uji.go.id', 'lima@uji.go.id'].map((to) => ctx.enqueue(to)));
    const loop = startOutboxLoop({ ...ctx.deps, clock: { now: () => new Date() }, logger: quietLogger() }, 20);
    try {
      await expect.poll(async () => (await ctx.outbox.listPending(10)).filter((id) => ids.includes(id)).length, { timeout: 10_000 }).toBe(0);
    } finally {
      await loop.stop();
    }
    expect(await inbox('empat@uji.go.id')).toHaveLength(1);
    expect(await inbox('lima@uji.go.id')).toHaveLength(1);
  });
});

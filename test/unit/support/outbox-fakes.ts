import type { MailMessage, Mailer } from '../../../shared/ports/mailer.js';
import type { OutboxMessage, OutboxRecord, OutboxStore, Recipient, SentMessageSummary } from '../../../shared/ports/outbox.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import type { Sealer, SealingContext } from '../../../shared/ports/sealer.js';

/** An outbox with the port's claim semantics: sent messages and live leases are not handed out. */
export class InMemoryOutbox implements OutboxStore {
  readonly records = new Map<string, OutboxRecord>();
  readonly released: { messageId: string; error: string }[] = [];
  readonly sent: { messageId: string; sentAt: Date; providerMessageId: string; billedTenantId?: string; summary?: SentMessageSummary }[] = [];
  readonly suppressed: { messageId: string; summary: SentMessageSummary }[] = [];
  /** Registered addresses and their accounts, as the e-mail claims hold them. */
  readonly recipients = new Map<string, Recipient>();
  /** Addresses whose mail is held (their owners complained). */
  readonly blocked = new Set<string>();

  add(message: OutboxMessage): void {
    this.records.set(message.messageId, { ...message, status: 'PENDING', attempts: 0 });
  }

  async claim(messageId: string, now: Date, leaseSeconds: number): Promise<OutboxRecord | undefined> {
    const record = this.records.get(messageId);
    if (!record || record.status === 'SENT' || record.status === 'SUPPRESSED') return undefined;
    if (record.status === 'SENDING' && record.leaseUntil && Date.parse(record.leaseUntil) > now.getTime()) return undefined;
    const claimed: OutboxRecord = {
      ...record, status: 'SENDING', attempts: record.attempts + 1, leaseUntil: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    };
    this.records.set(messageId, claimed);
    return { ...claimed };
  }

  async markSent(messageId: string, sentAt: Date, providerMessageId: string, claim: { leaseUntil: string; billedTenantId?: string }, summary?: SentMessageSummary): Promise<void> {
    const record = this.records.get(messageId);
    if (!record) throw new Error(`no message ${messageId}`);
    if (record.status !== 'SENDING' || record.leaseUntil !== claim.leaseUntil) return;
    const { sealedData: _dropped, leaseUntil: _lease, ...rest } = record;
    this.records.set(messageId, { ...rest, status: 'SENT', sentAt: sentAt.toISOString() });
    this.sent.push({ messageId, sentAt, providerMessageId, ...(claim.billedTenantId ? { billedTenantId: claim.billedTenantId } : {}), ...(summary ? { summary } : {}) });
  }

  async markSuppressed(messageId: string, at: Date, claim: { leaseUntil: string }, summary: SentMessageSummary): Promise<void> {
    const record = this.records.get(messageId);
    if (!record) throw new Error(`no message ${messageId}`);
    if (record.status !== 'SENDING' || record.leaseUntil !== claim.leaseUntil) return;
    const { sealedData: _dropped, leaseUntil: _lease, ...rest } = record;
    this.records.set(messageId, { ...rest, status: 'SUPPRESSED' });
    this.suppressed.push({ messageId, summary });
  }

  async recipient(email: string): Promise<Recipient | undefined> {
    return this.recipients.get(email);
  }

  async isBlocked(email: string): Promise<boolean> {
    return this.blocked.has(email.toLowerCase());
  }

  async release(messageId: string, error: string): Promise<void> {
    const record = this.records.get(messageId);
    if (!record) throw new Error(`no message ${messageId}`);
    const { leaseUntil: _lease, ...rest } = record;
    this.records.set(messageId, { ...rest, status: 'PENDING', lastError: error });
    this.released.push({ messageId, error });
  }

  async listPending(limit: number): Promise<string[]> {
    return [...this.records.values()].filter((record) => record.status === 'PENDING' || record.status === 'SENDING').slice(0, limit).map((record) => record.messageId);
  }
}

/** Records what it sends; fails for the recipients it is told to. */
export class RecordingMailer implements Mailer {
  readonly messages: MailMessage[] = [];
  readonly failFor = new Map<string, Error>();

  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    const failure = this.failFor.get(message.to);
    if (failure) throw failure;
    this.messages.push(message);
    return { providerMessageId: `provider-${this.messages.length}` };
  }
}

/** Not encryption: a sealer that opens only under the exact context it sealed with. */
export class ContextCheckingSealer implements Sealer {
  readonly opened: SealingContext[] = [];

  async seal(plaintext: string, context: SealingContext): Promise<string> {
    return Buffer.from(JSON.stringify({ context: canonical(context), plaintext })).toString('base64');
  }

  async open(sealed: string, context: SealingContext): Promise<string> {
    this.opened.push(context);
    const box = JSON.parse(Buffer.from(sealed, 'base64').toString('utf8')) as { context: string; plaintext: string };
    if (box.context !== canonical(context)) throw new Error('InvalidCiphertextException: context mismatch');
    return box.plaintext;
  }
}

const canonical = (context: SealingContext) => JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b)));

export const fixedClock = (iso = '2026-11-22T03:00:00.000Z'): Clock => ({ now: () => new Date(iso) });

export function sequentialIds(prefix = 'id') {
  let next = 0;
  return { newId: () => `${prefix}-${++next}` };
}

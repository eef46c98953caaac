import type { MessageTemplates, TemplateName } from '../../../shared/domain/messages.js';
import type { Mailer } from '../../../shared/ports/mailer.js';
import type { OutboxRecord, OutboxStore, Recipient } from '../../../shared/ports/outbox.js';
import type { Clock } from '../../../shared/ports/runtime.js';
import type { Sealer } from '../../../shared/ports/sealer.js';
import { outboxSealingContext } from '../../../shared/outbox.js';
import { isTemplateName, renderMessage } from '../templates.js';

export interface DispatchDeps {
  outbox: OutboxStore;
  mailer: Mailer;
  sealer: Sealer;
  clock: Clock;
  settings: { subjectPrefix: string };
}

// Long enough for one SES call with retries; a crashed worker's message is retried after it.
const LEASE_SECONDS = 60;

/** The SES message tag that carries the outbox message id (SES hands it back in its events). */
export const OUTBOX_MESSAGE_TAG = 'outboxMessageId';
// SES accepts tag values of these characters only; our ids (UUIDs, statement ids) are of them.
const TAG_VALUE = /^[A-Za-z0-9_.@-]{1,256}$/;

export type DispatchOutcome = 'sent' | 'suppressed' | 'skipped';

/**
 * Delivers one outbox message, at most once per successful claim.
 * 1. Claim it (conditional): a message already sent, or held by another worker, is skipped, so
 *    a redelivered stream record or a second loop never sends it twice.
 * 2. Open the sealed link, render; find the registered recipient (their e-mail list records it).
 * 3. An address that marked our mail as spam gets nothing: the message is marked SUPPRESSED (not
 *    billed) and listed so on the recipient's page.
 * 4. Otherwise send it, tagged with its id, and mark it sent, count EMAIL_SENT for the tenant it
 *    is billed to and list it (SENT) in one transaction; on any failure give it back and rethrow,
 *    so the caller's retry (stream retry, DLQ, local loop) tries again.
 */
export async function dispatchMessage(deps: DispatchDeps, messageId: string): Promise<DispatchOutcome> {
  const message = await deps.outbox.claim(messageId, deps.clock.now(), LEASE_SECONDS);
  if (!message) return 'skipped';
  try {
    if (!isTemplateName(message.template)) throw new Error(`Unknown template ${message.template}`);
    const template: TemplateName = message.template;
    const secret = message.sealedData
      ? (JSON.parse(await deps.sealer.open(message.sealedData, outboxSealingContext(messageId))) as MessageTemplates[typeof template]['secret'])
      : ({} as MessageTemplates[typeof template]['secret']);
    const mail = renderMessage(template, message.to, message.data as MessageTemplates[typeof template]['data'], secret, deps.settings.subjectPrefix);
    const recipient = await recipientOf(deps, message);
    const summary = { ...(recipient ? { recipient } : {}), purpose: template, subject: mail.subject, createdAt: message.createdAt };
    const claim = { leaseUntil: message.leaseUntil ?? '' };
    if (await deps.outbox.isBlocked(message.to)) {
      await deps.outbox.markSuppressed(messageId, deps.clock.now(), claim, summary);
      return 'suppressed';
    }
    const billedTenantId = message.billedTenantId === null ? undefined : message.billedTenantId ?? recipient?.tenantId;
    const { providerMessageId } = await deps.mailer.send({ ...mail, ...(TAG_VALUE.test(messageId) ? { tags: { [OUTBOX_MESSAGE_TAG]: messageId } } : {}) });
    await deps.outbox.markSent(messageId, deps.clock.now(), providerMessageId, { ...claim, billedTenantId }, summary);
    return 'sent';
  } catch (error) {
    await deps.outbox.release(messageId, error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error');
    throw error;
  }
}

/**
 * Whom the message is for, when that is a registered user: as the writer said, else by the
 * address. Mail billed to nobody (a tenant's statement to its billing address) is nobody's.
 */
async function recipientOf(deps: Pick<DispatchDeps, 'outbox'>, message: OutboxRecord): Promise<Recipient | undefined> {
  if (message.userId && message.tenantId) return { userId: message.userId, tenantId: message.tenantId };
  if (message.billedTenantId === null) return undefined;
  return deps.outbox.recipient(message.to);
}

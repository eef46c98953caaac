import type { MessageTemplates, TemplateName } from '../../../shared/domain/messages.js';
import type { Mailer } from '../../../shared/ports/mailer.js';
import type { OutboxStore } from '../../../shared/ports/outbox.js';
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

export type DispatchOutcome = 'sent' | 'skipped';

/**
 * Delivers one outbox message, at most once per successful claim.
 * 1. Claim it (conditional): a message already sent, or held by another worker, is skipped, so
 *    a redelivered stream record or a second loop never sends it twice.
 * 2. Open the sealed link, render, send through the mailer.
 * 3. Mark it sent (dropping the sealed data) and count EMAIL_SENT for the tenant it is billed to,
 *    in one transaction; on any failure give it back and rethrow, so the caller's retry (stream
 *    retry, DLQ, local loop) tries again.
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
    const billedTenantId = message.billedTenantId === null ? undefined : message.billedTenantId ?? await deps.outbox.recipientTenant(message.to);
    const { providerMessageId } = await deps.mailer.send(mail);
    await deps.outbox.markSent(messageId, deps.clock.now(), providerMessageId, { leaseUntil: message.leaseUntil ?? '', billedTenantId });
    return 'sent';
  } catch (error) {
    await deps.outbox.release(messageId, error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error');
    throw error;
  }
}

import { keys } from '../../data/table.js';
import { deliveryRank, normalisedAddress, type DeliveryStatus } from '../../domain/delivery.js';
import type { Recipient, SentMessageSummary } from '../../ports/outbox.js';

// A user's e-mail list reaches back a year; older entries expire (the outbox record after a month).
const EMAIL_RECORD_RETENTION_SECONDS = 365 * 24 * 3600;

/** A message's entry on its recipient's e-mail list, as first written (SENT or SUPPRESSED). */
export function userEmailItem(
  message: { messageId: string; createdAt: string },
  recipient: Recipient,
  summary: Pick<SentMessageSummary, 'purpose' | 'subject'>,
  state: { status: DeliveryStatus; at: Date; detail?: string },
) {
  return {
    ...keys.userEmail(recipient.userId, message.createdAt, message.messageId),
    messageId: message.messageId,
    userId: recipient.userId,
    tenantId: recipient.tenantId,
    purpose: summary.purpose,
    subject: summary.subject,
    status: state.status,
    at: state.at.toISOString(),
    ...(state.detail ? { detail: state.detail } : {}),
    deliveryRank: deliveryRank(state.status),
    ttl: Math.floor(state.at.getTime() / 1000) + EMAIL_RECORD_RETENTION_SECONDS,
  };
}

/** The block on an address (no ttl: it holds until a verifier clears it). */
export function emailBlockItem(block: { email: string; messageId: string; userId?: string; tenantId?: string }, at: string) {
  const email = normalisedAddress(block.email);
  return {
    ...keys.emailBlock(email),
    email,
    blockedAt: at,
    messageId: block.messageId,
    ...(block.userId ? { userId: block.userId } : {}),
    ...(block.tenantId ? { tenantId: block.tenantId } : {}),
  };
}

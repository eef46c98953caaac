import type { DeliveryStatus, ReportedStatus } from '../domain/delivery.js';
import type { AuditEntry } from './audit.js';
import type { OutboxMessage } from './outbox.js';

/** One e-mail on a user's list: what it was for, its subject and what became of it. */
export interface EmailRecord {
  messageId: string;
  purpose: string;
  subject: string;
  status: DeliveryStatus;
  /** When it reached this state. */
  at: string;
  /** Why (a bounce's reason, a delay's), in plain words; never a link or a token. */
  detail?: string;
}

/** A message the outbox handled, as a report about it needs it. */
export interface HandledMessage {
  messageId: string;
  template: string;
  createdAt: string;
  status: 'PENDING' | 'SENDING' | 'SENT' | 'SUPPRESSED';
  /** The provider's id of the sent message: a report naming another is not about this one. */
  providerMessageId?: string;
  userId?: string;
  tenantId?: string;
  /** The rendered subject it was sent with. */
  subject?: string;
  /** The last reported state, if any. */
  delivery?: { status: DeliveryStatus; at: string; detail?: string };
}

/** A report's change to one message, with what it sets off, all or nothing. */
export interface DeliveryOutcome {
  message: HandledMessage;
  status: ReportedStatus;
  at: string;
  detail?: string;
  /** A complaint: mail to this address is held from now on. */
  block?: { email: string; messageId: string; userId?: string; tenantId?: string };
  /** E-mails the change sends (a hard bounce tells the tenant's verifiers). */
  notices: readonly OutboxMessage[];
  /** On the user's trail: a hard bounce or a complaint (by the service). */
  audit?: AuditEntry;
}

export interface DeliveryLog {
  findMessage(messageId: string): Promise<HandledMessage | undefined>;
  /**
   * Records the outcome unless the message is in this state or a higher one already (rank):
   * 'stale' then, and nothing is written, notices and block included.
   */
  recordOutcome(outcome: DeliveryOutcome): Promise<'recorded' | 'stale'>;
  /** A user's e-mails, newest first. */
  listUserEmails(userId: string, limit: number): Promise<EmailRecord[]>;
  isBlocked(email: string): Promise<boolean>;
  /** Lifts the block on an address with its audit entry; false (nothing written) when there was none. */
  clearBlock(email: string, audit: AuditEntry): Promise<boolean>;
}

/** An e-mail waiting to be sent, written in the same transaction as the change it reports. */
export interface OutboxMessage {
  messageId: string;
  template: string;
  to: string;
  /** Non-secret template data. */
  data: Record<string, string>;
  /** Secret template data (links with tokens), sealed for this message id. */
  sealedData?: string;
  createdAt: string;
  /**
   * Who pays for sending it (EMAIL_SENT). Unset: the tenant of the registered recipient, if any.
   * `null`: nobody (the service's own mail to a tenant, such as its monthly statement).
   */
  billedTenantId?: string | null;
  /**
   * The registered user it is addressed to, and their tenant: what became of it is recorded on
   * their page. Unset: the dispatcher looks the address up (unless nobody is billed: mail to a
   * tenant's billing address is nobody's).
   */
  userId?: string;
  tenantId?: string;
}

export interface OutboxRecord extends OutboxMessage {
  status: 'PENDING' | 'SENDING' | 'SENT' | 'SUPPRESSED';
  attempts: number;
  leaseUntil?: string;
  lastError?: string;
  sentAt?: string;
}

/** The registered user an address belongs to. */
export interface Recipient {
  userId: string;
  tenantId: string;
}

/** What the user's e-mail list keeps of a message: never its body or its link. */
export interface SentMessageSummary {
  recipient?: Recipient;
  /** The template name. */
  purpose: string;
  /** The rendered subject. */
  subject: string;
  /** When the message was made: the list is in this order. */
  createdAt: string;
}

export interface OutboxStore {
  /** Takes the message for delivery unless it was sent or another worker holds a live lease. */
  claim(messageId: string, now: Date, leaseSeconds: number): Promise<OutboxRecord | undefined>;
  /**
   * Marks a message as sent while this worker's claim (its lease) still holds and, in the same
   * transaction, counts EMAIL_SENT for `billedTenantId` and records it (SENT) on its recipient's
   * e-mail list: marked, counted and listed once, however often the message is retried.
   */
  markSent(
    messageId: string,
    sentAt: Date,
    providerMessageId: string,
    claim: { leaseUntil: string; billedTenantId?: string },
    summary?: SentMessageSummary,
  ): Promise<void>;
  /**
   * Marks a message not sent because its address is blocked (SUPPRESSED, never billed) while this
   * worker's claim holds, recording it on its recipient's e-mail list in the same transaction.
   */
  markSuppressed(messageId: string, at: Date, claim: { leaseUntil: string }, summary: SentMessageSummary): Promise<void>;
  /** The account registered with this address, if any. */
  recipient(email: string): Promise<Recipient | undefined>;
  /** Whether mail to this address is held (its owner marked our mail as spam). */
  isBlocked(email: string): Promise<boolean>;
  /** Gives the message back for a later attempt, recording why (without secrets). */
  release(messageId: string, error: string): Promise<void>;
  listPending(limit: number): Promise<string[]>;
}

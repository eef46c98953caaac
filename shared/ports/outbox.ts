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
}

export interface OutboxRecord extends OutboxMessage {
  status: 'PENDING' | 'SENDING' | 'SENT';
  attempts: number;
  leaseUntil?: string;
  lastError?: string;
  sentAt?: string;
}

export interface OutboxStore {
  /** Takes the message for delivery unless it was sent or another worker holds a live lease. */
  claim(messageId: string, now: Date, leaseSeconds: number): Promise<OutboxRecord | undefined>;
  /**
   * Marks a message as sent while this worker's claim (its lease) still holds and, in the same
   * transaction, counts EMAIL_SENT for `billedTenantId`: marked and counted once, however often
   * the message is retried.
   */
  markSent(messageId: string, sentAt: Date, providerMessageId: string, claim: { leaseUntil: string; billedTenantId?: string }): Promise<void>;
  /** The tenant of the account registered with this address, if any. */
  recipientTenant(email: string): Promise<string | undefined>;
  /** Gives the message back for a later attempt, recording why (without secrets). */
  release(messageId: string, error: string): Promise<void>;
  listPending(limit: number): Promise<string[]>;
}

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
  markSent(messageId: string, sentAt: Date, providerMessageId: string): Promise<void>;
  /** Gives the message back for a later attempt, recording why (without secrets). */
  release(messageId: string, error: string): Promise<void>;
  listPending(limit: number): Promise<string[]>;
}

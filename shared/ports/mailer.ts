export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Labels the provider hands back with every report about this message (SES message tags: names
   * and values of [A-Za-z0-9_.@-] only): the outbox message id, so a bounce finds its message.
   */
  tags?: Record<string, string>;
}

/** Sends one rendered e-mail; throws when the provider did not accept it. */
export interface Mailer {
  send(message: MailMessage): Promise<{ providerMessageId: string }>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one rendered e-mail; throws when the provider did not accept it. */
export interface Mailer {
  send(message: MailMessage): Promise<{ providerMessageId: string }>;
}

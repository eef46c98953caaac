import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { MailMessage, Mailer } from '../../ports/mailer.js';

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    const result = await this.ses.send(new SendEmailCommand({
      Source: this.from,
      Destination: { ToAddresses: [message.to] },
      Message: {
        Subject: { Data: message.subject, Charset: 'UTF-8' },
        Body: {
          Text: { Data: message.text, Charset: 'UTF-8' },
          Html: { Data: message.html, Charset: 'UTF-8' },
        },
      },
      ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
      // SES hands the tags back in every event about the message (bounce, complaint, delivery).
      ...(message.tags ? { Tags: Object.entries(message.tags).map(([Name, Value]) => ({ Name, Value })) } : {}),
    }));
    return { providerMessageId: result.MessageId ?? 'unknown' };
  }
}

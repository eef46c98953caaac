import type { Logger } from '@aws-lambda-powertools/logger';
import type { MailMessage, Mailer } from '../../ports/mailer.js';

/** What SES would publish to EventBridge about one message (the delivery handler reads these). */
type SesEventBridgeEvent = {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.ses';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
};

export interface MailboxSimulatorOptions {
  /** The configuration set the events name, as SES's do. */
  configurationSet: string;
  region: string;
  /** Where EventBridge would deliver each event: the delivery handler. */
  deliver: (event: SesEventBridgeEvent) => Promise<unknown>;
  logger: Logger;
  /** How long after the send the first report comes (EventBridge is asynchronous). */
  delayMs?: number;
  /** Deliveries tried per event, as EventBridge retries a failed target. */
  attempts?: number;
}

const LOCAL_ACCOUNT = '000000000000';

/**
 * The SES stand-in delivers everything and reports nothing, so locally this wraps the mailer and
 * reports like SES's mailbox simulator: a recipient whose local part starts with `bounce` bounces
 * for good, `complaint` is delivered and then complains, anyone else is delivered. The reports go,
 * some milliseconds later and retried on failure, through the same handler as on AWS.
 */
export class MailboxSimulatorMailer implements Mailer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private sequence = 0;

  constructor(private readonly inner: Mailer, private readonly options: MailboxSimulatorOptions) {}

  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    const result = await this.inner.send(message);
    const localPart = message.to.split('@')[0]!.toLowerCase();
    const delay = this.options.delayMs ?? 150;
    if (localPart.startsWith('bounce')) {
      this.report(this.event(message, result.providerMessageId, 'Email Bounced', {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: message.to, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
          timestamp: new Date().toISOString(),
          feedbackId: this.nextId('feedback'),
          reportingMTA: 'dsn; simulator.local',
        },
      }), delay);
    } else {
      this.report(this.event(message, result.providerMessageId, 'Email Delivered', {
        eventType: 'Delivery',
        delivery: { timestamp: new Date().toISOString(), processingTimeMillis: delay, recipients: [message.to], smtpResponse: '250 2.6.0 Message received', reportingMTA: 'simulator.local' },
      }), delay);
      if (localPart.startsWith('complaint')) {
        this.report(this.event(message, result.providerMessageId, 'Email Complaint Received', {
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: message.to }], timestamp: new Date().toISOString(), feedbackId: this.nextId('feedback'), complaintFeedbackType: 'abuse' },
        }), delay * 2);
      }
    }
    return result;
  }

  /** Drops the reports not yet made (the runtime is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private event(message: MailMessage, providerMessageId: string, detailType: string, report: Record<string, unknown>): SesEventBridgeEvent {
    const time = new Date().toISOString();
    const tags: Record<string, string[]> = { 'ses:configuration-set': [this.options.configurationSet] };
    for (const [name, value] of Object.entries(message.tags ?? {})) tags[name] = [value];
    return {
      version: '0',
      id: this.nextId('event'),
      'detail-type': detailType,
      source: 'aws.ses',
      account: LOCAL_ACCOUNT,
      time,
      region: this.options.region,
      resources: [`arn:aws:ses:${this.options.region}:${LOCAL_ACCOUNT}:configuration-set/${this.options.configurationSet}`],
      detail: {
        ...report,
        mail: { timestamp: time, source: 'no-reply@tte.local', messageId: providerMessageId, destination: [message.to], tags },
      },
    };
  }

  private report(event: SesEventBridgeEvent, delayMs: number, attempt = 1): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.options.deliver(event).catch((error: unknown) => {
        if (attempt >= (this.options.attempts ?? 6)) {
          this.options.logger.error('Simulated SES event failed after its retries', { detailType: event['detail-type'], error: error as Error });
          return;
        }
        this.report(event, delayMs * 2, attempt + 1);
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private nextId(kind: string): string {
    this.sequence += 1;
    return `local-${kind}-${Date.now()}-${this.sequence}`;
  }
}

import * as z from 'zod';
import type { BounceType, ReportedStatus } from '../../shared/domain/delivery.js';
import { bounceReason, delayReason, rejectReason } from '../../shared/domain/delivery.js';
import { OUTBOX_MESSAGE_TAG } from '../outbox/use-cases/dispatch-message.js';

/**
 * SES event publishing through EventBridge (default bus, source `aws.ses`): the envelope's
 * detail-type names the event, `detail` is the event record (`eventType`, `mail` with the tags
 * we sent, and the object of that type). Only what we use is required; the rest is let through.
 */
export const sesDetailTypes = {
  'Email Delivered': 'Delivery',
  'Email Bounced': 'Bounce',
  'Email Complaint Received': 'Complaint',
  'Email Rejected': 'Reject',
  'Email Delivery Delayed': 'DeliveryDelay',
} as const;
export type SesDetailType = keyof typeof sesDetailTypes;

const text = (max: number) => z.string().min(1).max(max);
const address = text(320);
const isoTime = z.iso.datetime({ offset: true });

const mail = z.object({
  messageId: text(200),
  timestamp: isoTime,
  destination: z.array(address).min(1).max(50),
  // Tag values are lists (SES adds its own, such as ses:configuration-set, beside ours).
  tags: z.record(text(256), z.array(z.string().max(256)).max(10)).optional(),
}).loose();

const recipients = z.array(z.object({ emailAddress: address, diagnosticCode: z.string().max(2000).optional() }).loose()).max(50);

const detail = z.discriminatedUnion('eventType', [
  z.object({ eventType: z.literal('Delivery'), mail, delivery: z.object({ timestamp: isoTime }).loose() }).loose(),
  z.object({
    eventType: z.literal('Bounce'),
    mail,
    bounce: z.object({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bounceSubType: text(64),
      bouncedRecipients: recipients.min(1),
      timestamp: isoTime,
    }).loose(),
  }).loose(),
  z.object({
    eventType: z.literal('Complaint'),
    mail,
    complaint: z.object({ complainedRecipients: recipients.min(1), timestamp: isoTime }).loose(),
  }).loose(),
  z.object({ eventType: z.literal('Reject'), mail, reject: z.object({ reason: text(500) }).loose() }).loose(),
  z.object({
    eventType: z.literal('DeliveryDelay'),
    mail,
    deliveryDelay: z.object({ delayType: text(64), timestamp: isoTime, delayedRecipients: recipients.optional() }).loose(),
  }).loose(),
]);

const envelope = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.enum(Object.keys(sesDetailTypes) as [SesDetailType, ...SesDetailType[]]),
  time: isoTime,
  detail,
}).loose();

export type SesEvent = z.infer<typeof envelope>;

/** What one SES event reports about one of our messages, in our terms. */
export interface DeliveryReport {
  /** Our outbox message id, from the tag we sent it with. */
  messageId: string;
  /** SES's id of the message: it must be the one we recorded when we sent it. */
  providerMessageId: string;
  /** The configuration set SES says the message went through (the event names it among the tags). */
  configurationSet?: string;
  status: ReportedStatus;
  at: string;
  detail?: string;
  bounceType?: BounceType;
  /** The address the report is about (bounced, complained, or the first destination). */
  recipient: string;
}

export type ParsedSesEvent = { ok: true; report: DeliveryReport } | { ok: false; reason: string };

/**
 * Reads an EventBridge event of SES into a report, or says why it cannot (the reason names fields
 * and codes only: never an address or a value from the event, which may carry personal data).
 */
export function parseSesEvent(event: unknown): ParsedSesEvent {
  const parsed = envelope.safeParse(event);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(event)'))].slice(0, 5);
    return { ok: false, reason: `not an SES event we read (${fields.join(', ')})` };
  }
  const { detail: record, time } = parsed.data;
  if (sesDetailTypes[parsed.data['detail-type']] !== record.eventType) return { ok: false, reason: 'detail-type does not match the eventType' };
  const tags = record.mail.tags ?? {};
  const messageId = tags[OUTBOX_MESSAGE_TAG]?.[0];
  if (!messageId) return { ok: false, reason: 'no outbox message tag' };
  const configurationSet = tags['ses:configuration-set']?.[0];
  const base = {
    messageId,
    providerMessageId: record.mail.messageId,
    ...(configurationSet ? { configurationSet } : {}),
    recipient: record.mail.destination[0]!,
  };
  switch (record.eventType) {
    case 'Delivery':
      return { ok: true, report: { ...base, status: 'DELIVERED', at: record.delivery.timestamp } };
    case 'Bounce': {
      const [bounced] = record.bounce.bouncedRecipients;
      return {
        ok: true,
        report: {
          ...base,
          recipient: bounced!.emailAddress,
          status: 'BOUNCED',
          at: record.bounce.timestamp,
          bounceType: record.bounce.bounceType,
          detail: bounceReason(record.bounce.bounceSubType, bounced!.diagnosticCode),
        },
      };
    }
    case 'Complaint':
      return { ok: true, report: { ...base, recipient: record.complaint.complainedRecipients[0]!.emailAddress, status: 'COMPLAINED', at: record.complaint.timestamp } };
    case 'Reject':
      // A reject carries no time of its own: the event's is when SES decided.
      return { ok: true, report: { ...base, status: 'REJECTED', at: time, detail: rejectReason(record.reject.reason) } };
    case 'DeliveryDelay':
      return { ok: true, report: { ...base, status: 'DELAYED', at: record.deliveryDelay.timestamp, detail: delayReason(record.deliveryDelay.delayType) } };
  }
}

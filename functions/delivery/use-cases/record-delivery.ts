import { auditEntry, type AuditActor } from '../../../shared/audit.js';
import { consoleUserUrl } from '../../../shared/domain/console-urls.js';
import { supersedes } from '../../../shared/domain/delivery.js';
import type { DeliveryLog, DeliveryOutcome, HandledMessage } from '../../../shared/ports/delivery.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import { displayName } from '../../../shared/tenant-users.js';
import { noticesToVerifiers, verifierNoticeTemplates, type VerifierNoticeDeps } from '../../../shared/verifier-notices.js';
import type { DeliveryReport } from '../ses-event.js';

export interface RecordDeliveryDeps extends VerifierNoticeDeps {
  deliveries: DeliveryLog;
  users: Pick<UserDirectory, 'findUser'>;
  settings: {
    webBaseUrl: string;
    /** The configuration set our mail goes through: a report naming another is not ours. */
    configurationSet?: string;
  };
}

/** Why a report changed nothing, or that it did. */
export type RecordOutcome = 'recorded' | 'stale' | 'unknown-message' | 'foreign';

/** A report about a message the outbox is still sending: try again later (the event is retried). */
export class MessageNotYetSent extends Error {
  override readonly name = 'MessageNotYetSent';
}

const sesActor: AuditActor = { actorId: 'ses', role: 'SYSTEM' };

/**
 * Records what SES reports about one of our messages.
 * 1. Only our own: a report through another configuration set, or naming an SES message id other
 *    than the one we sent, is foreign; a message we do not know (expired, never ours) is dropped.
 * 2. Only forward: a report of a state the message is in, or below it, changes nothing (the
 *    store checks it again, conditionally, so two reports at once cannot both win).
 * 3. What the change sets off is written with it: a hard bounce tells the tenant's verifiers
 *    (never about a bounced notice of their own), a complaint holds all mail to the address.
 */
export async function recordDelivery(deps: RecordDeliveryDeps, report: DeliveryReport): Promise<RecordOutcome> {
  if (deps.settings.configurationSet && report.configurationSet !== deps.settings.configurationSet) return 'foreign';
  const message = await deps.deliveries.findMessage(report.messageId);
  if (!message || message.status === 'SUPPRESSED') return 'unknown-message';
  if (message.status !== 'SENT') throw new MessageNotYetSent(`Message ${message.messageId} is ${message.status}`);
  if (message.providerMessageId !== report.providerMessageId) return 'foreign';
  if (!supersedes(report.status, message.delivery?.status)) return 'stale';

  const at = report.at;
  const outcome: DeliveryOutcome = {
    message,
    status: report.status,
    at,
    ...(report.detail ? { detail: report.detail } : {}),
    ...(report.status === 'COMPLAINED' ? { block: { email: report.recipient, messageId: message.messageId, ...ids(message) } } : {}),
    notices: report.status === 'BOUNCED' && report.bounceType === 'Permanent' ? await bounceNotices(deps, message, report) : [],
    ...(message.userId && message.tenantId && (report.status === 'COMPLAINED' || (report.status === 'BOUNCED' && report.bounceType === 'Permanent'))
      ? {
        audit: auditEntry(deps, new Date(at), sesActor, report.status === 'COMPLAINED' ? 'EMAIL_COMPLAINED' : 'EMAIL_BOUNCED', { userId: message.userId, tenantId: message.tenantId }, {
          target: message.template,
          ...(report.detail ? { reason: report.detail } : {}),
        }),
      }
      : {}),
  };
  return deps.deliveries.recordOutcome(outcome);
}

const ids = (message: HandledMessage) => ({
  ...(message.userId ? { userId: message.userId } : {}),
  ...(message.tenantId ? { tenantId: message.tenantId } : {}),
});

/** "E-mail Tidak Sampai" to the tenant's verifiers, about a registered user's e-mail only. */
async function bounceNotices(deps: RecordDeliveryDeps, message: HandledMessage, report: DeliveryReport) {
  if (!message.userId || !message.tenantId || verifierNoticeTemplates.has(message.template as never)) return [];
  const user = await deps.users.findUser(message.userId);
  if (!user || user.status === 'ERASED') return [];
  return noticesToVerifiers(deps, message.tenantId, 'emailBounced', {
    fullName: displayName(user),
    email: user.email,
    subject: message.subject ?? message.template,
    reason: report.detail ?? '',
    bouncedAt: report.at,
    userUrl: consoleUserUrl(deps.settings.webBaseUrl, user.userId),
  }, { except: [report.recipient] });
}

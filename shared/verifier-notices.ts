import type { MessageTemplates, TemplateName } from './domain/messages.js';
import { normalisedAddress } from './domain/delivery.js';
import type { OutboxMessage } from './ports/outbox.js';
import type { Clock, IdGenerator } from './ports/runtime.js';
import type { TenantDirectory } from './ports/tenants.js';

/** The templates that carry nothing secret: their messages need no sealing key. */
export type PlainTemplate = { [T in TemplateName]: MessageTemplates[T]['secret'] extends Record<string, never> ? T : never }[TemplateName];

/**
 * Notices to verifiers about the service's own health (an e-mail that did not arrive): a bounce of
 * one of these tells nobody again, or one dead verifier address would mail the others in a loop.
 */
export const verifierNoticeTemplates: ReadonlySet<TemplateName> = new Set<TemplateName>(['emailBounced']);

export interface VerifierNoticeDeps {
  tenants: Pick<TenantDirectory, 'listVerifierEmails'>;
  ids: IdGenerator;
  clock: Clock;
}

/**
 * One outbox message per active verifier of the tenant, to be written in the transaction of the
 * change they report. No link with a token goes in (the console page is linked plainly), so
 * nothing is sealed and the caller needs no key. `except`: addresses not to tell (the one that
 * bounced, if a verifier's own).
 */
export async function noticesToVerifiers<T extends PlainTemplate>(
  deps: VerifierNoticeDeps,
  tenantId: string,
  template: T,
  data: MessageTemplates[T]['data'],
  options: { except?: readonly string[] } = {},
): Promise<OutboxMessage[]> {
  const skip = new Set((options.except ?? []).map(normalisedAddress));
  const addresses = [...new Set((await deps.tenants.listVerifierEmails(tenantId)).map(normalisedAddress))].filter((email) => !skip.has(email));
  const createdAt = deps.clock.now().toISOString();
  return addresses.map((to) => ({
    messageId: deps.ids.newId(),
    template,
    to,
    data: { ...data },
    createdAt,
    // The tenant's own people are told about the tenant's own user: billed as its other mail.
    billedTenantId: tenantId,
  }));
}

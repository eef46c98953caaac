import type { MessageTemplates, TemplateName } from './domain/messages.js';
import type { OutboxMessage } from './ports/outbox.js';
import type { Clock, IdGenerator } from './ports/runtime.js';
import type { Sealer } from './ports/sealer.js';

export interface MessageComposer {
  compose<T extends TemplateName>(
    template: T,
    to: string,
    data: MessageTemplates[T]['data'],
    secret: MessageTemplates[T]['secret'],
  ): Promise<OutboxMessage>;
}

/** The sealing context of an outbox message: its secret data opens for that message only. */
export const outboxSealingContext = (messageId: string) => ({ purpose: 'outbox', messageId });

/** Builds the outbox item a use case writes with its state change; secrets are sealed here. */
export function messageComposer(deps: { ids: IdGenerator; clock: Clock; sealer: Sealer }): MessageComposer {
  return {
    async compose(template, to, data, secret) {
      const messageId = deps.ids.newId();
      return {
        messageId,
        template,
        to,
        data: { ...data },
        sealedData: await deps.sealer.seal(JSON.stringify(secret), outboxSealingContext(messageId)),
        createdAt: deps.clock.now().toISOString(),
      };
    },
  };
}

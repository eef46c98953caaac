import type { Logger } from '@aws-lambda-powertools/logger';
import type { OutboxStore } from '../../shared/ports/outbox.js';
import type { DispatchDeps } from '../../functions/outbox/use-cases/dispatch-message.js';
import { dispatchCounted } from '../../functions/outbox/handler.js';

/**
 * Locally, the table stream is replaced by a loop over the pending-outbox index; it calls the same
 * dispatch use case as the stream handler. A message that fails stays pending and is retried with
 * a growing pause (up to a minute), so nothing is lost while the mail stand-in is down.
 */
export function startOutboxLoop(deps: DispatchDeps & { outbox: OutboxStore; logger: Logger }, intervalMs = 200) {
  const backoff = new Map<string, { failures: number; until: number }>();
  let stopped = false;

  const tick = async () => {
    const pending = await deps.outbox.listPending(25);
    for (const messageId of pending) {
      if (stopped) return;
      const wait = backoff.get(messageId);
      if (wait && wait.until > Date.now()) continue;
      try {
        await dispatchCounted(deps, messageId);
        backoff.delete(messageId);
      } catch (error) {
        const failures = (wait?.failures ?? 0) + 1;
        backoff.set(messageId, { failures, until: Date.now() + Math.min(60_000, 500 * 2 ** failures) });
        deps.logger.warn('Outbox message failed; will retry', { messageId, failures, error: error as Error });
      }
    }
  };

  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      await tick().catch((error: unknown) => deps.logger.warn('Outbox loop failed', { error: error as Error }));
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

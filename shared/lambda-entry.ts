import { businessMetrics } from './adapters/aws/business-metrics.js';

/**
 * The Lambda entry: wires the AWS adapters once per container, on the first event, so that
 * importing a handler module (tests, the local runtime) never needs AWS configuration.
 */
export function lambdaEntry<E, C, R>(wire: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let wired: ((event: E, context: C) => Promise<R>) | undefined;
  // What the invocation counted is written when it ends, failed or not (a retry counts only what it commits).
  return (event, context) => (wired ??= wire())(event, context).finally(() => businessMetrics.flush());
}

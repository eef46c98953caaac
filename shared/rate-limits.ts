import { AppError } from './domain/errors.js';
import type { RateLimit, RateLimiter } from './ports/rate-limiter.js';

/**
 * Counts one request of a client in a scope; past the limit, 429 TOO_MANY_REQUESTS saying how
 * long to wait (in the body and as Retry-After). For limits that may be told to the client: a
 * limit that must not reveal anything (per address) is taken with the limiter directly.
 */
export async function takeOrRefuse(limiter: RateLimiter, scope: string, clientKey: string, limit: RateLimit): Promise<void> {
  const decision = await limiter.take(scope, clientKey, limit);
  if (decision.allowed) return;
  throw new AppError('TOO_MANY_REQUESTS', [], {
    extensions: { retryAfterSeconds: decision.retryAfterSeconds },
    headers: { 'retry-after': String(decision.retryAfterSeconds) },
  });
}

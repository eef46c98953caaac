/** How many requests one client may make in one window. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Counts requests per client and scope (one public route or family of routes), in fixed windows.
 * `clientKey` is whatever tells clients apart (their IP); adapters never store it in clear.
 */
export interface RateLimiter {
  /** Counts one request; refused, with the wait until the next window, once the window's limit is reached. */
  take(scope: string, clientKey: string, limit: RateLimit): Promise<RateDecision>;
}

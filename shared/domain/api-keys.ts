/** What a tenant's integrator key may do: manage the tenant's users, or sign for them. */
export const apiKeyScopes = ['users', 'signing'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** A tenant keeps at most this many live integrator keys (one per system and environment is the norm). */
export const MAX_LIVE_API_KEYS_PER_TENANT = 20;

/**
 * The one string an integrator sends as `x-api-key`; HTTP Basic sends the same two parts as
 * `keyId:secret`. Only its hash is stored.
 */
export function integratorApiKey(keyId: string, secret: string): string {
  return `${keyId}.${secret}`;
}

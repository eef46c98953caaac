import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { integratorApiKey, type ApiKeyScope } from '../domain/api-keys.js';
import { AppError } from '../domain/errors.js';
import { isSuspended } from '../domain/tenants.js';
import { hashToken } from '../domain/tokens.js';
import { idleExpiry, isLive } from '../domain/sessions.js';
import type { SessionStore } from '../ports/accounts.js';
import type { Clock } from '../ports/runtime.js';
import type { TenantDirectory } from '../ports/tenants.js';
import type { Access, CredentialKind } from './route.js';
import { readSessionCookie } from './session-cookie.js';

/** API keys are shown once; only this hash is stored and looked up. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function newApiKey(): string {
  return `tte_${randomBytes(32).toString('base64url')}`;
}

/** A new integrator key: its public id, its secret (shown once) and the two joined for `x-api-key`. */
export function newIntegratorKey(): { keyId: string; secret: string; apiKey: string } {
  const keyId = `key_${randomBytes(9).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, apiKey: integratorApiKey(keyId, secret) };
}

/**
 * An integrator key works only where the route names one of its scopes. A person's own key
 * (verifier, operator) carries none: it acts in their role anywhere but signing, which takes the
 * person's own session or a tenant's signing key.
 */
function keyMayCall(actor: Actor, routeScope: ApiKeyScope | undefined): boolean {
  return actor.scopes ? routeScope !== undefined && actor.scopes.includes(routeScope) : routeScope !== 'signing';
}

/** HTTP Basic `keyId:secret` (how BSrE's clients send their credentials) as the key it stands for. */
function apiKeyFromBasic(authorization: string | undefined): string | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded || encoded.length > 400) return undefined;
  const [keyId, ...rest] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  const secret = rest.join(':');
  return keyId && secret ? integratorApiKey(keyId, secret) : undefined;
}

const KEY_CACHE_MILLISECONDS = 30_000;
// The idle expiry slides at most once a minute, so most requests cost one read and no write.
const TOUCH_AFTER_MILLISECONDS = 60_000;

/** The session behind a request, when it came with one. */
export interface RequestSession {
  sessionHash: string;
  csrfToken: string;
  /** Sent by a browser in the cookie (then state changes need the CSRF token), not as a Bearer token. */
  viaCookie: boolean;
}

export interface Authentication {
  actor: Actor;
  session?: RequestSession;
}

export interface AuthenticatorDeps {
  apiKeys: Pick<TenantDirectory, 'findApiKey'>;
  /**
   * The tenants (cached), to stop a suspended tenant's callers. Every function whose routes a
   * tenant's verifier, key or employee can call passes it; the pages and the docs need not.
   */
  tenants?: Pick<TenantDirectory, 'findTenant'>;
  /** Absent in functions that serve no signed-in routes. */
  sessions?: { store: Pick<SessionStore, 'findSession' | 'touchSession'>; idleMinutes: number };
  clock: Clock;
}

/**
 * Resolves the caller from whichever credential the request carries (a Bearer session token, an
 * API key in `x-api-key` or as HTTP Basic `keyId:secret`, or the session cookie, in that order)
 * and enforces the route's roles, credential kinds and key scopes. The one place every route's
 * access rule is applied.
 */
export class Authenticator {
  private readonly keyCache = new Map<string, { actor: Actor | undefined; until: number }>();

  constructor(private readonly deps: AuthenticatorDeps) {}

  async authenticate(
    route: { access: Access; credentials?: readonly CredentialKind[]; apiKeyScope?: ApiKeyScope },
    headers: Readonly<Record<string, string | undefined>>,
  ): Promise<Authentication | undefined> {
    if (route.access === 'public') return undefined;
    const accepted = route.credentials ?? ['session', 'apiKey'];
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const apiKey = headers['x-api-key'] ?? apiKeyFromBasic(headers.authorization);
    const cookie = readSessionCookie(headers.cookie);

    let authentication: Authentication | undefined;
    if (bearer !== undefined || (apiKey === undefined && cookie !== undefined)) {
      if (!accepted.includes('session')) throw new AppError('FORBIDDEN');
      authentication = await this.fromSession(bearer ?? cookie!, bearer === undefined);
    } else if (apiKey !== undefined) {
      if (!accepted.includes('apiKey')) throw new AppError('FORBIDDEN');
      const actor = await this.fromApiKey(apiKey);
      authentication = actor && { actor };
    }
    if (!authentication) throw new AppError('UNAUTHENTICATED');
    if (!route.access.includes(authentication.actor.role)) throw new AppError('FORBIDDEN');
    if (!authentication.session && !keyMayCall(authentication.actor, route.apiKeyScope)) throw new AppError('FORBIDDEN');
    await this.refuseSuspendedTenant(authentication.actor, route.apiKeyScope);
    return authentication;
  }

  /**
   * A suspended tenant's verifiers and integrator keys stop on every route; its employees keep
   * their accounts and data but may not sign (the routes in the signing scope). Operators work
   * for the service, not for a tenant. Nothing is deleted: reactivation restores everything.
   */
  private async refuseSuspendedTenant(actor: Actor, routeScope: ApiKeyScope | undefined): Promise<void> {
    const tenants = this.deps.tenants;
    if (!tenants || actor.role === 'OPERATOR') return;
    if (actor.role === 'USER' && routeScope !== 'signing') return;
    if (isSuspended(await tenants.findTenant(actor.tenantId))) throw new AppError('TENANT_SUSPENDED');
  }

  private async fromSession(token: string, viaCookie: boolean): Promise<Authentication | undefined> {
    const sessions = this.deps.sessions;
    if (!sessions || token.length > 200) return undefined;
    const sessionHash = hashToken(token);
    const session = await sessions.store.findSession(sessionHash);
    const now = this.deps.clock.now();
    if (!session || !isLive(session, now)) return undefined;
    if (now.getTime() - new Date(session.lastSeenAt).getTime() > TOUCH_AFTER_MILLISECONDS) {
      await sessions.store.touchSession(sessionHash, now.toISOString(), idleExpiry(now, sessions.idleMinutes, session.absoluteExpiresAt));
    }
    return {
      actor: { actorId: session.userId, role: session.role, tenantId: session.tenantId },
      session: { sessionHash, csrfToken: session.csrfToken, viaCookie },
    };
  }

  /** Key lookups are cached per container for a short while (a revoked key stops within 30 s). */
  private async fromApiKey(apiKey: string): Promise<Actor | undefined> {
    if (apiKey.length > 200) return undefined;
    const keyHash = hashApiKey(apiKey);
    const now = this.deps.clock.now().getTime();
    const cached = this.keyCache.get(keyHash);
    if (cached && cached.until > now) return cached.actor;
    const record = await this.deps.apiKeys.findApiKey(keyHash);
    const actor = record ? { actorId: record.actorId, role: record.role, tenantId: record.tenantId, ...(record.scopes ? { scopes: record.scopes } : {}) } : undefined;
    if (this.keyCache.size > 1000) this.keyCache.clear();
    this.keyCache.set(keyHash, { actor, until: now + KEY_CACHE_MILLISECONDS });
    return actor;
  }
}

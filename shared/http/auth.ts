import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/actor.js';
import type { TenantDirectory } from '../ports/tenants.js';
import type { Access } from './route.js';

/** API keys are shown once; only this hash is stored and looked up. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function newApiKey(): string {
  return `tte_${randomBytes(32).toString('base64url')}`;
}

const CACHE_MILLISECONDS = 30_000;

/**
 * Resolves the caller and enforces the route's roles. Key lookups are cached for a short while
 * per container, so a busy verifier costs no extra read per request (a revoked key stops working
 * within the cache time).
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { actor: Actor | undefined; until: number }>();

  constructor(private readonly directory: Pick<TenantDirectory, 'findApiKey'>, private readonly now: () => number = Date.now) {}

  async authorize(access: Access, apiKey: string | undefined): Promise<Actor | undefined> {
    if (access === 'public') return undefined;
    if (!apiKey || apiKey.length > 200) throw new AppError('UNAUTHENTICATED');
    const actor = await this.resolve(hashApiKey(apiKey));
    if (!actor) throw new AppError('UNAUTHENTICATED');
    if (!access.includes(actor.role)) throw new AppError('FORBIDDEN');
    return actor;
  }

  private async resolve(keyHash: string): Promise<Actor | undefined> {
    const cached = this.cache.get(keyHash);
    if (cached && cached.until > this.now()) return cached.actor;
    const record = await this.directory.findApiKey(keyHash);
    const actor = record ? { actorId: record.actorId, role: record.role, tenantId: record.tenantId } : undefined;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(keyHash, { actor, until: this.now() + CACHE_MILLISECONDS });
    return actor;
  }
}

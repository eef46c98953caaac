import type { Actor } from '../../../shared/domain/actor.js';
import { MAX_LIVE_API_KEYS_PER_TENANT, type ApiKeyScope } from '../../../shared/domain/api-keys.js';
import { AppError } from '../../../shared/domain/errors.js';
import { auditEntry } from '../../../shared/audit.js';
import { hashApiKey, newIntegratorKey } from '../../../shared/http/auth.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { ApiKeyRegistry, TenantApiKey, TenantDirectory } from '../../../shared/ports/tenants.js';

export interface ApiKeyDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  apiKeys: ApiKeyRegistry;
  clock: Clock;
  ids: IdGenerator;
}

/** A verifier works for their own tenant; an operator for any that exists. Others' tenants are unknown. */
async function tenantOf(deps: Pick<ApiKeyDeps, 'tenants'>, actor: Actor, tenantId: string): Promise<string> {
  const mayManage = actor.role === 'OPERATOR' || actor.tenantId === tenantId;
  if (!mayManage || !(await deps.tenants.findTenant(tenantId))) throw new AppError('TENANT_NOT_FOUND');
  return tenantId;
}

export async function createApiKey(
  deps: ApiKeyDeps,
  input: { actor: Actor; tenantId: string; name: string; scopes: ApiKeyScope[] },
): Promise<TenantApiKey & { secret: string; apiKey: string }> {
  const tenantId = await tenantOf(deps, input.actor, input.tenantId);
  const now = deps.clock.now();
  const { keyId, secret, apiKey } = newIntegratorKey();
  const key: TenantApiKey = { keyId, name: input.name, scopes: input.scopes, createdAt: now.toISOString(), createdBy: input.actor.actorId };
  // The limit is checked where the key is written, in its transaction (API_KEY_LIMIT, nothing written).
  await deps.apiKeys.createApiKey(tenantId, key, hashApiKey(apiKey), auditEntry(deps, now, input.actor, 'API_KEY_CREATED', { tenantId }, { target: keyId }), MAX_LIVE_API_KEYS_PER_TENANT);
  return { ...key, secret, apiKey };
}

export async function listApiKeys(deps: ApiKeyDeps, input: { actor: Actor; tenantId: string }): Promise<TenantApiKey[]> {
  return deps.apiKeys.listApiKeys(await tenantOf(deps, input.actor, input.tenantId));
}

export async function revokeApiKey(deps: ApiKeyDeps, input: { actor: Actor; tenantId: string; keyId: string }): Promise<void> {
  const tenantId = await tenantOf(deps, input.actor, input.tenantId);
  const now = deps.clock.now();
  const found = await deps.apiKeys.revokeApiKey(tenantId, input.keyId, now.toISOString(), auditEntry(deps, now, input.actor, 'API_KEY_REVOKED', { tenantId }, { target: input.keyId }));
  if (!found) throw new AppError('API_KEY_NOT_FOUND');
}

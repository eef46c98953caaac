import { AppError } from '../../../shared/domain/errors.js';
import type { UserStatus } from '../../../shared/domain/user.js';
import type { Actor } from '../../../shared/domain/actor.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import { newActivationLink, type ActivationLinkSettings } from './activation-link.js';
import { findTenantUser } from '../../../shared/tenant-users.js';
import { auditEntry } from '../../../shared/audit.js';

export interface ResendActivationLinkDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  users: Pick<UserDirectory, 'findUser' | 'findToken' | 'commitUserChange'>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  settings: ActivationLinkSettings;
}

const resendable: readonly UserStatus[] = ['INVITED', 'ACTIVATING'];

/**
 * A verifier sends a user a new activation link (the old one expired or got lost).
 * 1. Only a user of the verifier's tenant who has not submitted yet.
 * 2. The previous token is marked revoked in the same transaction that stores the new one,
 *    guarded by the user's version, so two resends cannot both leave a working link.
 */
export async function resendActivationLink(deps: ResendActivationLinkDeps, input: { actor: Actor; userId: string }) {
  const user = await findTenantUser(deps.users, input.actor, input.userId);
  if (!resendable.includes(user.status)) throw new AppError('USER_NOT_INVITED');
  const tenant = await deps.tenants.findTenant(user.tenantId);
  if (!tenant) throw new AppError('FORBIDDEN');

  const now = deps.clock.now();
  const at = now.toISOString();
  const previous = user.activationTokenHash ? await deps.users.findToken(user.activationTokenHash) : undefined;
  const { token, message } = await newActivationLink(deps.composer, deps.settings, user, tenant.name, now);
  await deps.users.commitUserChange({
    user: { ...user, activationTokenHash: token.tokenHash, activationExpiresAt: token.expiresAt, updatedAt: at, version: user.version + 1 },
    tokens: previous ? [token, { ...previous, revokedAt: at }] : [token],
    messages: [message],
    fromStatuses: resendable,
    audit: auditEntry(deps, now, input.actor, 'ACTIVATION_LINK_RESENT', user),
  });
  return { activationExpiresAt: token.expiresAt };
}

import { AppError } from '../../../shared/domain/errors.js';
import { isEmailInDomains } from '../../../shared/domain/user.js';
import type { Actor } from '../../../shared/domain/actor.js';
import type { TenantDirectory } from '../../../shared/ports/tenants.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { MessageComposer } from '../../../shared/outbox.js';
import { newActivationLink, type ActivationLinkSettings } from './activation-link.js';
import { auditEntry } from '../../../shared/audit.js';

export interface RegisterUserDeps {
  tenants: Pick<TenantDirectory, 'findTenant'>;
  users: Pick<UserDirectory, 'register'>;
  composer: MessageComposer;
  clock: Clock;
  ids: IdGenerator;
  settings: ActivationLinkSettings;
}

export interface RegisterUserInput {
  actor: Actor;
  fullName: string;
  email: string;
  phone?: string;
}

/**
 * A verifier registers an employee of their own agency.
 * 1. The e-mail must be in one of the tenant's official domains.
 * 2. A 24-hour activation link is made; its token is only stored hashed.
 * 3. User, e-mail claim, token, audit entry, e-mail and usage count are written in one
 *    transaction: a duplicate e-mail (even a concurrent one) writes nothing at all.
 */
export async function registerUser(deps: RegisterUserDeps, input: RegisterUserInput) {
  const tenant = await deps.tenants.findTenant(input.actor.tenantId);
  if (!tenant) throw new AppError('FORBIDDEN');
  if (!isEmailInDomains(input.email, tenant.emailDomains)) {
    throw new AppError('EMAIL_DOMAIN_NOT_ALLOWED', [], {
      detail: {
        id: `Gunakan alamat e-mail dinas dengan domain ${tenant.emailDomains.join(', ')}.`,
        en: `Use an official e-mail address in ${tenant.emailDomains.join(', ')}.`,
      },
    });
  }

  const now = deps.clock.now();
  const at = now.toISOString();
  const userId = deps.ids.newId();
  const draft = { userId, tenantId: tenant.tenantId, fullName: input.fullName, email: input.email };
  const { token, message } = await newActivationLink(deps.composer, deps.settings, draft, tenant.name, now);
  const user: UserRecord = {
    ...draft,
    role: 'USER',
    ...(input.phone ? { phone: input.phone } : {}),
    status: 'INVITED',
    createdAt: at,
    updatedAt: at,
    createdBy: input.actor.actorId,
    activationTokenHash: token.tokenHash,
    activationExpiresAt: token.expiresAt,
    version: 1,
  };
  await deps.users.register({
    user,
    token,
    message,
    audit: auditEntry(deps, now, input.actor, 'USER_REGISTERED', user, { status: 'INVITED' }),
  });
  return { userId, status: user.status, activationExpiresAt: token.expiresAt };
}

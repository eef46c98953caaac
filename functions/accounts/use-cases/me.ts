import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { AccountsDeps } from './deps.js';
import { displayName } from './guards.js';

/** The signed-in person: profile, role, tenant, status, and the session's CSRF token for pages. */
export async function getMe(deps: Pick<AccountsDeps, 'users' | 'tenants'>, input: { actor: Actor; csrfToken?: string }) {
  const [user, tenant] = await Promise.all([deps.users.findUser(input.actor.actorId), deps.tenants.findTenant(input.actor.tenantId)]);
  if (!user) throw new AppError('UNAUTHENTICATED');
  return {
    userId: user.userId,
    fullName: displayName(user),
    email: user.email,
    role: user.role,
    tenantId: user.tenantId,
    ...(tenant ? { tenantName: tenant.name } : {}),
    // Shown on the help and error pages: whom this person asks when the service cannot help.
    ...(tenant?.verifierContacts?.length ? { verifierContacts: tenant.verifierContacts } : {}),
    status: user.status,
    ...(input.csrfToken ? { csrfToken: input.csrfToken } : {}),
  };
}

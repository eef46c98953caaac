import type { Actor } from '../../../shared/domain/actor.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import type { UserStatus } from '../../../shared/domain/user.js';

/** A page of the verifier's own tenant users; by status it is the review queue (GSI, no scan). */
export async function listUsers(
  users: Pick<UserDirectory, 'listUsers'>,
  input: { actor: Actor; status?: UserStatus; limit: number; cursor?: string },
) {
  const page = await users.listUsers({ tenantId: input.actor.tenantId, status: input.status, limit: input.limit, cursor: input.cursor });
  return {
    items: page.items.map(({ userId, fullName, email, status, updatedAt }) => ({ userId, fullName, email, status, updatedAt })),
    nextCursor: page.nextCursor,
  };
}


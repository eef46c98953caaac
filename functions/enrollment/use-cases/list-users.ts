import type { Actor } from '../../../shared/domain/actor.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/users.js';
import { listingOf, normaliseEmail, type UserListing } from '../../../shared/domain/user.js';
import { isVisibleTo } from '../../../shared/tenant-users.js';

// Something that can only be a whole e-mail address (what a verifier pastes from a letter).
const wholeEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const summary = ({ userId, fullName, email, status, updatedAt }: UserRecord) => ({ userId, fullName, email, status, updatedAt });

/**
 * A page of the verifier's own tenant users; by status it is the review queue (GSI, no scan),
 * and HELD lists the self-applications held for confirmation (status INVITED, not in its list).
 * With `q`, a search:
 * 1. A whole e-mail address is looked up exactly (its uniqueness claim, then the user): one read.
 * 2. Anything else, or an address with no claim (a rejected applicant's claim is given up so they
 *    can be registered again), is a case-insensitive "name or e-mail contains" filter on the same
 *    tenant Query; such a page may hold fewer than `limit` users and still have a next one.
 */
export async function listUsers(
  users: Pick<UserDirectory, 'listUsers' | 'findUserIdByEmail' | 'findUser'>,
  input: { actor: Actor; status?: UserListing; limit: number; cursor?: string; q?: string },
) {
  const search = input.q?.trim().replace(/\s+/g, ' ') || undefined;
  if (search && wholeEmail.test(search) && input.cursor === undefined) {
    const userId = await users.findUserIdByEmail(normaliseEmail(search));
    const user = userId === undefined ? undefined : await users.findUser(userId);
    if (user && isVisibleTo(user, input.actor) && user.tenantId === input.actor.tenantId) {
      return { items: input.status === undefined || listingOf(user) === input.status ? [summary(user)] : [], nextCursor: null };
    }
  }
  const page = await users.listUsers({
    tenantId: input.actor.tenantId, status: input.status, limit: input.limit, cursor: input.cursor, ...(search ? { search } : {}),
  });
  return { items: page.items.map(summary), nextCursor: page.nextCursor };
}

import { auditEntry } from '../../../shared/audit.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { DeliveryLog } from '../../../shared/ports/delivery.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';
import type { UserDirectory } from '../../../shared/ports/users.js';
import { findTenantUser } from '../../../shared/tenant-users.js';

export interface EmailBlockDeps {
  users: Pick<UserDirectory, 'findUser'>;
  deliveries: Pick<DeliveryLog, 'clearBlock'>;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * A verifier lets mail flow again to a user's address that marked our mail as spam (after
 * checking with the person that they want it).
 * 1. Only a user of the verifier's own tenant (another tenant's is unknown: 404).
 * 2. The block is lifted with its audit entry (EMAIL_BLOCK_CLEARED) in one transaction;
 *    EMAIL_NOT_BLOCKED when there was none, and nothing is written.
 */
export async function clearEmailBlock(deps: EmailBlockDeps, input: { actor: Actor; userId: string }): Promise<{ emailBlocked: false }> {
  const user = await findTenantUser(deps.users, input.actor, input.userId);
  if (user.status === 'ERASED') throw new AppError('EMAIL_NOT_BLOCKED');
  const audit = auditEntry(deps, deps.clock.now(), input.actor, 'EMAIL_BLOCK_CLEARED', user);
  if (!(await deps.deliveries.clearBlock(user.email, audit))) throw new AppError('EMAIL_NOT_BLOCKED');
  return { emailBlocked: false };
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { AppError } from '../../../shared/domain/errors.js';
import type { Actor } from '../../../shared/domain/actor.js';
import type { ApprovalWorkflow } from '../../../shared/ports/workflow.js';
import { approveApplicant, rejectApplicant, type ReviewDeps } from './review.js';
import { findTenantUser } from '../../../shared/tenant-users.js';
import { rejectHeldApplication } from './apply.js';

export interface DecideDeps extends ReviewDeps {
  workflow: Pick<ApprovalWorkflow, 'resume'>;
  logger: Pick<Logger, 'warn'>;
}

/**
 * A verifier approves or rejects an application waiting for review.
 * 1. Only a user of the verifier's tenant, only while AWAITING_REVIEW.
 * 2. The outcome is committed here, conditional on the version read: of concurrent decisions
 *    exactly one wins, the others get NOT_AWAITING_REVIEW.
 * 3. The workflow is resumed with the decision; its own approve/reject step then finds the work
 *    done. If it cannot be resumed (it timed out, or a local runtime restarted), nothing is lost:
 *    the outcome stands and the workflow ends on its timeout without touching the user.
 */
export async function decideApplication(
  deps: DecideDeps,
  input: { actor: Actor; userId: string; decision: 'APPROVE' | 'REJECT'; reason?: string },
) {
  const user = await findTenantUser(deps.users, input.actor, input.userId);
  // A self-application held for confirmation is turned down here too; it is confirmed by sending its link.
  if (user.status === 'INVITED' && user.selfApplication?.awaitingConfirmation && input.decision === 'REJECT') {
    return { status: await rejectHeldApplication(deps, user, input) };
  }
  if (user.status !== 'AWAITING_REVIEW') throw new AppError('NOT_AWAITING_REVIEW');
  const actor = { actorId: input.actor.actorId, actorRole: input.actor.role };
  const status = input.decision === 'APPROVE'
    ? await approveApplicant(deps, user.userId, actor)
    : await rejectApplicant(deps, user.userId, input.reason!, actor);
  if (user.reviewTaskToken) {
    await deps.workflow.resume(user.reviewTaskToken, { decision: input.decision, ...(input.reason ? { reason: input.reason } : {}), actorId: input.actor.actorId })
      .catch((error: unknown) => deps.logger.warn('Workflow not resumed; the decision stands', { userId: user.userId, error: error as Error }));
  }
  return { status };
}

import { AppError } from '../../../shared/domain/errors.js';
import type { UserStatus } from '../../../shared/domain/user.js';
import type { UserDirectory, UserRecord } from '../../../shared/ports/directory.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';

export interface WorkflowStepDeps {
  users: Pick<UserDirectory, 'findUser' | 'commitUserChange'>;
  clock: Clock;
  ids: IdGenerator;
}

export type ScreeningOutcome = 'MATCH' | 'NO_MATCH' | 'NOT_APPLICABLE';

/** A workflow step's change to the user; the system, not a person, is the actor. */
async function moveUser(
  deps: WorkflowStepDeps,
  userId: string,
  from: readonly UserStatus[],
  to: UserStatus,
  action: string,
  changes: Partial<UserRecord> = {},
  reason?: string,
): Promise<UserRecord> {
  const user = await deps.users.findUser(userId);
  if (!user) throw new AppError('USER_NOT_FOUND');
  // A step retried after it already committed finds the user moved on: done, not an error.
  if (user.status === to && !from.includes(to)) return user;
  const at = deps.clock.now().toISOString();
  const next: UserRecord = { ...user, ...changes, status: to, updatedAt: at, version: user.version + 1 };
  await deps.users.commitUserChange({
    user: next,
    fromStatuses: from,
    audit: { auditId: deps.ids.newId(), at, actorId: 'approval-workflow', actorRole: 'SYSTEM', action, status: to, ...(reason ? { reason } : {}) },
  });
  return next;
}

/**
 * Screening: civil servants (ASN, Polri) are matched against the civil-service registry; anyone
 * else, or anyone without employment data, goes to a verifier.
 */
export async function screenApplicant(deps: WorkflowStepDeps, userId: string): Promise<{ outcome: ScreeningOutcome }> {
  const user = await deps.users.findUser(userId);
  if (!user) throw new AppError('USER_NOT_FOUND');
  const employment = (user as UserRecord & { employment?: { employmentType?: string } }).employment;
  if (employment?.employmentType !== 'ASN' && employment?.employmentType !== 'POLRI') return { outcome: 'NOT_APPLICABLE' };
  // The registry lookup joins with the activation data in the enrollment context.
  return { outcome: 'NO_MATCH' };
}

/** The user now waits for a verifier; the task token is what the verifier's decision resumes. */
export async function awaitReview(deps: WorkflowStepDeps, userId: string, taskToken: string): Promise<void> {
  await moveUser(deps, userId, ['SUBMITTED'], 'AWAITING_REVIEW', 'REVIEW_REQUESTED', { reviewTaskToken: taskToken });
}

export async function approveApplicant(deps: WorkflowStepDeps, userId: string): Promise<void> {
  await moveUser(deps, userId, ['SUBMITTED', 'AWAITING_REVIEW'], 'APPROVED', 'APPLICATION_APPROVED', { reviewTaskToken: undefined });
}

export async function rejectApplicant(deps: WorkflowStepDeps, userId: string, reason: string): Promise<void> {
  await moveUser(deps, userId, ['AWAITING_REVIEW'], 'REJECTED', 'APPLICATION_REJECTED', { reviewTaskToken: undefined }, reason);
}

export async function expireApplication(deps: WorkflowStepDeps, userId: string): Promise<void> {
  await moveUser(deps, userId, ['AWAITING_REVIEW'], 'EXPIRED', 'REVIEW_TIMED_OUT', { reviewTaskToken: undefined });
}

/** Keeps the reason on the user, so a verifier or operator sees why nothing happened. */
export async function recordWorkflowFailure(deps: WorkflowStepDeps, userId: string, error: string): Promise<void> {
  const user = await deps.users.findUser(userId);
  if (!user) return;
  const at = deps.clock.now().toISOString();
  await deps.users.commitUserChange({
    user: { ...user, workflowFailure: { error: error.slice(0, 500), at }, updatedAt: at, version: user.version + 1 },
    audit: { auditId: deps.ids.newId(), at, actorId: 'approval-workflow', actorRole: 'SYSTEM', action: 'WORKFLOW_FAILED' },
  });
}

/**
 * The approval workflow as the use cases see it. AWS: Step Functions (the execution is named
 * after the user, so starting twice is a no-op); locally: the local flow runner.
 */
export interface ApprovalWorkflow {
  /** Starts the workflow for a submitted user; returns false when it was already started. */
  start(userId: string): Promise<boolean>;
  /** Resumes a workflow waiting on a verifier with the decision. */
  resume(taskToken: string, decision: ReviewDecision): Promise<void>;
}

export interface ReviewDecision {
  decision: 'APPROVE' | 'REJECT';
  reason?: string;
  actorId: string;
}

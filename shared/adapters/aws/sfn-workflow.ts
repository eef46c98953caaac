import { ExecutionAlreadyExists, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ApprovalWorkflow, ReviewDecision } from '../../ports/workflow.js';

export class StepFunctionsWorkflow implements ApprovalWorkflow {
  constructor(private readonly sfn: SFNClient, private readonly stateMachineArn: string) {}

  async start(userId: string): Promise<boolean> {
    try {
      // The name makes the start idempotent: a retried submit finds the execution already there.
      await this.sfn.send(new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: `approval-${userId}`,
        input: JSON.stringify({ userId }),
      }));
      return true;
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return false;
      throw error;
    }
  }

  async resume(taskToken: string, decision: ReviewDecision): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }));
  }
}

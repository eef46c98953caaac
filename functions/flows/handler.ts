import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import {
  approveApplicant, awaitReview, expireApplication, recordWorkflowFailure, rejectApplicant, screenApplicant, type WorkflowStepDeps,
} from './use-cases/workflow-steps.js';

const taskEvent = z.discriminatedUnion('task', [
  z.object({ task: z.literal('screen'), userId: z.string() }),
  z.object({ task: z.literal('awaitReview'), userId: z.string(), taskToken: z.string(), screening: z.unknown().optional() }),
  z.object({ task: z.literal('approve'), userId: z.string(), decision: z.unknown().optional() }),
  z.object({
    task: z.literal('reject'),
    userId: z.string(),
    decision: z.object({ reason: z.string().default('Tidak ada alasan yang diberikan.') }).loose(),
  }),
  z.object({ task: z.literal('expire'), userId: z.string() }),
  z.object({ task: z.literal('recordFailure'), userId: z.string(), error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).loose() }),
]);

export type FlowTaskEvent = z.input<typeof taskEvent>;

/** The Step Functions tasks of the approval workflow; each task is one use case. */
export function createFlowsHandler(ports: WorkflowStepDeps & { logger: Logger }) {
  return async (event: unknown): Promise<unknown> => {
    const input = taskEvent.parse(event);
    ports.logger.info('Workflow task', { task: input.task, userId: input.userId });
    switch (input.task) {
      case 'screen': return screenApplicant(ports, input.userId);
      case 'awaitReview': return awaitReview(ports, input.userId, input.taskToken);
      case 'approve': return approveApplicant(ports, input.userId);
      case 'reject': return rejectApplicant(ports, input.userId, input.decision.reason);
      case 'expire': return expireApplication(ports, input.userId);
      case 'recordFailure': return recordWorkflowFailure(ports, input.userId, input.error.Error ?? 'Unknown');
    }
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('flows');
  return createFlowsHandler({ users: base.directory, clock: base.clock, ids: base.ids, logger: base.logger });
});

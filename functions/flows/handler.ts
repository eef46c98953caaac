import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { required } from '../../shared/config.js';
import { createKmsClient } from '../../shared/adapters/aws/clients.js';
import { HttpRegistry } from '../../shared/adapters/aws/http-registry.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { messageComposer } from '../../shared/outbox.js';
import type { CivilServiceRegistry } from '../../shared/ports/registry.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import { cachedTenants } from '../../shared/tenants.js';
import {
  approveApplicant, awaitReview, expireApplication, recordWorkflowFailure, rejectApplicant, screenApplicant, type ReviewDeps,
} from '../enrollment/use-cases/review.js';

const taskEvent = z.discriminatedUnion('task', [
  z.object({ task: z.literal('screen'), userId: z.string() }),
  z.object({
    task: z.literal('awaitReview'),
    userId: z.string(),
    taskToken: z.string(),
    // The screening result, or the error the screening step gave up with (registry down).
    screening: z.object({ Error: z.string().optional() }).loose().optional(),
  }),
  z.object({ task: z.literal('approve'), userId: z.string() }),
  z.object({ task: z.literal('reject'), userId: z.string(), decision: z.object({ reason: z.string().min(1) }).loose() }),
  z.object({ task: z.literal('expire'), userId: z.string() }),
  z.object({ task: z.literal('recordFailure'), userId: z.string(), error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).loose() }),
]);

export type FlowTaskEvent = z.input<typeof taskEvent>;

export interface FlowsPorts extends ReviewDeps {
  registry: CivilServiceRegistry;
  sealer: Sealer;
  logger: Logger;
}

/**
 * The Step Functions tasks of the approval workflow. A decision taken by a verifier has already
 * moved the user when the workflow's approve/reject step runs; the step then changes nothing.
 */
export function createFlowsHandler(ports: FlowsPorts) {
  return async (event: unknown): Promise<unknown> => {
    const input = taskEvent.parse(event);
    ports.logger.info('Workflow task', { task: input.task, userId: input.userId });
    switch (input.task) {
      case 'screen': return screenApplicant(ports, input.userId);
      case 'awaitReview': return awaitReview(ports, input.userId, input.taskToken, input.screening?.Error !== undefined);
      case 'approve': return { status: await approveApplicant(ports, input.userId) };
      case 'reject': return { status: await rejectApplicant(ports, input.userId, input.decision.reason) };
      case 'expire': return expireApplication(ports, input.userId);
      case 'recordFailure': return recordWorkflowFailure(ports, input.userId, input.error.Error ?? 'Unknown');
    }
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('flows');
  const secrets = new SecretsManagerClient({});
  const secretArn = required(base.config, 'REGISTRY_SECRET_ARN');
  let credential: Promise<string> | undefined;
  const sealer = new KmsSealer(createKmsClient(), required(base.config, 'SEALING_KEY_ID'));
  return createFlowsHandler({
    ...base,
    tenants: cachedTenants(base.tenants),
    sealer,
    composer: messageComposer({ ...base, sealer }),
    settings: { webBaseUrl: base.config.WEB_BASE_URL },
    registry: new HttpRegistry(required(base.config, 'REGISTRY_URL'), () => (credential ??= secrets
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((secret) => secret.SecretString ?? '')
      .catch((error: unknown) => {
        credential = undefined;
        throw error;
      }))),
  });
});

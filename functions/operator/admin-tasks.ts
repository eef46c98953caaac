import * as z from 'zod';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditActor } from '../../shared/audit.js';
import { AppError, errorCatalog } from '../../shared/domain/errors.js';
import { officialEmail } from '../../shared/http/schemas.js';
import { personName } from '../enrollment/schemas.js';
import { disableOperator } from '../accounts/use-cases/compromise.js';
import { text } from '../../shared/http/schemas.js';
import { inviteOperator, PLATFORM_TENANT_ID } from './use-cases/verifiers.js';

/**
 * Tasks run by whoever deploys the service, by invoking the operator function directly (`aws lambda
 * invoke`): no route reaches them, and IAM decides who may. The first operator (and any later
 * one) is invited, since no operator exists yet to do it; and, to break glass, an operator is
 * disabled (never the last active one) when no other operator can or will.
 */
const adminTask = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('inviteOperator'), fullName: personName, email: officialEmail }),
  z.strictObject({ task: z.literal('disableOperator'), email: officialEmail, reason: text(1000) }),
]);

/** Who did it, in the audit trail: the deployment's administrator, known to AWS, not to the service. */
const deploymentAdmin: AuditActor = { actorId: 'deployment-admin', role: 'SYSTEM' };

/** An event with a `task` is one of these; anything else is an HTTP request. */
export const isAdminTask = (event: unknown): boolean => typeof event === 'object' && event !== null && 'task' in event && !('httpMethod' in event);

export type AdminTaskResult =
  | { ok: true; task: 'inviteOperator'; userId: string; email: string; accountSetupExpiresAt: string }
  | { ok: true; task: 'disableOperator'; status: 'DISABLED' }
  | { ok: false; code: string; detail: string; fields?: string[] };

export type AdminTaskDeps = Parameters<typeof inviteOperator>[0] & Omit<Parameters<typeof disableOperator>[0], 'registry'> & {
  registry: Parameters<typeof inviteOperator>[0]['registry'] & Parameters<typeof disableOperator>[0]['registry'];
};

export function createAdminTasks(deps: AdminTaskDeps, logger: Logger) {
  return async (event: unknown): Promise<AdminTaskResult> => {
    const parsed = adminTask.safeParse(event);
    if (!parsed.success) {
      return { ok: false, code: 'VALIDATION_FAILED', detail: errorCatalog.VALIDATION_FAILED.en, fields: parsed.error.issues.map((issue) => issue.path.join('.') || 'task') };
    }
    try {
      if (parsed.data.task === 'disableOperator') {
        const { status } = await disableOperator(deps, { actor: deploymentAdmin, email: parsed.data.email, reason: parsed.data.reason, platformTenantId: PLATFORM_TENANT_ID });
        logger.info('Operator disabled');
        return { ok: true, task: 'disableOperator', status };
      }
      const invited = await inviteOperator(deps, { actor: deploymentAdmin, fullName: parsed.data.fullName, email: parsed.data.email });
      logger.info('Operator invited', { userId: invited.userId });
      return { ok: true, task: 'inviteOperator', userId: invited.userId, email: invited.email, accountSetupExpiresAt: invited.accountSetupExpiresAt };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { ok: false, code: error.code, detail: (error.detailOverride ?? errorCatalog[error.code]).en };
    }
  };
}

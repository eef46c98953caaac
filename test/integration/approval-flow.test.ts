import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { userItem } from '../../shared/adapters/aws/dynamo-directory.js';
import { randomIds, systemClock } from '../../shared/ports/runtime.js';
import type { UserRecord } from '../../shared/ports/directory.js';
import { createFlowsHandler } from '../../functions/flows/handler.js';
import { ApprovalFlow } from '../../infra/constructs/approval-flow.js';
import { LocalFlowRunner } from '../../infra/local/flow-runner.js';
import { freshTable, quietLogger } from './harness.js';

/** The state machine definition from the CDK construct, run by the local flow runner. */
async function setup(reviewTimeout = Duration.days(14)) {
  const table = await freshTable();
  const failures: unknown[] = [];
  const flows = createFlowsHandler({ users: table.directory, clock: systemClock, ids: randomIds, logger: quietLogger() });
  const runner = new LocalFlowRunner(ApprovalFlow.renderDefinition(reviewTimeout), flows, (error) => failures.push(error));
  const submittedUser = async (): Promise<UserRecord> => {
    const at = new Date().toISOString();
    const user: UserRecord = {
      userId: randomIds.newId(), tenantId: 'tenant-uji', role: 'USER', fullName: 'Siti Aminah', email: `${randomIds.newId()}@uji.go.id`,
      status: 'SUBMITTED', createdAt: at, updatedAt: at, createdBy: 'verifier', version: 3,
    };
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: userItem(user) }));
    return user;
  };
  const statusOf = async (userId: string) => (await table.directory.findUser(userId))?.status;
  return { ...table, runner, failures, submittedUser, statusOf };
}

describe('the approval workflow on the local flow runner', () => {
  it('sends an applicant without registry data to a verifier, and an approval completes it', async () => {
    const ctx = await setup();
    const user = await ctx.submittedUser();
    expect(await ctx.runner.start(user.userId)).toBe(true);
    expect(await ctx.runner.start(user.userId)).toBe(false); // started exactly once

    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    const waiting = await ctx.directory.findUser(user.userId);
    expect(waiting?.reviewTaskToken).toMatch(/^[\w-]{43}$/);

    await ctx.runner.resume(waiting!.reviewTaskToken!, { decision: 'APPROVE', actorId: 'verifier-1' });
    await ctx.runner.finished(user.userId);
    const approved = await ctx.directory.findUserWithHistory(user.userId);
    expect(approved?.user.status).toBe('APPROVED');
    expect(approved?.user.reviewTaskToken).toBeUndefined();
    expect(approved?.history.map((entry) => entry.action)).toEqual(['REVIEW_REQUESTED', 'APPLICATION_APPROVED']);
    expect(ctx.failures).toEqual([]);
  });

  it('records a rejection with its reason', async () => {
    const ctx = await setup();
    const user = await ctx.submittedUser();
    await ctx.runner.start(user.userId);
    await expect.poll(() => ctx.statusOf(user.userId)).toBe('AWAITING_REVIEW');
    const token = (await ctx.directory.findUser(user.userId))!.reviewTaskToken!;
    await ctx.runner.resume(token, { decision: 'REJECT', reason: 'Foto KTP tidak terbaca', actorId: 'verifier-1' });
    await ctx.runner.finished(user.userId);
    const rejected = await ctx.directory.findUserWithHistory(user.userId);
    expect(rejected?.user.status).toBe('REJECTED');
    expect(rejected?.history.at(-1)).toMatchObject({ action: 'APPLICATION_REJECTED', reason: 'Foto KTP tidak terbaca' });
  });

  it('expires an application nobody decided within the timeout', async () => {
    const ctx = await setup(Duration.seconds(1));
    const user = await ctx.submittedUser();
    await ctx.runner.start(user.userId);
    await ctx.runner.finished(user.userId);
    expect(await ctx.statusOf(user.userId)).toBe('EXPIRED');
  });

  it('ends in the failure path, not silently, when a step keeps failing', async () => {
    const ctx = await setup();
    await ctx.runner.start('no-such-user');
    await ctx.runner.finished('no-such-user');
    expect(ctx.failures).toHaveLength(1);
    expect(String(ctx.failures[0])).toMatch(/failed after its retries/);
  });
});

import { ExecutionAlreadyExists, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsWorkflow } from '../../shared/adapters/aws/sfn-workflow.js';

const ARN = 'arn:aws:states:ap-southeast-3:123456789012:stateMachine:approval';
const sfn = mockClient(SFNClient);
const workflow = () => new StepFunctionsWorkflow(new SFNClient({}), ARN);

beforeEach(() => sfn.reset());

describe('StepFunctionsWorkflow', () => {
  it('starts one execution named after the user, with the user id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:approval-user-1` });
    await expect(workflow().start('user-1')).resolves.toBe(true);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: ARN, name: 'approval-user-1', input: JSON.stringify({ userId: 'user-1' }),
    });
  });

  it('answers false when the execution already exists (a retried submit)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    await expect(workflow().start('user-1')).resolves.toBe(false);
  });

  it('passes any other failure on', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(workflow().start('user-1')).rejects.toThrow('Rate exceeded');
  });

  it.each([
    [{ decision: 'APPROVE', actorId: 'verifier-1' }],
    [{ decision: 'REJECT', reason: 'Foto KTP buram', actorId: 'verifier-1' }],
  ] as const)('resumes the waiting task with the decision as JSON output (%o)', async (decision) => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await workflow().resume('task-token-abc', decision);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, { taskToken: 'task-token-abc' });
    const output = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output;
    expect(JSON.parse(output ?? 'null')).toEqual(decision);
  });
});

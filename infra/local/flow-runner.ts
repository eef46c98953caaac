import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { ApprovalWorkflow, ReviewDecision } from '../../shared/ports/workflow.js';

type FlowsHandler = (event: unknown) => Promise<unknown>;
type Definition = { StartAt: string; States: Record<string, Record<string, unknown>> };

class TaskFailure extends Error {
  constructor(readonly error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Runs the approval state machine's own definition on this machine: every Task state is bound
 * to the flows handler; a task-token state hands its token to the handler and waits until the
 * decision arrives through `resume` (or its TimeoutSeconds passes, as in Step Functions).
 */
export class LocalFlowRunner implements ApprovalWorkflow {
  private readonly machine: StateMachine;
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();
  private readonly executions = new Map<string, { result: Promise<unknown>; abort: () => void }>();

  constructor(private readonly definition: Definition, private readonly flows: FlowsHandler, private readonly onError: (error: unknown) => void) {
    this.machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } });
  }

  async start(userId: string): Promise<boolean> {
    const name = `approval-${userId}`;
    if (this.executions.has(name)) return false;
    const token = randomBytes(32).toString('base64url');
    const execution = this.machine.run({ userId }, {
      context: { Execution: { Id: name, Name: name, Input: { userId }, StartTime: new Date().toISOString() }, Task: { Token: token } },
      overrides: { taskResourceLocalHandlers: this.taskHandlers(token) as never },
    });
    const result = execution.result.catch((error: unknown) => {
      this.onError(error);
      return undefined;
    });
    this.executions.set(name, { result, abort: execution.abort });
    return true;
  }

  /** The result of an execution, for tests and the bench. */
  async finished(userId: string): Promise<unknown> {
    return this.executions.get(`approval-${userId}`)?.result;
  }

  async resume(taskToken: string, decision: ReviewDecision): Promise<void> {
    const waiter = this.waiting.get(taskToken);
    if (!waiter) throw new TaskFailure('TaskTimedOut', 'No workflow is waiting on this task token');
    this.waiting.delete(taskToken);
    waiter.resolve(decision);
  }

  stop(): void {
    for (const { reject } of this.waiting.values()) reject(new TaskFailure('States.Runtime', 'Local runtime stopped'));
    this.waiting.clear();
    for (const { abort } of this.executions.values()) abort();
  }

  private taskHandlers(token: string): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const waitsForToken = JSON.stringify(state.Parameters ?? {}).includes('$$.Task.Token');
      handlers[name] = waitsForToken
        ? async (input) => {
          // lambda:invoke.waitForTaskToken passes {FunctionName, Payload}; the output is the decision.
          const decided = new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
          try {
            await this.flows((input as { Payload: unknown }).Payload);
          } catch (error) {
            this.waiting.delete(token);
            throw error;
          }
          return decided;
        }
        : (input) => this.flows(input);
    }
    return handlers;
  }
}

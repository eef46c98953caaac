import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { ApprovalWorkflow, ReviewDecision } from '../../shared/ports/workflow.js';

type FlowsHandler = (event: unknown) => Promise<unknown>;
type Definition = { StartAt: string; States: Record<string, Record<string, unknown>> };

/** An execution waiting on a task token, as kept on disk so a restart can pick it up. */
interface Waiting {
  userId: string;
  state: string;
  token: string;
  input: unknown;
  timeoutAt: string;
}

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
 * Waiting executions are kept in a file: after a restart they wait again, with the same token
 * and the time they had left, so a user waiting for review is still decidable.
 */
export class LocalFlowRunner implements ApprovalWorkflow {
  private readonly waiters = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();
  private readonly executions = new Map<string, { result: Promise<unknown>; abort: () => void }>();
  private stopping = false;

  constructor(
    private readonly definition: Definition,
    private readonly flows: FlowsHandler,
    private readonly onError: (error: unknown) => void,
    /** Where waiting executions are kept; none: not kept (tests). */
    private readonly stateFile?: string,
    /** Tests shorten every Retry pause to this many milliseconds; the definition's own otherwise. */
    private readonly retryPauseMs?: number,
  ) {}

  async start(userId: string): Promise<boolean> {
    const name = `approval-${userId}`;
    if (this.executions.has(name) || this.loadWaiting().some((waiting) => waiting.userId === userId)) return false;
    this.run(name, this.definition, { userId }, randomBytes(32).toString('base64url'));
    return true;
  }

  /** Picks up the executions that were waiting when the runtime stopped. */
  restore(): number {
    const waiting = this.loadWaiting();
    for (const entry of waiting) {
      const remainingSeconds = Math.ceil((new Date(entry.timeoutAt).getTime() - Date.now()) / 1000);
      const state = this.definition.States[entry.state]!;
      const resumed: Definition = {
        ...this.definition,
        StartAt: entry.state,
        States: { ...this.definition.States, [entry.state]: { ...state, TimeoutSeconds: Math.max(1, remainingSeconds) } },
      };
      this.run(`approval-${entry.userId}`, resumed, entry.input, entry.token, { noValidate: true });
    }
    return waiting.length;
  }

  /** The result of an execution, for tests and the bench. */
  async finished(userId: string): Promise<unknown> {
    return this.executions.get(`approval-${userId}`)?.result;
  }

  async resume(taskToken: string, decision: ReviewDecision): Promise<void> {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) throw new TaskFailure('TaskTimedOut', 'No workflow is waiting on this task token');
    this.waiters.delete(taskToken);
    waiter.resolve(decision);
  }

  /**
   * Stops running executions without failing them (a failure would be recorded on the user):
   * the waiting ones stay on disk for the next start.
   */
  stop(): void {
    this.stopping = true;
    this.waiters.clear();
    for (const { abort } of this.executions.values()) abort();
  }

  private run(name: string, definition: Definition, input: unknown, token: string, validation: { noValidate?: boolean } = {}) {
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false, ...validation } });
    const userId = (input as { userId: string }).userId;
    const execution = machine.run(input as never, {
      context: { Execution: { Id: name, Name: name, Input: input as never, StartTime: new Date().toISOString() }, Task: { Token: token } },
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(definition, userId, token) as never,
        ...(this.retryPauseMs === undefined ? {} : {
          retryIntervalOverrides: Object.fromEntries(Object.keys(definition.States).map((state) => [state, this.retryPauseMs!])),
        }),
      },
      noThrowOnAbort: true,
    });
    const result = execution.result.catch((error: unknown) => {
      this.onError(error);
      return undefined;
    }).finally(() => this.forgetWaiting(userId));
    this.executions.set(name, { result, abort: execution.abort });
  }

  private taskHandlers(definition: Definition, userId: string, token: string): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      const waitsForToken = JSON.stringify(state.Parameters ?? {}).includes('$$.Task.Token');
      handlers[name] = waitsForToken
        ? async (input) => {
          // lambda:invoke.waitForTaskToken passes {FunctionName, Payload}; the output is the decision.
          const decided = new Promise<unknown>((resolve, reject) => this.waiters.set(token, { resolve, reject }));
          const payload = (input as { Payload: Record<string, unknown> }).Payload;
          const timeoutSeconds = Number(state.TimeoutSeconds ?? 60);
          this.keepWaiting({
            userId, state: name, token, input: { userId, screening: payload.screening },
            timeoutAt: new Date(Date.now() + timeoutSeconds * 1000).toISOString(),
          });
          try {
            await this.flows(payload);
          } catch (error) {
            this.waiters.delete(token);
            throw error;
          }
          return decided;
        }
        : (input) => this.flows(input);
    }
    return handlers;
  }

  private loadWaiting(): Waiting[] {
    if (!this.stateFile || !existsSync(this.stateFile)) return [];
    return JSON.parse(readFileSync(this.stateFile, 'utf8')) as Waiting[];
  }

  private saveWaiting(waiting: Waiting[]): void {
    if (!this.stateFile) return;
    mkdirSync(dirname(this.stateFile), { recursive: true });
    writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(waiting, null, 2), { mode: 0o600 });
    renameSync(`${this.stateFile}.tmp`, this.stateFile);
  }

  private keepWaiting(entry: Waiting): void {
    const waiting = this.loadWaiting();
    // A restored execution keeps its original deadline.
    const previous = waiting.find((kept) => kept.userId === entry.userId && kept.token === entry.token);
    this.saveWaiting([...waiting.filter((kept) => kept.userId !== entry.userId), previous ?? entry]);
  }

  private forgetWaiting(userId: string): void {
    // An execution aborted by stop() stays kept; one that ended for real is forgotten.
    if (this.stopping) return;
    this.saveWaiting(this.loadWaiting().filter((waiting) => waiting.userId !== userId));
  }
}

import { App, Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Function as LambdaFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice, Condition, DefinitionBody, Errors, Fail, IntegrationPattern, JsonPath, LogLevel, StateGraph, StateMachine,
  StateMachineType, Succeed, TaskInput, type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** The tasks the flows function performs, one per step of the approval workflow. */
export const approvalTasks = ['screen', 'awaitReview', 'approve', 'reject', 'expire', 'recordFailure'] as const;
export type ApprovalTask = (typeof approvalTasks)[number];

/** Raised by the screening task when the civil-service registry cannot be reached. */
export const registryUnavailableError = 'RegistryUnavailable';

export interface ApprovalFlowProps {
  flowsFunction: IFunction;
  /** How long a verifier has to decide before the application expires. */
  reviewTimeout: Duration;
}

/**
 * The approval workflow (DESIGN flow 3), defined once. AWS runs it as a Standard state machine;
 * the local runtime runs the very same definition (see `renderDefinition`).
 *
 * screen ─ MATCH ─────────────────────────────→ approve
 *   │ (no match, or registry still down after retries)
 *   └→ awaitReview (task token, timeout) ─ APPROVE → approve
 *                      │                   └ REJECT → reject
 *                      └ timeout → expire
 * Any task that still fails after its retries → recordFailure → Fail.
 */
export function approvalDefinition(scope: Construct, flowsFunction: IFunction, reviewTimeout: Duration): IChainable {
  // Steps keep the execution's input (userId) and add their result where one is named.
  const invoke = (id: string, task: ApprovalTask, extra: Record<string, unknown> = {}, resultPath: string = JsonPath.DISCARD) =>
    new LambdaInvoke(scope, id, {
      lambdaFunction: flowsFunction,
      payload: TaskInput.fromObject({ task, 'userId.$': '$.userId', ...extra }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultPath,
    });

  const recordFailure = invoke('RecordFailure', 'recordFailure', { 'error.$': '$.failure' })
    .next(new Fail(scope, 'Failed', { error: 'ApprovalFailed', cause: 'A workflow step failed after its retries; see the user record.' }));
  const guard = <T extends LambdaInvoke>(task: T): T => {
    task.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.failure' });
    return task;
  };

  const approve = guard(invoke('Approve', 'approve')).next(new Succeed(scope, 'Approved'));
  const reject = guard(invoke('Reject', 'reject', { 'decision.$': '$.decision' })).next(new Succeed(scope, 'Rejected'));
  const expire = guard(invoke('Expire', 'expire')).next(new Succeed(scope, 'Expired'));

  const awaitReview = new LambdaInvoke(scope, 'AwaitReview', {
    lambdaFunction: flowsFunction,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({
      task: 'awaitReview',
      'userId.$': '$.userId',
      'screening.$': '$.screening',
      taskToken: JsonPath.taskToken,
    }),
    taskTimeout: { seconds: reviewTimeout.toSeconds() },
    resultPath: '$.decision',
  });
  awaitReview.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
  guard(awaitReview);
  awaitReview.next(new Choice(scope, 'Decision')
    .when(Condition.stringEquals('$.decision.decision', 'APPROVE'), approve)
    .otherwise(reject));

  const screen = invoke('Screen', 'screen', {}, '$.screening');
  screen.addRetry({ errors: [registryUnavailableError], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 4 });
  // A registry that stays down sends the application to a person rather than losing it.
  screen.addCatch(awaitReview, { errors: [registryUnavailableError], resultPath: '$.screening' });
  guard(screen);

  return screen.next(new Choice(scope, 'Screened')
    .when(Condition.stringEquals('$.screening.outcome', 'MATCH'), approve)
    .otherwise(awaitReview));
}

export class ApprovalFlow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ApprovalFlowProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.SIX_MONTHS });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(approvalDefinition(this, props.flowsFunction, props.reviewTimeout)),
      // Execution data holds personal data (NIK, names): log the events, not their contents.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      // Longer than any review can wait, so a stuck execution ends on its own.
      timeout: props.reviewTimeout.plus(Duration.days(1)),
    });
    NagSuppressions.addResourceSuppressions(this.stateMachine, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Step Functions invokes the flows function by any version (<arn>:*) and delivers logs/X-Ray traces, which support no resource scoping.',
      appliesTo: ['Resource::*', { regex: '/^Resource::<.*Flows.*\\.Arn>:\\*$/g' }],
    }], true);
  }

  /**
   * The Amazon States Language of the workflow, rendered from the same definition for the local
   * flow runner. Task resources are placeholders: locally every task is bound to the flows handler.
   */
  static renderDefinition(reviewTimeout: Duration): { StartAt: string; States: Record<string, Record<string, unknown>> } {
    const stack = new Stack(new App(), 'LocalFlow', { env: { account: '000000000000', region: 'ap-southeast-3' } });
    const placeholder = new LambdaFunction(stack, 'Flows', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({})'),
      functionName: 'tte-local-flows',
    });
    const graph = new StateGraph(approvalDefinition(stack, placeholder, reviewTimeout).startState, 'ApprovalFlow');
    const rendered = stack.resolve(graph.toGraphJson()) as { StartAt: string; States: Record<string, Record<string, unknown>> };
    for (const state of Object.values(rendered.States)) {
      if (state.Type === 'Task') {
        state.Resource = state.Resource === undefined || typeof state.Resource === 'string'
          ? state.Resource ?? 'arn:aws:lambda:ap-southeast-3:000000000000:function:tte-local-flows'
          : 'arn:aws:lambda:ap-southeast-3:000000000000:function:tte-local-flows';
      }
    }
    return rendered;
  }
}

import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import {
  Alarm, AlarmStatusWidget, ComparisonOperator, Dashboard, GraphWidget, LogQueryWidget, Metric,
  TextWidget, TreatMissingData, type IAlarm, type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { businessMetricNames, businessMetricsDimension, businessMetricsNamespace, type BusinessMetricName } from '../../shared/domain/business-metrics.js';
import { ServiceFunction } from './service-function.js';

/** SES puts an account under review at a 5 % bounce rate and a 0.1 % complaint rate; these alarm first. */
export const sesBounceRateThreshold = 0.04;
export const sesComplaintRateThreshold = 0.0008;
/** The outbox is behind when the oldest stream record it has not handled is older than this. */
export const outboxMaxAgeSeconds = 300;
/** Share of the API's answers that may be 5xx over five minutes before it alarms. */
export const apiServerErrorRateThreshold = 0.01;

export interface MonitoringProps {
  stage: string;
  /** Who the alarm topic e-mails (validated in infra/stage-config.ts); none: no subscription. */
  alarmEmails: readonly string[];
  monthlyBudgetUsd: number;
  restApi: RestApi;
  apiAccessLogs: ILogGroup;
  /** The function on the table stream that sends the outbox's e-mails. */
  outbox: ServiceFunction;
  approvalFlow: IStateMachine;
  /** The dashboard (the stage setting `dashboard`); true when absent. The alarms exist either way. */
  dashboard?: boolean;
}

/**
 * What tells the operators something is wrong before an agency calls: one SNS topic (TLS only)
 * with the alarms and the cost budget on it, and one dashboard where the stage wants it. Made last in the stack:
 * it finds every ServiceFunction made before it (their 5xx and p95 alarms, their panels).
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard?: Dashboard;
  readonly budget: CfnBudget;
  /** Every alarm that reaches the topic, by a short name (tests, the alarm status widget). */
  readonly alarms = new Map<string, IAlarm>();
  /** The same alarms, in the array the status widget reads at synthesis (DLQs are added later). */
  private readonly alarmList: IAlarm[] = [];
  private readonly stage: string;
  private readonly deadLetterWidget?: GraphWidget;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.stage = props.stage;
    const stack = Stack.of(this);
    const functions = stack.node.findAll().filter((construct): construct is ServiceFunction => construct instanceof ServiceFunction);

    // No KMS key of its own ($1 a month and a key policy for CloudWatch and Budgets): the topic
    // carries alarm names, thresholds and cost figures, never personal data, and then goes out as
    // plain e-mail. The AWS managed aws/sns key cannot be used, as CloudWatch alarms may not use it.
    this.topic = new Topic(this, 'AlarmTopic', {
      topicName: `tte-${props.stage}-alarms`,
      displayName: `TTE ${props.stage} alarms`,
      enforceSSL: true,
    });
    NagSuppressions.addResourceSuppressions(this.topic, [{
      id: 'AwsSolutions-SNS2',
      reason: 'Alarm and budget notifications only (alarm names, metric values, cost amounts; no personal data), delivered by e-mail in the clear anyway; a customer managed key would cost $1 a month for no protection, and CloudWatch alarms cannot publish to a topic under the AWS managed aws/sns key.',
    }]);
    this.topic.addToResourcePolicy(new PolicyStatement({
      principals: [new ServicePrincipal('budgets.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*` },
      },
    }));
    for (const email of props.alarmEmails) this.topic.addSubscription(new EmailSubscription(email));

    const minute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);

    // Per function: its server errors and its p95 over target (made with the function, as they
    // also roll its deployments back).
    for (const fn of functions) {
      if (fn.serverErrorsAlarm) this.notify(`${fn.context}-server-errors`, fn.serverErrorsAlarm);
      if (fn.latencyAlarm) this.notify(`${fn.context}-p95-latency`, fn.latencyAlarm);
    }

    // The whole API, API Gateway's own 5xx included (integration timeouts at 29 s, throttled invokes).
    this.notify('api-server-error-rate', new Alarm(this, 'ApiServerErrorRate', {
      alarmName: `tte-${props.stage}-api-5xx-rate`,
      alarmDescription: `More than ${apiServerErrorRateThreshold * 100} % of the API's answers were 5xx over 5 minutes: see docs/operations.md "API 5xx rate".`,
      metric: props.restApi.metricServerError({ statistic: 'Average', period: fiveMinutes }),
      threshold: apiServerErrorRateThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));

    const outboxAge = props.outbox.fn.metric('IteratorAge', { statistic: 'Maximum', period: minute });
    this.notify('outbox-backlog', new Alarm(this, 'OutboxBacklog', {
      alarmName: `tte-${props.stage}-outbox-backlog`,
      alarmDescription: `The outbox has an e-mail older than ${outboxMaxAgeSeconds / 60} minutes not yet handled (table stream IteratorAge): see docs/operations.md "Outbox backlog".`,
      metric: outboxAge,
      // IteratorAge is in milliseconds.
      threshold: outboxMaxAgeSeconds * 1000,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));

    const failed = props.approvalFlow.metricFailed({ period: fiveMinutes, statistic: 'Sum' });
    const timedOut = props.approvalFlow.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' });
    this.notify('approval-failed', new Alarm(this, 'ApprovalFailed', {
      alarmName: `tte-${props.stage}-approval-failed`,
      alarmDescription: 'An approval workflow execution failed (a step still failing after its retries): see docs/operations.md "Approval executions failed or timed out".',
      metric: failed,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));
    this.notify('approval-timed-out', new Alarm(this, 'ApprovalTimedOut', {
      alarmName: `tte-${props.stage}-approval-timed-out`,
      alarmDescription: 'An approval workflow execution reached its own time limit (a review that never ended): see docs/operations.md "Approval executions failed or timed out".',
      metric: timedOut,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));

    // The account's throttles, all functions together (one metric, no per-function alarm): no
    // function here reserves concurrency, so they throttle when the region's concurrency pool,
    // which every stage in the account shares, runs out; the dashboard shows which functions.
    const accountThrottles = new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: fiveMinutes });
    this.notify('lambda-throttles', new Alarm(this, 'LambdaThrottles', {
      alarmName: `tte-${props.stage}-lambda-throttles`,
      alarmDescription: 'Lambda throttled invocations in this account and region: see docs/operations.md "Lambda throttles".',
      metric: accountThrottles,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));

    // SES reputation is the account's (every stage sending from it), measured by SES over its
    // recent sends; it reports these metrics only while the account sends.
    const bounceRate = new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: Duration.minutes(15) });
    const complaintRate = new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: Duration.minutes(15) });
    this.notify('ses-bounce-rate', new Alarm(this, 'SesBounceRate', {
      alarmName: `tte-${props.stage}-ses-bounce-rate`,
      alarmDescription: `The SES account's bounce rate is over ${sesBounceRateThreshold * 100} % (SES reviews the account at 5 %): see docs/operations.md "SES bounce rate".`,
      metric: bounceRate,
      threshold: sesBounceRateThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));
    this.notify('ses-complaint-rate', new Alarm(this, 'SesComplaintRate', {
      alarmName: `tte-${props.stage}-ses-complaint-rate`,
      alarmDescription: `The SES account's complaint rate is over ${sesComplaintRateThreshold * 100} % (SES reviews the account at 0.1 %): see docs/operations.md "SES complaint rate".`,
      metric: complaintRate,
      threshold: sesComplaintRateThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }));

    // The account's cost (AWS Budgets sees cost by account, not by stack), actual and forecast.
    const notification = (notificationType: 'ACTUAL' | 'FORECASTED'): CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers: [{ subscriptionType: 'SNS', address: this.topic.topicArn }],
    });
    this.budget = new CfnBudget(this, 'MonthlyCost', {
      budget: {
        budgetName: `tte-${props.stage}-monthly-cost`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyBudgetUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [notification('ACTUAL'), notification('FORECASTED')],
    });
    // The topic policy must exist before Budgets checks it may publish.
    const topicPolicy = this.topic.node.tryFindChild('Policy');
    if (topicPolicy) this.budget.node.addDependency(topicPolicy);

    // ---- the dashboard ----
    const api = props.restApi;
    const withLabel = (metric: IMetric, label: string): IMetric => (metric instanceof Metric ? metric.with({ label }) : metric);
    const perFunction = (make: (fn: ServiceFunction) => IMetric | undefined): IMetric[] =>
      functions.flatMap((fn) => { const metric = make(fn); return metric ? [withLabel(metric, fn.context)] : []; });
    const business = (names: readonly BusinessMetricName[]): IMetric[] => names.map((metricName) => new Metric({
      namespace: businessMetricsNamespace,
      metricName,
      dimensionsMap: { [businessMetricsDimension]: props.stage },
      statistic: 'Sum',
      period: Duration.days(1),
      label: metricName,
    }));
    const groups: [string, BusinessMetricName[]][] = [
      ['Enrolment per day', ['Registrations', 'Applications', 'Submissions', 'Approvals', 'Rejections']],
      ['Certificates and signatures per day', ['CertificatesIssued', 'CertificatesRevoked', 'DocumentsSigned', 'HashesSigned', 'Verifications']],
      ['E-mails per day', ['EmailsSent', 'EmailsDelivered', 'EmailsBounced', 'EmailsComplained']],
    ];
    const grouped = new Set(groups.flatMap(([, names]) => names));
    const ungrouped = businessMetricNames.filter((name) => !grouped.has(name));
    if (ungrouped.length > 0) groups.push(['Other business events per day', [...ungrouped]]);

    if (props.dashboard === false) return;
    this.deadLetterWidget = new GraphWidget({ title: 'Dead-letter queues: messages waiting', width: 8, left: [] });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `tte-${props.stage}`, defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(new TextWidget({
      markdown: `# TTE ${props.stage}\nAlarms e-mail the topic \`tte-${props.stage}-alarms\`; what each means and what to do: docs/operations.md.`,
      width: 24, height: 2,
    }));
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarmList, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests', width: 8, left: [api.metricCount({ statistic: 'Sum', period: fiveMinutes, label: 'requests' })] }),
      new GraphWidget({
        title: 'API 4xx and 5xx', width: 8,
        left: [api.metricClientError({ statistic: 'Sum', period: fiveMinutes, label: '4xx' }), api.metricServerError({ statistic: 'Sum', period: fiveMinutes, label: '5xx' })],
      }),
      new GraphWidget({ title: 'API p95 latency (ms)', width: 8, left: [api.metricLatency({ statistic: 'p95', period: fiveMinutes, label: 'p95' })] }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Requests per function (invocations)', width: 8, left: perFunction((fn) => fn.target.metricInvocations({ statistic: 'Sum', period: fiveMinutes })) }),
      new GraphWidget({
        title: 'Server errors per function', width: 8,
        left: perFunction((fn) => (fn.serverErrorsAlarm ? fn.serverErrorsAlarm.metric : fn.fn.metricErrors({ statistic: 'Sum', period: fiveMinutes }))),
      }),
      new GraphWidget({
        title: 'p95 duration per function (ms)', width: 8,
        left: perFunction((fn) => fn.target.metricDuration({ statistic: 'p95', period: fiveMinutes })),
      }),
    );
    // Per-function 4xx would need API Gateway's detailed (per-method, billed) metrics; the access
    // log has the status and the route of every answer, and the route names its function.
    this.dashboard.addWidgets(new LogQueryWidget({
      title: '4xx and 5xx answers per route (API access log)',
      logGroupNames: [props.apiAccessLogs.logGroupName],
      queryLines: ['fields status, resourcePath', 'filter status >= 400', 'stats count(*) as answers by resourcePath, status', 'sort answers desc', 'limit 25'],
      width: 24, height: 6,
    }));
    this.dashboard.addWidgets(...groups.map(([title, names]) => new GraphWidget({ title, width: 6, left: business(names), stacked: false, period: Duration.days(1) })));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Outbox: oldest unhandled record (ms)', width: 8, left: [withLabel(outboxAge, 'IteratorAge max')],
        leftAnnotations: [{ value: outboxMaxAgeSeconds * 1000, label: 'alarm' }],
      }),
      this.deadLetterWidget,
      new GraphWidget({
        title: 'Approval workflow executions', width: 8,
        left: [
          props.approvalFlow.metricStarted({ period: fiveMinutes, statistic: 'Sum', label: 'started' }),
          withLabel(failed, 'failed'),
          withLabel(timedOut, 'timed out'),
        ],
      }),
    );
    // KMS publishes no throttle metric for KMS-held keys; AWS/Usage counts the calls per operation,
    // to hold against the quotas (a throttled call answers 503 and counts as a server error).
    const kmsCalls = ['Sign', 'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateMac'].map((operation) => new Metric({
      namespace: 'AWS/Usage', metricName: 'CallCount',
      dimensionsMap: { Service: 'KMS', Type: 'API', Resource: operation, Class: 'None' },
      statistic: 'Sum', period: minute, label: operation,
    }));
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'KMS calls per minute (against the KMS request quotas)', width: 8, left: kmsCalls }),
      new GraphWidget({
        title: 'Lambda throttles', width: 8,
        left: [accountThrottles.with({ label: 'all functions in the account' }), ...perFunction((fn) => fn.fn.metricThrottles({ statistic: 'Sum', period: fiveMinutes }))],
      }),
      new GraphWidget({
        title: 'SES reputation (account)', width: 8,
        left: [withLabel(bounceRate, 'bounce rate'), withLabel(complaintRate, 'complaint rate')],
        leftAnnotations: [
          { value: sesBounceRateThreshold, label: 'bounce alarm' },
          { value: sesComplaintRateThreshold, label: 'complaint alarm' },
        ],
      }),
    );
  }

  /**
   * Alarms when a dead-letter queue holds any message (something was given up on), and shows its
   * depth on the dashboard. For every DLQ of the stack.
   */
  watchDeadLetterQueue(name: string, queue: IQueue): Alarm {
    const depth = queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) });
    this.deadLetterWidget?.addLeftMetric(depth.with({ label: name }));
    const alarm = new Alarm(this, `${name}Messages`, {
      alarmName: `tte-${this.stage}-dlq-${name}`,
      alarmDescription: `The ${name} dead-letter queue holds a message: work was given up on after its retries. See docs/operations.md "Dead-letter queue".`,
      metric: depth,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(`dlq-${name}`, alarm);
    return alarm;
  }

  private notify(name: string, alarm: IAlarm): void {
    if (this.alarms.has(name)) throw new Error(`Two alarms named ${name}`);
    this.alarms.set(name, alarm);
    this.alarmList.push(alarm);
    if (alarm instanceof Alarm) {
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
    }
  }
}

/**
 * Operations (issue 14): stages from cdk.json, gradual deploys of the API functions, alarms to one
 * topic, the dashboard, the cost budget, the SES identity and the backups. Staging and prod are
 * synthesized side by side in one app, as one account would hold them.
 */
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.js';
import { liveAliasName } from '../../infra/constructs/service-function.js';
import { resolveStage, stageSettingsSchema } from '../../infra/stage-config.js';
import { pkiRoutes } from '../../functions/pki/routes.js';
import { verificationRoutes } from '../../functions/verification/routes.js';
import { businessMetricNames, businessMetricsDimension, businessMetricsNamespace } from '../../shared/domain/business-metrics.js';
import {
  actionsOf, apiResourcePaths, asArray, cdkContext, flatten, formatFindings, functionsByContext, grantsOf, logicalIdOf, methodPath,
  nagFindings, props, resourceById, resourcesOf, resourcesText, roleStatements, stageSettingsOf, synthesizeStages, type CfnResource,
} from './support.js';

// One synthesis for the whole file: staging and prod in one app.
const stages = synthesizeStages(['staging', 'prod']);
const prod = stages.get('prod')!;
const staging = stages.get('staging')!;
const template = prod.serviceTemplate;
const settings = stageSettingsOf('prod');

const context = (overrides: Record<string, unknown> = {}) => (key: string): unknown => (key in overrides ? overrides[key] : cdkContext[key]);
const defaults = cdkContext['tte:defaults'] as Record<string, unknown>;
const stageBlocks = cdkContext['tte:stages'] as Record<string, Record<string, unknown>>;

const apiContexts = ['enrollment', 'accounts', 'certificates', 'pki', 'signing', 'verification', 'operator', 'web', 'docs'] as const;
const byContext = functionsByContext(template);
const fnId = (name: string): string => {
  const found = byContext.get(name);
  if (found?.length !== 1) throw new Error(`expected one ${name} function, found ${found?.length ?? 0}`);
  return found[0]!.logicalId;
};

const aliases = resourcesOf(template, 'AWS::Lambda::Alias');
/** The alias `live` of a function (by the function's logical id). */
const aliasOf = (functionId: string): [string, CfnResource] => {
  const found = aliases.filter(([, alias]) => flatten(props(alias).FunctionName) === `<${functionId}>`);
  if (found.length !== 1) throw new Error(`expected one alias of ${functionId}, found ${found.length}`);
  return found[0]!;
};

const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
const topics = resourcesOf(template, 'AWS::SNS::Topic');
const topicId = topics[0]![0];
/** The alarm named `tte-prod-<suffix>`. */
const alarm = (suffix: string): Record<string, unknown> => {
  const found = alarms.filter(([, candidate]) => props(candidate).AlarmName === `tte-prod-${suffix}`);
  if (found.length !== 1) throw new Error(`expected one alarm tte-prod-${suffix}, found ${found.length}`);
  return props(found[0]![1]);
};
const dimensions = (alarmProps: Record<string, unknown>) =>
  Object.fromEntries(asArray(alarmProps.Dimensions as { Name: string; Value: unknown }[]).map((dimension) => [dimension.Name, flatten(dimension.Value)]));

describe('stages: cdk.json "tte:defaults" + "tte:stages".<stage> + -c tte:*', () => {
  it('gives a stage the defaults, with its own block over them', () => {
    const { settings: resolved } = resolveStage(context(), 'staging');
    expect(resolved.webBaseUrl).toBe(stageBlocks.staging!.webBaseUrl);
    expect(resolved.webBaseUrl).not.toBe(defaults.webBaseUrl);
    expect(resolved.certificateValidityDays).toBe(defaults.certificateValidityDays);
    expect(resolved.alarmEmails).toEqual(stageBlocks.staging!.alarmEmails);
  });

  it('has every setting in the defaults, so any stage block may be empty', () => {
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(stageSettingsSchema.shape).sort());
    const empty = resolveStage(context({ 'tte:stages': { ...stageBlocks, preview: {} } }), 'preview');
    expect(empty.settings.webBaseUrl).toBe(defaults.webBaseUrl);
  });

  it('lets -c tte:<setting>=... override both (a comma-separated list for the alarm e-mails)', () => {
    const { settings: resolved } = resolveStage(context({ 'tte:monthlyBudgetUsd': '75', 'tte:alarmEmails': 'a@example.go.id, b@example.go.id' }), 'prod');
    expect(resolved.monthlyBudgetUsd).toBe(75);
    expect(resolved.alarmEmails).toEqual(['a@example.go.id', 'b@example.go.id']);
  });

  it('refuses a stage without a block, naming it and the known ones (a typo must not deploy new stacks)', () => {
    expect(() => resolveStage(context(), 'prdo')).toThrow(/Stage "prdo" has no configuration block.*known stages: dev, staging, prod/);
    expect(() => buildApp(new App({ context: { ...cdkContext, stage: 'prdo', 'aws:cdk:bundling-stacks': [] } }))).toThrow(/Stage "prdo"/);
  });

  it('refuses an alarm e-mail that is not an address, an unknown setting and a bad stage name, naming each', () => {
    expect(() => resolveStage(context({ 'tte:alarmEmails': 'ops-at-example' }), 'prod')).toThrow(/alarmEmails\.0: not an e-mail address: "ops-at-example"/);
    expect(() => resolveStage(context({ 'tte:stages': { ...stageBlocks, prod: { alarmEmail: ['x@example.go.id'] } } }), 'prod')).toThrow(/unknown setting\(s\) alarmEmail/);
    expect(() => resolveStage(context(), 'Prod_1')).toThrow(/"Prod_1" is not a valid stage name/);
    expect(() => resolveStage(context({ 'tte:monthlyBudgetUsd': 'banyak' }), 'prod')).toThrow(/monthlyBudgetUsd/);
  });

  it('refuses a sending domain that is not mailFrom\'s (the outbox may send only as that identity)', () => {
    expect(() => resolveStage(context({ 'tte:mailDomain': 'other.example.go.id' }), 'prod')).toThrow(/mailFrom's domain \(tte\.example\.go\.id\) must be mailDomain \(other\.example\.go\.id\)/);
  });

  it('builds dev when no stage is asked for, and the stage asked for with -c stage=<name>', () => {
    expect(resolveStage(context(), 'dev').stage).toBe('dev');
    const built = buildApp(new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } }));
    expect([built.stateful.stackName, built.service.stackName]).toEqual(['Tte-dev-Stateful', 'Tte-dev-Service']);
  });
});

describe('stages: two stages side by side in one account', () => {
  /** Names that are unique within an account and region, per resource type. */
  const physicalNames = (templates: Template[]): string[] => templates.flatMap((t) => {
    const resources = Object.values((t.toJSON() as { Resources: Record<string, CfnResource> }).Resources);
    return resources.flatMap((resource) => {
      const p = props(resource);
      const named: unknown[] = {
        'AWS::CloudWatch::Alarm': [p.AlarmName],
        'AWS::CloudWatch::Dashboard': [p.DashboardName],
        'AWS::SNS::Topic': [p.TopicName],
        'AWS::Budgets::Budget': [(p.Budget as { BudgetName?: unknown } | undefined)?.BudgetName],
        'AWS::Backup::BackupVault': [p.BackupVaultName],
        'AWS::Backup::BackupPlan': [(p.BackupPlan as { BackupPlanName?: unknown } | undefined)?.BackupPlanName],
        'AWS::CodeDeploy::Application': [p.ApplicationName],
        'AWS::ApiGateway::RestApi': [p.Name],
        'AWS::SES::EmailIdentity': [p.EmailIdentity],
        'AWS::Logs::MetricFilter': asArray(p.MetricTransformations as { MetricNamespace: string; MetricName: string }[]).map((m) => `${m.MetricNamespace}/${m.MetricName}`),
      }[resource.Type] ?? [];
      return named.filter((name): name is string => typeof name === 'string').map((name) => `${resource.Type} ${name}`);
    });
  });
  const prodNames = physicalNames([prod.statefulTemplate, prod.serviceTemplate]);
  const stagingNames = physicalNames([staging.statefulTemplate, staging.serviceTemplate]);

  it('gives the stacks names of their own', () => {
    expect([prod.stateful.stackName, prod.service.stackName]).toEqual(['Tte-prod-Stateful', 'Tte-prod-Service']);
    expect([staging.stateful.stackName, staging.service.stackName]).toEqual(['Tte-staging-Stateful', 'Tte-staging-Service']);
  });

  it('gives every physical name the stage, so none is shared', () => {
    expect(prodNames.length).toBeGreaterThan(30);
    // Staging has no dashboard (cdk.json "dashboard": false); everything else is named in both.
    expect(prodNames.filter((name) => !name.startsWith('AWS::CloudWatch::Dashboard')).length).toBe(stagingNames.length);
    expect(stagingNames.filter((name) => name.startsWith('AWS::CloudWatch::Dashboard'))).toEqual([]);
    // The SES identity is the stage's own mail domain (cdk.json gives each stage its own).
    for (const name of prodNames.filter((n) => !n.startsWith('AWS::SES::EmailIdentity'))) expect(name).toMatch(/prod/);
    for (const name of stagingNames.filter((n) => !n.startsWith('AWS::SES::EmailIdentity'))) expect(name).toMatch(/staging/);
    expect(prodNames.filter((name) => stagingNames.includes(name))).toEqual([]);
    expect(new Set(prodNames).size).toBe(prodNames.length);
  });

  it('names no function, table, bucket, queue, role, log group or state machine (CloudFormation makes them unique)', () => {
    const named = ['FunctionName', 'TableName', 'BucketName', 'QueueName', 'RoleName', 'LogGroupName', 'StateMachineName', 'KeyName'];
    for (const t of [prod.statefulTemplate, prod.serviceTemplate]) {
      for (const resource of Object.values((t.toJSON() as { Resources: Record<string, CfnResource> }).Resources)) {
        for (const property of named) expect(typeof props(resource)[property], `${resource.Type}.${property}`).not.toBe('string');
      }
    }
  });

  it('keeps each service stack within CloudFormation\'s 500 resources, with a margin of 50 (see service-stack.test.ts)', () => {
    for (const [stage, built] of stages) expect(Object.keys(built.serviceTemplate.toJSON().Resources as object).length, stage).toBeLessThan(450);
  });
});

describe('safe deploys: API functions behind the alias `live`, canary 10 % for 5 minutes', () => {
  const groups = resourcesOf(template, 'AWS::CodeDeploy::DeploymentGroup');

  it.each(apiContexts)('%s publishes a version behind the alias live', (name) => {
    const [, alias] = aliasOf(fnId(name));
    expect(props(alias).Name).toBe(liveAliasName);
    const versionId = flatten(props(alias).FunctionVersion).match(/^<(\w+)\.Version>$/)?.[1] ?? '(no version)';
    const version = resourceById(template, versionId);
    expect(version.Type).toBe('AWS::Lambda::Version');
    expect(flatten(props(version).FunctionName)).toBe(`<${fnId(name)}>`);
  });

  it.each(apiContexts)('%s: every API method integrating it targets its alias, and only the alias may be invoked by API Gateway', (name) => {
    const [aliasId] = aliasOf(fnId(name));
    const paths = apiResourcePaths(template);
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method')
      .map(([, method]) => ({ path: methodPath(method, paths), uri: flatten((props(method).Integration as { Uri?: unknown } | undefined)?.Uri) }))
      .filter((method) => method.uri.includes(`<${aliasId}>`) || method.uri.includes(`<${fnId(name)}.Arn>`));
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(method.uri, method.path).toContain(`<${aliasId}>`);
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission').filter(([, permission]) => props(permission).Principal === 'apigateway.amazonaws.com'
      && [`<${aliasId}>`, `<${fnId(name)}.Arn>`, `<${fnId(name)}>`].includes(flatten(props(permission).FunctionName)));
    expect(permissions.map(([, permission]) => flatten(props(permission).FunctionName))).toEqual([`<${aliasId}>`]);
  });

  it.each(apiContexts)('%s has a deployment group: canary 10 percent for 5 minutes, rolled back on its server-error and p95 alarms', (name) => {
    const [aliasId, alias] = aliasOf(fnId(name));
    const update = (alias as CfnResource & { UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: { DeploymentGroupName?: unknown } } }).UpdatePolicy?.CodeDeployLambdaAliasUpdate;
    const groupId = flatten(update?.DeploymentGroupName).match(/^<(\w+)>$/)?.[1] ?? '(no group)';
    const [, group] = groups.find(([id]) => id === groupId) ?? [groupId, undefined];
    expect(group, `deployment group of ${aliasId}`).toBeDefined();
    const groupProps = props(group!);
    expect(groupProps.DeploymentConfigName).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
    expect(groupProps.AutoRollbackConfiguration).toMatchObject({ Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) });
    const configuration = groupProps.AlarmConfiguration as { Enabled: boolean; Alarms: { Name: unknown }[] };
    expect(configuration.Enabled).toBe(true);
    const names = configuration.Alarms.map((entry) => flatten(entry.Name));
    const ids = (suffix: string) => alarms.filter(([, candidate]) => props(candidate).AlarmName === `tte-prod-${name}-${suffix}`).map(([id]) => `<${id}>`);
    expect(names.sort()).toEqual([...ids('server-errors'), ...ids('p95-latency')].sort());
  });

  it.each(apiContexts)('%s: the server-error alarm counts its crashes and its logged 500s; the latency alarm its p95 over its target', (name) => {
    const [aliasId] = aliasOf(fnId(name));
    const errors = alarm(`${name}-server-errors`);
    expect(errors).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    const queries = errors.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] } } }[];
    const stats = queries.flatMap((query) => (query.MetricStat ? [query.MetricStat.Metric] : []));
    const crashed = stats.find((metric) => metric.MetricName === 'Errors');
    expect(crashed?.Namespace).toBe('AWS/Lambda');
    expect(flatten(crashed?.Dimensions?.find((dimension) => dimension.Name === 'Resource')?.Value)).toBe(`<${fnId(name)}>:${liveAliasName}`);
    const handled = stats.find((metric) => metric.MetricName === `${name}.ServerErrors`);
    expect(handled?.Namespace).toBe('TTE/prod');
    const filters = resourcesOf(template, 'AWS::Logs::MetricFilter').filter(([, filter]) =>
      asArray(props(filter).MetricTransformations as { MetricName: string }[]).some((transform) => transform.MetricName === `${name}.ServerErrors`));
    expect(filters).toHaveLength(1);
    expect(props(filters[0]![1]).FilterPattern).toBe('{ ($.level = "ERROR") && ($.message = "Request failed") }');
    expect(queries.find((query) => query.Expression)?.Expression).toMatch(/FILL\(crashed_\w+, 0\) \+ FILL\(handled_\w+, 0\)/);
    expect(aliasId).toBeTruthy();

    const latency = alarm(`${name}-p95-latency`);
    expect(latency).toMatchObject({ MetricName: 'Duration', Namespace: 'AWS/Lambda', ExtendedStatistic: 'p95', ComparisonOperator: 'GreaterThanThreshold' });
    expect(dimensions(latency).Resource).toBe(`<${fnId(name)}>:${liveAliasName}`);
    expect(latency.Threshold).toBeGreaterThanOrEqual(300);
    expect(latency.Threshold).toBeLessThanOrEqual(3000);
  });

  it('lets the pages invoke the API functions only through their aliases, and tells them the aliases', () => {
    const webRole = byContext.get('web')![0]!.roleId;
    const invoked = grantsOf(roleStatements(template, webRole), 'lambda:InvokeFunction').flatMap(resourcesText).sort();
    const called = ['accounts', 'certificates', 'enrollment', 'operator', 'signing', 'verification'];
    expect(invoked).toEqual(called.map((name) => `<${aliasOf(fnId(name))[0]}>`).sort());
    const names = flatten(byContext.get('web')![0]!.environment.CONTEXT_FUNCTIONS);
    for (const name of called) expect(names).toContain(`<${aliasOf(fnId(name))[0]}>`);
  });

  it('gives functions off the API (flows, outbox, notices, billing) no alias: nothing routes traffic to them', () => {
    for (const name of ['flows', 'outbox', 'notices', 'billing']) expect(() => aliasOf(fnId(name))).toThrow(/found 0/);
  });

  it('shares one CodeDeploy application and one service role between the groups', () => {
    expect(resourcesOf(template, 'AWS::CodeDeploy::Application')).toHaveLength(1);
    expect(groups).toHaveLength(apiContexts.length);
    expect(new Set(groups.map(([, group]) => flatten(props(group).ServiceRoleArn))).size).toBe(1);
  });
});

describe('alarms: one TLS-only topic', () => {
  it('is one topic without a customer managed key (alarm figures only: no $1 key for it), denying requests without TLS', () => {
    expect(topics).toHaveLength(1);
    expect(props(topics[0]![1]).KmsMasterKeyId).toBeUndefined();
    // The service stack holds no KMS key at all: every key it uses is the stateful stack's.
    expect(resourcesOf(template, 'AWS::KMS::Key')).toEqual([]);
    const statements = resourcesOf(template, 'AWS::SNS::TopicPolicy')
      .filter(([, policy]) => asArray(props(policy).Topics as unknown[]).some((topic) => flatten(topic) === `<${topicId}>`))
      .flatMap(([, policy]) => asArray((props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('e-mails the stage\'s alarm recipients, and nobody when it has none', () => {
    const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription').map(([, subscription]) => props(subscription));
    expect(subscriptions.map((subscription) => subscription.Endpoint).sort()).toEqual([...settings.alarmEmails].sort());
    for (const subscription of subscriptions) expect(subscription).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topicId } });
    expect(settings.alarmEmails.length).toBeGreaterThan(0);
    const dev = buildApp(new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } }));
    expect(stageSettingsOf('dev').alarmEmails).toEqual([]);
    expect(dev.service.node.findAll().filter((construct) => construct.node.id === 'TokenSubscription:0' || /Subscription/.test(construct.constructor.name))).toEqual([]);
  });

  it('sends every alarm, and its return to OK, to the topic', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(apiContexts.length * 2 + 8);
    for (const [id, candidate] of alarms) {
      expect(asArray(props(candidate).AlarmActions as unknown[]).map(flatten), id).toEqual([`<${topicId}>`]);
      expect(asArray(props(candidate).OKActions as unknown[]).map(flatten), id).toEqual([`<${topicId}>`]);
    }
  });

  it('alarms on the API\'s 5xx rate over 1 % in 5 minutes', () => {
    const rate = alarm('api-5xx-rate');
    expect(rate).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Statistic: 'Average', Period: 300, Threshold: 0.01, ComparisonOperator: 'GreaterThanThreshold' });
    expect(dimensions(rate).ApiName).toBe('tte-prod');
  });

  it('alarms when the outbox has a record older than 5 minutes (IteratorAge over 300 s)', () => {
    const backlog = alarm('outbox-backlog');
    expect(backlog).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Statistic: 'Maximum', Threshold: 300_000, ComparisonOperator: 'GreaterThanThreshold' });
    expect(dimensions(backlog).FunctionName).toBe(`<${fnId('outbox')}>`);
  });

  it('alarms on any message in the outbox dead-letter queue', () => {
    const dlq = alarm('dlq-outbox');
    expect(dlq).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const queueId = dimensions(dlq).QueueName?.match(/^<(\w+)\.QueueName>$/)?.[1] ?? '(no queue)';
    expect(queueId).toMatch(/^OutboxDeadLetters/);
    // And the queue is the outbox's on-failure destination.
    const mapping = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').find(([, candidate]) => flatten(props(candidate).FunctionName) === `<${fnId('outbox')}>`)!;
    expect(flatten((props(mapping[1]).DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)).toBe(`<${queueId}.Arn>`);
  });

  it('alarms on every failed and every timed-out approval execution', () => {
    const [machineId] = resourcesOf(template, 'AWS::StepFunctions::StateMachine')[0]!;
    for (const [suffix, metricName] of [['approval-failed', 'ExecutionsFailed'], ['approval-timed-out', 'ExecutionsTimedOut']] as const) {
      const candidate = alarm(suffix);
      expect(candidate).toMatchObject({ Namespace: 'AWS/States', MetricName: metricName, Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(dimensions(candidate).StateMachineArn).toBe(`<${machineId}>`);
    }
  });

  it('alarms on Lambda throttles', () => {
    expect(alarm('lambda-throttles')).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarms on SES bounce and complaint rates below SES\'s review thresholds (5 %, 0.1 %)', () => {
    expect(alarm('ses-bounce-rate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.04, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarm('ses-complaint-rate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.0008, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('has a monthly cost budget at the stage\'s amount, notifying the topic when actual cost crosses it', () => {
    const budgets = resourcesOf(template, 'AWS::Budgets::Budget');
    expect(budgets).toHaveLength(1);
    const budget = props(budgets[0]![1]);
    expect(budget.Budget).toMatchObject({ BudgetName: 'tte-prod-monthly-cost', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: settings.monthlyBudgetUsd, Unit: 'USD' } });
    const notifications = budget.NotificationsWithSubscribers as { Notification: Record<string, unknown>; Subscribers: { SubscriptionType: string; Address: unknown }[] }[];
    const actual = notifications.find((entry) => entry.Notification.NotificationType === 'ACTUAL');
    expect(actual?.Notification).toMatchObject({ ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' });
    for (const entry of notifications) expect(entry.Subscribers.map((subscriber) => [subscriber.SubscriptionType, flatten(subscriber.Address)])).toEqual([['SNS', `<${topicId}>`]]);
    const publish = resourcesOf(template, 'AWS::SNS::TopicPolicy')
      .flatMap(([, policy]) => asArray((props(policy).PolicyDocument as { Statement: { Effect: string; Principal?: { Service?: string }; Action: unknown }[] }).Statement))
      .filter((statement) => statement.Effect === 'Allow' && statement.Principal?.Service === 'budgets.amazonaws.com');
    expect(publish.flatMap((statement) => asArray(statement.Action as string[]))).toEqual(['sns:Publish']);
  });
});

describe('WAF on a stage that has it (prod)', () => {
  const apiStages = resourcesOf(template, 'AWS::ApiGateway::Stage');
  it('associates a regional WAFv2 web ACL with the stage', () => {
    const [restApiId] = resourcesOf(template, 'AWS::ApiGateway::RestApi')[0]!;
    const [stageId] = apiStages[0]!;
    const associations = resourcesOf(template, 'AWS::WAFv2::WebACLAssociation').map(([, association]) => props(association));
    const forStage = associations.filter((association) => flatten(association.ResourceArn).endsWith(`/restapis/<${restApiId}>/stages/<${stageId}>`));
    expect(forStage, JSON.stringify(associations)).toHaveLength(1);
    const aclId = flatten(forStage[0]!.WebACLArn).match(/^<(\w+)\.Arn>$/)?.[1];
    const acl = resourceById(template, aclId ?? '(no web ACL)');
    expect(acl.Type).toBe('AWS::WAFv2::WebACL');
    expect(props(acl).Scope).toBe('REGIONAL');
  });

  it('limits public PDF verification per IP at the WAF too, answering 429, scoped to the route table\'s path', () => {
    const [, acl] = resourcesOf(template, 'AWS::WAFv2::WebACL')[0]!;
    type Rule = { Action?: { Block?: { CustomResponse?: { ResponseCode?: number } } }; Statement: { RateBasedStatement?: { Limit: number; AggregateKeyType: string; ScopeDownStatement?: { ByteMatchStatement?: { SearchString: string; PositionalConstraint: string } } } } };
    const scoped = (props(acl).Rules as Rule[]).filter((rule) => rule.Statement.RateBasedStatement?.ScopeDownStatement?.ByteMatchStatement);
    expect(scoped).toHaveLength(1);
    const rate = scoped[0]!.Statement.RateBasedStatement!;
    expect(rate.ScopeDownStatement!.ByteMatchStatement).toMatchObject({ SearchString: verificationRoutes.routes.verifyPdf.path, PositionalConstraint: 'ENDS_WITH' });
    expect(rate.AggregateKeyType).toBe('IP');
    // Above the function's own limit (30 a minute, 150 in five), so the function answers first.
    expect(rate.Limit).toBeGreaterThan(150);
    expect(scoped[0]!.Action?.Block?.CustomResponse?.ResponseCode).toBe(429);
  });

  type PathRule = { Name: string; Action?: { Block?: { CustomResponse?: { ResponseCode?: number } } }; Statement: { RateBasedStatement?: { Limit: number; AggregateKeyType: string; ScopeDownStatement?: { OrStatement?: { Statements: { ByteMatchStatement: { SearchString: string; PositionalConstraint: string } }[] } } } } };
  it('limits the PKI routes that sign (OCSP POST and GET, the TSA) per IP in one rule, answering 429, at the stage\'s setting', () => {
    const [, acl] = resourcesOf(template, 'AWS::WAFv2::WebACL')[0]!;
    const pkiRules = (props(acl).Rules as PathRule[]).filter((rule) => rule.Statement.RateBasedStatement?.ScopeDownStatement?.OrStatement);
    expect(pkiRules).toHaveLength(1);
    const rate = pkiRules[0]!.Statement.RateBasedStatement!;
    expect(rate.ScopeDownStatement!.OrStatement!.Statements.map((statement) => statement.ByteMatchStatement)).toEqual([
      expect.objectContaining({ SearchString: pkiRoutes.routes.postOcsp.path, PositionalConstraint: 'CONTAINS' }),
      expect.objectContaining({ SearchString: pkiRoutes.routes.postTsa.path, PositionalConstraint: 'ENDS_WITH' }),
    ]);
    expect(pkiRoutes.routes.getOcsp.path.startsWith(pkiRoutes.routes.postOcsp.path)).toBe(true);
    expect(rate).toMatchObject({ Limit: settings.pkiWafLimitPerFiveMinutes, AggregateKeyType: 'IP' });
    // Above the function's own limit on signing requests (60 a minute, 300 in five minutes).
    expect(settings.pkiWafLimitPerFiveMinutes).toBeGreaterThan(300);
    expect(pkiRules[0]!.Action?.Block?.CustomResponse?.ResponseCode).toBe(429);
  });

  it('is on in prod and staging, off in dev, and the dashboard only in prod (cdk.json)', () => {
    expect([stageSettingsOf('prod').waf, stageSettingsOf('staging').waf, stageSettingsOf('dev').waf]).toEqual([true, true, false]);
    expect([stageSettingsOf('prod').dashboard, stageSettingsOf('staging').dashboard, stageSettingsOf('dev').dashboard]).toEqual([true, false, false]);
    expect(resourcesOf(staging.serviceTemplate, 'AWS::WAFv2::WebACL')).toHaveLength(1);
    expect(resourcesOf(staging.serviceTemplate, 'AWS::CloudWatch::Dashboard')).toEqual([]);
  });

  it('reads "waf" and "dashboard" from the command line as text too', () => {
    expect(resolveStage(context({ 'tte:waf': 'false', 'tte:dashboard': 'true' }), 'prod').settings).toMatchObject({ waf: false, dashboard: true });
    expect(() => resolveStage(context({ 'tte:waf': 'nope' }), 'prod')).toThrow(/waf/);
  });
});

describe('the dashboard', () => {
  const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
  const body = flatten(props(dashboards[0]![1]).DashboardBody);
  const widgets = (JSON.parse(body.replace(/<[\w.:]+>/g, 'X')) as { widgets: { type: string; properties: { title?: string; metrics?: unknown[][] } }[] }).widgets;
  const metricsOf = (title: RegExp) => widgets.filter((widget) => title.test(widget.properties.title ?? '')).flatMap((widget) => widget.properties.metrics ?? []);

  it('is one dashboard named for the stage', () => {
    expect(dashboards).toHaveLength(1);
    expect(props(dashboards[0]![1]).DashboardName).toBe('tte-prod');
  });

  it('graphs every business metric per day from shared/domain/business-metrics.ts, with the stage as its only dimension', () => {
    const business = widgets.flatMap((widget) => widget.properties.metrics ?? []).filter((metric) => metric[0] === businessMetricsNamespace);
    expect(business.map((metric) => metric[1]).sort()).toEqual([...businessMetricNames].sort());
    for (const metric of business) {
      expect(metric.slice(2, 4)).toEqual([businessMetricsDimension, 'prod']);
      expect(metric[4]).toMatchObject({ stat: 'Sum', period: 86_400 });
    }
  });

  it('shows API requests, 4xx, 5xx and p95, and per function requests, server errors and p95', () => {
    const api = metricsOf(/^API/).map((metric) => metric.slice(0, 2).join('/'));
    expect(api).toEqual(expect.arrayContaining(['AWS/ApiGateway/Count', 'AWS/ApiGateway/4XXError', 'AWS/ApiGateway/5XXError', 'AWS/ApiGateway/Latency']));
    for (const title of [/^Requests per function/, /^Server errors per function/, /^p95 duration per function/]) {
      expect(metricsOf(title).length, String(title)).toBeGreaterThanOrEqual(apiContexts.length);
    }
    expect(widgets.some((widget) => widget.type === 'log' && /4xx and 5xx answers per route/.test(widget.properties.title ?? ''))).toBe(true);
  });

  it.each([
    ['the outbox\'s oldest record', /^Outbox/, 'IteratorAge'],
    ['DLQ depth', /^Dead-letter/, 'ApproximateNumberOfMessagesVisible'],
    ['approval failures', /^Approval/, 'ExecutionsFailed'],
    ['approval timeouts', /^Approval/, 'ExecutionsTimedOut'],
    ['KMS calls', /^KMS/, 'CallCount'],
    ['Lambda throttles', /^Lambda throttles/, 'Throttles'],
    ['SES bounce rate', /^SES reputation/, 'Reputation.BounceRate'],
    ['SES complaint rate', /^SES reputation/, 'Reputation.ComplaintRate'],
  ])('shows %s', (_what, title, metricName) => {
    expect(metricsOf(title).some((metric) => metric.includes(metricName))).toBe(true);
  });

  it('lists every alarm in an alarm status widget', () => {
    const status = widgets.find((widget) => widget.type === 'alarm') as { properties: { alarms: unknown[] } } | undefined;
    expect(status?.properties.alarms).toHaveLength(alarms.length);
  });
});

describe('the first operator', () => {
  it('is invited by invoking the operator function, whose name the stack prints', () => {
    const outputs = (template.toJSON() as { Outputs: Record<string, { Value: unknown; Description?: string }> }).Outputs;
    expect(flatten(outputs.OperatorFunctionName!.Value)).toBe(`<${fnId('operator')}>`);
    expect(outputs.OperatorFunctionName!.Description).toContain('inviteOperator');
  });

  it('finds the registry credential to set by the stateful stack\'s output', () => {
    const outputs = (prod.statefulTemplate.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;
    const [secretId] = resourcesOf(prod.statefulTemplate, 'AWS::SecretsManager::Secret')[0]!;
    expect(flatten(outputs.RegistryCredentialArn!.Value)).toBe(`<${secretId}>`);
  });
});

describe('business metrics', () => {
  it('every function emits them with its stage (TTE_STAGE), the one dimension the dashboard reads', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([, fn]) => (props(fn).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME);
    expect(functions.length).toBeGreaterThan(10);
    for (const [, fn] of functions) expect((props(fn).Environment as { Variables: Record<string, unknown> }).Variables.TTE_STAGE).toBe('prod');
    const stagingFunctions = resourcesOf(staging.serviceTemplate, 'AWS::Lambda::Function').filter(([, fn]) => (props(fn).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME);
    for (const [, fn] of stagingFunctions) expect((props(fn).Environment as { Variables: Record<string, unknown> }).Variables.TTE_STAGE).toBe('staging');
  });
});

describe('sender reputation: the SES domain identity', () => {
  const identities = resourcesOf(template, 'AWS::SES::EmailIdentity');
  const identity = props(identities[0]![1]);

  it('is the stage\'s mail domain, with Easy DKIM 2048-bit, a custom MAIL FROM and the stack\'s configuration set', () => {
    expect(identities).toHaveLength(1);
    expect(identity.EmailIdentity).toBe(settings.mailDomain);
    expect(identity.DkimSigningAttributes).toEqual({ NextSigningKeyLength: 'RSA_2048_BIT' });
    expect(identity.DkimAttributes).toEqual({ SigningEnabled: true });
    expect(identity.MailFromAttributes).toEqual({ MailFromDomain: `${settings.mailFromSubdomain}.${settings.mailDomain}`, BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' });
    const [setId] = resourcesOf(template, 'AWS::SES::ConfigurationSet')[0]!;
    expect(flatten((identity.ConfigurationSetAttributes as { ConfigurationSetName: unknown }).ConfigurationSetName)).toBe(`<${setId}>`);
    expect(prod.service.mailConfiguration).toBeDefined();
  });

  it('prints the DNS records to create as stack outputs: 3 DKIM CNAMEs, the MAIL FROM MX and SPF, a DMARC suggestion', () => {
    const outputs = Object.entries(template.toJSON().Outputs as Record<string, { Value: unknown }>).map(([id, output]) => [id, flatten(output.Value)] as const);
    const [identityId] = identities[0]!;
    for (const index of [1, 2, 3]) {
      expect(outputs.some(([id, value]) => id.includes(`DkimRecord${index}`) && value === `<${identityId}.DkimDNSTokenName${index}> CNAME <${identityId}.DkimDNSTokenValue${index}>`)).toBe(true);
    }
    const mailFrom = `${settings.mailFromSubdomain}.${settings.mailDomain}`;
    expect(outputs.find(([id]) => id.includes('MailFromMxRecord'))?.[1]).toMatch(new RegExp(`^${mailFrom.replaceAll('.', '\\.')} MX 10 feedback-smtp\\..+\\.amazonses\\.com$`));
    expect(outputs.find(([id]) => id.includes('MailFromSpfRecord'))?.[1]).toBe(`${mailFrom} TXT "v=spf1 include:amazonses.com ~all"`);
    expect(outputs.find(([id]) => id.includes('DmarcRecord'))?.[1]).toBe(`_dmarc.${settings.mailDomain} TXT "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:${settings.dmarcReportEmail}"`);
  });

  it('still lets the outbox send only as that identity, through the configuration set', () => {
    const outboxRole = byContext.get('outbox')![0]!.roleId;
    const sends = grantsOf(roleStatements(template, outboxRole), 'ses:SendEmail');
    const resources = sends.flatMap(resourcesText);
    expect(resources.some((resource) => resource.endsWith(`:identity/${settings.mailDomain}`))).toBe(true);
    for (const resource of resources) expect(resource).toMatch(new RegExp(`:identity/${settings.mailDomain.replaceAll('.', '\\.')}$|:configuration-set/`));
    expect(sends.flatMap(actionsOf).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
  });

  it('is made only where the stage names a mail domain', () => {
    expect(stageSettingsOf('dev').mailDomain).toBe('');
    const dev = buildApp(new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } }));
    expect(dev.service.mailIdentity).toBeUndefined();
    expect(resourcesOf(staging.serviceTemplate, 'AWS::SES::EmailIdentity').map(([, candidate]) => props(candidate).EmailIdentity)).toEqual([stageSettingsOf('staging').mailDomain]);
  });
});

describe('backups: AWS Backup plan for the table and the photo bucket', () => {
  const stateful = prod.statefulTemplate;
  const tableId = logicalIdOf(prod.stateful, prod.stateful.table);
  const bucketId = logicalIdOf(prod.stateful, prod.stateful.photoBucket);

  it('keeps daily backups for the stage\'s retention in a vault of its own under AWS Backup\'s managed key (no customer managed key)', () => {
    const plans = resourcesOf(stateful, 'AWS::Backup::BackupPlan');
    expect(plans).toHaveLength(1);
    const plan = props(plans[0]![1]).BackupPlan as { BackupPlanName: string; BackupPlanRule: { Lifecycle: { DeleteAfterDays: number }; ScheduleExpression: string; TargetBackupVault: unknown }[] };
    expect(plan.BackupPlanName).toBe('tte-prod-daily');
    expect(plan.BackupPlanRule).toHaveLength(1);
    expect(plan.BackupPlanRule[0]!.Lifecycle.DeleteAfterDays).toBe(settings.backupRetentionDays);
    expect(plan.BackupPlanRule[0]!.ScheduleExpression).toMatch(/^cron\(/);
    const vaultId = flatten(plan.BackupPlanRule[0]!.TargetBackupVault).match(/^<(\w+)(\.BackupVaultName)?>$/)?.[1] ?? '(no vault)';
    const vault = resourceById(stateful, vaultId);
    expect(props(vault).BackupVaultName).toBe('tte-prod-backups');
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(props(vault).EncryptionKeyArn).toBeUndefined();
  });

  it('selects exactly the table and the photo bucket (versioned, as S3 backup needs)', () => {
    const selections = resourcesOf(stateful, 'AWS::Backup::BackupSelection');
    expect(selections).toHaveLength(1);
    const selection = props(selections[0]![1]).BackupSelection as { Resources: unknown[]; IamRoleArn: unknown };
    expect(selection.Resources.map(flatten).sort()).toEqual([`<${bucketId}.Arn>`, `<${tableId}.Arn>`].sort());
    expect(props(resourceById(stateful, bucketId)).VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const roleId = flatten(selection.IamRoleArn).match(/^<(\w+)\.Arn>$/)?.[1] ?? '(no role)';
    const role = props(resourceById(stateful, roleId));
    expect((role.AssumeRolePolicyDocument as { Statement: { Principal: { Service: string } }[] }).Statement.map((statement) => statement.Principal.Service)).toEqual(['backup.amazonaws.com']);
    // Backing up only: no restore policy on the role that is always there.
    expect(asArray(role.ManagedPolicyArns as unknown[]).map(flatten).join(' ')).not.toMatch(/Restore/);
  });

  it('keeps PITR on the table', () => {
    for (const replica of props(resourceById(stateful, tableId)).Replicas as Record<string, unknown>[]) {
      expect(replica).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    }
  });
});

describe('cdk-nag AwsSolutions on both stages', () => {
  it.each(['staging', 'prod'])('%s: no unsuppressed error or warning', (stage) => {
    const built = stages.get(stage)!;
    const findings = [...nagFindings(built.stateful), ...nagFindings(built.service)];
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});

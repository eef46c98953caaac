import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { routeTables } from '../../functions/route-tables.js';
import { bundlingOptions } from '../../infra/constructs/service-function.js';
import { keys, tableDesign } from '../../shared/data/table.js';
import {
  actionsOf, apiResourcePaths, asArray, contextNumber, contextString, flatten, formatFindings, functionsByContext, grantsOf,
  joinLiteral, logicalIdOf, methodPath, nagFindings, props, resourceById, resourcesOf, resourcesText, roleStatements,
  synthesize, testStageSettings, type FunctionInfo, type PolicyStatement,
} from './support.js';

// One synthesis for the whole file.
const { stateful, service, serviceTemplate: template } = synthesize();
const tableId = logicalIdOf(stateful, stateful.table);
const dataKeyId = logicalIdOf(stateful, stateful.dataKey);
const caKeyId = logicalIdOf(stateful, stateful.caKey);
const tsaKeyId = logicalIdOf(stateful, stateful.tsaKey);
const serviceSealKeyId = logicalIdOf(stateful, stateful.serviceSealKey);
const keyWrappingKeyId = logicalIdOf(stateful, stateful.keyWrappingKey);
const pkiBucketId = logicalIdOf(stateful, stateful.pkiBucket);

const contexts = ['enrollment', 'accounts', 'certificates', 'signing', 'verification', 'pki', 'web', 'docs', 'flows', 'outbox', 'notices'] as const;
/** The functions that sign with the CA key (certificates, CRLs, OCSP). */
const caContexts = ['certificates', 'pki'] as const;
type Context = (typeof contexts)[number];
const byContext = functionsByContext(template);
const fn = (context: string): FunctionInfo => {
  const found = byContext.get(context);
  if (found?.length !== 1) throw new Error(`expected one ${context} function, found ${found?.length ?? 0}`);
  return found[0]!;
};
const statementsOf = (context: string): PolicyStatement[] => roleStatements(template, fn(context).roleId);
/** What callers invoke: an API function's alias `live` (a Ref gives its ARN), else the function. */
const invokeTarget = (context: string): string => {
  const aliases = resourcesOf(template, 'AWS::Lambda::Alias').filter(([, alias]) => flatten(props(alias).FunctionName) === `<${fn(context).logicalId}>`);
  return aliases.length === 1 ? `<${aliases[0]![0]}>` : `<${fn(context).logicalId}.Arn>`;
};

/** Statements whose resources point at the stateful table (its ARN, index ARNs or stream). */
const touchesTable = (statement: PolicyStatement) => resourcesText(statement).some((resource) => resource.includes(tableId));

describe('service stack: functions', () => {
  it.each(contexts)('has exactly one %s function', (context) => {
    expect(byContext.get(context)?.length).toBe(1);
  });

  it('has one function per context and no function without one', () => {
    for (const [context, functions] of byContext) {
      expect(context, 'POWERTOOLS_SERVICE_NAME names the context').not.toMatch(/^\(none/);
      expect(functions, context).toHaveLength(1);
    }
  });

  it('runs every function on nodejs22.x, arm64, with the ESM bundle handler index.handler', () => {
    for (const [context, [info]] of byContext) {
      expect(props(info!.resource), context).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    }
    expect(bundlingOptions.format).toBe(OutputFormat.ESM);
  });

  it('stages a code asset for every function (bundling skipped in this suite)', () => {
    for (const [context, [info]] of byContext) {
      expect(flatten((props(info!.resource).Code as { S3Key?: unknown }).S3Key), context).toMatch(/^[0-9a-f]{64}\.zip$/);
    }
  });

  it.each(contexts)('gives %s TABLE_NAME exactly when its role is granted the table', (context) => {
    const { environment } = fn(context);
    const granted = statementsOf(context).some((statement) => statement.Effect === 'Allow'
      && actionsOf(statement).some((action) => action.toLowerCase().startsWith('dynamodb:')) && touchesTable(statement));
    expect('TABLE_NAME' in environment, `TABLE_NAME present = table granted (${String(granted)})`).toBe(granted);
    if (granted) expect(flatten(environment.TABLE_NAME)).toContain(tableId);
  });

  it('grants the table to every context but docs', () => {
    const expected: Record<Context, boolean> = { enrollment: true, accounts: true, certificates: true, signing: true, verification: true, pki: true, web: false, docs: false, flows: true, outbox: true, notices: true };
    for (const context of contexts) expect('TABLE_NAME' in fn(context).environment, context).toBe(expected[context]);
  });
});

describe('service stack: the web pages function', () => {
  it('may invoke exactly the API functions its pages call, and holds no data grant', () => {
    const statements = statementsOf('web').filter((statement) => !actionsOf(statement).some((action) => /^(logs|xray):/.test(action)));
    expect(statements.flatMap(actionsOf)).toEqual(['lambda:InvokeFunction']);
    const invoked = statements.flatMap(resourcesText).sort();
    const called = ['accounts', 'certificates', 'enrollment', 'operator', 'signing', 'verification'] as const;
    expect(invoked).toEqual(called.map(invokeTarget).sort());
    const names = flatten(fn('web').environment.CONTEXT_FUNCTIONS);
    for (const context of called) expect(names).toContain(invokeTarget(context));
  });

  it('knows the photo bucket\'s S3 origin for its CSP (uploads go there from the browser)', () => {
    expect(flatten(fn('web').environment.PHOTO_UPLOAD_ORIGIN)).toMatch(/^https:\/\/<.*PhotoBucket\w*RegionalDomainName\w*>$/);
  });
});

describe('service stack: API', () => {
  const paths = apiResourcePaths(template);
  const methods = resourcesOf(template, 'AWS::ApiGateway::Method').map(([logicalId, method]) => ({
    logicalId,
    httpMethod: String(props(method).HttpMethod),
    path: methodPath(method, paths),
    uri: flatten((props(method).Integration as { Uri?: unknown } | undefined)?.Uri),
    validator: props(method).RequestValidatorId,
  }));
  // Each route has its own resource and method, but those of a table proxied whole (the pages).
  const routes = routeTables.filter((table) => !table.gatewayProxy)
    .flatMap((table) => Object.entries(table.routes).map(([name, spec]) => ({ name, context: table.context, method: spec.method, path: spec.path })));
  const proxied = routeTables.flatMap((table) => (table.gatewayProxy ? [{ context: table.context, prefix: table.gatewayProxy }] : []));

  it('is a single REST API', () => {
    expect(resourcesOf(template, 'AWS::ApiGateway::RestApi')).toHaveLength(1);
  });

  it('passes bodies and replies as binary whatever the media type (OCSP, CRL, PDFs)', () => {
    const [, restApi] = resourcesOf(template, 'AWS::ApiGateway::RestApi')[0]!;
    expect(props(restApi).BinaryMediaTypes).toEqual(['*/*']);
  });

  it.each(routes)('has $method $path ($context.$name), proxied to the $context function', (route) => {
    const matching = methods.filter((method) => method.httpMethod === route.method && method.path === route.path);
    expect(matching, `${route.method} ${route.path} among ${methods.map((m) => `${m.httpMethod} ${m.path}`).join(', ')}`).toHaveLength(1);
    expect(matching[0]!.uri).toContain(invokeTarget(route.context));
  });

  it('forwards the pages\' prefix whole (any method, the prefix and below) to the web function', () => {
    expect(proxied).toEqual([{ context: 'web', prefix: '/web' }]);
    for (const path of ['/web', '/web/{proxy+}']) {
      const matching = methods.filter((method) => method.path === path);
      expect(matching.map((method) => method.httpMethod)).toEqual(['ANY']);
      expect(matching[0]!.uri).toContain(invokeTarget('web'));
    }
  });

  it('has no method beyond the route tables, and ANY only on a proxied prefix', () => {
    const declared = [...routes.map((route) => `${route.method} ${route.path}`), ...proxied.flatMap(({ prefix }) => [`ANY ${prefix}`, `ANY ${prefix}/{proxy+}`])].sort();
    expect(methods.map((method) => `${method.httpMethod} ${method.path}`).sort()).toEqual(declared);
  });

  it('stays within CloudFormation\'s 500 resources per stack, with a margin of 50', () => {
    // About 400 today (routes, aliases, deployment groups, alarms). Past this guard, forward another
    // route table through one proxy resource (RouteTable.gatewayProxy), as the pages' /web is.
    expect(Object.keys(template.toJSON().Resources as object).length).toBeLessThan(450);
  });

  it('validates requests on every method', () => {
    const validators = resourcesOf(template, 'AWS::ApiGateway::RequestValidator');
    expect(validators.length).toBeGreaterThan(0);
    const validatorIds = validators.map(([logicalId]) => logicalId);
    for (const method of methods) expect(validatorIds, `${method.httpMethod} ${method.path}`).toContain((method.validator as { Ref?: string } | undefined)?.Ref);
  });

  const stages = resourcesOf(template, 'AWS::ApiGateway::Stage');

  it('writes stage access logs to a log group and traces with X-Ray', () => {
    expect(stages).toHaveLength(1);
    const stage = props(stages[0]![1]);
    const accessLog = stage.AccessLogSetting as { DestinationArn?: unknown; Format?: unknown } | undefined;
    const destination = flatten(accessLog?.DestinationArn).match(/^<(\w+)\.Arn>$/)?.[1];
    expect(resourceById(template, destination ?? '(no destination)').Type).toBe('AWS::Logs::LogGroup');
    expect(accessLog?.Format).toEqual(expect.stringContaining('$context.requestId'));
    expect(stage.TracingEnabled).toBe(true);
  });

  it('has no WAF web ACL on a stage that turns it off (cdk.json dev: "waf": false); the prod stage\'s rules are tested in operations.test.ts', () => {
    expect(testStageSettings.waf).toBe(false);
    expect(resourcesOf(template, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resourcesOf(template, 'AWS::WAFv2::WebACLAssociation')).toEqual([]);
  });
});

describe('service stack: approval state machine', () => {
  interface State {
    Type: string;
    Resource?: string;
    TimeoutSeconds?: number;
    Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number }[];
    Catch?: { ErrorEquals: string[]; Next: string }[];
  }
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  const [, machine] = machines[0]!;
  const machineProps = props(machine);
  const definition = JSON.parse(joinLiteral(machineProps.DefinitionString, '#TOKEN#')) as { StartAt: string; States: Record<string, State> };
  const state = (name: string): State => {
    const found = definition.States[name];
    if (!found) throw new Error(`no state ${name}`);
    return found;
  };
  const taskNames = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([name]) => name);

  it('is one STANDARD state machine', () => {
    expect(machines).toHaveLength(1);
    expect(machineProps.StateMachineType).toBe('STANDARD');
  });

  it.each(['Screen', 'AwaitReview', 'Approve', 'Reject', 'Expire', 'RecordFailure'])('has the task %s', (name) => {
    expect(state(name).Type).toBe('Task');
  });

  it('starts with screening', () => {
    expect(definition.StartAt).toBe('Screen');
  });

  it('waits for the verifier with a task token, for tte:approvalTimeoutDays, then expires', () => {
    const awaitReview = state('AwaitReview');
    expect(awaitReview.Resource).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(awaitReview.TimeoutSeconds).toBe(contextNumber('tte:approvalTimeoutDays') * 24 * 60 * 60);
    expect(awaitReview.Catch).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'Expire' }));
  });

  it('retries RegistryUnavailable with backoff during screening, then hands over to a verifier', () => {
    const screen = state('Screen');
    const retry = screen.Retry?.find((candidate) => candidate.ErrorEquals.includes('RegistryUnavailable'));
    expect(retry).toBeDefined();
    expect(retry!.MaxAttempts).toBeGreaterThan(0);
    expect(retry!.IntervalSeconds).toBeGreaterThan(0);
    expect(retry!.BackoffRate).toBeGreaterThan(1);
    expect(screen.Catch).toContainEqual(expect.objectContaining({ ErrorEquals: ['RegistryUnavailable'], Next: 'AwaitReview' }));
  });

  it('sends every task failure (States.ALL, last catcher) to RecordFailure, except RecordFailure itself', () => {
    expect(taskNames.length).toBeGreaterThan(1);
    for (const name of taskNames.filter((task) => task !== 'RecordFailure')) {
      const catchers = state(name).Catch ?? [];
      expect(catchers.at(-1), name).toEqual(expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' }));
    }
    expect((state('RecordFailure').Catch ?? []).map((catcher) => catcher.Next)).not.toContain('RecordFailure');
  });

  it('logs ALL events without execution data, and traces', () => {
    expect(machineProps.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(machineProps.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('may invoke only the flows function', () => {
    const roleId = (machineProps.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invokes = grantsOf(roleStatements(template, roleId), 'lambda:InvokeFunction');
    expect(invokes.length).toBeGreaterThan(0);
    for (const resource of invokes.flatMap(resourcesText)) expect(resource).toMatch(new RegExp(`^<${fn('flows').logicalId}\\.Arn>(:\\*)?$`));
  });
});

describe('service stack: outbox', () => {
  const outboxId = fn('outbox').logicalId;
  const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping')
    .filter(([, mapping]) => flatten(props(mapping).FunctionName) === `<${outboxId}>`);
  const mapping = props(mappings[0]![1]);

  it('reads the table stream through one event source mapping', () => {
    expect(mappings).toHaveLength(1);
    expect(flatten(mapping.EventSourceArn)).toMatch(new RegExp(`${tableId}StreamArn`));
  });

  it('reports batch item failures, bisects failing batches and bounds its retries', () => {
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.MaximumRetryAttempts).toEqual(expect.any(Number));
    expect(mapping.MaximumRetryAttempts as number).toBeGreaterThanOrEqual(0);
  });

  it('filters to INSERTs of outbox items only', () => {
    const outboxPrefix = keys.outbox('').pk;
    const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.length).toBeGreaterThan(0);
    // Filters are OR'ed: every one of them must be this narrow.
    for (const filter of filters) {
      expect(JSON.parse(filter.Pattern)).toEqual({
        eventName: ['INSERT'],
        dynamodb: { Keys: { [tableDesign.partitionKey]: { S: [{ prefix: outboxPrefix }] } } },
      });
    }
    expect(outboxPrefix).toBe('OUTBOX#');
  });

  it('sends exhausted batches to an encrypted, TLS-only SQS dead-letter queue', () => {
    const destination = flatten((mapping.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination);
    const queueId = destination.match(/^<(\w+)\.Arn>$/)?.[1] ?? '(no queue)';
    const queue = resourceById(template, queueId);
    expect(queue.Type).toBe('AWS::SQS::Queue');
    const queueProps = props(queue);
    expect(queueProps.SqsManagedSseEnabled === true || queueProps.KmsMasterKeyId !== undefined, 'queue encryption').toBe(true);
    const denials = resourcesOf(template, 'AWS::SQS::QueuePolicy')
      .filter(([, policy]) => asArray(props(policy).Queues as unknown[]).some((q) => flatten(q) === `<${queueId}>`))
      .flatMap(([, policy]) => asArray((props(policy).PolicyDocument as { Statement: PolicyStatement[] }).Statement))
      .filter((statement) => statement.Effect === 'Deny'
        && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })
        && actionsOf(statement).includes('sqs:*'));
    expect(denials).toHaveLength(1);
  });
});

describe('service stack: daily notices', () => {
  const noticesId = fn('notices').logicalId;
  const rules = resourcesOf(template, 'AWS::Events::Rule')
    .filter(([, rule]) => asArray(props(rule).Targets as { Arn: unknown }[]).some((target) => flatten(target.Arn) === `<${noticesId}.Arn>`));

  it('runs the notices function once a day on a cron schedule', () => {
    expect(rules).toHaveLength(1);
    const [ruleId, rule] = rules[0]!;
    const expression = String(props(rule).ScheduleExpression);
    const fields = expression.match(/^cron\((.*)\)$/)?.[1]?.split(' ') ?? [];
    expect(fields, expression).toHaveLength(6);
    const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
    expect(minute, expression).toMatch(/^\d{1,2}$/);
    expect(hour, expression).toMatch(/^\d{1,2}$/);
    expect(['*', '?']).toContain(dayOfMonth);
    expect(month).toBe('*');
    expect(['*', '?']).toContain(dayOfWeek);
    expect(year).toBe('*');
    expect(props(rule).State ?? 'ENABLED').toBe('ENABLED');
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission').filter(([, permission]) =>
      props(permission).Principal === 'events.amazonaws.com' && flatten(props(permission).SourceArn) === `<${ruleId}.Arn>`);
    expect(permissions).toHaveLength(1);
  });
});

describe('service stack: least privilege', () => {
  const allowed = (context: string) => statementsOf(context).filter((statement) => statement.Effect === 'Allow');
  const purposeCondition = (statement: PolicyStatement) => {
    const value = statement.Condition?.StringEquals?.['kms:EncryptionContext:purpose'];
    return asArray(value as string | string[] | undefined);
  };

  it.each(contexts)('%s: no wildcard action, no NotAction/NotResource, no managed policy', (context) => {
    for (const statement of allowed(context)) {
      for (const action of actionsOf(statement)) {
        expect(action, JSON.stringify(statement)).not.toBe('*');
        expect(action, JSON.stringify(statement)).not.toMatch(/:\*$/);
      }
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
    }
    expect(props(resourceById(template, fn(context).roleId)).ManagedPolicyArns).toBeUndefined();
  });

  it.each(contexts)('%s: may never Scan the table (every access pattern is a GetItem or a Query)', (context) => {
    const actions = allowed(context).flatMap((statement) => actionsOf(statement));
    expect(actions.filter((action) => /^dynamodb:(Scan|\*)/i.test(action))).toEqual([]);
  });

  it.each(contexts)('%s: Resource "*" only for X-Ray, which supports no resource scoping', (context) => {
    for (const statement of allowed(context).filter((s) => resourcesText(s).includes('*'))) {
      for (const action of actionsOf(statement)) expect(action, JSON.stringify(statement)).toMatch(/^xray:/);
    }
  });

  it('enrollment may seal outbox links and NIKs, never open a sealed value, and use the photo key only through S3', () => {
    const statements = allowed('enrollment');
    const encrypts = grantsOf(statements, 'kms:Encrypt');
    expect(encrypts.length).toBeGreaterThan(0);
    for (const statement of encrypts) {
      expect(resourcesText(statement).every((resource) => resource.includes(dataKeyId)), JSON.stringify(statement.Resource)).toBe(true);
      expect(purposeCondition(statement).sort()).toEqual(['nik', 'outbox']);
    }
    const decrypts = grantsOf(statements, 'kms:Decrypt');
    expect(decrypts.length).toBeGreaterThan(0);
    for (const statement of decrypts) {
      expect(purposeCondition(statement)).toEqual([]);
      expect(JSON.stringify(statement.Condition?.StringEquals?.['kms:ViaService'])).toContain('s3.');
    }
  });

  it('flows may open sealed NIKs (to compare with the registry) but seals only outbox links', () => {
    const statements = allowed('flows');
    for (const statement of grantsOf(statements, 'kms:Decrypt')) expect(purposeCondition(statement)).toEqual(['nik']);
    for (const statement of grantsOf(statements, 'kms:Encrypt')) expect(purposeCondition(statement)).toEqual(['outbox']);
    expect(grantsOf(statements, 'kms:Decrypt').length).toBeGreaterThan(0);
  });

  it('outbox may decrypt with the data key, only for the outbox purpose, and send e-mail', () => {
    const statements = allowed('outbox');
    const decrypts = grantsOf(statements, 'kms:Decrypt');
    expect(decrypts.length).toBeGreaterThan(0);
    for (const statement of decrypts) {
      expect(resourcesText(statement).every((resource) => resource.includes(dataKeyId)), JSON.stringify(statement.Resource)).toBe(true);
      expect(purposeCondition(statement)).toEqual(['outbox']);
    }
    expect(grantsOf(statements, 'ses:SendEmail').length).toBeGreaterThan(0);
  });

  it('accounts may seal and open OTP secrets, seal outbox links, and never open a NIK or an outbox item', () => {
    const statements = allowed('accounts');
    // The photo bucket's key is used through S3 only (no purpose condition, a ViaService one).
    const direct = (statement: PolicyStatement) => statement.Condition?.StringEquals?.['kms:ViaService'] === undefined;
    const decrypts = grantsOf(statements, 'kms:Decrypt').filter(direct);
    expect(decrypts.length).toBeGreaterThan(0);
    for (const statement of decrypts) expect(purposeCondition(statement)).toEqual(['otp-device']);
    const encryptPurposes = grantsOf(statements, 'kms:Encrypt').flatMap(purposeCondition).sort();
    expect(encryptPurposes).toEqual(['otp-device', 'outbox']);
    for (const statement of grantsOf(statements, 'kms:Decrypt').filter((s) => !direct(s))) {
      expect(JSON.stringify(statement.Condition?.StringEquals?.['kms:ViaService'])).toContain('s3.');
    }
  });

  it('gives accounts and enrollment the session timeouts from the cdk.json context, and accounts the service name', () => {
    for (const context of ['accounts', 'enrollment'] as const) {
      const { environment } = fn(context);
      expect(flatten(environment.SESSION_IDLE_MINUTES)).toBe(String(contextNumber('tte:sessionIdleMinutes')));
      expect(flatten(environment.SESSION_MAX_HOURS)).toBe(String(contextNumber('tte:sessionMaxHours')));
    }
    expect(flatten(fn('accounts').environment.SERVICE_NAME)).toBe(contextString('tte:serviceName'));
  });

  it('docs has no DynamoDB or KMS action', () => {
    for (const action of allowed('docs').flatMap(actionsOf)) expect(action).not.toMatch(/^(dynamodb|kms):/i);
  });

  it.each(contexts.filter((context) => !(caContexts as readonly string[]).includes(context)))('%s cannot sign with the CA key, nor touch it; no key at all but the TSA and seal keys for signing', (context) => {
    for (const statement of grantsOf(allowed(context), 'kms:Sign')) {
      expect(context).toBe('signing');
      expect(resourcesText(statement)).toEqual([expect.stringMatching(new RegExp(`${tsaKeyId}|${serviceSealKeyId}`))]);
    }
    for (const statement of allowed(context)) expect(resourcesText(statement).join(' ')).not.toContain(caKeyId);
  });

  it.each(caContexts)('%s signs with the CA key (Sign, GetPublicKey only), signs with no key but the CA and TSA keys, and is told which key and profile', (context) => {
    const onCaKey = allowed(context).filter((statement) => resourcesText(statement).join(' ').includes(caKeyId));
    expect(onCaKey.length).toBeGreaterThan(0);
    for (const statement of onCaKey) {
      expect(resourcesText(statement)).toEqual([expect.stringContaining(caKeyId)]);
      expect(actionsOf(statement).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    }
    for (const statement of grantsOf(allowed(context), 'kms:Sign')) {
      expect(resourcesText(statement)).toEqual([expect.stringMatching(new RegExp(`${caKeyId}|${tsaKeyId}`))]);
    }
    const { environment } = fn(context);
    expect(flatten(environment.CA_KEY_ID)).toContain(caKeyId);
    expect(flatten(environment.PUBLIC_BASE_URL)).toBe(contextString('tte:publicBaseUrl'));
    expect(flatten(environment.CERTIFICATE_POLICY_OID)).toBe(contextString('tte:certificatePolicyOid'));
    expect(flatten(environment.PKI_BUCKET)).toContain(pkiBucketId);
  });

  it('only pki and signing sign with the TSA key (Sign, GetPublicKey, that key alone), told by TSA_KEY_ID; the CA and TSA grants are apart', () => {
    for (const context of contexts) {
      const touching = allowed(context).filter((statement) => resourcesText(statement).join(' ').includes(tsaKeyId));
      if (context !== 'pki' && context !== 'signing') {
        expect(touching, context).toEqual([]);
        expect(fn(context).environment.TSA_KEY_ID, context).toBeUndefined();
        continue;
      }
      expect(touching.length).toBeGreaterThan(0);
      for (const statement of touching) {
        expect(resourcesText(statement)).toEqual([expect.stringContaining(tsaKeyId)]);
        expect(actionsOf(statement).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
      }
      expect(flatten(fn(context).environment.TSA_KEY_ID)).toContain(tsaKeyId);
    }
  });

  it('only signing signs with the service seal key (Sign, GetPublicKey, that key alone); pki only reads its public key; both told by SERVICE_SEAL_KEY_ID', () => {
    const expected: Partial<Record<Context, string[]>> = { signing: ['kms:GetPublicKey', 'kms:Sign'], pki: ['kms:GetPublicKey'] };
    for (const context of contexts) {
      const touching = allowed(context).filter((statement) => resourcesText(statement).join(' ').includes(serviceSealKeyId));
      if (!expected[context]) {
        expect(touching, context).toEqual([]);
        expect(fn(context).environment.SERVICE_SEAL_KEY_ID, context).toBeUndefined();
        continue;
      }
      for (const statement of touching) expect(resourcesText(statement)).toEqual([expect.stringContaining(serviceSealKeyId)]);
      expect(touching.flatMap(actionsOf).sort(), context).toEqual(expected[context]);
      expect(flatten(fn(context).environment.SERVICE_SEAL_KEY_ID)).toContain(serviceSealKeyId);
      expect(flatten(fn(context).environment.SERVICE_NAME)).toBe(contextString('tte:serviceName'));
    }
  });

  it('only certificates may wrap signing keys and only it and signing unwrap them, only under the signing-key context', () => {
    const expected: Partial<Record<Context, string[]>> = { certificates: ['kms:Decrypt', 'kms:GenerateDataKey'], signing: ['kms:Decrypt'] };
    for (const context of contexts) {
      const touching = allowed(context).filter((statement) => resourcesText(statement).join(' ').includes(keyWrappingKeyId));
      if (!expected[context]) {
        expect(touching, context).toEqual([]);
        continue;
      }
      expect(touching.flatMap(actionsOf).sort()).toEqual(expected[context]);
      for (const statement of touching) expect(purposeCondition(statement)).toEqual(['signing-key']);
    }
  });

  it('pki reaches the PKI bucket under crl/ only, and no user key, photo or sealed secret', () => {
    const statements = allowed('pki');
    const s3 = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    expect(s3.flatMap(resourcesText).every((resource) => resource.includes(pkiBucketId) && resource.endsWith('/crl/*'))).toBe(true);
    expect(grantsOf(statements, 'kms:Decrypt')).toEqual([]);
    expect(grantsOf(statements, 'kms:Encrypt')).toEqual([]);
    expect(grantsOf(statements, 'kms:GenerateDataKey')).toEqual([]);
  });

  it('signing reads the published CRLs only, and keeps signed PDFs under documents/ of its own bucket', () => {
    const s3 = allowed('signing').filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    const pki = s3.filter((statement) => resourcesText(statement).join(' ').includes(pkiBucketId));
    expect(pki.flatMap(actionsOf)).toEqual(['s3:GetObject']);
    expect(pki.flatMap(resourcesText).every((resource) => resource.endsWith('/crl/*'))).toBe(true);
    const documents = s3.filter((statement) => !pki.includes(statement));
    expect(documents.flatMap(actionsOf).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(documents.flatMap(resourcesText).every((resource) => /DocumentsBucket.*\/documents\/\*$/.test(resource))).toBe(true);
  });

  it("verification holds no key, bucket or secret, and writes nothing but counters: its rate windows and the tenants' usage (UpdateItem on RATE# and USAGE# partitions)", () => {
    const statements = allowed('verification').filter((statement) => !actionsOf(statement).some((action) => /^(logs|xray):/.test(action)));
    expect(statements.flatMap(actionsOf).filter((action) => !action.startsWith('dynamodb:'))).toEqual([]);
    const writes = statements.filter((statement) => actionsOf(statement).some((action) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(action)));
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]!)).toEqual(['dynamodb:UpdateItem']);
    expect(writes[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${keys.rateLimitPrefix}*`, `${keys.usagePrefix}*`] } });
    for (const name of ['KEY_WRAPPING_KEY_ID', 'SEALING_KEY_ID', 'TSA_KEY_ID', 'CA_KEY_ID', 'PSEUDONYM_KEY_ID', 'PKI_BUCKET', 'DOCUMENTS_BUCKET']) {
      expect(fn('verification').environment[name], name).toBeUndefined();
    }
  });

  it('only the outbox sends e-mail', () => {
    for (const context of contexts.filter((c) => c !== 'outbox')) {
      expect(grantsOf(allowed(context), 'ses:SendEmail'), context).toEqual([]);
      expect(grantsOf(allowed(context), 'ses:SendRawEmail'), context).toEqual([]);
    }
  });
});

describe('service stack: SES', () => {
  const mailFrom = contextString('tte:mailFrom');
  const configuredSet = contextString('tte:sesConfigurationSet');
  const domain = /@([A-Za-z0-9.-]+)/.exec(mailFrom)?.[1] ?? '(no domain in tte:mailFrom)';
  const { environment } = fn('outbox');

  it('names the sender and configuration set from the cdk.json context', () => {
    expect(environment.MAIL_FROM).toBe(mailFrom);
    if (configuredSet) {
      expect(environment.SES_CONFIGURATION_SET).toBe(configuredSet);
    } else {
      // An empty tte:sesConfigurationSet makes the stack create one.
      const setId = flatten(environment.SES_CONFIGURATION_SET).match(/^<(\w+)>$/)?.[1] ?? '(not a Ref)';
      expect(resourceById(template, setId).Type).toBe('AWS::SES::ConfigurationSet');
    }
  });

  it('lets the outbox send only as the tte:mailFrom domain identity, through that configuration set', () => {
    const setName = configuredSet || flatten(environment.SES_CONFIGURATION_SET);
    const sends = [...new Set([...grantsOf(statementsOf('outbox'), 'ses:SendEmail'), ...grantsOf(statementsOf('outbox'), 'ses:SendRawEmail')])];
    const resources = sends.flatMap(resourcesText);
    expect(resources.some((resource) => resource.endsWith(`:identity/${domain}`)), resources.join('\n')).toBe(true);
    for (const resource of resources) {
      expect(resource.endsWith(`:identity/${domain}`) || resource.endsWith(`:configuration-set/${setName}`), resource).toBe(true);
    }
  });
});

describe('service stack: cdk-nag AwsSolutions', () => {
  it('leaves no unsuppressed error or warning', () => {
    const findings = nagFindings(service);
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});

import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { Alias, Architecture, LoggingFormat, Runtime, Tracing, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How every function is bundled (also used by `npm run bench` to measure the same bundles). */
export const bundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: "import { createRequire as __tteCreateRequire } from 'node:module'; const require = __tteCreateRequire(import.meta.url);",
  // The Lambda runtime ships SDK v3, but pinning our own keeps local and cloud behaviour equal.
  externalModules: [],
  forceDockerBundling: false,
} satisfies BundlingOptions;

export const functionEntry = (context: string) => `${repoRoot}functions/${context}/handler.ts`;

export interface ServiceFunctionProps {
  /** The bounded context: `functions/<context>/handler.ts`, export `handler`. */
  context: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /**
   * Packages with native binaries (argon2): left out of the bundle and installed beside it for
   * the Lambda platform (linux, arm64, glibc), at the version this repository locks.
   */
  nativeModules?: readonly string[];
  /** Build-time constants for esbuild (the web function's bundled page scripts). */
  define?: Record<string, string>;
  /**
   * For a function behind the API: its versions are published behind the alias `live`, and a
   * new version takes 10 % of the traffic for 5 minutes before the rest, rolled back by CodeDeploy
   * if its server errors or its p95 duration alarm in the meantime.
   */
  live?: LiveDeploymentProps;
}

export interface LiveDeploymentProps {
  deployments: LiveDeployments;
  /** The p95 duration (ms) this function should stay under; above it for 3 minutes of 5, it alarms. */
  p95TargetMs: number;
}

/** The name of the alias API Gateway and the pages invoke, never $LATEST. */
export const liveAliasName = 'live';

/**
 * What every gradual deployment of a stack shares: one CodeDeploy application and one service
 * role (a role per deployment group would spend a resource each, for the same permissions).
 */
export class LiveDeployments extends Construct {
  readonly application: LambdaApplication;
  readonly role: Role;
  /** The stage, which names the alarms and the server-error metrics of the functions. */
  readonly stage: string;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    this.stage = props.stage;
    this.application = new LambdaApplication(this, 'Application', { applicationName: `tte-${props.stage}-functions` });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: `CodeDeploy shifts traffic between versions of the TTE ${props.stage} API functions`,
    });
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM4',
      reason: 'CodeDeploy requires its AWS managed AWSCodeDeployRoleForLambdaLimited (alias updates, alarm reads, hooks named CodeDeployHook_*); the role is assumable only by codedeploy.amazonaws.com.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited'],
    }]);
  }
}

/**
 * Build-time constants as an esbuild inject file (`export const NAME = <value>`), which esbuild
 * substitutes for the global NAME as `define` would. Not `define` itself: CDK runs the esbuild CLI,
 * and one argument holding the inlined page scripts (PDF.js alone is over 1 MB) is more than Linux
 * takes (E2BIG). Named by its content, so the same constants always give the same file.
 */
function injectFile(constants: Record<string, string>): string {
  const source = Object.entries(constants).map(([name, value]) => `export const ${name} = ${value};\n`).join('');
  const directory = `${repoRoot}node_modules/.cache/tte-esbuild-inject`;
  const file = `${directory}/${createHash('sha256').update(source).digest('hex').slice(0, 16)}.mjs`;
  if (!existsSync(file)) {
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, source);
  }
  return file;
}

/** The locked version of an installed package. */
const lockedVersion = (name: string): string =>
  (JSON.parse(readFileSync(`${repoRoot}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

/** Bundling that installs native modules for the Lambda platform next to the bundle. */
export function bundlingWithNativeModules(modules: readonly string[]): BundlingOptions {
  if (modules.length === 0) return bundlingOptions;
  const specs = modules.map((name) => `${name}@${lockedVersion(name)}`).join(' ');
  return {
    ...bundlingOptions,
    externalModules: [...modules],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => [
        // A package.json of its own, so npm installs here and never walks up into the repository.
        `cd "${outputDir}" && echo '{"private":true}' > package.json && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --os=linux --cpu=arm64 --libc=glibc ${specs} && rm package.json`,
      ],
    },
  };
}

/**
 * One Lambda function per context with the project's defaults: Node 22 on arm64, ESM bundle made
 * by the local esbuild, JSON logs in a log group with retention, X-Ray, and a role that starts
 * with nothing but its own log group. Every grant comes with the variable that names what it
 * grants, so a function can never hold a permission it has no name for, or the reverse.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  /** The bounded context the function serves (POWERTOOLS_SERVICE_NAME). */
  readonly context: string;
  /** The alias `live` of an API function (props.live), which callers invoke. */
  readonly alias?: Alias;
  /** Its server errors (unhandled, and handled as 500/503) and p95 duration over target (props.live). */
  readonly serverErrorsAlarm?: Alarm;
  readonly latencyAlarm?: Alarm;
  readonly deploymentGroup?: LambdaDeploymentGroup;
  readonly p95TargetMs?: number;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.context = props.context;
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.context} function`,
    });
    this.role.addToPolicy(new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
    }));
    this.fn = new NodejsFunction(this, 'Function', {
      entry: functionEntry(props.context),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      description: props.description,
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      bundling: { ...bundlingWithNativeModules(props.nativeModules ?? []), ...(props.define ? { inject: [injectFile(props.define)] } : {}) },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.context,
        ...props.environment,
      },
    });
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource scoping; the log stream wildcard is within the function\'s own log group.',
      appliesTo: ['Resource::*', { regex: '/^Resource::<.*Logs.*\\.Arn>:\\*$/g' }],
    }], true);
    NagSuppressions.addResourceSuppressions(this.fn, [{
      id: 'AwsSolutions-L1',
      reason: 'The product pins the Lambda runtime to nodejs22.x (tested locally on Node 20/22); upgrades are a deliberate change.',
    }]);
    if (props.live) {
      const live = this.deployLive(logGroup, props.live);
      this.alias = live.alias;
      this.serverErrorsAlarm = live.serverErrors;
      this.latencyAlarm = live.latency;
      this.deploymentGroup = live.group;
      this.p95TargetMs = props.live.p95TargetMs;
    }
  }

  /** What API Gateway and other functions invoke: the alias `live` when there is one. */
  get target(): IFunction {
    return this.alias ?? this.fn;
  }

  /** The alarms of this function that should reach the operators (see Monitoring). */
  get alarms(): IAlarm[] {
    return [this.serverErrorsAlarm, this.latencyAlarm].filter((alarm): alarm is Alarm => alarm !== undefined);
  }

  private deployLive(logGroup: LogGroup, props: LiveDeploymentProps): { alias: Alias; serverErrors: Alarm; latency: Alarm; group: LambdaDeploymentGroup } {
    const { stage } = props.deployments;
    const alias = new Alias(this, 'Live', { aliasName: liveAliasName, version: this.fn.currentVersion });
    // An error the HTTP stack turns into a 500/503 answer is no Lambda error: the function returned.
    // The kernel logs each one as "Request failed" (shared/http/service.ts); this counts those lines.
    // A metric filter publishes nothing (and costs nothing) while no line matches.
    const handled = new MetricFilter(this, 'HandledServerErrors', {
      logGroup,
      filterPattern: FilterPattern.all(FilterPattern.stringValue('$.level', '=', 'ERROR'), FilterPattern.stringValue('$.message', '=', 'Request failed')),
      metricNamespace: `TTE/${stage}`,
      metricName: `${this.context}.ServerErrors`,
      metricValue: '1',
    });
    const minute = Duration.minutes(1);
    const serverErrors = new Alarm(this, 'ServerErrorsAlarm', {
      alarmName: `tte-${stage}-${this.context}-server-errors`,
      alarmDescription: `The ${this.context} function answered a 5xx (a crash, a timeout, or an error it logged as "Request failed"). Any is a bug or an outage: see docs/operations.md "Server errors".`,
      // Ids unique per function, so the dashboard can graph every function's expression together.
      metric: new MathExpression({
        expression: `FILL(crashed_${this.context}, 0) + FILL(handled_${this.context}, 0)`,
        usingMetrics: {
          [`crashed_${this.context}`]: alias.metricErrors({ period: minute, statistic: 'Sum' }),
          [`handled_${this.context}`]: handled.metric({ period: minute, statistic: 'Sum' }),
        },
        period: minute,
        label: `${this.context} server errors`,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const latency = new Alarm(this, 'LatencyAlarm', {
      alarmName: `tte-${stage}-${this.context}-p95-latency`,
      alarmDescription: `The ${this.context} function's p95 duration is over its target of ${props.p95TargetMs} ms in 3 of the last 5 minutes: see docs/operations.md "p95 latency over target".`,
      metric: alias.metricDuration({ period: minute, statistic: 'p95' }),
      threshold: props.p95TargetMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const group = new LambdaDeploymentGroup(this, 'Deployment', {
      application: props.deployments.application,
      role: props.deployments.role,
      alias,
      deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [serverErrors, latency],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    return { alias, serverErrors, latency, group };
  }

  /**
   * The single table, named by TABLE_NAME: item reads and queries, and for 'readWrite' item
   * writes (transactions are authorised through these). Never Scan: every access pattern is a
   * GetItem or a Query, and the grant says so.
   */
  useTable(table: ITable, access: 'read' | 'readWrite'): this {
    const read = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    this.role.addToPolicy(new PolicyStatement({
      actions: access === 'read' ? read : [...read, ...write],
      resources: [table.tableArn, `${table.tableArn}/index/*`],
    }));
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Queries go through the table\'s GSIs (gsi1, gsi2): the index ARNs are table/<name>/index/*.',
      appliesTo: [{ regex: '/^Resource::(<.*Table.*\\.Arn>|.*ExportsOutputFnGetAttTable.*Arn.*)\\/index\\/\\*$/g' }],
    }], true);
    return this;
  }

  /**
   * Counter items only (UpdateItem ADD), for a function that otherwise just reads: the partitions
   * whose keys start with one of `prefixes` (rate-limit windows, usage counters) and no others.
   */
  useCounters(table: ITable, prefixes: readonly string[]): this {
    this.role.addToPolicy(new PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) } },
    }));
    return this;
  }

  /**
   * The sealing key for small secrets, named by SEALING_KEY_ID. Encrypt and decrypt are granted
   * separately, and only for the sealing purposes given (the KMS encryption context), so a
   * function that seals outbox links cannot open an OTP secret.
   */
  useSealingKey(key: IKey, operations: readonly ('encrypt' | 'decrypt')[], purposes: readonly string[]): this {
    const actions = operations.map((operation) => (operation === 'encrypt' ? 'kms:Encrypt' : 'kms:Decrypt'));
    this.role.addToPolicy(new PolicyStatement({
      effect: Effect.ALLOW,
      actions,
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:purpose': [...purposes] } },
    }));
    this.fn.addEnvironment('SEALING_KEY_ID', key.keyArn);
    return this;
  }

  /**
   * The API functions the web pages call, named by CONTEXT_FUNCTIONS ({context: function or alias ARN}):
   * invoke on exactly these, so the pages reach data only through the API's own checks.
   */
  useApiFunctions(functions: Readonly<Record<string, IFunction>>): this {
    this.role.addToPolicy(new PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: Object.values(functions).map((fn) => fn.functionArn),
    }));
    // By ARN: an alias's ARN carries its qualifier (…:live), which Invoke takes as FunctionName,
    // so the pages reach the same version API Gateway does, canary included.
    const names = Object.fromEntries(Object.entries(functions).map(([context, fn]) => [context, fn.functionArn]));
    this.fn.addEnvironment('CONTEXT_FUNCTIONS', Stack.of(this).toJsonString(names));
    return this;
  }

  /** The photo bucket's S3 origin, PHOTO_UPLOAD_ORIGIN: the pages upload and show photos there (CSP). */
  usePhotoUploadOrigin(bucket: IBucket): this {
    this.fn.addEnvironment('PHOTO_UPLOAD_ORIGIN', `https://${bucket.bucketRegionalDomainName}`);
    return this;
  }

  /**
   * The KYC photo bucket, named by PHOTO_BUCKET: objects under kyc/ only (presigned uploads are
   * signed with this role, so it needs PutObject), and the bucket's KMS key only through S3.
   */
  usePhotoBucket(bucket: IBucket, key: IKey): this {
    this.role.addToPolicy(new PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects('kyc/*')],
    }));
    this.role.addToPolicy(new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['kyc/*'] } },
    }));
    this.role.addToPolicy(new PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
    }));
    this.fn.addEnvironment('PHOTO_BUCKET', bucket.bucketName);
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Photos are objects under the kyc/ prefix of the photo bucket, one per user and kind.',
      appliesTo: [{ regex: '/^Resource::(<.*PhotoBucket.*\\.Arn>|.*ExportsOutputFnGetAttPhotoBucket.*Arn.*)\\/kyc\\/\\*$/g' }],
    }], true);
    return this;
  }

  /**
   * Erasing a person's photos for good (UU PDP erasure, retention): every version of the objects
   * under kyc/ is listed and deleted, so nothing can be restored. Needs the photo bucket's name,
   * which this grant sets, but no KMS grant: deleting reads no content.
   */
  usePhotoErasure(bucket: IBucket): this {
    this.role.addToPolicy(new PolicyStatement({
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [bucket.arnForObjects('kyc/*')],
    }));
    this.role.addToPolicy(new PolicyStatement({
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['kyc/*'] } },
    }));
    this.fn.addEnvironment('PHOTO_BUCKET', bucket.bucketName);
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Erasure deletes every version of the objects under the kyc/ prefix of the photo bucket, one folder per user.',
      appliesTo: [{ regex: '/^Resource::(<.*PhotoBucket.*\\.Arn>|.*ExportsOutputFnGetAttPhotoBucket.*Arn.*)\\/kyc\\/\\*$/g' }],
    }], true);
    return this;
  }

  /**
   * The key that wraps users' signing keys, named by KEY_WRAPPING_KEY_ID: data keys to wrap a new
   * key ('wrap'), decryption to use one ('unwrap'), only under the signing-key context.
   */
  useKeyWrappingKey(key: IKey, operations: readonly ('wrap' | 'unwrap')[]): this {
    this.role.addToPolicy(new PolicyStatement({
      actions: operations.map((operation) => (operation === 'wrap' ? 'kms:GenerateDataKey' : 'kms:Decrypt')),
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'signing-key' } },
    }));
    this.fn.addEnvironment('KEY_WRAPPING_KEY_ID', key.keyArn);
    return this;
  }

  /**
   * The CA's signing key, named by CA_KEY_ID, and the CA settings: certificates, CRLs and OCSP
   * responses are signed through KMS Sign (the key never leaves KMS).
   */
  useCaKey(key: IKey, settings: Record<string, string>): this {
    this.role.addToPolicy(new PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [key.keyArn] }));
    this.fn.addEnvironment('CA_KEY_ID', key.keyArn);
    return this.withSettings(settings);
  }

  /**
   * The timestamp authority's signing key, named by TSA_KEY_ID, and the TSA settings: timestamp
   * tokens are signed through KMS Sign with this key alone (never the CA key).
   */
  useTsaKey(key: IKey, settings: Record<string, string>): this {
    this.role.addToPolicy(new PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [key.keyArn] }));
    this.fn.addEnvironment('TSA_KEY_ID', key.keyArn);
    return this.withSettings(settings);
  }

  /**
   * The service's electronic-seal key, named by SERVICE_SEAL_KEY_ID: 'sign' for the function that
   * seals documents with it (Sign, GetPublicKey); 'certify' for the one that has the CA certify it
   * (GetPublicKey only: it never signs with it).
   */
  useServiceSealKey(key: IKey, use: 'sign' | 'certify', settings: Record<string, string>): this {
    this.role.addToPolicy(new PolicyStatement({ actions: use === 'sign' ? ['kms:Sign', 'kms:GetPublicKey'] : ['kms:GetPublicKey'], resources: [key.keyArn] }));
    this.fn.addEnvironment('SERVICE_SEAL_KEY_ID', key.keyArn);
    return this.withSettings(settings);
  }

  /**
   * The bucket the CA publishes CRLs to, named by PKI_BUCKET: objects under crl/ only; 'read' for
   * a function that only embeds the published CRL (signing).
   */
  usePkiBucket(bucket: IBucket, access: 'read' | 'readWrite' = 'readWrite'): this {
    this.role.addToPolicy(new PolicyStatement({ actions: access === 'read' ? ['s3:GetObject'] : ['s3:PutObject', 's3:GetObject'], resources: [bucket.arnForObjects('crl/*')] }));
    this.fn.addEnvironment('PKI_BUCKET', bucket.bucketName);
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'CRLs are objects under the crl/ prefix of the PKI bucket, one per CRL number.',
      appliesTo: [{ regex: '/^Resource::(<.*PkiBucket.*\\.Arn>|.*ExportsOutputFnGetAttPkiBucket.*Arn.*)\\/crl\\/\\*$/g' }],
    }], true);
    return this;
  }

  /**
   * Signed PDFs, named by DOCUMENTS_BUCKET: objects under documents/ only (kept a day), and the
   * bucket's KMS key only through S3.
   */
  useDocumentsBucket(bucket: IBucket, key: IKey): this {
    this.role.addToPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [bucket.arnForObjects('documents/*')] }));
    this.role.addToPolicy(new PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
    }));
    this.fn.addEnvironment('DOCUMENTS_BUCKET', bucket.bucketName);
    NagSuppressions.addResourceSuppressions(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Signed PDFs are objects under the documents/ prefix of the documents bucket, one per signed document.',
      appliesTo: [{ regex: '/^Resource::(<.*DocumentsBucket.*\\.Arn>|.*ExportsOutputFnGetAttDocumentsBucket.*Arn.*)\\/documents\\/\\*$/g' }],
    }], true);
    return this;
  }

  /** The HMAC key that indexes NIKs, named by PSEUDONYM_KEY_ID. */
  usePseudonymKey(key: IKey): this {
    this.role.addToPolicy(new PolicyStatement({ actions: ['kms:GenerateMac'], resources: [key.keyArn] }));
    this.fn.addEnvironment('PSEUDONYM_KEY_ID', key.keyArn);
    return this;
  }

  /** The civil-service registry: its URL (REGISTRY_URL) and credential (REGISTRY_SECRET_ARN). */
  useRegistry(url: string, secret: ISecret): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment('REGISTRY_URL', url);
    this.fn.addEnvironment('REGISTRY_SECRET_ARN', secret.secretArn);
    return this;
  }

  /** Starting and resuming the approval workflow, named by APPROVAL_STATE_MACHINE_ARN. */
  useApprovalFlow(stateMachine: IStateMachine): this {
    stateMachine.grantStartExecution(this.fn);
    stateMachine.grantTaskResponse(this.fn);
    this.fn.addEnvironment('APPROVAL_STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    return this;
  }

  /** Sending through SES from the configured identity and configuration set. */
  useMail(options: { identityArn: string; configurationSetName: string; from: string }): this {
    const stack = Stack.of(this);
    this.role.addToPolicy(new PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [
        options.identityArn,
        stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: options.configurationSetName }),
      ],
    }));
    this.fn.addEnvironment('MAIL_FROM', options.from);
    this.fn.addEnvironment('SES_CONFIGURATION_SET', options.configurationSetName);
    return this;
  }

  /** Plain settings that grant nothing. */
  withSettings(settings: Record<string, string>): this {
    for (const [name, value] of Object.entries(settings)) this.fn.addEnvironment(name, value);
    return this;
  }
}

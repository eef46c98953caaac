import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Architecture, LoggingFormat, Runtime, Tracing, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
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

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
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
      bundling: { ...bundlingWithNativeModules(props.nativeModules ?? []), ...(props.define ? { define: props.define } : {}) },
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
   * The API functions the web pages call, named by CONTEXT_FUNCTIONS ({context: function name}):
   * invoke on exactly these, so the pages reach data only through the API's own checks.
   */
  useApiFunctions(functions: Readonly<Record<string, IFunction>>): this {
    this.role.addToPolicy(new PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: Object.values(functions).map((fn) => fn.functionArn),
    }));
    const names = Object.fromEntries(Object.entries(functions).map(([context, fn]) => [context, fn.functionName]));
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

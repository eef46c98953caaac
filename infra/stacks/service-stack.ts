import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { routeTables } from '../../functions/route-tables.js';
import { verificationRoutes } from '../../functions/verification/routes.js';
import { keys } from '../../shared/data/table.js';
import { Api } from '../constructs/api.js';
import { ApprovalFlow } from '../constructs/approval-flow.js';
import { webAssetsDefine } from '../web-assets.js';
import { ServiceFunction } from '../constructs/service-function.js';

export interface ServiceSettings {
  stage: string;
  webBaseUrl: string;
  mailFrom: string;
  /** An existing SES configuration set; one is created when empty. */
  sesConfigurationSet: string;
  emailSubjectPrefix: string;
  approvalTimeout: Duration;
  /** The civil-service registry gateway (GET <url>/asn/<nip>, /polri/<nrp>). */
  registryUrl: string;
  /** The name authenticator apps show (otpauth issuer). */
  serviceName: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Where the PKI endpoints are reached from outside (CRL, OCSP and CA URLs in certificates). */
  publicBaseUrl: string;
  certificatePolicyOid: string;
  certificateValidityDays: number;
  caCommonName: string;
  caOrganizationName: string;
  /** The TSA certificate's CN; the config default (`TTE Timestamp Authority`) when empty. */
  tsaCommonName?: string;
  /** Days after a rejection or expiry before the application's photos are deleted (UU PDP retention). */
  closedApplicationPhotoDays: number;
  /** Days an erased person's NIK index claim is kept (it holds an HMAC, never the NIK). */
  erasedNikClaimDays: number;
}

export interface ServiceStackProps extends StackProps {
  table: TableV2;
  photoBucket: Bucket;
  dataKey: Key;
  caKey: Key;
  tsaKey: Key;
  serviceSealKey: Key;
  keyWrappingKey: Key;
  pkiBucket: Bucket;
  documentsBucket: Bucket;
  pseudonymKey: Key;
  registrySecret: Secret;
  settings: ServiceSettings;
}

/** The code: one function per context, the API built from the route tables, flows, schedules. */
export class ServiceStack extends Stack {
  readonly api: Api;
  readonly approvalFlow: ApprovalFlow;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table, dataKey, settings } = props;
    const common = { WEB_BASE_URL: settings.webBaseUrl, EMAIL_SUBJECT_PREFIX: settings.emailSubjectPrefix };
    // Every function that serves signed-in routes checks sessions the same way.
    const sessions = { SESSION_IDLE_MINUTES: String(settings.sessionIdleMinutes), SESSION_MAX_HOURS: String(settings.sessionMaxHours) };

    // 1 GB: confirming a photo decodes it fully (up to 30 MP), and CPU grows with memory.
    const enrollment = new ServiceFunction(this, 'Enrollment', { context: 'enrollment', description: 'Registration, activation and verifier decisions', memorySize: 1024 })
      .useTable(table, 'readWrite')
      .useSealingKey(dataKey, ['encrypt'], ['outbox', 'nik'])
      .usePseudonymKey(props.pseudonymKey)
      .usePhotoBucket(props.photoBucket, dataKey)
      // An operator's erasure of a person deletes every version of their photos.
      .usePhotoErasure(props.photoBucket)
      .withSettings({ ...common, ...sessions, ERASED_NIK_CLAIM_DAYS: String(settings.erasedNikClaimDays) });
    // Accounts seals and opens TOTP secrets (never NIKs), takes fresh selfies, and hashes
    // passwords with argon2id at 64 MiB: 1 GB gives it a full vCPU share for that.
    const accounts = new ServiceFunction(this, 'Accounts', {
      context: 'accounts', description: 'Passwords, OTP devices, sessions, lockouts and compromised accounts', memorySize: 1024, nativeModules: ['@node-rs/argon2'],
    })
      .useTable(table, 'readWrite')
      .useSealingKey(dataKey, ['encrypt', 'decrypt'], ['otp-device'])
      .useSealingKey(dataKey, ['encrypt'], ['outbox'])
      .usePhotoBucket(props.photoBucket, dataKey)
      .withSettings({ ...common, ...sessions, SERVICE_NAME: settings.serviceName });
    const ca = {
      PUBLIC_BASE_URL: settings.publicBaseUrl,
      CERTIFICATE_POLICY_OID: settings.certificatePolicyOid,
      CERTIFICATE_VALIDITY_DAYS: String(settings.certificateValidityDays),
      CA_COMMON_NAME: settings.caCommonName,
      CA_ORGANIZATION_NAME: settings.caOrganizationName,
    };
    // Certificates makes and seals signing keys (argon2id at 64 MiB: 1 GB for a full vCPU share),
    // opens them only to change a passphrase, and has the CA sign certificates and CRLs.
    const certificates = new ServiceFunction(this, 'Certificates', {
      context: 'certificates', description: 'Passphrases, signing keys, issuance, renewal and revocation', memorySize: 1024, nativeModules: ['@node-rs/argon2'],
    })
      .useTable(table, 'readWrite')
      .useKeyWrappingKey(props.keyWrappingKey, ['wrap', 'unwrap'])
      .useCaKey(props.caKey, ca)
      .usePkiBucket(props.pkiBucket)
      .useSealingKey(dataKey, ['encrypt'], ['outbox'])
      .usePhotoBucket(props.photoBucket, dataKey)
      .withSettings({ ...common, ...sessions });
    // The TSA policy defaults to an arc under the certificate policy (config: TSA_POLICY_OID).
    const tsa: Record<string, string> = settings.tsaCommonName ? { TSA_COMMON_NAME: settings.tsaCommonName } : {};
    // The public PKI: CA certificate, CRL, OCSP and the RFC 3161 TSA. It signs with the CA key and
    // the TSA key (and makes the TSA certificate on first use) but never sees a user key.
    const pki = new ServiceFunction(this, 'Pki', { context: 'pki', description: 'CA certificate, CRL, OCSP and timestamps (public)', memorySize: 512 })
      .useTable(table, 'readWrite')
      .useCaKey(props.caKey, ca)
      .useTsaKey(props.tsaKey, tsa)
      // The seal key's public half only: pki has the CA certify it (on a cold start and daily).
      .useServiceSealKey(props.serviceSealKey, 'certify', { SERVICE_NAME: settings.serviceName })
      .usePkiBucket(props.pkiBucket)
      .withSettings(common);
    // Signing opens a user's key with their passphrase (unwrap only), timestamps with the TSA key,
    // reads the published CRL for the DSS and keeps signed PDFs a day. It never holds the CA key.
    const signing = new ServiceFunction(this, 'Signing', {
      context: 'signing', description: 'PAdES signing of PDFs and hashes', memorySize: 1024, timeout: Duration.seconds(29), nativeModules: ['@node-rs/argon2'],
    })
      .useTable(table, 'readWrite')
      .useKeyWrappingKey(props.keyWrappingKey, ['unwrap'])
      // An integrator names the signer by NIK: its keyed index finds the person (GenerateMac only).
      .usePseudonymKey(props.pseudonymKey)
      .useTsaKey(props.tsaKey, tsa)
      // The only function that signs with the seal key: the service's own documents (the personal-data statement).
      .useServiceSealKey(props.serviceSealKey, 'sign', { SERVICE_NAME: settings.serviceName })
      .usePkiBucket(props.pkiBucket, 'read')
      .useDocumentsBucket(props.documentsBucket, dataKey)
      .useSealingKey(dataKey, ['encrypt'], ['outbox'])
      .withSettings({ ...common, ...sessions });
    // Public verification reads certificates and the CA's records and holds no key of any kind:
    // a PDF from anyone is parsed where no user key can be opened, no seal broken, no token signed.
    const verification = new ServiceFunction(this, 'Verification', {
      context: 'verification', description: 'PDF signature verification (public, limited per client)', memorySize: 1024,
    })
      .useTable(table, 'read')
      // Its only writes: its per-client request counters, and the tenants' usage when an integrator verifies.
      .useCounters(table, [keys.rateLimitPrefix, keys.usagePrefix])
      .withSettings(common);
    // Operator: tenants, their verifiers and integrator keys, prices, usage, statements and audit.
    const operator = new ServiceFunction(this, 'Operator', { context: 'operator', description: 'Tenants, verifiers, API keys, prices, usage, statements and audit', memorySize: 256 })
      .useTable(table, 'readWrite')
      // A verifier's invitation seals its account-setup link into the outbox (encrypt only).
      .useSealingKey(dataKey, ['encrypt'], ['outbox'])
      .withSettings({ ...common, ...sessions });
    new Rule(this, 'DailyCrl', {
      description: 'A fresh CRL at least daily, even without revocations',
      schedule: Schedule.cron({ minute: '5', hour: '0' }),
      targets: [new LambdaTarget(pki.fn, { retryAttempts: 3 })],
    });
    // The pages: server-rendered HTML. No data grant: each page calls the API functions (with the
    // browser's cookie), so the API's checks apply unchanged. Its scripts are bundled in at synthesis.
    // The sign page waits on the signing function (up to its 29 s, API Gateway's own limit too).
    const web = new ServiceFunction(this, 'Web', {
      context: 'web', description: 'Web pages (HTML, Indonesian)', memorySize: 512, timeout: Duration.seconds(29),
      define: webAssetsDefine(),
    })
      .useApiFunctions({ enrollment: enrollment.fn, accounts: accounts.fn, certificates: certificates.fn, signing: signing.fn, verification: verification.fn, operator: operator.fn })
      .usePhotoUploadOrigin(props.photoBucket)
      .withSettings(common);
    const docs = new ServiceFunction(this, 'Docs', { context: 'docs', description: 'OpenAPI document', memorySize: 256 })
      .withSettings(common);

    // Flows opens the sealed NIK (to compare it with the registry) and seals the links it e-mails.
    const flows = new ServiceFunction(this, 'Flows', { context: 'flows', description: 'Approval workflow tasks', timeout: Duration.seconds(30) })
      .useTable(table, 'readWrite')
      .useSealingKey(dataKey, ['decrypt'], ['nik'])
      .useSealingKey(dataKey, ['encrypt'], ['outbox'])
      .useRegistry(settings.registryUrl, props.registrySecret)
      .withSettings(common);
    this.approvalFlow = new ApprovalFlow(this, 'ApprovalFlow', { flowsFunction: flows.fn, reviewTimeout: settings.approvalTimeout });
    enrollment.useApprovalFlow(this.approvalFlow.stateMachine);

    // Outbox: the table stream feeds the dispatcher; failures retry, then land in the DLQ.
    const configurationSetName = settings.sesConfigurationSet
      || new ConfigurationSet(this, 'MailConfiguration', { suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS }).configurationSetName;
    const senderDomain = /@([^>\s]+)/.exec(settings.mailFrom)?.[1] ?? settings.mailFrom;
    const outbox = new ServiceFunction(this, 'Outbox', { context: 'outbox', description: 'Sends outbox e-mails through SES', timeout: Duration.seconds(60) })
      .useTable(table, 'readWrite')
      .useSealingKey(dataKey, ['decrypt'], ['outbox'])
      .useMail({ identityArn: this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }), configurationSetName, from: settings.mailFrom })
      .withSettings(common);
    const deadLetters = new Queue(this, 'OutboxDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(deadLetters, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the outbox stream.' }]);
    outbox.fn.addEventSource(new DynamoEventSource(table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 8,
      maxRecordAge: Duration.hours(24),
      onFailure: new SqsDlq(deadLetters),
      filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('OUTBOX#') } } } })],
    }));
    NagSuppressions.addResourceSuppressions(outbox.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Reading the table stream needs the stream ARN, which ends in a generated label.',
      appliesTo: [{ regex: '/^Resource::.*Table.*StreamArn.*$/g' }, 'Resource::*'],
    }], true);

    // Daily: certificate expiry notices, and the photos of closed applications past retention.
    const notices = new ServiceFunction(this, 'Notices', { context: 'notices', description: 'Daily certificate expiry notices and photo retention', timeout: Duration.minutes(5) })
      .useTable(table, 'readWrite')
      .usePhotoErasure(props.photoBucket)
      .withSettings({ ...common, CLOSED_APPLICATION_PHOTO_DAYS: String(settings.closedApplicationPhotoDays) });
    new Rule(this, 'DailyNotices', {
      description: 'Certificate expiry notices (30/7/1 days) and EXPIRED marking, daily at 07:00 WIB',
      schedule: Schedule.cron({ minute: '0', hour: '0' }),
      targets: [new LambdaTarget(notices.fn, { retryAttempts: 3 })],
    });

    // Month-end statements: reads tenants, usage and prices; writes only statements (in the tenants'
    // partitions), their outbox e-mails and its own progress. No key: nothing it queues is sealed.
    const billing = new ServiceFunction(this, 'Billing', { context: 'billing', description: 'Month-end statements and their e-mails', timeout: Duration.minutes(5) })
      .useTable(table, 'read')
      .withSettings(common);
    billing.role.addToPolicy(new PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keys.tenantPartition('*'), keys.outbox('*').pk, keys.jobState('*').pk] } },
    }));
    new Rule(this, 'MonthEndStatements', {
      description: "The month's statements frozen and e-mailed at 00:15 WIB on the 1st (17:15 UTC on the last day)",
      schedule: Schedule.cron({ minute: '15', hour: '17', day: 'L' }),
      targets: [new LambdaTarget(billing.fn, { retryAttempts: 3 })],
    });

    this.api = new Api(this, 'Api', {
      tables: routeTables,
      functions: { enrollment: enrollment.fn, accounts: accounts.fn, certificates: certificates.fn, signing: signing.fn, verification: verification.fn, operator: operator.fn, pki: pki.fn, web: web.fn, docs: docs.fn },
      stageName: settings.stage,
      // Verification's own limit is 30 a minute per client (config); WAF stops floods well above it.
      pathRateLimits: [{ path: verificationRoutes.routes.verifyPdf.path, limitPerFiveMinutes: 300 }],
    });
  }
}

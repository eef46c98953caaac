import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { routeTables } from '../../functions/route-tables.js';
import { verificationRoutes } from '../../functions/verification/routes.js';
import { pkiRoutes } from '../../functions/pki/routes.js';
import { sesDetailTypes } from '../../functions/delivery/ses-event.js';
import { keys } from '../../shared/data/table.js';
import { Api } from '../constructs/api.js';
import { ApprovalFlow } from '../constructs/approval-flow.js';
import { MailIdentity } from '../constructs/mail-identity.js';
import { Monitoring } from '../constructs/monitoring.js';
import { webAssetsDefine } from '../web-assets.js';
import { LiveDeployments, ServiceFunction } from '../constructs/service-function.js';

export interface ServiceSettings {
  stage: string;
  webBaseUrl: string;
  mailFrom: string;
  /** The SES domain identity this stack creates (Easy DKIM, MAIL FROM, DNS records as outputs); empty: none. */
  mailDomain: string;
  mailFromSubdomain: string;
  /** The suggested DMARC record's rua address; empty: none. */
  dmarcReportEmail: string;
  /** Who the alarm topic e-mails; none: no subscription. */
  alarmEmails: readonly string[];
  /** The AWS Budgets monthly cost budget (USD) whose crossing the alarm topic hears. */
  monthlyBudgetUsd: number;
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
  /** A WAF web ACL on the API stage (docs/security.md §4.2 says what is lost without it); true when absent. */
  waf?: boolean;
  /** Per-IP requests per five minutes on the PKI routes that sign (OCSP, TSA) at the WAF; 600 when absent. */
  pkiWafLimitPerFiveMinutes?: number;
  /** The CloudWatch dashboard; true when absent. */
  dashboard?: boolean;
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
  /** The configuration set the stack made (none when tte:sesConfigurationSet names one). */
  readonly mailConfiguration?: ConfigurationSet;
  /** The SES domain identity, when the stage sets mailDomain. */
  readonly mailIdentity?: MailIdentity;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table, dataKey, settings } = props;
    const common = { WEB_BASE_URL: settings.webBaseUrl, EMAIL_SUBJECT_PREFIX: settings.emailSubjectPrefix };
    // Every function that serves signed-in routes checks sessions the same way.
    const sessions = { SESSION_IDLE_MINUTES: String(settings.sessionIdleMinutes), SESSION_MAX_HOURS: String(settings.sessionMaxHours) };
    // The API functions deploy gradually behind their alias `live` (canary 10 % for 5 minutes), rolled
    // back when their server errors or p95 duration alarm. The p95 targets (Lambda duration, ms) come
    // from the issues' performance targets with room for KMS and S3 round trips in the cloud:
    //   enrollment 1000  registration p95 <= 60 ms; photo confirmation decodes up to 30 MP
    //   accounts    500  argon2id 50-150 ms per password check, OTP step <= 20 ms
    //   certificates 1000 issuance p50 <= 250 ms with the KDF, plus KMS Sign
    //   pki          300  OCSP p95 <= 20 ms, plus one KMS Sign
    //   signing     3000  20 documents <= 1 s, 1 MB B-LT ~200 ms, TSA through KMS; large PDFs
    //   verification 2000 4 MB PDF with 8 signatures <= 1 s
    //   operator    1000  a month's statement <= 300 ms
    //   web         3000  a page waits on the API functions it calls (the sign page on signing)
    //   docs         300  one static OpenAPI document
    const deployments = new LiveDeployments(this, 'Deployments', { stage: settings.stage });

    // 1 GB: confirming a photo decodes it fully (up to 30 MP), and CPU grows with memory.
    const enrollment = new ServiceFunction(this, 'Enrollment', {
      context: 'enrollment', description: 'Registration, activation and verifier decisions', memorySize: 1024, live: { deployments, p95TargetMs: 1000 },
    })
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
      live: { deployments, p95TargetMs: 500 },
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
      live: { deployments, p95TargetMs: 1000 },
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
    const pki = new ServiceFunction(this, 'Pki', {
      context: 'pki', description: 'CA certificate, CRL, OCSP and timestamps (public)', memorySize: 512, live: { deployments, p95TargetMs: 300 },
    })
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
      live: { deployments, p95TargetMs: 3000 },
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
      live: { deployments, p95TargetMs: 2000 },
    })
      .useTable(table, 'read')
      // Its only writes: its per-client request counters, and the tenants' usage when an integrator verifies.
      .useCounters(table, [keys.rateLimitPrefix, keys.usagePrefix])
      .withSettings(common);
    // Operator: tenants, their verifiers and integrator keys, prices, usage, statements and audit.
    const operator = new ServiceFunction(this, 'Operator', {
      context: 'operator', description: 'Tenants, verifiers, API keys, prices, usage, statements and audit', memorySize: 256, live: { deployments, p95TargetMs: 1000 },
    })
      .useTable(table, 'readWrite')
      // A verifier's invitation seals its account-setup link into the outbox (encrypt only).
      .useSealingKey(dataKey, ['encrypt'], ['outbox'])
      .withSettings({ ...common, ...sessions });
    // The first operator is invited by invoking this function (README "Deploying to AWS").
    new CfnOutput(this, 'OperatorFunctionName', { description: 'Invoke with {"task":"inviteOperator","fullName":…,"email":…} to invite an operator', value: operator.fn.functionName });
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
      live: { deployments, p95TargetMs: 3000 },
    })
      .useApiFunctions({
        enrollment: enrollment.target, accounts: accounts.target, certificates: certificates.target, signing: signing.target, verification: verification.target, operator: operator.target,
      })
      .usePhotoUploadOrigin(props.photoBucket)
      .withSettings(common);
    const docs = new ServiceFunction(this, 'Docs', { context: 'docs', description: 'OpenAPI document', memorySize: 256, live: { deployments, p95TargetMs: 300 } })
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
    this.mailConfiguration = settings.sesConfigurationSet
      ? undefined
      : new ConfigurationSet(this, 'MailConfiguration', { suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS });
    const configurationSetName = settings.sesConfigurationSet || this.mailConfiguration!.configurationSetName;
    if (settings.mailDomain) {
      this.mailIdentity = new MailIdentity(this, 'MailIdentity', {
        domain: settings.mailDomain,
        mailFromSubdomain: settings.mailFromSubdomain,
        dmarcReportEmail: settings.dmarcReportEmail,
        configurationSet: this.mailConfiguration ?? ConfigurationSet.fromConfigurationSetName(this, 'ExistingMailConfiguration', configurationSetName),
      });
    }
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

    // --- Delivery status (issue 14): SES reports each message's fate to EventBridge; this records it.
    // The configuration set made here publishes to the default bus; one named by
    // tte:sesConfigurationSet must be given that event destination by the operator (README).
    this.mailConfiguration?.addEventDestination('DeliveryEvents', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultEventBus', 'default')),
      events: [EmailSendingEvent.DELIVERY, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT, EmailSendingEvent.DELIVERY_DELAY],
    });
    // Reads outbox records, users and the tenant's verifiers; writes only the outbox (its records and
    // the verifiers' notices, no link: no key), users' partitions (their e-mail list and audit) and
    // address blocks. IAM cannot narrow a write to a sort key, so USER# is the partition as a whole.
    const delivery = new ServiceFunction(this, 'Delivery', { context: 'delivery', description: 'Records SES delivery, bounce and complaint events', timeout: Duration.seconds(30) })
      .useTable(table, 'read')
      .withSettings({ ...common, SES_CONFIGURATION_SET: configurationSetName });
    delivery.role.addToPolicy(new PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keys.outbox('*').pk, keys.userPartition('*'), keys.emailBlock('*').pk] } },
    }));
    const deliveryDeadLetters = new Queue(this, 'DeliveryEventDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    NagSuppressions.addResourceSuppressions(deliveryDeadLetters, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the SES delivery events rule.' }]);
    new Rule(this, 'SesDeliveryEvents', {
      description: 'SES delivery, bounce, complaint, reject and delay events of our configuration set, to the delivery function',
      eventPattern: {
        source: ['aws.ses'],
        detailType: Object.keys(sesDetailTypes),
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
      },
      // A report that comes before the outbox marked its message sent fails and is tried again.
      targets: [new LambdaTarget(delivery.fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: deliveryDeadLetters })],
    });
    // --- end delivery status

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
      // The aliases: API Gateway invokes what CodeDeploy shifts, never $LATEST.
      functions: {
        enrollment: enrollment.target, accounts: accounts.target, certificates: certificates.target, signing: signing.target, verification: verification.target,
        operator: operator.target, pki: pki.target, web: web.target, docs: docs.target,
      },
      stageName: settings.stage,
      waf: settings.waf ?? true,
      pathRateLimits: [
        // Verification's own limit is 30 a minute per client (config); WAF stops floods well above it.
        { path: verificationRoutes.routes.verifyPdf.path, limitPerFiveMinutes: 300 },
        // OCSP (POST, and GET with the request after the path) and the TSA make KMS signatures;
        // the pki function limits signing requests per client (60 a minute) and answers OCSP from
        // its cache without counting, so this outer bound sits above both (docs/security.md F2).
        {
          limitPerFiveMinutes: settings.pkiWafLimitPerFiveMinutes ?? 600,
          paths: [{ path: pkiRoutes.routes.postOcsp.path, match: 'CONTAINS' }, { path: pkiRoutes.routes.postTsa.path }],
        },
      ],
    });

    // Every function's business metrics carry the stage as their one dimension (shared/adapters/aws/business-metrics.ts).
    for (const made of this.node.findAll().filter((construct): construct is ServiceFunction => construct instanceof ServiceFunction)) {
      made.fn.addEnvironment('TTE_STAGE', settings.stage);
    }
    // Keep last: it finds every function made above (their alarms and panels).
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: settings.stage,
      alarmEmails: settings.alarmEmails,
      monthlyBudgetUsd: settings.monthlyBudgetUsd,
      restApi: this.api.restApi,
      apiAccessLogs: this.api.accessLogs,
      outbox,
      approvalFlow: this.approvalFlow.stateMachine,
      dashboard: settings.dashboard ?? true,
    });
    this.monitoring.watchDeadLetterQueue('outbox', deadLetters);
    this.monitoring.watchDeadLetterQueue('delivery', deliveryDeadLetters);
  }
}

import { appendFileSync, mkdirSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { businessMetrics } from '../../shared/adapters/aws/business-metrics.js';
import { fileURLToPath } from 'node:url';
import { DynamoActivationStore } from '../../shared/adapters/aws/dynamo-activation.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { FixtureRegistry } from '../../shared/adapters/local/fixture-registry.js';
import { messageComposer } from '../../shared/outbox.js';
import { DynamoOutboxStore } from '../../shared/adapters/aws/dynamo-outbox.js';
import { createDynamoClient, createS3Client, createSesClient } from '../../shared/adapters/aws/clients.js';
import { DynamoTenantDirectory } from '../../shared/adapters/aws/dynamo-tenants.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import { DynamoClosedApplications } from '../../shared/adapters/aws/dynamo-closed-applications.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { DynamoUserDirectory } from '../../shared/adapters/aws/dynamo-users.js';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';
import { MailboxSimulatorMailer } from '../../shared/adapters/local/mailbox-simulator.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { createDeliveryHandler } from '../../functions/delivery/handler.js';
import { openLocalKeyVault } from '../../shared/adapters/local/key-vault.js';
import { createLogger } from '../../shared/logger.js';
import { loadConfig } from '../../shared/config.js';
import { randomIds, systemClock } from '../../shared/ports/runtime.js';
import { createDocsHandler } from '../../functions/docs/handler.js';
import { createEnrollmentHandler } from '../../functions/enrollment/handler.js';
import { DynamoRequestLetters } from '../../shared/adapters/aws/dynamo-request-letters.js';
import { S3LetterFiles } from '../../shared/adapters/aws/s3-letter-files.js';
import { createAccountsHandler } from '../../functions/accounts/handler.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoDeviceRequestStore } from '../../shared/adapters/aws/dynamo-device-requests.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { argon2Hasher } from '../../shared/crypto/passwords.js';
import { createFlowsHandler } from '../../functions/flows/handler.js';
import { createNoticesHandler } from '../../functions/notices/handler.js';
import { createBillingHandler } from '../../functions/billing/handler.js';
import { billingStores } from '../../functions/operator/billing-actions.js';
import { DynamoBilling } from '../../shared/adapters/aws/dynamo-billing.js';
import { DynamoUsageReader } from '../../shared/adapters/aws/dynamo-usage.js';
import { startMonthEndSchedule } from './month-end-schedule.js';
import { createCertificatesHandler } from '../../functions/certificates/handler.js';
import { createPkiHandler } from '../../functions/pki/handler.js';
import { createWebHandler } from '../../functions/web/handler.js';
import { createSigningHandler } from '../../functions/signing/handler.js';
import { createVerificationHandler, storedCaCertificate } from '../../functions/verification/handler.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import { DynamoDomainOwners } from '../../shared/adapters/aws/dynamo-domain-owners.js';
import { PUBLIC_REQUEST_FLOOR_MS } from '../../functions/accounts/use-cases/guards.js';
import type { ApplicationLimits } from '../../functions/enrollment/use-cases/apply.js';
import type { RateLimit } from '../../shared/ports/rate-limiter.js';
import { createOperatorHandler } from '../../functions/operator/handler.js';
import { DynamoApiKeyRegistry } from '../../shared/adapters/aws/dynamo-api-keys.js';
import { DynamoTenantRegistry } from '../../shared/adapters/aws/dynamo-tenant-registry.js';
import { DynamoUsageCounter } from '../../shared/adapters/aws/dynamo-usage.js';
import { DynamoSignatureLedger } from '../../shared/adapters/aws/dynamo-signatures.js';
import { PublishedCrlRevocation } from '../../shared/signing/published-crl.js';
import { inProcessTimestamps } from '../../shared/signing/service-tsa.js';
import { InProcessApiClient } from '../../shared/adapters/local/in-process-api-client.js';
import { buildWebAssets } from '../web-assets.js';
import { basePathOf } from '../../shared/web/layout.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store.js';
import type { HttpHandler } from '../../shared/http/service.js';
import { certificateAuthority, type CaSettings } from '../../shared/pki/ca-runtime.js';
import { publishCrl } from '../../shared/pki/crl-publisher.js';
import { timestampAuthority, TSA_VALIDITY_YEARS, type TsaSettings } from '../../shared/pki/tsa-runtime.js';
import { SEAL_VALIDITY_YEARS, serviceSeal, type SealSettings } from '../../shared/pki/seal-runtime.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoDataChanges } from '../../shared/adapters/aws/dynamo-data-changes.js';
import { ApprovalFlow } from '../constructs/approval-flow.js';
import { LocalFlowRunner } from './flow-runner.js';
import { routeTables } from '../../functions/route-tables.js';
import { startOutboxLoop } from './dispatcher.js';
import { startGateway } from './gateway.js';
import { ensureBucket, ensureTable } from './provision.js';
import { photoBucketCors } from '../../shared/data/buckets.js';
import { seedDemo, type SeedFile } from './seed.js';
import { localCredentials, localRegion, startStandIns } from './stand-ins.js';

export interface LocalRuntimeOptions {
  dataDir: string;
  apiPort: number;
  mailPort: number;
  s3Port: number;
  dynamodbPort: number;
  webBaseUrl?: string;
  privacyMinReadSeconds: number;
  /** The civil-service registry fixture (API.md gives its shape); the shipped demo one by default. */
  registryFile?: string;
  subjectPrefix?: string;
  /** How long a verifier has to decide; 14 days as on AWS unless a test shortens it. */
  reviewTimeoutSeconds?: number;
  /** Keep DynamoDB Local's data in memory only (the bench uses it to separate the stand-in's disk cost). */
  dynamodbInMemory?: boolean;
  /** The least time public "send me a link" requests take (400 ms as on AWS unless a test shortens it). */
  publicRequestFloorMs?: number;
  /** How long certificates are valid (730 days as on AWS unless a test shortens it to reach the renewal window). */
  certificateValidityDays?: number;
  /** Told of every DynamoDB command the API handlers send (the bench counts round trips). */
  onApiDynamoCommand?: (commandName: string) => void;
  /** Public PDF verification per client; the configuration's default (30 a minute) unless a test or the bench says otherwise. */
  verificationRateLimit?: RateLimit;
  /** Public requests that make a KMS signature (uncached OCSP, timestamps) per client; the configuration's default (60 a minute) unless a test says otherwise. */
  pkiRateLimit?: RateLimit;
  /** Self-applications per client and per address (20 and 3 an hour as on AWS unless a test says otherwise). */
  applicationLimits?: ApplicationLimits;
  /** Links asked for again from expired-link pages, per client (30 an hour as on AWS unless a test says otherwise). */
  linkRenewalClientLimit?: RateLimit;
  /**
   * Fault injection (test/e2e/faults.test.ts): asked before every S3 and SES call, below the SDK's
   * retries; an error it returns is what the stand-in "answered" to that attempt.
   */
  injectFault?: (service: 's3' | 'ses', commandName: string) => Error | undefined;
  /** Fault injection: wraps the local key vault (KMS on AWS), e.g. to make its keys fail for a while. */
  wrapKeyVault?: (vault: ReturnType<typeof openLocalKeyVault>) => ReturnType<typeof openLocalKeyVault>;
  /**
   * The load bench's probes (test/bench/load.ts): handed the SDK clients (to add middlewares that
   * count units and requests) and each function's handler (to time it); they change no answer.
   */
  probes?: {
    clients?: (clients: { dynamo: ReturnType<typeof createDynamoClient>; apiDynamo: ReturnType<typeof createDynamoClient>; s3: ReturnType<typeof createS3Client>; ses: ReturnType<typeof createSesClient> }) => void;
    handler?: <H extends (...args: never[]) => Promise<unknown>>(functionName: string, handler: H) => H;
  };
}

export interface LocalRuntime {
  seed: SeedFile;
  dataDir: string;
  endpoints: { dynamodb: string; s3: string; ses: string };
  tableName: string;
  approvalFlow: LocalFlowRunner;
  stop(): Promise<void>;
}

export const localTableName = 'tte-local';
export const localPhotoBucket = 'tte-local-photos';
export const localPkiBucket = 'tte-local-pki';
/** Signed PDFs, kept 24 hours (on AWS a lifecycle rule removes them). */
export const localDocumentsBucket = 'tte-local-documents';
/** The SES configuration set the local mail goes through (the mailbox simulator's events name it). */
export const localConfigurationSet = 'tte-local';

/** The local CA: the same profile as on AWS, with its URLs on the local gateway. */
export function localCaSettings(apiUrl: string, validityDays = 730): CaSettings {
  return {
    publicBaseUrl: apiUrl,
    policyOid: loadConfig({ TABLE_NAME: localTableName, WEB_BASE_URL: apiUrl }).CERTIFICATE_POLICY_OID,
    validityDays,
    caCommonName: 'TTE Lokal Root CA',
    caOrganizationName: 'TTE Lokal',
    caValidityYears: 20,
  };
}

/** The local seal: the same profile as on AWS, named for the local service. */
export function localSealSettings(): SealSettings {
  return { commonName: 'TTE Lokal Segel Elektronik', validityYears: SEAL_VALIDITY_YEARS };
}

/** The local TSA: the same profile as on AWS (policy `<certificate policy>.2`), its own key file. */
export function localTsaSettings(caSettings: Pick<CaSettings, 'policyOid'>): TsaSettings {
  return { commonName: 'TTE Lokal Timestamp Authority', policyOid: `${caSettings.policyOid}.2`, validityYears: TSA_VALIDITY_YEARS };
}

/** Public PDF verification's limit per client, as configured for AWS (shared/config.ts defaults). */
function localVerificationRateLimit(apiUrl: string): RateLimit {
  const config = loadConfig({ TABLE_NAME: localTableName, WEB_BASE_URL: apiUrl });
  return { limit: config.VERIFICATION_RATE_LIMIT, windowSeconds: config.VERIFICATION_RATE_WINDOW_SECONDS };
}

/** Reads the runtime's settings from the environment variables API.md names. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalRuntimeOptions {
  const port = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
    return parsed;
  };
  const seconds = env.TTE_PRIVACY_MIN_READ_SECONDS;
  if (seconds !== undefined && !/^\d+$/.test(seconds)) throw new Error('TTE_PRIVACY_MIN_READ_SECONDS must be a whole number');
  return {
    dataDir: resolve(env.TTE_DATA_DIR || '.local'),
    apiPort: port('TTE_API_PORT', 3000),
    mailPort: port('TTE_MAIL_PORT', 8005),
    s3Port: port('TTE_S3_PORT', 4569),
    dynamodbPort: port('TTE_DYNAMODB_PORT', 8000),
    ...(env.TTE_WEB_BASE_URL ? { webBaseUrl: env.TTE_WEB_BASE_URL } : {}),
    privacyMinReadSeconds: seconds === undefined ? 60 : Number(seconds),
    ...(env.TTE_LOCAL_REGISTRY_FILE ? { registryFile: resolve(env.TTE_LOCAL_REGISTRY_FILE) } : {}),
  };
}

/**
 * The whole service on this machine: stand-ins, table and bucket, keys, seed, the outbox loop,
 * the approval flow runner, the daily notices and the local API gateway, all wired to the same
 * handlers that run in Lambda.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const logger = createLogger('local');
  // The business metrics as the functions write them on AWS (EMF lines), kept in a log file here.
  const metricsLog = join(dataDir, 'logs', 'metrics.log');
  businessMetrics.configure('local', (line) => appendFileSync(metricsLog, `${line}\n`));
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  const webBaseUrl = options.webBaseUrl ?? `${apiUrl}/web`;

  const standIns = await startStandIns(dataDir, { dynamodb: options.dynamodbPort, s3: options.s3Port, mail: options.mailPort }, { dynamodbInMemory: options.dynamodbInMemory });
  const stops: (() => Promise<void>)[] = [() => standIns.stop()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => logger.warn('Stop failed', { error: error as Error }));
  };

  try {
    const endpoints = { ...standIns.endpoints, region: localRegion, credentials: localCredentials };
    // The API handlers get their own DynamoDB client, as each Lambda has: its calls can be counted apart
    // from the background loops'.
    const clients = { dynamo: createDynamoClient(endpoints), apiDynamo: createDynamoClient(endpoints), s3: createS3Client(endpoints), ses: createSesClient(endpoints) };
    if (options.onApiDynamoCommand) {
      const observe = options.onApiDynamoCommand;
      clients.apiDynamo.middlewareStack.add((next, context) => (args) => {
        observe(String(context.commandName));
        return next(args);
      }, { step: 'initialize', name: 'countApiRoundTrips' });
    }
    if (options.injectFault) {
      const inject = options.injectFault;
      const faulty = (service: 's3' | 'ses') => (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        const fault = inject(service, String(context.commandName));
        return fault ? Promise.reject(fault) : next(args);
      };
      clients.s3.middlewareStack.add(faulty('s3') as never, { step: 'deserialize', name: 'injectFault' });
      clients.ses.middlewareStack.add(faulty('ses') as never, { step: 'deserialize', name: 'injectFault' });
    }
    options.probes?.clients?.(clients);
    stops.push(async () => {
      for (const client of Object.values(clients)) client.destroy();
    });
    await Promise.all([
      ensureTable(clients.dynamo as never, localTableName),
      ensureBucket(clients.s3, localPhotoBucket, photoBucketCors(new URL(webBaseUrl).origin)),
      ensureBucket(clients.s3, localPkiBucket),
      ensureBucket(clients.s3, localDocumentsBucket),
    ]);
    const { sealer, pseudonymizer, caSigner, tsaSigner, serviceSealSigner, keyWrapper } = (options.wrapKeyVault ?? ((vault) => vault))(openLocalKeyVault(dataDir));
    const tenants = new DynamoTenantDirectory(clients.apiDynamo, localTableName);
    const users = new DynamoUserDirectory(clients.apiDynamo, localTableName);
    const sessions = new DynamoSessionStore(clients.apiDynamo, localTableName);
    const accounts = new DynamoAccountStore(clients.apiDynamo, localTableName);
    const sessionSettings = { sessionIdleMinutes: 30, sessionMaxHours: 8 };
    const photos = new S3PhotoStore(clients.s3, localPhotoBucket);

    const seed = await seedDemo({ db: clients.dynamo, tableName: localTableName, sealer, dataDir, urls: { apiUrl, mailUrl: standIns.endpoints.mailUrl } });

    // SES's reports on what became of each e-mail: the stand-in makes none, so the mailbox
    // simulator makes them (bounce*, complaint* addresses) and hands them to the same handler as on AWS.
    const delivery = createDeliveryHandler({
      deliveries: new DynamoDeliveryLog(clients.dynamo, localTableName),
      users: new DynamoUserDirectory(clients.dynamo, localTableName),
      tenants: new DynamoTenantDirectory(clients.dynamo, localTableName),
      ids: randomIds,
      clock: systemClock,
      logger: createLogger('delivery'),
      settings: { webBaseUrl, configurationSet: localConfigurationSet },
    });
    const simulator = new MailboxSimulatorMailer(new SesMailer(clients.ses, 'TTE <no-reply@tte.local>', localConfigurationSet), {
      configurationSet: localConfigurationSet, region: localRegion, deliver: delivery, logger,
    });
    stops.push(async () => simulator.stop());
    const outbox = startOutboxLoop({
      outbox: new DynamoOutboxStore(clients.dynamo, localTableName),
      mailer: simulator,
      sealer,
      clock: systemClock,
      logger,
      settings: { subjectPrefix: options.subjectPrefix ?? '[TTE]' },
    });
    stops.push(() => outbox.stop());

    const flowsHandler = createFlowsHandler({
      users: new DynamoUserDirectory(clients.dynamo, localTableName),
      tenants: new DynamoTenantDirectory(clients.dynamo, localTableName),
      registry: new FixtureRegistry(options.registryFile ?? fileURLToPath(new URL('./registry-fixture.json', import.meta.url))),
      sealer,
      composer: messageComposer({ ids: randomIds, clock: systemClock, sealer }),
      clock: systemClock,
      ids: randomIds,
      logger: createLogger('flows'),
      settings: { webBaseUrl },
    });
    const definition = ApprovalFlow.renderDefinition(Duration.seconds(options.reviewTimeoutSeconds ?? 14 * 86_400));
    const approvalFlow = new LocalFlowRunner(definition, options.probes?.handler?.('flows', flowsHandler) ?? flowsHandler, (error) => logger.error('Approval flow failed', { error: error as Error }), join(dataDir, 'flows', 'waiting.json'));
    approvalFlow.restore();
    stops.push(async () => approvalFlow.stop());

    // The CA: its certificate is made on first use; CRLs go to the PKI bucket.
    const pkiStore = new DynamoPkiStore(clients.apiDynamo, localTableName);
    const crlDeps = { pki: pkiStore, blobs: new S3BlobStore(clients.s3, localPkiBucket), clock: systemClock };
    const caSettings = localCaSettings(apiUrl, options.certificateValidityDays);
    const authority = certificateAuthority({ pki: pkiStore, signer: caSigner, clock: systemClock, settings: caSettings });
    // The TSA: a key file of its own (a KMS key on AWS), its certificate from the CA on first use.
    // The signing context reads it through `tsa` (TimestampAuthority.timestamp, no HTTP hop).
    const tsa = timestampAuthority({ pki: pkiStore, signer: tsaSigner, clock: systemClock, settings: localTsaSettings(caSettings), authority });
    const certificates = new DynamoCertificates(clients.apiDynamo, localTableName);
    // The service's seal: a key file of its own (a KMS key on AWS), its certificate from the CA on first use.
    const seal = serviceSeal({ pki: pkiStore, signer: serviceSealSigner, clock: systemClock, settings: localSealSettings(), authority });
    const pkiConfig = loadConfig({ TABLE_NAME: localTableName, WEB_BASE_URL: apiUrl });
    const pkiHandler = createPkiHandler({
      ...crlDeps, certificates, authority, tsa, seal, tenants, logger: createLogger('pki'),
      rateLimiter: new DynamoRateLimiter(clients.apiDynamo, localTableName, systemClock),
      rateLimit: options.pkiRateLimit ?? { limit: pkiConfig.PKI_RATE_LIMIT, windowSeconds: pkiConfig.PKI_RATE_WINDOW_SECONDS },
    });

    // The daily schedules: once at start, then every 24 hours.
    const notices = createNoticesHandler({
      certificates: new DynamoCertificates(clients.dynamo, localTableName),
      applications: new DynamoClosedApplications(clients.dynamo, localTableName),
      photos,
      clock: systemClock,
      logger: createLogger('notices'),
      settings: { closedApplicationPhotoDays: 90 },
    });
    const runNotices = () => notices().catch((error: unknown) => logger.error('Daily notices failed', { error: error as Error }));
    const runCrl = () => publishCrl({ ...crlDeps, authority }).catch((error: unknown) => logger.error('Daily CRL failed', { error: error as Error }));
    // The CA certificate, a first CRL, the TSA certificate and the day's expiry run are done before
    // the API opens (a broken CA or TSA key fails the start), so nothing writes behind the first
    // request's back.
    await publishCrl({ ...crlDeps, authority });
    await tsa();
    await seal();
    await runNotices();
    const dailyTimer = setInterval(() => {
      void runNotices();
      void runCrl();
    }, 86_400_000);
    stops.push(async () => clearInterval(dailyTimer));
    // Month-end statements: months still to close are closed before the API opens (as the
    // notices), then checked daily at 00:15 WIB.
    const monthEnd = createBillingHandler({
      tenants: new DynamoTenantDirectory(clients.dynamo, localTableName),
      usage: new DynamoUsageReader(clients.dynamo, localTableName),
      ...billingStores(new DynamoBilling(clients.dynamo, localTableName)),
      clock: systemClock,
      logger: createLogger('billing'),
      settings: { webBaseUrl },
    });
    const runMonthEnd = () => monthEnd().catch((error: unknown) => logger.error('Month-end statements failed', { error: error as Error }));
    await runMonthEnd();
    const monthEndSchedule = startMonthEndSchedule(runMonthEnd);
    stops.push(async () => monthEndSchedule.stop());

    const personalData = new DynamoPersonalData(clients.apiDynamo, localTableName);
    // The web pages call the other contexts' handlers in this process, as Lambda Invoke would.
    const api = new InProcessApiClient(() => handlers);
    const handlers: Record<string, HttpHandler> = {
      enrollment: createEnrollmentHandler({
        tenants,
        users,
        sessions,
        activation: new DynamoActivationStore(clients.apiDynamo, localTableName),
        photos,
        letters: new DynamoRequestLetters(clients.apiDynamo, localTableName),
        letterFiles: new S3LetterFiles(clients.s3, localPhotoBucket),
        workflow: approvalFlow,
        sealer,
        pseudonymizer,
        clock: systemClock,
        ids: randomIds,
        logger: createLogger('enrollment'),
        personalData,
        audit: new DynamoAuditTrail(clients.apiDynamo, localTableName),
        deliveries: new DynamoDeliveryLog(clients.apiDynamo, localTableName),
        domains: new DynamoDomainOwners(clients.apiDynamo, localTableName),
        rateLimiter: new DynamoRateLimiter(clients.apiDynamo, localTableName, systemClock),
        ...(options.applicationLimits ? { applicationLimits: options.applicationLimits } : {}),
        certificates: new DynamoCertificates(clients.apiDynamo, localTableName),
        ...(options.linkRenewalClientLimit ? { linkRenewalClientLimit: options.linkRenewalClientLimit } : {}),
        settings: {
          webBaseUrl, activationLinkHours: 24, privacyMinReadSeconds: options.privacyMinReadSeconds, ...sessionSettings, erasedNikClaimDays: 365,
          publicRequestFloorMs: options.publicRequestFloorMs ?? PUBLIC_REQUEST_FLOOR_MS,
        },
      }),
      accounts: createAccountsHandler({
        tenants,
        users,
        accounts,
        lockouts: accounts,
        sessions,
        requests: new DynamoDeviceRequestStore(clients.apiDynamo, localTableName),
        photos,
        personalData,
        audit: new DynamoAuditTrail(clients.apiDynamo, localTableName),
        passwords: argon2Hasher,
        sealer,
        clock: systemClock,
        ids: randomIds,
        logger: createLogger('accounts'),
        settings: { webBaseUrl, serviceName: 'TTE Lokal', ...sessionSettings, publicRequestFloorMs: options.publicRequestFloorMs ?? PUBLIC_REQUEST_FLOOR_MS },
      }),
      certificates: createCertificatesHandler({
        tenants,
        users,
        certificates,
        slots: accounts,
        sessions,
        photos,
        keyWrapper,
        sealer,
        dataChanges: new DynamoDataChanges(clients.apiDynamo, localTableName),
        authority,
        publishCrl: () => publishCrl({ ...crlDeps, authority }),
        clock: systemClock,
        ids: randomIds,
        logger: createLogger('certificates'),
        sessionIdleMinutes: sessionSettings.sessionIdleMinutes,
        settings: { webBaseUrl },
      }),
      signing: createSigningHandler({
        tenants,
        users,
        certificates,
        sessions,
        keyWrapper,
        sealer,
        pseudonymizer,
        ledger: new DynamoSignatureLedger(clients.apiDynamo, localTableName),
        documents: new S3BlobStore(clients.s3, localDocumentsBucket),
        caCertificate: async () => (await authority()).certificate.der,
        timestamps: inProcessTimestamps(tsa),
        seal,
        audit: new DynamoAuditTrail(clients.apiDynamo, localTableName),
        settings: { serviceName: 'TTE Lokal', webBaseUrl },
        revocation: new PublishedCrlRevocation(crlDeps),
        clock: systemClock,
        ids: randomIds,
        logger: createLogger('signing'),
        sessionIdleMinutes: sessionSettings.sessionIdleMinutes,
      }),
      operator: createOperatorHandler({
        tenants,
        apiKeys: new DynamoApiKeyRegistry(clients.apiDynamo, localTableName),
        sessions,
        clock: systemClock,
        ids: randomIds,
        logger: createLogger('operator'),
        sessionIdleMinutes: sessionSettings.sessionIdleMinutes,
        users,
        audit: new DynamoAuditTrail(clients.apiDynamo, localTableName),
        tenantRegistry: new DynamoTenantRegistry(clients.apiDynamo, localTableName),
        usage: new DynamoUsageReader(clients.apiDynamo, localTableName),
        ...billingStores(new DynamoBilling(clients.apiDynamo, localTableName)),
        sealer,
        settings: { webBaseUrl },
      }),
      verification: createVerificationHandler({
        tenants,
        pki: pkiStore,
        certificates,
        caCertificate: storedCaCertificate(pkiStore),
        rateLimiter: new DynamoRateLimiter(clients.apiDynamo, localTableName, systemClock),
        rateLimit: options.verificationRateLimit ?? localVerificationRateLimit(apiUrl),
        usage: new DynamoUsageCounter(clients.apiDynamo, localTableName),
        clock: systemClock,
        logger: createLogger('verification'),
      }),
      pki: pkiHandler as HttpHandler,
      web: createWebHandler({
        api,
        assets: buildWebAssets(),
        settings: { webBaseUrl, photoOrigins: [new URL(standIns.endpoints.s3).origin] },
      }),
      docs: createDocsHandler(),
    };
    const probeHandler = options.probes?.handler;
    if (probeHandler) for (const [name, handler] of Object.entries(handlers)) handlers[name] = probeHandler(name, handler);
    const gateway: Server = await startGateway({
      port: options.apiPort,
      tables: routeTables,
      handlers,
      pagesBasePath: basePathOf(webBaseUrl),
      onError: (error) => logger.error('Gateway failed', { error: error as Error }),
    });
    stops.push(() => new Promise((done) => {
      gateway.closeAllConnections();
      gateway.close(() => done());
    }));

    return { seed, dataDir, endpoints: standIns.endpoints, tableName: localTableName, approvalFlow, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { required } from '../../shared/config.js';
import { createKmsClient, createS3Client, createSfnClient } from '../../shared/adapters/aws/clients.js';
import { DynamoActivationStore } from '../../shared/adapters/aws/dynamo-activation.js';
import { KmsPseudonymizer } from '../../shared/adapters/aws/kms-pseudonymizer.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { StepFunctionsWorkflow } from '../../shared/adapters/aws/sfn-workflow.js';
import { errorCatalog, fieldErrorCatalog } from '../../shared/domain/errors.js';
import type { LetterFileStore, RequestLetterStore } from '../../shared/ports/request-letters.js';
import { DynamoRequestLetters } from '../../shared/adapters/aws/dynamo-request-letters.js';
import { S3LetterFiles } from '../../shared/adapters/aws/s3-letter-files.js';
import { uploadRequestLetter } from './use-cases/request-letters.js';
import { regionList } from '../../shared/domain/identity.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { messageComposer } from '../../shared/outbox.js';
import type { ActivationStore } from '../../shared/ports/activation.js';
import type { SessionStore } from '../../shared/ports/accounts.js';
import { Authenticator } from '../../shared/http/auth.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import type { UserDirectory } from '../../shared/ports/users.js';
import type { PhotoStore } from '../../shared/ports/photos.js';
import type { PersonalDataStore } from '../../shared/ports/personal-data.js';
import { DynamoPersonalData } from '../../shared/adapters/aws/dynamo-personal-data.js';
import type { AuditTrail } from '../../shared/ports/audit.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import type { Pseudonymizer } from '../../shared/ports/pseudonymizer.js';
import type { Clock, IdGenerator } from '../../shared/ports/runtime.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import type { ApprovalWorkflow } from '../../shared/ports/workflow.js';
import { cachedTenants } from '../../shared/tenants.js';
import { enrollmentRoutes } from './routes.js';
import { decideApplication } from './use-cases/decide-application.js';
import { eraseUser } from './use-cases/erase-user.js';
import { getActivation } from './use-cases/get-activation.js';
import { getUser } from './use-cases/get-user.js';
import { importUsers } from './use-cases/import-users.js';
import { listUsers } from './use-cases/list-users.js';
import { confirmPhoto, requestPhotoUpload } from './use-cases/photos.js';
import { submitActivation, viewPrivacyPolicy } from './use-cases/privacy-and-submit.js';
import { registerUser } from './use-cases/register-user.js';
import { applyForAccount, defaultApplicationLimits, type ApplicationLimits } from './use-cases/apply.js';
import type { DomainOwners } from '../../shared/ports/domain-owners.js';
import type { RateLimiter } from '../../shared/ports/rate-limiter.js';
import { DynamoDomainOwners } from '../../shared/adapters/aws/dynamo-domain-owners.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import { PUBLIC_REQUEST_FLOOR_MS } from '../accounts/use-cases/guards.js';
import { linkActions } from './link-actions.js';
import { emailBlockActions } from './email-block-routes.js';
import type { DeliveryLog } from '../../shared/ports/delivery.js';
import { DynamoDeliveryLog } from '../../shared/adapters/aws/dynamo-delivery.js';
import { LINK_RENEWAL_CLIENT_LIMIT } from './use-cases/resend-link.js';
import type { CertificateStore } from '../../shared/ports/certificates.js';
import type { RateLimit } from '../../shared/ports/rate-limiter.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { saveEmployment } from './use-cases/save-employment.js';
import { saveIdentity } from './use-cases/save-identity.js';

export interface EnrollmentPorts {
  tenants: TenantDirectory;
  users: UserDirectory;
  sessions: SessionStore;
  activation: ActivationStore;
  photos: PhotoStore;
  /** Agencies' request letters: their records, and their files beside the photos. */
  letters: RequestLetterStore;
  letterFiles: LetterFileStore;
  personalData: PersonalDataStore;
  audit: Pick<AuditTrail, 'record'>;
  /** E-mail delivery status on a user's page, and a verifier lifting a spam block. */
  deliveries: DeliveryLog;
  workflow: ApprovalWorkflow;
  sealer: Sealer;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Self-applications: which tenant owns an address's domain, and their per-client and per-address limits. */
  domains: DomainOwners;
  rateLimiter: RateLimiter;
  applicationLimits?: ApplicationLimits;
  /** Read only: whether a set-passphrase link is still pending for a person (links sent again). */
  certificates: Pick<CertificateStore, 'findSigningKey' | 'findCertificate' | 'listUserCertificates'>;
  /** Links asked for again per client (LINK_RENEWAL_CLIENT_LIMIT unless a test says otherwise). */
  linkRenewalClientLimit?: RateLimit;
  settings: {
    webBaseUrl: string; activationLinkHours: number; privacyMinReadSeconds: number; sessionIdleMinutes: number; erasedNikClaimDays: number;
    /** The least time a self-application takes, whatever became of it (see the accounts context). */
    publicRequestFloorMs: number;
  };
}

export function createEnrollmentHandler(ports: EnrollmentPorts): HttpHandler {
  const { clock, ids, settings, activation, photos } = ports;
  const { users } = ports;
  const tenants = cachedTenants(ports.tenants);
  const composer = messageComposer(ports);
  const linkDeps = { tenants, users, composer, clock, ids, settings, letters: ports.letters };
  const reviewDeps = { ...linkDeps, workflow: ports.workflow, logger: ports.logger };
  const stepDeps = { users, activation, photos, clock, settings, sealer: ports.sealer, pseudonymizer: ports.pseudonymizer };
  const regions = regionList();
  const applyDeps = { ...linkDeps, domains: ports.domains, rateLimiter: ports.rateLimiter, limits: ports.applicationLimits ?? defaultApplicationLimits };

  return createHttpHandler(enrollmentRoutes, {
    registerUser: async ({ actor, body }) => ({ status: 201, body: await registerUser(linkDeps, { actor, ...body }) }),
    importUsers: async ({ actor, body, query, language }) => {
      const outcome = await importUsers(linkDeps, { actor, csv: body, ...(query.letterId ? { letterId: query.letterId } : {}) });
      return {
        status: 200,
        body: {
          created: outcome.created,
          rejected: outcome.rejected.map(({ line, code, errors }) => ({
            line, code, detail: errorCatalog[code][language], errors: errors.map((error) => ({ ...error, message: fieldErrorCatalog[error.code][language] })),
          })),
        },
      };
    },
    listUsers: async ({ actor, query }) => ({ status: 200, body: await listUsers(users, { actor, ...query }) }),
    getUser: async ({ actor, params }) => ({
      status: 200,
      body: await getUser({
        users, photos, letters: ports.letters, letterFiles: ports.letterFiles, audit: ports.audit, deliveries: ports.deliveries, clock, ids,
      }, { actor, userId: params.userId }),
    }),
    ...emailBlockActions({ users, deliveries: ports.deliveries, clock, ids }),
    uploadRequestLetter: async ({ actor, body }) => ({
      status: 201,
      body: await uploadRequestLetter({ letters: ports.letters, files: ports.letterFiles, clock, ids }, { actor, bytes: body }),
    }),
    eraseUser: async ({ actor, params }) => ({
      status: 200,
      body: await eraseUser({ personalData: ports.personalData, photos, clock, ids, settings }, { actor, userId: params.userId }),
    }),
    ...linkActions({
      ...linkDeps, certificates: ports.certificates, rateLimiter: ports.rateLimiter,
      settings: { ...settings, linkRenewalClientLimit: ports.linkRenewalClientLimit ?? LINK_RENEWAL_CLIENT_LIMIT },
    }),
    decideApplication: async ({ actor, params, body }) => ({
      status: 200,
      body: await decideApplication(reviewDeps, { actor, userId: params.userId, ...body }),
    }),
    submitApplication: async ({ body, sourceIp }) => {
      await applyForAccount(applyDeps, { ...body, clientKey: sourceIp });
      return { status: 202, body: { status: 'ACCEPTED' as const } };
    },
    listRegions: async () => ({ status: 200, body: regions, headers: { 'cache-control': 'public, max-age=86400' } }),
    getActivation: async ({ params }) => ({ status: 200, body: await getActivation({ tenants, users, clock, settings }, { token: params.token }) }),
    saveIdentity: async ({ params, body }) => ({ status: 200, body: await saveIdentity(stepDeps, { token: params.token, ...body }) }),
    saveEmployment: async ({ params, body }) => ({ status: 200, body: await saveEmployment(stepDeps, { token: params.token, ...body }) }),
    requestPhotoUpload: async ({ params, body }) => ({ status: 201, body: await requestPhotoUpload(stepDeps, { token: params.token, ...body }) }),
    confirmPhoto: async ({ params }) => ({ status: 200, body: await confirmPhoto(stepDeps, params) }),
    viewPrivacyPolicy: async ({ params }) => ({ status: 200, body: await viewPrivacyPolicy(stepDeps, params) }),
    submitActivation: async ({ params, sourceIp }) => ({
      status: 202,
      body: await submitActivation({ ...stepDeps, ids, workflow: ports.workflow }, { token: params.token, sourceIp }),
    }),
  }, {
    authenticator: new Authenticator({ apiKeys: tenants, tenants, sessions: { store: ports.sessions, idleMinutes: settings.sessionIdleMinutes }, clock }),
    logger: ports.logger,
  });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('enrollment');
  const kms = createKmsClient();
  const s3 = createS3Client();
  return createEnrollmentHandler({
    ...base,
    activation: new DynamoActivationStore(base.dynamo, base.config.TABLE_NAME),
    sessions: new DynamoSessionStore(base.dynamo, base.config.TABLE_NAME),
    photos: new S3PhotoStore(s3, required(base.config, 'PHOTO_BUCKET')),
    letters: new DynamoRequestLetters(base.dynamo, base.config.TABLE_NAME),
    letterFiles: new S3LetterFiles(s3, required(base.config, 'PHOTO_BUCKET')),
    personalData: new DynamoPersonalData(base.dynamo, base.config.TABLE_NAME),
    audit: new DynamoAuditTrail(base.dynamo, base.config.TABLE_NAME),
    deliveries: new DynamoDeliveryLog(base.dynamo, base.config.TABLE_NAME),
    workflow: new StepFunctionsWorkflow(createSfnClient(), required(base.config, 'APPROVAL_STATE_MACHINE_ARN')),
    sealer: new KmsSealer(kms, required(base.config, 'SEALING_KEY_ID')),
    pseudonymizer: new KmsPseudonymizer(kms, required(base.config, 'PSEUDONYM_KEY_ID')),
    domains: new DynamoDomainOwners(base.dynamo, base.config.TABLE_NAME),
    rateLimiter: new DynamoRateLimiter(base.dynamo, base.config.TABLE_NAME, base.clock),
    certificates: new DynamoCertificates(base.dynamo, base.config.TABLE_NAME),
    settings: {
      webBaseUrl: base.config.WEB_BASE_URL,
      activationLinkHours: base.config.ACTIVATION_LINK_HOURS,
      privacyMinReadSeconds: base.config.PRIVACY_MIN_READ_SECONDS,
      sessionIdleMinutes: base.config.SESSION_IDLE_MINUTES,
      erasedNikClaimDays: base.config.ERASED_NIK_CLAIM_DAYS,
      publicRequestFloorMs: PUBLIC_REQUEST_FLOOR_MS,
    },
  });
});

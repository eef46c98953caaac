import { required } from '../../shared/config.js';
import { createKmsClient, createS3Client } from '../../shared/adapters/aws/clients.js';
import { DynamoAccountStore } from '../../shared/adapters/aws/dynamo-accounts.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoDataChanges } from '../../shared/adapters/aws/dynamo-data-changes.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { KmsCaSigner } from '../../shared/adapters/aws/kms-ca-signer.js';
import { KmsKeyWrapper } from '../../shared/adapters/aws/kms-key-wrapper.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store.js';
import { S3PhotoStore } from '../../shared/adapters/aws/s3-photo-store.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { messageComposer } from '../../shared/outbox.js';
import { caSettingsFromConfig, certificateAuthority } from '../../shared/pki/ca-runtime.js';
import { publishCrl } from '../../shared/pki/crl-publisher.js';
import type { SessionStore } from '../../shared/ports/accounts.js';
import type { DataChangeStore } from '../../shared/ports/data-changes.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { cachedTenants } from '../../shared/tenants.js';
import { certificatesRoutes } from './routes.js';
import type { CertificatesDeps } from './use-cases/deps.js';
import { confirmIssuanceSelfie, getIssuanceLink, issueCertificate, requestIssuanceSelfieUpload } from './use-cases/issuance.js';
import {
  listMyCertificates, listUserCertificates, requestNewCertificate, requestPassphraseChange, requestPassphraseReset, requestRenewal, revokeCertificate,
} from './use-cases/lifecycle.js';
import { changePassphrase, getPassphraseChange } from './use-cases/passphrase-change.js';
import { dataChangeActions } from './data-change-actions.js';
import type { DataChangeDeps } from './use-cases/data-change.js';

export type CertificatesPorts = Omit<CertificatesDeps, 'composer' | 'tenants'> & {
  tenants: TenantDirectory;
  sessions: SessionStore;
  sealer: Sealer;
  sessionIdleMinutes: number;
  users: DataChangeDeps['users'];
  dataChanges: DataChangeStore;
};

export function createCertificatesHandler(ports: CertificatesPorts): HttpHandler {
  const tenants = cachedTenants(ports.tenants);
  const deps: DataChangeDeps = { ...ports, tenants, composer: messageComposer(ports) };
  const accepted = { status: 202 };
  const enroll = 'enroll' as const;
  const reset = 'reset-passphrase' as const;

  return createHttpHandler(certificatesRoutes, {
    getEnrollment: async ({ params }) => ({ status: 200, body: await getIssuanceLink(deps, { token: params.token, purpose: enroll }) }),
    requestEnrollmentSelfieUpload: async ({ params, body }) => ({ status: 201, body: await requestIssuanceSelfieUpload(deps, { token: params.token, purpose: enroll, ...body }) }),
    confirmEnrollmentSelfie: async ({ params }) => ({ status: 200, body: await confirmIssuanceSelfie(deps, { ...params, purpose: enroll }) }),
    enroll: async ({ params, body, sourceIp }) => ({ status: 201, body: await issueCertificate(deps, { token: params.token, purpose: enroll, passphrase: body.passphrase, sourceIp }) }),
    listMyCertificates: async ({ actor }) => ({ status: 200, body: await listMyCertificates(deps, { actor }) }),
    requestNewCertificate: async ({ actor }) => {
      await requestNewCertificate(deps, { actor });
      return accepted;
    },
    requestRenewal: async ({ actor, params }) => {
      await requestRenewal(deps, { actor, serialNumber: params.serial });
      return accepted;
    },
    revokeMyCertificate: async ({ actor, params, body }) => ({ status: 200, body: await revokeCertificate(deps, { actor, serialNumber: params.serial, reason: body.reason }) }),
    requestPassphraseChange: async ({ actor, params }) => {
      await requestPassphraseChange(deps, { actor, serialNumber: params.serial });
      return accepted;
    },
    requestPassphraseReset: async ({ actor, params }) => {
      await requestPassphraseReset(deps, { actor, serialNumber: params.serial });
      return accepted;
    },
    getPassphraseChange: async ({ params }) => ({ status: 200, body: await getPassphraseChange(deps, params) }),
    changePassphrase: async ({ params, body }) => {
      await changePassphrase(deps, { token: params.token, currentPassphrase: body.currentPassphrase, newPassphrase: body.newPassphrase });
      return { status: 204 };
    },
    getPassphraseReset: async ({ params }) => ({ status: 200, body: await getIssuanceLink(deps, { token: params.token, purpose: reset }) }),
    requestResetSelfieUpload: async ({ params, body }) => ({ status: 201, body: await requestIssuanceSelfieUpload(deps, { token: params.token, purpose: reset, ...body }) }),
    confirmResetSelfie: async ({ params }) => ({ status: 200, body: await confirmIssuanceSelfie(deps, { ...params, purpose: reset }) }),
    resetPassphrase: async ({ params, body, sourceIp }) => ({ status: 201, body: await issueCertificate(deps, { token: params.token, purpose: reset, passphrase: body.newPassphrase, sourceIp }) }),
    listUserCertificates: async ({ actor, params }) => ({ status: 200, body: await listUserCertificates(deps, { actor, userId: params.userId }) }),
    revokeUserCertificate: async ({ actor, params, body }) => ({
      status: 200, body: await revokeCertificate(deps, { actor, userId: params.userId, serialNumber: params.serial, reason: body.reason }),
    }),
    ...dataChangeActions(deps),
  }, {
    authenticator: new Authenticator({ apiKeys: tenants, tenants, sessions: { store: ports.sessions, idleMinutes: ports.sessionIdleMinutes }, clock: deps.clock }),
    logger: ports.logger,
  });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('certificates');
  const { config } = base;
  const table = config.TABLE_NAME;
  const kms = createKmsClient();
  const s3 = createS3Client();
  const certificates = new DynamoCertificates(base.dynamo, table);
  const crlDeps = {
    pki: new DynamoPkiStore(base.dynamo, table),
    blobs: new S3BlobStore(s3, required(config, 'PKI_BUCKET')),
    clock: base.clock,
  };
  const authority = certificateAuthority({ ...crlDeps, signer: new KmsCaSigner(kms, required(config, 'CA_KEY_ID')), settings: caSettingsFromConfig(config) });
  return createCertificatesHandler({
    ...base,
    certificates,
    slots: new DynamoAccountStore(base.dynamo, table),
    sessions: new DynamoSessionStore(base.dynamo, table),
    photos: new S3PhotoStore(s3, required(config, 'PHOTO_BUCKET')),
    keyWrapper: new KmsKeyWrapper(kms, required(config, 'KEY_WRAPPING_KEY_ID')),
    sealer: new KmsSealer(kms, required(config, 'SEALING_KEY_ID')),
    dataChanges: new DynamoDataChanges(base.dynamo, table),
    authority,
    publishCrl: () => publishCrl({ ...crlDeps, authority }),
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    settings: { webBaseUrl: config.WEB_BASE_URL },
  });
});

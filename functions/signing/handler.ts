import type { TimestampAuthority } from '@libpdf/core';
import { createKmsClient, createS3Client } from '../../shared/adapters/aws/clients.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { DynamoSessionStore } from '../../shared/adapters/aws/dynamo-sessions.js';
import { DynamoSignatureLedger } from '../../shared/adapters/aws/dynamo-signatures.js';
import { KmsCaSigner } from '../../shared/adapters/aws/kms-ca-signer.js';
import { KmsKeyWrapper } from '../../shared/adapters/aws/kms-key-wrapper.js';
import { KmsSealer } from '../../shared/adapters/aws/kms-sealer.js';
import { KmsPseudonymizer } from '../../shared/adapters/aws/kms-pseudonymizer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store.js';
import { required } from '../../shared/config.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { timestampAuthority, tsaSettingsFromConfig } from '../../shared/pki/tsa-runtime.js';
import { PublishedCrlRevocation } from '../../shared/signing/published-crl.js';
import { inProcessTimestamps } from '../../shared/signing/service-tsa.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { messageComposer } from '../../shared/outbox.js';
import type { SessionStore } from '../../shared/ports/accounts.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import { cachedTenants } from '../../shared/tenants.js';
import { signingRoutes } from './routes.js';
import { Base64Bytes, jsonBytesReply } from './json-bytes.js';
import { bsreActions } from './bsre-actions.js';
import { signHashes } from './use-cases/sign-hashes.js';
import { signedDocument, signPdfs, stampPlacement, type SigningDeps } from './use-cases/sign-pdfs.js';
import { consentStatement, type ConsentStatementDeps } from './use-cases/consent-statement.js';
import { DynamoAuditTrail } from '../../shared/adapters/aws/dynamo-audit.js';
import { sealSettingsFromConfig, serviceSeal, type ServiceSeal } from '../../shared/pki/seal-runtime.js';
import type { AuditTrail } from '../../shared/ports/audit.js';
import { DEFAULT_SIGNATURE_LEVEL } from '../../shared/domain/signing.js';

export type SigningPorts = Omit<SigningDeps, 'composer' | 'timestamps'> & {
  tenants: TenantDirectory;
  sessions: SessionStore;
  sealer: Sealer;
  timestamps: () => Promise<TimestampAuthority>;
  /** The service's seal (its own key and certificate), for the documents the service itself signs. */
  seal: () => Promise<ServiceSeal>;
  audit: Pick<AuditTrail, 'record'>;
  settings: { serviceName: string; webBaseUrl: string };
  sessionIdleMinutes: number;
  logger: Logger;
};

const statementResponse = ({ pdf, fileName }: { pdf: Uint8Array; fileName: string }) => ({
  status: 200,
  body: pdf,
  // A person's data: never kept by a cache on the way.
  headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' },
});

export function createSigningHandler(ports: SigningPorts): HttpHandler {
  const tenants = cachedTenants(ports.tenants);
  const deps: SigningDeps & ConsentStatementDeps = { ...ports, composer: messageComposer(ports) };
  return createHttpHandler(signingRoutes, {
    ...bsreActions(deps),
    signPdfs: async ({ actor, body, headers }) => {
      const signed = await signPdfs(deps, {
        actor,
        ...(body.signer ? { signer: body.signer } : {}),
        passphrase: body.passphrase,
        documents: body.documents.map((document) => ({
          name: document.name,
          pdf: new Uint8Array(Buffer.from(document.pdfBase64, 'base64')),
          ...(document.pdfPassword ? { password: document.pdfPassword } : {}),
        })),
        level: body.level ?? DEFAULT_SIGNATURE_LEVEL,
        ...(body.appearance?.visible ? {
          appearance: {
            ...stampPlacement({ ...body.appearance, width: body.appearance.width!, height: body.appearance.height! }),
            ...(body.appearance.imageBase64 ? { imageBytes: new Uint8Array(Buffer.from(body.appearance.imageBase64, 'base64')) } : {}),
            ...(body.appearance.qr ? { qr: body.appearance.qr } : {}),
            ...(body.appearance.text ? { lines: body.appearance.text.split('\n') } : {}),
          },
        } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
        ...(body.location ? { location: body.location } : {}),
        ...(body.contactInfo ? { contactInfo: body.contactInfo } : {}),
        ...(headers['idempotency-key'] ? { idempotencyKey: headers['idempotency-key'].slice(0, 200) } : {}),
      });
      return jsonBytesReply({
        signedAt: signed.signedAt,
        level: signed.level,
        documents: signed.documents.map((document) => ({ name: document.name, documentId: document.documentId, pdfBase64: new Base64Bytes(document.pdf) })),
      });
    },
    signHashes: async ({ actor, body }) => {
      const signed = await signHashes(deps, { actor, ...(body.signer ? { signer: body.signer } : {}), passphrase: body.passphrase, hashes: body.hashes.map((hash) => new Uint8Array(Buffer.from(hash, 'base64'))) });
      return {
        status: 200,
        body: { certificate: signed.certificatePem, chain: signed.chainPem, signatures: signed.signatures.map((signature) => Buffer.from(signature).toString('base64')) },
      };
    },
    getMyConsentStatement: async ({ actor }) => statementResponse(await consentStatement(deps, { actor, userId: actor.actorId })),
    getUserConsentStatement: async ({ actor, params }) => statementResponse(await consentStatement(deps, { actor, userId: params.userId })),
    getSignedDocument: async ({ actor, params }) => ({
      status: 200,
      body: await signedDocument(deps, { actor, documentId: params.documentId }),
      headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${params.documentId}.pdf"` },
    }),
  }, {
    authenticator: new Authenticator({ apiKeys: tenants, tenants, sessions: { store: ports.sessions, idleMinutes: ports.sessionIdleMinutes }, clock: deps.clock }),
    logger: ports.logger,
  });
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('signing');
  const { config } = base;
  const table = config.TABLE_NAME;
  const kms = createKmsClient();
  const s3 = createS3Client();
  const pki = new DynamoPkiStore(base.dynamo, table);
  // Without the CA key: the TSA certificate and the CA certificate are read as the pki function made them.
  const tsa = timestampAuthority({ pki, signer: new KmsCaSigner(kms, required(config, 'TSA_KEY_ID')), clock: base.clock, settings: tsaSettingsFromConfig(config) });
  // The seal signs with a KMS key of its own (this function alone may use it); pki makes its certificate.
  const seal = serviceSeal({ pki, signer: new KmsCaSigner(kms, required(config, 'SERVICE_SEAL_KEY_ID')), clock: base.clock, settings: sealSettingsFromConfig(config) });
  return createSigningHandler({
    ...base,
    certificates: new DynamoCertificates(base.dynamo, table),
    sessions: new DynamoSessionStore(base.dynamo, table),
    keyWrapper: new KmsKeyWrapper(kms, required(config, 'KEY_WRAPPING_KEY_ID')),
    sealer: new KmsSealer(kms, required(config, 'SEALING_KEY_ID')),
    pseudonymizer: new KmsPseudonymizer(kms, required(config, 'PSEUDONYM_KEY_ID')),
    ledger: new DynamoSignatureLedger(base.dynamo, table),
    documents: new S3BlobStore(s3, required(config, 'DOCUMENTS_BUCKET')),
    caCertificate: async () => (await tsa()).caCertificate,
    timestamps: inProcessTimestamps(tsa),
    seal,
    audit: new DynamoAuditTrail(base.dynamo, table),
    settings: { serviceName: config.SERVICE_NAME, webBaseUrl: config.WEB_BASE_URL },
    revocation: new PublishedCrlRevocation({ pki, blobs: new S3BlobStore(s3, required(config, 'PKI_BUCKET')), clock: base.clock }),
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
  });
});

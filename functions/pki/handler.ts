import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { required } from '../../shared/config.js';
import { createKmsClient, createS3Client } from '../../shared/adapters/aws/clients.js';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { KmsCaSigner } from '../../shared/adapters/aws/kms-ca-signer.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { caSettingsFromConfig, certificateAuthority } from '../../shared/pki/ca-runtime.js';
import { publishCrl } from '../../shared/pki/crl-publisher.js';
import { timestampAuthority, tsaSettingsFromConfig } from '../../shared/pki/tsa-runtime.js';
import { sealSettingsFromConfig, serviceSeal, type ServiceSeal } from '../../shared/pki/seal-runtime.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import type { RateLimit, RateLimiter } from '../../shared/ports/rate-limiter.js';
import { cachedOcspResponder, ocspCacheControl } from './ocsp-cache.js';
import { pkiRoutes } from './routes.js';
import { answerTimestamp, caCertificate, crl, decodeOcspPath, tsaCertificate, type PkiDeps } from './use-cases.js';

const CA_CACHE = 'public, max-age=86400';
// A revocation publishes a new CRL at once; caches may keep one for five minutes at most.
const CRL_CACHE = 'public, max-age=300';

export interface PkiHandlerDeps extends PkiDeps {
  logger: Logger;
  tenants: TenantDirectory;
  seal?: () => Promise<ServiceSeal>;
  /** Per client (source IP): requests that make a KMS signature (uncached OCSP answers, timestamps). */
  rateLimiter: RateLimiter;
  rateLimit: RateLimit;
}

export function createPkiHandler(deps: PkiHandlerDeps) {
  // One per instance: the same OCSP question with the same statuses is signed once per few minutes.
  const ocsp = cachedOcspResponder(deps);
  // The seal certificate is made here, where the CA is, for the signing function that seals with
  // it but cannot make it: once a container (a cold start after a deployment does it at once) and
  // on every daily run. A failure only delays it: the next container or day tries again.
  let sealChecked: Promise<void> | undefined;
  const ensureSeal = () => {
    sealChecked ??= (deps.seal?.() ?? Promise.resolve()).then(() => undefined, (error: unknown) => {
      sealChecked = undefined;
      deps.logger.error('The service seal is not ready', { error: error as Error });
    });
    return sealChecked;
  };
  const http = createHttpHandler(pkiRoutes, {
    getCaPem: async () => ({ status: 200, body: (await caCertificate(deps)).pem, headers: { 'content-type': 'application/x-pem-file', 'cache-control': CA_CACHE } }),
    getCaDer: async () => ({ status: 200, body: (await caCertificate(deps)).der, headers: { 'content-type': 'application/pkix-cert', 'cache-control': CA_CACHE } }),
    getCrl: async () => ({ status: 200, body: (await crl(deps)).der, headers: { 'content-type': 'application/pkix-crl', 'cache-control': CRL_CACHE } }),
    postOcsp: async ({ body, sourceIp }) => ({ status: 200, body: (await ocsp(body, sourceIp)).der, headers: { 'content-type': 'application/ocsp-response' } }),
    getOcsp: async ({ params, sourceIp }) => {
      const answer = await ocsp(decodeOcspPath(params.request), sourceIp);
      return { status: 200, body: answer.der, headers: { 'content-type': 'application/ocsp-response', 'cache-control': ocspCacheControl(answer, deps.clock.now()) } };
    },
    // Every reply is a fresh token (its own serial and time): never cached.
    postTsa: async ({ body, sourceIp }) => ({ status: 200, body: await answerTimestamp(deps, body, sourceIp), headers: { 'content-type': 'application/timestamp-reply', 'cache-control': 'no-store' } }),
    getTsaPem: async () => ({ status: 200, body: (await tsaCertificate(deps)).pem, headers: { 'content-type': 'application/x-pem-file', 'cache-control': CA_CACHE } }),
  }, {
    // Every PKI route is public; the authenticator only ever sees none.
    authenticator: new Authenticator({ apiKeys: deps.tenants, clock: deps.clock }),
    logger: deps.logger,
  });
  // The daily EventBridge schedule publishes a fresh CRL, so one is never older than a day. It
  // also makes sure the TSA certificate exists, for a signing function that cannot make it.
  return async (event: APIGatewayProxyEvent | { source: 'aws.events' }, context: Context) => {
    if ('source' in event && event.source === 'aws.events') {
      const published = await publishCrl(deps);
      deps.logger.info('Daily CRL published', { crlNumber: published.crlNumber, entries: published.entries });
      await deps.tsa().catch((error: unknown) => deps.logger.error('The timestamp authority is not ready', { error: error as Error }));
      await ensureSeal();
      return published;
    }
    await ensureSeal();
    return http(event as APIGatewayProxyEvent, context);
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('pki');
  const { config } = base;
  const pki = new DynamoPkiStore(base.dynamo, config.TABLE_NAME);
  const kms = createKmsClient();
  const authority = certificateAuthority({ pki, signer: new KmsCaSigner(kms, required(config, 'CA_KEY_ID')), clock: base.clock, settings: caSettingsFromConfig(config) });
  return createPkiHandler({
    ...base,
    pki,
    blobs: new S3BlobStore(createS3Client(), required(config, 'PKI_BUCKET')),
    certificates: new DynamoCertificates(base.dynamo, config.TABLE_NAME),
    authority,
    // The TSA signs with a KMS key of its own; holding the CA too, this function makes its certificate.
    tsa: timestampAuthority({ pki, signer: new KmsCaSigner(kms, required(config, 'TSA_KEY_ID')), clock: base.clock, settings: tsaSettingsFromConfig(config), authority }),
    // The seal key's public half only (GetPublicKey): this function certifies it, never signs with it.
    seal: serviceSeal({ pki, signer: new KmsCaSigner(kms, required(config, 'SERVICE_SEAL_KEY_ID')), clock: base.clock, settings: sealSettingsFromConfig(config), authority }),
    rateLimiter: new DynamoRateLimiter(base.dynamo, config.TABLE_NAME, base.clock),
    rateLimit: { limit: config.PKI_RATE_LIMIT, windowSeconds: config.PKI_RATE_WINDOW_SECONDS },
  });
});

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
import type { Logger } from '@aws-lambda-powertools/logger';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { pkiRoutes } from './routes.js';
import { answerOcsp, caCertificate, crl, decodeOcspPath, type PkiDeps } from './use-cases.js';

const CA_CACHE = 'public, max-age=86400';
// A revocation publishes a new CRL at once; caches may keep one for five minutes at most.
const CRL_CACHE = 'public, max-age=300';

/** RFC 5019: GET answers are cacheable until shortly before their nextUpdate. */
const ocspCache = (nextUpdate: Date, now: Date) => `public, max-age=${Math.max(0, Math.floor((nextUpdate.getTime() - now.getTime()) / 1000) - 60)}, no-transform, must-revalidate`;

export function createPkiHandler(deps: PkiDeps & { logger: Logger; tenants: TenantDirectory }) {
  const http = createHttpHandler(pkiRoutes, {
    getCaPem: async () => ({ status: 200, body: (await caCertificate(deps)).pem, headers: { 'content-type': 'application/x-pem-file', 'cache-control': CA_CACHE } }),
    getCaDer: async () => ({ status: 200, body: (await caCertificate(deps)).der, headers: { 'content-type': 'application/pkix-cert', 'cache-control': CA_CACHE } }),
    getCrl: async () => ({ status: 200, body: (await crl(deps)).der, headers: { 'content-type': 'application/pkix-crl', 'cache-control': CRL_CACHE } }),
    postOcsp: async ({ body }) => ({ status: 200, body: (await answerOcsp(deps, body)).der, headers: { 'content-type': 'application/ocsp-response' } }),
    getOcsp: async ({ params }) => {
      const answer = await answerOcsp(deps, decodeOcspPath(params.request));
      return { status: 200, body: answer.der, headers: { 'content-type': 'application/ocsp-response', 'cache-control': ocspCache(answer.nextUpdate, deps.clock.now()) } };
    },
  }, {
    // Every PKI route is public; the authenticator only ever sees none.
    authenticator: new Authenticator({ apiKeys: deps.tenants, clock: deps.clock }),
    logger: deps.logger,
  });
  // The daily EventBridge schedule publishes a fresh CRL, so one is never older than a day.
  return async (event: APIGatewayProxyEvent | { source: 'aws.events' }, context: Context) => {
    if ('source' in event && event.source === 'aws.events') {
      const published = await publishCrl(deps);
      deps.logger.info('Daily CRL published', { crlNumber: published.crlNumber, entries: published.entries });
      return published;
    }
    return http(event as APIGatewayProxyEvent, context);
  };
}

export const handler = lambdaEntry(() => {
  const base = awsBasePorts('pki');
  const { config } = base;
  const pki = new DynamoPkiStore(base.dynamo, config.TABLE_NAME);
  return createPkiHandler({
    ...base,
    pki,
    blobs: new S3BlobStore(createS3Client(), required(config, 'PKI_BUCKET')),
    certificates: new DynamoCertificates(base.dynamo, config.TABLE_NAME),
    authority: certificateAuthority({ pki, signer: new KmsCaSigner(createKmsClient(), required(config, 'CA_KEY_ID')), clock: base.clock, settings: caSettingsFromConfig(config) }),
  });
});

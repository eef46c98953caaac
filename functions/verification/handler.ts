import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoCertificates } from '../../shared/adapters/aws/dynamo-certificates.js';
import { DynamoPkiStore } from '../../shared/adapters/aws/dynamo-pki.js';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter.js';
import { awsBasePorts } from '../../shared/adapters/aws/runtime.js';
import { Authenticator } from '../../shared/http/auth.js';
import { createHttpHandler, type HttpHandler } from '../../shared/http/service.js';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import { fromPem } from '../../shared/pki/encoding.js';
import type { PkiStore } from '../../shared/ports/pki.js';
import type { TenantDirectory } from '../../shared/ports/tenants.js';
import { verificationRoutes } from './routes.js';
import { verifyForTenant, verifyPdf, type VerificationDeps } from './use-cases/verify-pdf.js';
import { bsreV1Report, bsreV2Report } from './bsre-reports.js';
import { AppError } from '../../shared/domain/errors.js';
import { businessMetrics } from '../../shared/adapters/aws/business-metrics.js';
import { DynamoUsageCounter } from '../../shared/adapters/aws/dynamo-usage.js';
import type { UsageCounter } from '../../shared/ports/usage.js';
import { cachedTenants } from '../../shared/tenants.js';

export type VerificationPorts = VerificationDeps & { tenants: TenantDirectory; usage: UsageCounter; logger: Logger };

/** Each verification answered, public or an integrator's, is one business event. */
function counted<T>(report: T): T {
  businessMetrics.count({ Verifications: 1 });
  return report;
}

export function createVerificationHandler(ports: VerificationPorts): HttpHandler {
  return createHttpHandler(verificationRoutes, {
    verifyPdf: async ({ body, sourceIp }) => {
      const pdf = body instanceof Uint8Array ? body : new Uint8Array(Buffer.from(body.pdfBase64, 'base64'));
      return { status: 200, body: counted(await verifyPdf(ports, { pdf, clientKey: sourceIp })) };
    },
    bsreVerifyPdf: async ({ actor, body }) => {
      const file = body.files.signed_file?.[0];
      if (!file) throw new AppError('VALIDATION_FAILED', [{ field: 'signed_file', code: 'REQUIRED' }]);
      return { status: 200, body: bsreV1Report(counted(await verifyForTenant(ports, { actor, pdf: file.bytes })), file.fileName || 'dokumen.pdf') };
    },
    bsreVerifyPdfV2: async ({ actor, body }) => ({
      status: 200,
      body: bsreV2Report(counted(await verifyForTenant(ports, { actor, pdf: new Uint8Array(Buffer.from(body.file, 'base64')) }))),
    }),
  }, {
    // Public, except BSrE's paths: a tenant's signing key (read from the table, like every key).
    authenticator: new Authenticator({ apiKeys: cachedTenants(ports.tenants), tenants: cachedTenants(ports.tenants), clock: ports.clock }),
    logger: ports.logger,
  });
}

/**
 * The CA certificate as the pki function stored it, read once per container (it never changes);
 * a failed or empty read is not kept, so the next request reads again.
 */
export function storedCaCertificate(pki: Pick<PkiStore, 'findCaCertificate'>): () => Promise<Uint8Array | undefined> {
  let cached: Promise<Uint8Array> | undefined;
  return async () => {
    if (cached) return cached;
    const pem = await pki.findCaCertificate();
    if (!pem) return undefined;
    cached = Promise.resolve(fromPem(pem, 'CERTIFICATE'));
    return cached;
  };
}

// Public verification runs where no key can be opened: table reads and its own rate counters only.
export const handler = lambdaEntry(() => {
  const base = awsBasePorts('verification');
  const { config } = base;
  const pki = new DynamoPkiStore(base.dynamo, config.TABLE_NAME);
  return createVerificationHandler({
    ...base,
    pki,
    certificates: new DynamoCertificates(base.dynamo, config.TABLE_NAME),
    caCertificate: storedCaCertificate(pki),
    rateLimiter: new DynamoRateLimiter(base.dynamo, config.TABLE_NAME, base.clock),
    usage: new DynamoUsageCounter(base.dynamo, config.TABLE_NAME),
    rateLimit: { limit: config.VERIFICATION_RATE_LIMIT, windowSeconds: config.VERIFICATION_RATE_WINDOW_SECONDS },
  });
});

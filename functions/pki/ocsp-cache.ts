import { createHash } from 'node:crypto';
import { id_pkix_ocsp_nonce, OCSPRequest } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { CertificateStatusAnswer } from '../../shared/domain/certificates.js';
import { AppError } from '../../shared/domain/errors.js';
import { MAX_OCSP_REQUESTS, OcspRequestInvalidError } from '../../shared/pki/certificate-authority.js';
import { hex } from '../../shared/pki/encoding.js';
import type { RateLimit, RateLimiter } from '../../shared/ports/rate-limiter.js';
import { takeOrRefuse } from '../../shared/rate-limits.js';
import { certificateStatus, PKI_SIGN_RATE_SCOPE, type PkiDeps } from './use-cases.js';

/**
 * How long one instance answers the same request with the same signed answer. The statuses are
 * read from the table on every request and are part of the cache key, so a revocation is answered
 * at once (a new key, a new signature); this bound only keeps an answer's producedAt fresh.
 */
export const OCSP_CACHE_SECONDS = 300;
/** Answers kept per function instance (a few hundred bytes each: a few MB at most). */
export const OCSP_CACHE_ENTRIES = 10_000;

export interface OcspAnswer { der: Uint8Array; nextUpdate: Date; producedAt: Date; cached: boolean }
export interface OcspResponderDeps extends PkiDeps { rateLimiter: RateLimiter; rateLimit: RateLimit }

const invalid = (message: string) => new AppError('OCSP_REQUEST_INVALID', [], { internal: message });

/**
 * The request as the responder answers it: decoded, within the CertID bound, and without its nonce.
 * The nonce is ignored (RFC 5019 §2.1.1 lets a lightweight responder do so, and RFC 6960 §4.4.1
 * makes it optional): a cached answer is shared by every client, so it cannot carry anyone's nonce,
 * and echoing nonces would let any client force a fresh KMS signature per request.
 */
function withoutNonce(requestDer: Uint8Array): Uint8Array {
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(requestDer, OCSPRequest);
  } catch {
    throw invalid('The OCSP request cannot be decoded');
  }
  const count = request.tbsRequest.requestList.length;
  if (count === 0 || count > MAX_OCSP_REQUESTS) throw invalid(`The OCSP request names ${count} certificates`);
  const kept = request.tbsRequest.requestExtensions?.filter((extension) => extension.extnID !== id_pkix_ocsp_nonce) ?? [];
  request.tbsRequest.requestExtensions = kept.length > 0 ? kept : undefined;
  return new Uint8Array(AsnConvert.serialize(request));
}

function serialsOf(requestDer: Uint8Array): string[] {
  return AsnConvert.parse(requestDer, OCSPRequest).tbsRequest.requestList.map((entry) => hex(entry.reqCert.serialNumber));
}

const statusText = (answer: CertificateStatusAnswer) =>
  answer.status === 'revoked' ? `revoked ${answer.revokedAt.toISOString()} ${answer.reason}` : answer.status;

/**
 * An OCSP responder that signs once per (request, statuses) and instance for OCSP_CACHE_SECONDS.
 * 1. Decode the request and drop its nonce (400 OCSP_REQUEST_INVALID before anything else).
 * 2. Read each serial's status from the table (consistent reads, as answerOcsp does).
 * 3. The same request with the same statuses answered less than OCSP_CACHE_SECONDS ago (or being
 *    signed right now): that answer, with no signature and no limit taken.
 * 4. Otherwise count the client against the signing limit (429 TOO_MANY_REQUESTS, nothing signed),
 *    then sign with the statuses read in step 2 and keep the answer.
 */
export function cachedOcspResponder(deps: OcspResponderDeps) {
  const answers = new Map<string, { at: number; answer: Promise<Omit<OcspAnswer, 'cached'>> }>();
  const lookup = certificateStatus(deps);
  const fresh = (key: string, now: number) => {
    const entry = answers.get(key);
    if (entry && now - entry.at < OCSP_CACHE_SECONDS * 1000) return entry;
    if (entry) answers.delete(key);
    return undefined;
  };

  return async (requestDer: Uint8Array, clientKey: string): Promise<OcspAnswer> => {
    const stripped = withoutNonce(requestDer);
    const statuses = new Map<string, Promise<CertificateStatusAnswer>>();
    for (const serial of serialsOf(stripped)) if (!statuses.has(serial)) statuses.set(serial, lookup(serial));
    const read = await Promise.all([...statuses].map(async ([serial, answer]) => `${serial}=${statusText(await answer)}`));
    const key = `${createHash('sha256').update(stripped).digest('base64url')} ${read.join(',')}`;

    const hit = fresh(key, deps.clock.now().getTime());
    if (hit) return { ...(await hit.answer), cached: true };
    await takeOrRefuse(deps.rateLimiter, PKI_SIGN_RATE_SCOPE, clientKey, deps.rateLimit);
    // Another request may have started the same answer while this one waited for its count.
    const raced = fresh(key, deps.clock.now().getTime());
    if (raced) return { ...(await raced.answer), cached: true };

    const now = deps.clock.now();
    const answer = (async () => {
      try {
        const signed = await (await deps.authority()).ocsp(stripped, (serial) => statuses.get(serial) ?? lookup(serial), now);
        return { ...signed, producedAt: new Date(Math.floor(now.getTime() / 1000) * 1000) };
      } catch (error) {
        if (error instanceof OcspRequestInvalidError) throw invalid(error.message);
        throw error;
      }
    })();
    answers.set(key, { at: now.getTime(), answer });
    answer.catch(() => answers.get(key)?.answer === answer && answers.delete(key));
    while (answers.size > OCSP_CACHE_ENTRIES) answers.delete(answers.keys().next().value!);
    return { ...(await answer), cached: false };
  };
}

/**
 * Cache-Control of a GET answer: as long as this instance would still give it, never past its
 * nextUpdate, so a CDN in front holds a "good" no longer after a revocation than the CRL (5 min).
 */
export function ocspCacheControl(answer: Pick<OcspAnswer, 'nextUpdate' | 'producedAt'>, now: Date): string {
  const untilNextUpdate = Math.floor((answer.nextUpdate.getTime() - now.getTime()) / 1000) - 60;
  const untilStale = OCSP_CACHE_SECONDS - Math.ceil((now.getTime() - answer.producedAt.getTime()) / 1000);
  return `public, max-age=${Math.max(0, Math.min(untilNextUpdate, untilStale))}, no-transform, must-revalidate`;
}

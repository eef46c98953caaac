import { errorCatalog, fieldErrorCatalog, isAppError, AppError, type ErrorCode } from '../domain/errors.js';

export type Language = 'id' | 'en';

/** Indonesian unless the caller's first preference is English. */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  return acceptLanguage?.trim().toLowerCase().startsWith('en') ? 'en' : 'id';
}

export interface ProblemResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function problemResponse(error: AppError, language: Language, instance?: string): ProblemResponse {
  const entry = errorCatalog[error.code];
  const detail = error.detailOverride?.[language] ?? entry[language];
  const body = {
    type: `urn:tte:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: errorCatalog[error.code].en,
    status: error.status,
    code: error.code,
    detail,
    ...(instance ? { instance } : {}),
    ...error.extensions,
    errors: error.fieldErrors.map((fieldError) => ({
      field: fieldError.field,
      code: fieldError.code,
      message: fieldErrorCatalog[fieldError.code][language],
    })),
  };
  return {
    statusCode: error.status,
    headers: { ...error.headers, 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Middy's own middlewares throw http-errors style errors; these are the ones callers cause. */
const middyStatusCodes: Record<number, ErrorCode> = {
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'MALFORMED_REQUEST',
  400: 'MALFORMED_REQUEST',
};

const throttlingNames = new Set([
  'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException',
  'ServiceUnavailable', 'InternalServerError', 'LimitExceededException',
]);

/** A dependency that did not answer at all (S3, KMS, SES unreachable): as busy for the caller, who may retry. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Every failure, typed or not, as an AppError. Unknown errors become INTERNAL_ERROR and are
 * reported by the caller; a busy dependency becomes 503 so clients retry instead of giving up.
 */
export function toAppError(error: unknown): { appError: AppError; unexpected: boolean } {
  if (isAppError(error)) return { appError: error, unexpected: false };
  const candidate = error as { statusCode?: number; expose?: boolean; name?: string; $retryable?: unknown; $fault?: string; code?: unknown };
  if (candidate && typeof candidate.statusCode === 'number' && candidate.expose && middyStatusCodes[candidate.statusCode]) {
    return { appError: new AppError(middyStatusCodes[candidate.statusCode]!), unexpected: false };
  }
  // An AWS service failing on its side ($fault "server", e.g. KMSInternalException) or not reachable is
  // an outage, not a bug of the request: 503, so the caller retries (still logged as unexpected).
  const outage = candidate && (candidate.$fault === 'server' || (typeof candidate.code === 'string' && unreachableCodes.has(candidate.code)));
  if (candidate && (throttlingNames.has(candidate.name ?? '') || candidate.$retryable || outage)) {
    return { appError: new AppError('SERVICE_UNAVAILABLE'), unexpected: true };
  }
  return { appError: new AppError('INTERNAL_ERROR'), unexpected: true };
}

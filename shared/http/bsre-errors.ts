import { errorCatalog, fieldErrorCatalog, type AppError } from '../domain/errors.js';
import type { ErrorRenderer } from './route.js';

/**
 * BSrE's error codes (API.md "BSrE-compatible endpoints"): clients branch on these numbers, so
 * each of our errors maps to the one that means the same to them. Anything else the caller can
 * fix is 2001 (bad request); the HTTP status stays ours, a real 4xx (or 503 when busy).
 */
function bsreCode(error: AppError): number {
  if (error.code === 'PASSPHRASE_INVALID') return 2031;
  if (error.code === 'KEY_LOCKED') return 2051;
  if (error.code === 'SIGNER_NOT_ELIGIBLE') return error.extensions?.reason === 'NOT_REGISTERED' ? 2011 : 2021;
  if (error.code === 'NO_SIGNING_KEY') return 2021;
  return error.status >= 500 ? error.status : 2001;
}

/** `{"error": "<Indonesian text>", "status_code": <code>}`, the field errors named in the text. */
export const bsreErrorBody: ErrorRenderer = (error, language) => {
  const detail = error.detailOverride?.[language] ?? errorCatalog[error.code][language];
  const fields = error.fieldErrors.map((fieldError) => `${fieldError.field}: ${fieldErrorCatalog[fieldError.code][language]}`);
  return {
    statusCode: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...error.headers },
    body: JSON.stringify({ error: [detail, ...fields].join(' '), status_code: bsreCode(error) }),
  };
};

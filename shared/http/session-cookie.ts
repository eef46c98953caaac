import { timingSafeEqual } from 'node:crypto';

/** The browser session cookie; the same name over http (local runtime) and https. */
export const SESSION_COOKIE = 'tte_session';

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it), Path=/
 * (pages and API share the origin), Secure on https. Max-Age follows the session's absolute end.
 */
export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Expires the cookie at once (logout). */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return sessionCookie('', { secure: options.secure, maxAgeSeconds: 0 });
}

/** The session token from a Cookie header, if one is there. */
export function readSessionCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === SESSION_COOKIE) {
      const value = part.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF rule: a request authenticated by the cookie that may change state must carry the
 * session's CSRF token. Bearer and API-key requests are not sent by browsers on their own, so the
 * rule does not apply to them.
 */
export function csrfSatisfied(input: { method: string; viaCookie: boolean; expected: string; given: string | undefined }): boolean {
  if (!input.viaCookie || safeMethods.has(input.method.toUpperCase())) return true;
  if (!input.given) return false;
  const expected = Buffer.from(input.expected, 'utf8');
  const given = Buffer.from(input.given, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

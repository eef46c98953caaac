/**
 * The headers of every HTML response (API.md "Web pages"), not the JSON defaults: a CSP with no
 * inline script, no framing, no referrer (tokens are in URLs), nosniff, and the camera only where
 * a page takes photos. `extraOrigins` adds the photo bucket to connect-src and img-src.
 */
export function pageHeaders(options: { camera?: boolean; extraOrigins?: readonly string[] } = {}): Record<string, string> {
  const extra = (options.extraOrigins ?? []).join(' ');
  const withExtra = (sources: string) => (extra ? `${sources} ${extra}` : sources);
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src ${withExtra("'self' data: blob:")}`,
      `connect-src ${withExtra("'self'")}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'permissions-policy': `camera=${options.camera ? '(self)' : '()'}, microphone=(), geolocation=(), payment=()`,
    'cache-control': 'no-store',
  };
}

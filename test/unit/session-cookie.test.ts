import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, csrfSatisfied, readSessionCookie, SESSION_COOKIE, sessionCookie } from '../../shared/http/session-cookie.js';

const TOKEN = 'Zm9vYmFyYmF6cXV4LXNlc3Npb24tdG9rZW4tZm9yLXRlc3Rz';

/** A Set-Cookie value as a browser reads it: the name=value pair, then attributes (case-insensitive names). */
function parseSetCookie(header: string) {
  const [pair = '', ...rest] = header.split(';').map((part) => part.trim());
  const separator = pair.indexOf('=');
  const attributes = new Map<string, string | true>();
  for (const attribute of rest) {
    const at = attribute.indexOf('=');
    if (at < 0) attributes.set(attribute.toLowerCase(), true);
    else attributes.set(attribute.slice(0, at).toLowerCase(), attribute.slice(at + 1));
  }
  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
}

describe('sessionCookie', () => {
  it('sets the token HttpOnly, SameSite=Strict, Path=/ and Secure on https, lasting Max-Age seconds', () => {
    const cookie = parseSetCookie(sessionCookie(TOKEN, { secure: true, maxAgeSeconds: 12 * 3600 }));
    expect(cookie.name).toBe(SESSION_COOKIE);
    expect(cookie.value).toBe(TOKEN);
    expect(cookie.attributes.get('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.get('secure')).toBe(true);
    expect(cookie.attributes.get('max-age')).toBe('43200');
  });

  it('is a host-only cookie: no Domain attribute widens it to other hosts', () => {
    const cookie = parseSetCookie(sessionCookie(TOKEN, { secure: true, maxAgeSeconds: 60 }));
    expect(cookie.attributes.has('domain')).toBe(false);
    expect([...cookie.attributes.keys()].sort()).toEqual(['httponly', 'max-age', 'path', 'samesite', 'secure']);
  });

  it('leaves Secure out only for the local http runtime, keeping every other attribute', () => {
    const cookie = parseSetCookie(sessionCookie(TOKEN, { secure: false, maxAgeSeconds: 60 }));
    expect(cookie.attributes.has('secure')).toBe(false);
    expect(cookie.attributes.get('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/');
  });

  it.each([
    [3599.9, '3599'],
    [0.5, '0'],
    [-30, '0'],
  ])('Max-Age %d becomes %s (whole seconds, never negative, never past the session end)', (maxAgeSeconds, expected) => {
    expect(parseSetCookie(sessionCookie(TOKEN, { secure: true, maxAgeSeconds })).attributes.get('max-age')).toBe(expected);
  });

  it('clearedSessionCookie empties the same cookie at once, with the same scope', () => {
    for (const secure of [true, false]) {
      const cleared = parseSetCookie(clearedSessionCookie({ secure }));
      const set = parseSetCookie(sessionCookie(TOKEN, { secure, maxAgeSeconds: 60 }));
      expect(cleared.name).toBe(SESSION_COOKIE);
      expect(cleared.value).toBe('');
      expect(cleared.attributes.get('max-age')).toBe('0');
      // A browser only replaces a cookie with the same name, path and domain.
      expect(cleared.attributes.get('path')).toBe(set.attributes.get('path'));
      expect(cleared.attributes.has('domain')).toBe(set.attributes.has('domain'));
      expect(cleared.attributes.has('secure')).toBe(secure);
    }
  });
});

describe('readSessionCookie', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['no Cookie header', undefined, undefined],
    ['an empty header', '', undefined],
    ['only the session cookie', `tte_session=${TOKEN}`, TOKEN],
    ['the session among other cookies', `theme=dark; tte_session=${TOKEN}; lang=id`, TOKEN],
    ['no spaces after the separators', `a=1;tte_session=${TOKEN};b=2`, TOKEN],
    ['extra spaces', `a=1 ;  tte_session = ${TOKEN}  ; b=2`, TOKEN],
    ['a cleared (empty) session cookie', 'tte_session=; theme=dark', undefined],
    ['cookies whose names only contain the name', 'xtte_session=forged; tte_session_old=forged; tte=forged', undefined],
    ['the name as another cookie\'s value', 'other=tte_session', undefined],
    ['a part without "="', `garbage; tte_session=${TOKEN}`, TOKEN],
    ['a value holding "=" (kept whole)', 'tte_session=abc=def', 'abc=def'],
    ['two session cookies (the first one, as the browser sent it)', 'tte_session=first; tte_session=second', 'first'],
  ])('%s', (_case, header, expected) => {
    expect(readSessionCookie(header)).toBe(expected);
  });

  it('reads back exactly the token sessionCookie set', () => {
    const [pair] = sessionCookie(TOKEN, { secure: true, maxAgeSeconds: 60 }).split(';');
    expect(readSessionCookie(`foo=bar; ${pair}`)).toBe(TOKEN);
  });
});

describe('csrfSatisfied: only cookie-authenticated unsafe requests need the token', () => {
  const expected = 'csrf-token-of-this-session-0123456789abcdef';

  it.each<[string, { method: string; viaCookie: boolean; given: string | undefined }, boolean]>([
    ['Bearer POST without a token', { method: 'POST', viaCookie: false, given: undefined }, true],
    ['Bearer DELETE with a wrong token', { method: 'DELETE', viaCookie: false, given: 'wrong' }, true],
    ['cookie GET without a token', { method: 'GET', viaCookie: true, given: undefined }, true],
    ['cookie HEAD without a token', { method: 'HEAD', viaCookie: true, given: undefined }, true],
    ['cookie OPTIONS without a token', { method: 'OPTIONS', viaCookie: true, given: undefined }, true],
    ['cookie get (lower case) without a token', { method: 'get', viaCookie: true, given: undefined }, true],
    ['cookie POST without a token', { method: 'POST', viaCookie: true, given: undefined }, false],
    ['cookie PUT without a token', { method: 'PUT', viaCookie: true, given: undefined }, false],
    ['cookie PATCH without a token', { method: 'PATCH', viaCookie: true, given: undefined }, false],
    ['cookie DELETE without a token', { method: 'DELETE', viaCookie: true, given: undefined }, false],
    ['cookie post (lower case) without a token', { method: 'post', viaCookie: true, given: undefined }, false],
    ['cookie POST with an empty token', { method: 'POST', viaCookie: true, given: '' }, false],
    ['cookie POST with the right token', { method: 'POST', viaCookie: true, given: expected }, true],
    ['cookie DELETE with the right token', { method: 'DELETE', viaCookie: true, given: expected }, true],
    ['cookie POST with a wrong token of the same length', { method: 'POST', viaCookie: true, given: `${expected.slice(0, -1)}0` }, false],
    ['cookie POST with a prefix of the token', { method: 'POST', viaCookie: true, given: expected.slice(0, 10) }, false],
    ['cookie POST with the token and more', { method: 'POST', viaCookie: true, given: `${expected}x` }, false],
    ['cookie POST with the token in another case', { method: 'POST', viaCookie: true, given: expected.toUpperCase() }, false],
  ])('%s → %s', (_case, input, result) => {
    expect(csrfSatisfied({ ...input, expected })).toBe(result);
  });

  it('compares multi-byte tokens by their bytes without throwing on a length mismatch', () => {
    // Same number of characters, different byte lengths: must answer false, not throw.
    expect(csrfSatisfied({ method: 'POST', viaCookie: true, expected: 'ab', given: 'aé' })).toBe(false);
    expect(csrfSatisfied({ method: 'POST', viaCookie: true, expected: 'aé', given: 'aé' })).toBe(true);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, isWellFormedToken, linkUrl, newLinkToken } from '../../shared/domain/tokens.js';

describe('link tokens', () => {
  it('are 43 base64url characters carrying 256 random bits', () => {
    const token = newLinkToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('differ from one call to the next', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newLinkToken()));
    expect(tokens.size).toBe(50);
  });

  it('are accepted by isWellFormedToken', () => {
    expect(isWellFormedToken(newLinkToken())).toBe(true);
  });

  it('are stored only as their SHA-256 hex digest', () => {
    const token = newLinkToken();
    const digest = hashToken(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(createHash('sha256').update(token).digest('hex'));
    expect(digest).not.toContain(token);
  });

  it('hash to the known SHA-256 of a fixed value', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['standard base64 "+"', `${'a'.repeat(42)}+`],
    ['standard base64 "/"', `${'a'.repeat(42)}/`],
    ['padding', `${'a'.repeat(42)}=`],
    ['a path separator attempt', `../${'a'.repeat(40)}`],
    ['empty', ''],
    ['a trailing newline', `${'a'.repeat(43)}\n`],
  ])('isWellFormedToken rejects %s', (_label, token) => {
    expect(isWellFormedToken(token)).toBe(false);
  });
});

describe('linkUrl', () => {
  const token = 'T'.repeat(43);

  it.each([
    ['https://tte.sultengprov.go.id', 'https://tte.sultengprov.go.id/activate/TTT'],
    ['https://tte.sultengprov.go.id/', 'https://tte.sultengprov.go.id/activate/TTT'],
    ['https://tte.sultengprov.go.id///', 'https://tte.sultengprov.go.id/activate/TTT'],
    ['https://portal.go.id/tte', 'https://portal.go.id/tte/activate/TTT'],
    ['https://portal.go.id/tte/', 'https://portal.go.id/tte/activate/TTT'],
  ])('joins %j with the purpose and token', (base, expected) => {
    expect(linkUrl(base, 'activate', token)).toBe(expected.replace('TTT', token));
  });

  it('puts the token in the last path segment for every purpose', () => {
    const url = new URL(linkUrl('https://tte.example.go.id/', 'reset-passphrase', token));
    expect(url.pathname.split('/')).toEqual(['', 'reset-passphrase', token]);
  });
});

import { describe, expect, it } from 'vitest';
import { CREDENTIAL_MAX_LENGTH, CREDENTIAL_MIN_LENGTH, meetsCredentialPolicy } from '../../shared/domain/credential-policy.js';

// One password or passphrase that meets every rule, and variants that each break exactly one.
const GOOD = 'Rahasia#2026';

describe('meetsCredentialPolicy: the agencies\' rule for passwords and passphrases', () => {
  it.each([
    ['a typical password', GOOD],
    ['exactly 8 characters', 'Abcd12#x'],
    ['a space between words (spaces are allowed, just not counted as special)', 'Tanda Tangan 1!'],
    ['letters with diacritics as the capitals and small letters', 'Ürün#2026ş'],
    ['an emoji as the special character', 'Sulteng2026😀'],
    [`exactly ${CREDENTIAL_MAX_LENGTH} characters`, `Aa1!${'x'.repeat(CREDENTIAL_MAX_LENGTH - 4)}`],
  ])('accepts %s', (_case, value) => {
    expect(meetsCredentialPolicy(value)).toBe(true);
  });

  it.each([
    ['an empty value', ''],
    ['7 characters', 'Abc12#x'],
    ['no upper-case letter', 'rahasia#2026'],
    ['no lower-case letter', 'RAHASIA#2026'],
    ['no digit', 'Rahasia#Kita'],
    ['no special character', 'Rahasia2026'],
    ['only a space as the "special" character', 'Rahasia 2026'],
    [`${CREDENTIAL_MAX_LENGTH + 1} characters`, `Aa1!${'x'.repeat(CREDENTIAL_MAX_LENGTH - 3)}`],
    ['a newline', 'Rahasia#2026\n'],
    ['a tab', 'Rahasia\t#2026'],
    ['a NUL character', 'Rahasia#2026\u0000'],
    ['DEL', 'Rahasia#2026\u007f'],
    ['a C1 control character', 'Rahasia#2026\u0085'],
  ])('refuses %s', (_case, value) => {
    expect(meetsCredentialPolicy(value)).toBe(false);
  });

  // Some agency systems mangle these, so they are refused even when everything else is met.
  it.each(['[', ']', '^', '\\'])('refuses the forbidden character %s, even beside an allowed special', (character) => {
    expect(meetsCredentialPolicy(`${GOOD}${character}`)).toBe(false);
    expect(meetsCredentialPolicy(`Rahasia2026${character}`)).toBe(false);
  });

  it.each([...'!"#$%&\'()*+,-./:;<=>?@_`{|}~'])('counts %s as the special character', (character) => {
    expect(meetsCredentialPolicy(`Rahasia2026${character}`)).toBe(true);
  });

  it('counts characters, not UTF-16 code units, for both limits', () => {
    // 7 characters but 8 code units: still too short.
    const sevenWithEmoji = 'Ab1cde😀';
    expect(sevenWithEmoji.length).toBe(8);
    expect(meetsCredentialPolicy(sevenWithEmoji)).toBe(false);
    // 128 characters but 253 code units: still within the limit; one more is not.
    const longest = `Aa1${'😀'.repeat(CREDENTIAL_MAX_LENGTH - 3)}`;
    expect(meetsCredentialPolicy(longest)).toBe(true);
    expect(meetsCredentialPolicy(`${longest}😀`)).toBe(false);
  });

  it('has the documented limits', () => {
    expect([CREDENTIAL_MIN_LENGTH, CREDENTIAL_MAX_LENGTH]).toEqual([8, 128]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  isEmailInDomains, isValidPersonName, normaliseIndonesianMobile, tidyPersonName,
} from '../../shared/domain/user.js';

/** The rule the API applies: what the person typed, tidied, must then be a valid name. */
const acceptsName = (typed: string) => isValidPersonName(tidyPersonName(typed));

describe('person names (as on the KTP: letters and single spaces, no titles)', () => {
  it.each([
    ['Siti Aminah'],
    ['Ni Luh Putu Ayu'],
    ['Budi'],
    ['Al'],
    ['Дмитрий Иванов'],
    ['محمد علي'],
    ['Zoë Müller'],
    ['李小龍'],
    ['A'.repeat(100)],
  ])('accepts %j', (name) => {
    expect(isValidPersonName(name)).toBe(true);
  });

  it.each([
    ['digits', 'Budi 2'],
    ['a title with a dot', 'Dr. Siti'],
    ['an academic degree after a comma', 'Budi, S.Kom'],
    ['an apostrophe', "Ma'ruf Amin"],
    ['a hyphen', 'Siti-Aminah'],
    ['one character', 'A'],
    ['101 characters', 'A'.repeat(101)],
    ['an empty string', ''],
    ['a double space', 'Siti  Aminah'],
    ['a leading space', ' Siti'],
    ['a trailing space', 'Siti '],
    ['a tab between words', 'Siti\tAminah'],
    ['an emoji', 'Siti 😀'],
  ])('rejects a name with %s (%j)', (_label, name) => {
    expect(isValidPersonName(name)).toBe(false);
  });

  it.each([
    ['  Siti   Aminah  ', 'Siti Aminah'],
    ['Siti\tAminah', 'Siti Aminah'],
    ['Ni\nLuh  Putu', 'Ni Luh Putu'],
    // Decomposed "e" + combining acute becomes the single precomposed letter.
    ['Jose\u0301', 'Jos\u00e9'],
  ])('tidies %j to %j', (typed, tidy) => {
    expect(tidyPersonName(typed)).toBe(tidy);
  });

  it.each([
    ['  Siti   Aminah  ', true],
    ['Ni   Luh Putu Ayu', true],
    ['   ', false],
    [' A ', false],
    ['Dr.  Siti', false],
    ['Budi ,  S.Kom', false],
    [` ${'A'.repeat(100)} `, true],
    [`${'A'.repeat(50)}  ${'B'.repeat(50)}`, false], // 101 characters once the spaces collapse
  ])('tidied then validated, %j is accepted: %s', (typed, accepted) => {
    expect(acceptsName(typed)).toBe(accepted);
  });
});

describe('normaliseIndonesianMobile', () => {
  it.each([
    ['0812-3456-7890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['081234567890', '+6281234567890'],
    ['(0812) 3456.7890', '+6281234567890'],
    ['0811234567', '+62811234567'], // shortest: 8 + 9 more digits
    ['0812345678901', '+62812345678901'], // longest: 12 national digits
    ['+62 857-1234-5678', '+6285712345678'],
  ])('normalises %j to %j', (typed, e164) => {
    expect(normaliseIndonesianMobile(typed)).toBe(e164);
  });

  it.each([
    ['a Jakarta landline', '021-5551234'],
    ['a Yogyakarta landline', '(0274) 512345'],
    ['a toll-free number', '0800-1-234567'],
    ['too short', '0812345'],
    ['too long', '08123456789012'],
    ['a Singapore mobile', '+65 8123 4567'],
    ['a Malaysian mobile', '+60 12-345 6789'],
    ['a US number', '+1 812 345 6789'],
    ['letters', '0812-ABCD-7890'],
    ['empty', ''],
    ['a plus in the middle', '0812+34567890'],
  ])('rejects %s (%j)', (_label, typed) => {
    expect(normaliseIndonesianMobile(typed)).toBeUndefined();
  });
});

describe('isEmailInDomains (official addresses only)', () => {
  const domains = ['sultengprov.go.id', 'Palukota.go.id'];

  it.each([
    ['budi@sultengprov.go.id'],
    ['BUDI@SultengProv.GO.ID'],
    ['  budi@sultengprov.go.id  '],
    ['siti@palukota.go.id'],
  ])('accepts %j', (email) => {
    expect(isEmailInDomains(email, domains)).toBe(true);
  });

  it.each([
    ['a subdomain', 'budi@mail.sultengprov.go.id'],
    ['a look-alike suffix', 'budi@sultengprov.go.id.evil.com'],
    ['a look-alike prefix', 'budi@fakesultengprov.go.id'],
    ['a parent domain', 'budi@go.id'],
    ['a free-mail address', 'budi@gmail.com'],
    ['a trailing dot', 'budi@sultengprov.go.id.'],
  ])('rejects %s (%j)', (_label, email) => {
    expect(isEmailInDomains(email, domains)).toBe(false);
  });

  it('rejects everything when the tenant lists no domain', () => {
    expect(isEmailInDomains('budi@sultengprov.go.id', [])).toBe(false);
  });
});

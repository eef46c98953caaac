import { describe, expect, it } from 'vitest';
import { certificatesRoutes } from '../../functions/certificates/routes.js';
import {
  MAX_PASSPHRASE_FAILURES, RENEWAL_WINDOW_DAYS, renewalCheck, revocationReasonCodes, revocationReasons, type RenewalCheck,
} from '../../shared/domain/certificates.js';
import { AppError } from '../../shared/domain/errors.js';
import { parseOrThrow } from '../../shared/validation.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-22T03:00:00.000Z');
const after = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('renewalCheck: renewal opens in the last 30 days, and not after the end', () => {
  it.each<[string, string, RenewalCheck]>([
    ['a year left', after(365 * DAY), 'NOT_OPEN'],
    ['31 days left', after(31 * DAY), 'NOT_OPEN'],
    ['30 days and 1 ms left', after(30 * DAY + 1), 'NOT_OPEN'],
    ['exactly 30 days left', after(30 * DAY), 'OPEN'],
    ['30 days less 1 ms left', after(30 * DAY - 1), 'OPEN'],
    ['1 day left', after(DAY), 'OPEN'],
    ['1 ms left', after(1), 'OPEN'],
    ['at notAfter', after(0), 'EXPIRED'],
    ['1 ms after notAfter', after(-1), 'EXPIRED'],
    ['a year after notAfter', after(-365 * DAY), 'EXPIRED'],
  ])('%s → %s', (_case, notAfter, expected) => {
    expect(renewalCheck(notAfter, NOW)).toBe(expected);
  });

  it('the window and the lock limit are those of the agencies\' procedures', () => {
    expect(RENEWAL_WINDOW_DAYS).toBe(30);
    expect(MAX_PASSPHRASE_FAILURES).toBe(5);
  });
});

describe('revocation reasons are RFC 5280 CRLReason codes', () => {
  it('maps each reason a holder or verifier may give to its code', () => {
    expect(revocationReasonCodes).toEqual({ unspecified: 0, keyCompromise: 1, affiliationChanged: 3, superseded: 4, cessationOfOperation: 5 });
  });

  it('offers neither cACompromise (2) nor the hold codes (6, 8) nor the reserved 7 to callers', () => {
    expect([...revocationReasons].sort()).toEqual(['affiliationChanged', 'cessationOfOperation', 'keyCompromise', 'superseded', 'unspecified']);
    expect(Object.values(revocationReasonCodes)).not.toContain(2);
    expect(Object.values(revocationReasonCodes)).not.toContain(6);
    expect(Object.values(revocationReasonCodes)).not.toContain(7);
    expect(Object.values(revocationReasonCodes)).not.toContain(8);
  });

  it.each([['keyCompromise'], ['superseded'], ['cessationOfOperation']])('the revocation body takes %s', (reason) => {
    expect(parseOrThrow(certificatesRoutes.routes.revokeMyCertificate.body, { reason }, 'body')).toEqual({ reason });
  });

  it.each([['certificateHold'], ['removeFromCRL'], ['cACompromise'], ['KeyCompromise'], ['1']])('the revocation body refuses %s', (reason) => {
    expect(fieldErrors(() => parseOrThrow(certificatesRoutes.routes.revokeUserCertificate.body, { reason }, 'body'))).toEqual([{ field: 'reason', code: 'VALUE_INVALID' }]);
  });
});

/** The field errors of a 422, as { field, code }. */
function fieldErrors(parse: () => unknown): { field: string; code: string }[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });
    return (error as AppError).fieldErrors.map(({ field, code }) => ({ field, code }));
  }
  throw new Error('expected the body to be refused');
}

const STRONG = 'Rahasia#2026';
const { enroll, changePassphrase, resetPassphrase } = certificatesRoutes.routes;

// The three bodies that set a new passphrase, each with its field names.
const forms = [
  {
    name: 'enroll', schema: enroll.body, field: 'passphrase', confirmation: 'passphraseConfirmation',
    body: (passphrase: string, confirmation = passphrase) => ({ passphrase, passphraseConfirmation: confirmation, acceptAgreement: true }),
  },
  {
    name: 'resetPassphrase', schema: resetPassphrase.body, field: 'newPassphrase', confirmation: 'newPassphraseConfirmation',
    body: (passphrase: string, confirmation = passphrase) => ({ newPassphrase: passphrase, newPassphraseConfirmation: confirmation, acceptAgreement: true }),
  },
  {
    name: 'changePassphrase', schema: changePassphrase.body, field: 'newPassphrase', confirmation: 'newPassphraseConfirmation',
    body: (passphrase: string, confirmation = passphrase) => ({ currentPassphrase: 'Lama#2025', newPassphrase: passphrase, newPassphraseConfirmation: confirmation }),
  },
] as const;

const weak: [string, string][] = [
  ['no upper-case letter', 'rahasia#2026'],
  ['no lower-case letter', 'RAHASIA#2026'],
  ['no digit', 'Rahasia#Dua'],
  ['no special character', 'Rahasia2026'],
  ['a [', 'Rahasia[2026'],
  ['a ]', 'Rahasia]2026'],
  ['a ^', 'Rahasia^2026'],
  ['a \\', 'Rahasia\\2026'],
  ['7 characters', 'Rah#202'],
  ['only spaces as the special character', 'Rahasia 2026'],
];

describe.each(forms)('the $name body', ({ schema, field, confirmation, body }) => {
  it('takes a passphrase that meets the policy, 8 characters being enough', () => {
    expect(parseOrThrow(schema, body(STRONG), 'body')).toEqual(body(STRONG));
    expect(parseOrThrow(schema, body('Raha#202'), 'body')).toEqual(body('Raha#202'));
  });

  it.each(weak)('refuses a passphrase with %s: PASSPHRASE_POLICY on the passphrase only', (_case, passphrase) => {
    expect(fieldErrors(() => parseOrThrow(schema, body(passphrase), 'body'))).toEqual([{ field, code: 'PASSPHRASE_POLICY' }]);
  });

  it('refuses a confirmation that differs: PASSPHRASE_MISMATCH on the confirmation field', () => {
    expect(fieldErrors(() => parseOrThrow(schema, body(STRONG, 'Rahasia#2027'), 'body'))).toEqual([{ field: confirmation, code: 'PASSPHRASE_MISMATCH' }]);
  });

  it('refuses extra fields by name', () => {
    expect(fieldErrors(() => parseOrThrow(schema, { ...body(STRONG), keyId: 'mine' }, 'body'))).toEqual([{ field: 'keyId', code: 'UNKNOWN_FIELD' }]);
  });

  it('refuses a passphrase over 128 characters (the KDF input stays bounded)', () => {
    const long = `Aa1#${'x'.repeat(125)}`;
    expect(fieldErrors(() => parseOrThrow(schema, body(long), 'body')).map((error) => error.field)).toContain(field);
  });

  it('requires the confirmation', () => {
    const { [confirmation]: _dropped, ...rest } = body(STRONG) as Record<string, unknown>;
    expect(fieldErrors(() => parseOrThrow(schema, rest, 'body'))).toEqual([{ field: confirmation, code: 'REQUIRED' }]);
  });
});

describe.each(forms.filter((form) => form.name !== 'changePassphrase'))('the $name body and the agreement', ({ schema, body }) => {
  it('refuses acceptAgreement:false with AGREEMENT_NOT_ACCEPTED', () => {
    expect(fieldErrors(() => parseOrThrow(schema, { ...body(STRONG), acceptAgreement: false }, 'body'))).toEqual([{ field: 'acceptAgreement', code: 'AGREEMENT_NOT_ACCEPTED' }]);
  });

  it('requires acceptAgreement, as a boolean', () => {
    const { acceptAgreement: _dropped, ...rest } = body(STRONG) as Record<string, unknown>;
    expect(fieldErrors(() => parseOrThrow(schema, rest, 'body'))).toEqual([{ field: 'acceptAgreement', code: 'REQUIRED' }]);
    expect(fieldErrors(() => parseOrThrow(schema, { ...rest, acceptAgreement: 'true' }, 'body'))).toEqual([{ field: 'acceptAgreement', code: 'TYPE_INVALID' }]);
  });
});

describe('the change-passphrase body', () => {
  it('takes any current passphrase (the policy is not re-checked on an existing one) but not an empty one', () => {
    const body = { currentPassphrase: 'lama', newPassphrase: STRONG, newPassphraseConfirmation: STRONG };
    expect(parseOrThrow(changePassphrase.body, body, 'body')).toEqual(body);
    expect(fieldErrors(() => parseOrThrow(changePassphrase.body, { ...body, currentPassphrase: '' }, 'body'))).toEqual([{ field: 'currentPassphrase', code: 'VALUE_INVALID' }]);
  });

  it('has no agreement to accept (the key and certificate stay the same)', () => {
    const body = { currentPassphrase: 'Lama#2025', newPassphrase: STRONG, newPassphraseConfirmation: STRONG, acceptAgreement: true };
    expect(fieldErrors(() => parseOrThrow(changePassphrase.body, body, 'body'))).toEqual([{ field: 'acceptAgreement', code: 'UNKNOWN_FIELD' }]);
  });
});

describe('serial numbers in paths are lowercase hex', () => {
  const routesWithSerial = [
    ['requestRenewal', certificatesRoutes.routes.requestRenewal.params, {}],
    ['revokeMyCertificate', certificatesRoutes.routes.revokeMyCertificate.params, {}],
    ['requestPassphraseChange', certificatesRoutes.routes.requestPassphraseChange.params, {}],
    ['requestPassphraseReset', certificatesRoutes.routes.requestPassphraseReset.params, {}],
    ['revokeUserCertificate', certificatesRoutes.routes.revokeUserCertificate.params, { userId: 'user-1' }],
  ] as const;

  it.each(routesWithSerial)('%s takes a 128-bit serial in lowercase hex', (_route, schema, rest) => {
    const serial = '7f00112233445566778899aabbccddee';
    expect(parseOrThrow(schema, { ...rest, serial }, 'params')).toEqual({ ...rest, serial });
  });

  it.each(routesWithSerial.flatMap(([route, schema, rest]) => [
    [route, 'upper-case hex', schema, rest, '7F00112233445566778899AABBCCDDEE'],
    [route, 'a non-hex character', schema, rest, '7f0011223344556677889g'],
    [route, 'a 0x prefix', schema, rest, '0x7f00112233'],
    [route, 'one digit', schema, rest, '7'],
    [route, 'more than 40 digits', schema, rest, 'a'.repeat(41)],
    [route, 'a path separator', schema, rest, '7f00/../ab'],
  ] as const))('%s refuses %s', (_route, _case, schema, rest, serial) => {
    expect(fieldErrors(() => parseOrThrow(schema, { ...rest, serial }, 'params'))).toEqual([{ field: 'params.serial', code: 'VALUE_INVALID' }]);
  });
});

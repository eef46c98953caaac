import { describe, expect, it } from 'vitest';
import { bsreStatus } from '../../functions/signing/bsre-actions.js';
import { bsreErrorBody } from '../../shared/http/bsre-errors.js';
import { AppError } from '../../shared/domain/errors.js';
import type { UserStatus } from '../../shared/domain/user.js';
import type { CertificateRecord } from '../../shared/ports/certificates.js';
import type { UserRecord } from '../../shared/ports/users.js';

const now = new Date('2026-12-05T03:00:00Z');
const certificate = (status: CertificateRecord['status'], notAfter = '2027-12-01T00:00:00Z') =>
  ({ status, notAfter, issuedAt: '2026-01-01T00:00:00Z' }) as CertificateRecord;
const standing = (status: UserStatus, certificates: CertificateRecord[] = []) => ({ user: { status } as UserRecord, certificates });

describe("BSrE's user statuses from ours", () => {
  it.each([
    ['nobody', undefined, 'NOT_REGISTERED'],
    ['invited', standing('INVITED'), 'NEW'],
    ['activating', standing('ACTIVATING'), 'NEW'],
    ['waiting for the verifier', standing('AWAITING_REVIEW'), 'WAITING_FOR_VERIFICATION'],
    ['rejected', standing('REJECTED'), 'NOT_REGISTERED'],
    ['approved, no passphrase yet', standing('APPROVED'), 'NO_CERTIFICATE'],
    ['active with a valid certificate', standing('ACTIVE', [certificate('ISSUED')]), 'ISSUE'],
    ['active, certificate suspended by a data change', standing('ACTIVE', [certificate('SUSPENDED')]), 'SUSPEND'],
    ['active, certificate revoked', standing('ACTIVE', [certificate('REVOKED')]), 'REVOKE'],
    ['active, certificate past its end', standing('ACTIVE', [certificate('ISSUED', '2026-12-01T00:00:00Z')]), 'EXPIRED'],
    ['disabled account', standing('DISABLED', [certificate('ISSUED')]), 'SUSPEND'],
  ] as const)('%s → %s', (_name, given, expected) => {
    expect(bsreStatus(given, now)).toBe(expected);
  });
});

describe("BSrE's error body", () => {
  const body = (error: AppError) => {
    const rendered = bsreErrorBody(error, 'id');
    return { status: rendered.statusCode, ...JSON.parse(rendered.body) };
  };

  it.each([
    [new AppError('PASSPHRASE_INVALID'), 401, 2031],
    [new AppError('KEY_LOCKED'), 423, 2051],
    [new AppError('SIGNER_NOT_ELIGIBLE', [], { extensions: { reason: 'NOT_REGISTERED' } }), 409, 2011],
    [new AppError('SIGNER_NOT_ELIGIBLE', [], { extensions: { reason: 'EXPIRED' } }), 409, 2021],
    [new AppError('PDF_INVALID'), 422, 2001],
    [new AppError('UNAUTHENTICATED'), 401, 2001],
  ])('%s → HTTP %i, status_code %i, in Indonesian', (error, status, code) => {
    const answer = body(error);
    expect(answer).toMatchObject({ status, status_code: code });
    expect(answer.error).toMatch(/^[A-Z][^.]+\./);
  });

  it('names the fields that failed', () => {
    expect(body(new AppError('VALIDATION_FAILED', [{ field: 'nik', code: 'NIK_INVALID' }])).error).toContain('nik: NIK tidak valid');
  });
});

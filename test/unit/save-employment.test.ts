import { describe, expect, it } from 'vitest';
import { saveEmployment, type EmploymentInput } from '../../functions/enrollment/use-cases/save-employment.js';
import { AppError, type FieldError } from '../../shared/domain/errors.js';
import { hashToken, newLinkToken } from '../../shared/domain/tokens.js';
import type { EmploymentData } from '../../shared/ports/users.js';
import type { LinkTokenRecord } from '../../shared/ports/links.js';

const NOW = '2026-06-15T03:00:00.000Z';

function setup(tokenOverrides: Partial<LinkTokenRecord> = {}) {
  const token = newLinkToken();
  const record: LinkTokenRecord = {
    tokenHash: hashToken(token),
    purpose: 'activate',
    userId: 'user-1',
    tenantId: 'tenant-1',
    createdAt: '2026-06-14T03:00:00.000Z',
    expiresAt: '2026-06-16T03:00:00.000Z',
    ...tokenOverrides,
  };
  const saved: { token: LinkTokenRecord; employment: EmploymentData; at: string }[] = [];
  const lookedUp: string[] = [];
  const deps = {
    users: {
      async findToken(tokenHash: string) {
        lookedUp.push(tokenHash);
        return tokenHash === record.tokenHash ? record : undefined;
      },
    },
    activation: {
      async saveEmployment(tokenRecord: LinkTokenRecord, employment: EmploymentData, at: string) {
        saved.push({ token: tokenRecord, employment, at });
      },
    },
    clock: { now: () => new Date(NOW) },
  };
  return { token, record, saved, lookedUp, deps };
}

const base: EmploymentInput = {
  employmentType: 'OTHER',
  position: 'Tenaga Ahli',
  unitName: 'Bidang Aplikasi Informatika',
  province: 'Sulawesi Tengah',
  city: 'Kota Palu',
};

/** The AppError a call fails with; fails the test when the call succeeds. */
async function rejection(call: Promise<unknown>): Promise<AppError> {
  const outcome = await call.then(() => undefined, (error: unknown) => error);
  expect(outcome).toBeInstanceOf(AppError);
  return outcome as AppError;
}

describe('saveEmployment validation', () => {
  it.each<[string, Partial<EmploymentInput>, FieldError[]]>([
    ['ASN without a NIP', { employmentType: 'ASN' }, [{ field: 'nip', code: 'REQUIRED' }]],
    ['ASN with an empty NIP', { employmentType: 'ASN', nip: '' }, [{ field: 'nip', code: 'REQUIRED' }]],
    ['POLRI without an NRP', { employmentType: 'POLRI' }, [{ field: 'nrp', code: 'REQUIRED' }]],
    ['OTHER with an NRP', { employmentType: 'OTHER', nrp: '85031501' }, [{ field: 'nrp', code: 'UNKNOWN_FIELD' }]],
    ['ASN with an NRP', { employmentType: 'ASN', nip: '198503152010012003', nrp: '85031501' }, [{ field: 'nrp', code: 'UNKNOWN_FIELD' }]],
    ['POLRI with a NIP', { employmentType: 'POLRI', nrp: '85031501', nip: '198503152010012003' }, [{ field: 'nip', code: 'UNKNOWN_FIELD' }]],
    ['ASN with a NIP appointed at 14', { employmentType: 'ASN', nip: '198503152000011001' }, [{ field: 'nip', code: 'NIP_INVALID' }]],
    ['ASN with a NIP of 17 digits', { employmentType: 'ASN', nip: '19850315201001200' }, [{ field: 'nip', code: 'NIP_INVALID' }]],
    ['ASN with a NIP gender digit 3', { employmentType: 'ASN', nip: '198503152010013003' }, [{ field: 'nip', code: 'NIP_INVALID' }]],
    ['ASN with a NIP appointed next month', { employmentType: 'ASN', nip: '200001012026071001' }, [{ field: 'nip', code: 'NIP_INVALID' }]],
    ['OTHER with a bad NIP', { employmentType: 'OTHER', nip: '198513152010012003' }, [{ field: 'nip', code: 'NIP_INVALID' }]],
    ['POLRI with a 7-digit NRP', { employmentType: 'POLRI', nrp: '8503150' }, [{ field: 'nrp', code: 'NRP_INVALID' }]],
    ['POLRI with letters in the NRP', { employmentType: 'POLRI', nrp: '8503150A' }, [{ field: 'nrp', code: 'NRP_INVALID' }]],
    ['an unknown province', { province: 'Atlantis' }, [{ field: 'province', code: 'PROVINCE_INVALID' }]],
    ['an unknown province code', { province: '99', city: '99.71' }, [{ field: 'province', code: 'PROVINCE_INVALID' }]],
    ['a city of another province', { province: 'Sulawesi Tengah', city: 'Kota Makassar' }, [{ field: 'city', code: 'CITY_INVALID' }]],
    ['a city code of another province', { province: '72', city: '73.71' }, [{ field: 'city', code: 'CITY_INVALID' }]],
    ['an unknown city', { city: 'Kota Atlantis' }, [{ field: 'city', code: 'CITY_INVALID' }]],
  ])('refuses %s', async (_label, change, fieldErrors) => {
    const { token, deps, saved } = setup();
    const error = await rejection(saveEmployment(deps, { token, ...base, ...change }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual(fieldErrors);
    expect(saved).toEqual([]);
  });

  it('reports several errors at once', async () => {
    const { token, deps, saved } = setup();
    const error = await rejection(saveEmployment(deps, {
      token, ...base, employmentType: 'OTHER', nip: '198503152000011001', nrp: '123', province: 'Atlantis',
    }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldErrors).toEqual(expect.arrayContaining([
      { field: 'nrp', code: 'UNKNOWN_FIELD' },
      { field: 'nip', code: 'NIP_INVALID' },
      { field: 'nrp', code: 'NRP_INVALID' },
      { field: 'province', code: 'PROVINCE_INVALID' },
    ]));
    expect(error.fieldErrors).toHaveLength(4);
    expect(saved).toEqual([]);
  });

  it('reports a missing NIP together with a bad city', async () => {
    const { token, deps } = setup();
    const error = await rejection(saveEmployment(deps, { token, ...base, employmentType: 'ASN', city: 'Kota Makassar' }));
    expect(error.fieldErrors).toEqual(expect.arrayContaining([{ field: 'nip', code: 'REQUIRED' }, { field: 'city', code: 'CITY_INVALID' }]));
    expect(error.fieldErrors).toHaveLength(2);
  });
});

describe('saveEmployment saves', () => {
  it('an OTHER employment with province and city codes and names', async () => {
    const { token, record, deps, saved } = setup();
    const shown = await saveEmployment(deps, { token, ...base, province: 'sulawesi  tengah', city: 'KOTA PALU' });
    const expected = {
      employmentType: 'OTHER',
      position: 'Tenaga Ahli',
      unitName: 'Bidang Aplikasi Informatika',
      provinceCode: '72',
      provinceName: 'Sulawesi Tengah',
      cityCode: '72.71',
      cityName: 'Kota Palu',
    };
    expect(shown).toEqual(expected);
    expect(saved).toEqual([{ token: record, employment: expected, at: NOW }]);
  });

  it('an OTHER employment given by codes', async () => {
    const { token, deps, saved } = setup();
    await saveEmployment(deps, { token, ...base, province: '72', city: '72.71' });
    expect(saved[0]?.employment).toMatchObject({ provinceCode: '72', provinceName: 'Sulawesi Tengah', cityCode: '72.71', cityName: 'Kota Palu' });
  });

  it('an OTHER employment with a NIP, keeping its birth date internally but not showing it', async () => {
    const { token, deps, saved } = setup();
    const shown = await saveEmployment(deps, { token, ...base, nip: '198503152010012003' });
    expect(saved[0]?.employment).toMatchObject({ nip: '198503152010012003', nipBirthDate: '1985-03-15' });
    expect(shown).toMatchObject({ employmentType: 'OTHER', nip: '198503152010012003' });
    expect(shown).not.toHaveProperty('nipBirthDate');
  });

  it('an ASN with a NIP; the response has no nipBirthDate', async () => {
    const { token, deps, saved } = setup();
    const shown = await saveEmployment(deps, { token, ...base, employmentType: 'ASN', nip: '198503152010012003' });
    expect(saved).toHaveLength(1);
    expect(saved[0]?.employment).toEqual({
      employmentType: 'ASN', nip: '198503152010012003', nipBirthDate: '1985-03-15', position: 'Tenaga Ahli',
      unitName: 'Bidang Aplikasi Informatika', provinceCode: '72', provinceName: 'Sulawesi Tengah', cityCode: '72.71', cityName: 'Kota Palu',
    });
    expect(shown).not.toHaveProperty('nipBirthDate');
    expect(JSON.stringify(shown)).not.toContain('1985-03-15');
  });

  it('a POLRI member with an NRP', async () => {
    const { token, deps, saved } = setup();
    const shown = await saveEmployment(deps, { token, ...base, employmentType: 'POLRI', nrp: '85031501', province: 'Sulawesi Selatan', city: 'Kota Makassar' });
    expect(saved[0]?.employment).toEqual({
      employmentType: 'POLRI', nrp: '85031501', position: 'Tenaga Ahli', unitName: 'Bidang Aplikasi Informatika',
      provinceCode: '73', provinceName: 'Sulawesi Selatan', cityCode: '73.71', cityName: 'Kota Makassar',
    });
    expect(shown).toEqual(saved[0]?.employment);
  });

  it('looks the token up by its hash only', async () => {
    const { token, record, deps, lookedUp } = setup();
    await saveEmployment(deps, { token, ...base });
    expect(lookedUp).toEqual([record.tokenHash]);
    expect(lookedUp).not.toContain(token);
  });
});

describe('saveEmployment and the activation link', () => {
  it.each<[string, Partial<LinkTokenRecord>, string]>([
    ['expired', { expiresAt: '2026-06-15T02:59:59.000Z' }, 'TOKEN_EXPIRED'],
    ['expiring this instant', { expiresAt: NOW }, 'TOKEN_EXPIRED'],
    ['used', { usedAt: '2026-06-15T01:00:00.000Z' }, 'TOKEN_USED'],
    ['replaced by a newer one', { revokedAt: '2026-06-15T01:00:00.000Z' }, 'TOKEN_EXPIRED'],
    ['for another purpose', { purpose: 'account-setup' }, 'TOKEN_NOT_FOUND'],
  ])('refuses a link that is %s and saves nothing', async (_label, overrides, code) => {
    const { token, deps, saved } = setup(overrides);
    const error = await rejection(saveEmployment(deps, { token, ...base }));
    expect(error.code).toBe(code);
    expect(saved).toEqual([]);
  });

  it.each([
    ['an unknown token', newLinkToken()],
    ['a malformed token', 'not-a-token'],
  ])('refuses %s with TOKEN_NOT_FOUND', async (_label, other) => {
    const { deps, saved } = setup();
    const error = await rejection(saveEmployment(deps, { token: other, ...base }));
    expect(error.code).toBe('TOKEN_NOT_FOUND');
    expect(saved).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { importUsers } from '../../functions/enrollment/use-cases/import-users.js';
import type { RegisterWithLetterDeps } from '../../functions/enrollment/use-cases/register-user.js';
import { registerUser } from '../../functions/enrollment/use-cases/register-user.js';
import { AppError } from '../../shared/domain/errors.js';
import { messageComposer } from '../../shared/outbox.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { Registration } from '../../shared/ports/users.js';
import type { RequestLetterRecord } from '../../shared/ports/request-letters.js';
import type { Tenant } from '../../shared/ports/tenants.js';
import { ContextCheckingSealer, fixedClock, sequentialIds } from './support/outbox-fakes.js';

const actor: Actor = { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-1' };
const tenant: Tenant = {
  tenantId: 'tenant-1', name: 'Dinas Kominfo Contoh', organizationName: 'Pemerintah Kabupaten Contoh', emailDomains: ['contoh.go.id'], createdAt: '2026-01-01T00:00:00.000Z',
};
const letter = (letterId: string, tenantId: string): RequestLetterRecord => ({
  letterId, tenantId, objectKey: `kyc/${tenantId}/letters/${letterId}.pdf`, uploadedBy: 'verifier-1', uploadedAt: '2026-06-15T02:00:00.000Z', size: 1000, pages: 1, sha256: 'ab'.repeat(32),
});
const letters = new Map([['letter-own', letter('letter-own', 'tenant-1')], ['letter-theirs', letter('letter-theirs', 'tenant-2')]]);

function setup() {
  const registered: Registration[] = [];
  const lookups: string[] = [];
  const clock = fixedClock('2026-06-15T03:00:00.000Z');
  const ids = sequentialIds('id');
  const deps: RegisterWithLetterDeps = {
    tenants: { findTenant: async (tenantId) => (tenantId === tenant.tenantId ? tenant : undefined) },
    users: { register: async (registration) => { registered.push(registration); } },
    letters: { findLetter: async (letterId) => { lookups.push(letterId); return letters.get(letterId); } },
    composer: messageComposer({ ids, clock, sealer: new ContextCheckingSealer() }),
    clock,
    ids,
    settings: { webBaseUrl: 'https://tte.contoh.go.id', activationLinkHours: 24 },
  };
  return { deps, registered, lookups };
}

const usersOf = (registered: Registration[]) => registered.map(({ user }) => user).sort((a, b) => a.email.localeCompare(b.email));

async function rejection(call: Promise<unknown>): Promise<AppError> {
  const outcome = await call.then(() => undefined, (error: unknown) => error);
  expect(outcome).toBeInstanceOf(AppError);
  return outcome as AppError;
}

describe('importUsers with the optional columns', () => {
  it("reads a spreadsheet's `;` file with a BOM, reordered headers in any case, quoted cells, and keeps the employment details to prefill", async () => {
    const { deps, registered } = setup();
    const csv = [
      '\uFEFFUnitName;NIP;EMAIL;Position;fullname;Phone',
      '"Bidang Aplikasi; Informatika";198503152010012003;siti@contoh.go.id;Pranata Komputer Ahli Muda;Siti Aminah;081234567890',
      ';;budi@contoh.go.id;;Budi Santoso;',
    ].join('\r\n');
    const result = await importUsers(deps, { actor, csv });
    expect(result.rejected).toEqual([]);
    expect(result.created.map((row) => row.line)).toEqual([2, 3]);
    const [budi, siti] = usersOf(registered);
    expect(siti).toMatchObject({
      fullName: 'Siti Aminah', phone: '+6281234567890',
      employmentPrefill: { nip: '198503152010012003', position: 'Pranata Komputer Ahli Muda', unitName: 'Bidang Aplikasi; Informatika' },
    });
    // Blank optional cells are no values at all.
    expect(budi).toMatchObject({ fullName: 'Budi Santoso' });
    expect(budi).not.toHaveProperty('employmentPrefill');
    expect(budi).not.toHaveProperty('phone');
  });

  it('takes a comma file with only some optional columns', async () => {
    const { deps, registered } = setup();
    const result = await importUsers(deps, { actor, csv: 'email,fullName,position\nsiti@contoh.go.id,Siti Aminah,Analis Kebijakan\n' });
    expect(result).toEqual({ created: [{ line: 2, userId: expect.any(String) }], rejected: [] });
    expect(registered[0]?.user.employmentPrefill).toEqual({ position: 'Analis Kebijakan' });
  });

  it.each([
    ['a NIP of 17 digits', '19850315201001200'],
    ['a NIP with letters', '1985031520100120AB'],
    ['a NIP of 18 digits whose birth date does not exist', '198502302010012003'],
    ['a NIP appointed before the age of 18', '198503152000012003'],
  ])('rejects a row with %s, naming the nip column', async (_label, nip) => {
    const { deps, registered } = setup();
    const result = await importUsers(deps, { actor, csv: `fullName;email;nip\nSiti Aminah;siti@contoh.go.id;198503152010012003\nBudi Santoso;budi@contoh.go.id;${nip}\n` });
    expect(result.created.map((row) => row.line)).toEqual([2]);
    expect(result.rejected).toEqual([{ line: 3, code: 'VALIDATION_FAILED', errors: [{ field: 'nip', code: 'NIP_INVALID' }] }]);
    expect(registered).toHaveLength(1);
  });

  it('names every failed column of a row', async () => {
    const { deps } = setup();
    const result = await importUsers(deps, { actor, csv: `fullName,email,phone,nip,unitName\nBudi 1,budi@contoh.go.id,123,123,${'x'.repeat(201)}\n` });
    expect(result.rejected[0]?.errors).toEqual(expect.arrayContaining([
      { field: 'fullName', code: 'NAME_INVALID' }, { field: 'phone', code: 'PHONE_INVALID' }, { field: 'nip', code: 'NIP_INVALID' }, { field: 'unitName', code: 'TOO_LONG' },
    ]));
    expect(result.rejected[0]?.errors).toHaveLength(4);
  });

  it('keeps a formula cell as the text it is, never evaluated', async () => {
    const { deps, registered } = setup();
    const formula = '=HYPERLINK("http://jahat.example/x","Klik")';
    const result = await importUsers(deps, { actor, csv: `fullName,email,position,unitName\nSiti Aminah,siti@contoh.go.id,"${formula.replaceAll('"', '""')}",@SUM(1+1)\n` });
    expect(result.rejected).toEqual([]);
    expect(registered[0]?.user.employmentPrefill).toEqual({ position: formula, unitName: '@SUM(1+1)' });
  });

  it('records the letter named on every user created, looking it up once', async () => {
    const { deps, registered, lookups } = setup();
    const result = await importUsers(deps, { actor, csv: 'fullName,email\nSiti Aminah,siti@contoh.go.id\nBudi Santoso,budi@contoh.go.id\n', letterId: 'letter-own' });
    expect(result.created).toHaveLength(2);
    expect(registered.map(({ user }) => user.requestLetterId)).toEqual(['letter-own', 'letter-own']);
    expect(lookups).toEqual(['letter-own']);
  });

  it.each([['an unknown letter', 'letter-none'], ["another tenant's letter", 'letter-theirs']])('refuses %s with LETTER_NOT_FOUND, registering nobody', async (_label, letterId) => {
    const { deps, registered } = setup();
    const error = await rejection(importUsers(deps, { actor, csv: 'fullName,email\nSiti Aminah,siti@contoh.go.id\n', letterId }));
    expect(error.code).toBe('LETTER_NOT_FOUND');
    expect(error.status).toBe(404);
    expect(registered).toEqual([]);
  });
});

describe('registerUser with a request letter', () => {
  it("records the tenant's own letter", async () => {
    const { deps, registered } = setup();
    await registerUser(deps, { actor, fullName: 'Siti Aminah', email: 'siti@contoh.go.id', letterId: 'letter-own' });
    expect(registered[0]?.user.requestLetterId).toBe('letter-own');
  });

  it.each([['an unknown letter', 'letter-none'], ["another tenant's letter", 'letter-theirs']])('refuses %s and writes nothing', async (_label, letterId) => {
    const { deps, registered } = setup();
    const error = await rejection(registerUser(deps, { actor, fullName: 'Siti Aminah', email: 'siti@contoh.go.id', letterId }));
    expect(error.code).toBe('LETTER_NOT_FOUND');
    expect(registered).toEqual([]);
  });
});

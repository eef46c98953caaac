import { describe, expect, it } from 'vitest';
import { importUsers, MAX_IMPORT_ROWS } from '../../functions/enrollment/use-cases/import-users.js';
import type { RegisterUserDeps } from '../../functions/enrollment/use-cases/register-user.js';
import { AppError } from '../../shared/domain/errors.js';
import { messageComposer } from '../../shared/outbox.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { Registration } from '../../shared/ports/users.js';
import type { Tenant } from '../../shared/ports/tenants.js';
import { ContextCheckingSealer, fixedClock, sequentialIds } from './support/outbox-fakes.js';

const actor: Actor = { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-1' };
const tenant: Tenant = {
  tenantId: 'tenant-1',
  name: 'Dinas Kominfo Contoh',
  organizationName: 'Pemerintah Kabupaten Contoh',
  emailDomains: ['contoh.go.id'],
  createdAt: '2026-01-01T00:00:00.000Z',
};

function setup() {
  const registered: Registration[] = [];
  const claimed = new Set<string>();
  const clock = fixedClock('2026-06-15T03:00:00.000Z');
  const ids = sequentialIds('id');
  const deps: RegisterUserDeps = {
    tenants: { findTenant: async (tenantId) => (tenantId === tenant.tenantId ? tenant : undefined) },
    users: {
      async register(registration) {
        if (claimed.has(registration.user.email)) throw new AppError('EMAIL_ALREADY_REGISTERED');
        claimed.add(registration.user.email);
        registered.push(registration);
      },
    },
    composer: messageComposer({ ids, clock, sealer: new ContextCheckingSealer() }),
    clock,
    ids,
    settings: { webBaseUrl: 'https://tte.contoh.go.id', activationLinkHours: 24 },
  };
  return { deps, registered, claimed };
}

const run = (csv: string) => {
  const context = setup();
  return { ...context, outcome: importUsers(context.deps, { actor, csv }) };
};

/** The AppError a call fails with; fails the test when the call succeeds. */
async function rejection(call: Promise<unknown>): Promise<AppError> {
  const outcome = await call.then(() => undefined, (error: unknown) => error);
  expect(outcome).toBeInstanceOf(AppError);
  return outcome as AppError;
}

describe('importUsers', () => {
  it('registers every good row and reports it by line (the header is line 1)', async () => {
    const { outcome, registered } = run([
      'fullName,email,phone',
      'Siti Aminah,siti@contoh.go.id,081234567890',
      'Budi Santoso,budi@contoh.go.id,+6281234567891',
      'Ahmad Fauzi,ahmad@contoh.go.id,',
    ].join('\n'));
    const result = await outcome;
    expect(result.rejected).toEqual([]);
    expect(result.created.map((row) => row.line)).toEqual([2, 3, 4]);
    const userIds = registered.map((registration) => registration.user.userId);
    expect(result.created.map((row) => row.userId).sort()).toEqual([...userIds].sort());
    expect(new Set(userIds).size).toBe(3);
    const byEmail = Object.fromEntries(registered.map((registration) => [registration.user.email, registration.user]));
    expect(byEmail['siti@contoh.go.id']).toMatchObject({ fullName: 'Siti Aminah', phone: '+6281234567890', status: 'INVITED', tenantId: 'tenant-1', createdBy: 'verifier-1' });
    expect(byEmail['budi@contoh.go.id']).toMatchObject({ fullName: 'Budi Santoso', phone: '+6281234567891' });
    expect(byEmail['ahmad@contoh.go.id']).toMatchObject({ fullName: 'Ahmad Fauzi' });
    expect(byEmail['ahmad@contoh.go.id']).not.toHaveProperty('phone');
  });

  it('sends each registered user an activation e-mail', async () => {
    const { outcome, registered } = run('fullName,email\nSiti Aminah,siti@contoh.go.id\n');
    await outcome;
    expect(registered).toHaveLength(1);
    expect(registered[0]?.message).toMatchObject({ template: 'activation', to: 'siti@contoh.go.id', data: { fullName: 'Siti Aminah', tenantName: 'Dinas Kominfo Contoh' } });
  });

  it.each([
    ['only fullName and email', 'fullName,email\nSiti Aminah,siti@contoh.go.id'],
    ['columns in another order', 'email,phone,fullName\nsiti@contoh.go.id,,Siti Aminah'],
    ['spaces around the header names', ' fullName , email \nSiti Aminah,siti@contoh.go.id'],
    ['a byte-order mark', '\uFEFFfullName,email,phone\r\nSiti Aminah,siti@contoh.go.id,\r\n'],
    ['CRLF line endings', 'fullName,email,phone\r\nSiti Aminah,siti@contoh.go.id,081234567890\r\n'],
    ['blank lines', 'fullName,email\n\nSiti Aminah,siti@contoh.go.id\n\n'],
    ['spaces around values', 'fullName,email\n  Siti Aminah ,  siti@contoh.go.id  '],
    ['a quoted name', 'fullName,email\n"Siti Aminah","siti@contoh.go.id"'],
  ])('reads a file with %s', async (_label, csv) => {
    const { outcome, registered } = run(csv);
    expect(await outcome).toEqual({ created: [{ line: 2, userId: expect.any(String) }], rejected: [] });
    expect(registered.map((registration) => [registration.user.fullName, registration.user.email])).toEqual([['Siti Aminah', 'siti@contoh.go.id']]);
  });

  it('numbers the lines after a BOM and CRLF line endings like any other file', async () => {
    const { outcome } = run('\uFEFFfullName,email,phone\r\nSiti Aminah,siti@contoh.go.id,\r\nBudi 123,budi@contoh.go.id,\r\nAhmad Fauzi,ahmad@contoh.go.id,\r\n');
    const result = await outcome;
    expect(result.created.map((row) => row.line)).toEqual([2, 4]);
    expect(result.rejected).toEqual([{ line: 3, code: 'VALIDATION_FAILED', errors: [{ field: 'fullName', code: 'NAME_INVALID' }] }]);
  });

  it.each([
    ['a name with digits', 'Budi 123,budi@contoh.go.id,', [{ field: 'fullName', code: 'NAME_INVALID' }]],
    ['a name with a title', 'Dr. Budi Santoso,budi@contoh.go.id,', [{ field: 'fullName', code: 'NAME_INVALID' }]],
    ['a one-letter name', 'B,budi@contoh.go.id,', [{ field: 'fullName', code: 'NAME_INVALID' }]],
    ['an empty name', ',budi@contoh.go.id,', [{ field: 'fullName', code: 'NAME_INVALID' }]],
    ['a bad e-mail', 'Budi Santoso,budi-at-contoh.go.id,', [{ field: 'email', code: 'EMAIL_INVALID' }]],
    ['a bad phone', 'Budi Santoso,budi@contoh.go.id,12345', [{ field: 'phone', code: 'PHONE_INVALID' }]],
    ['a bad name and a bad phone', 'Budi 123,budi@contoh.go.id,12345', [{ field: 'fullName', code: 'NAME_INVALID' }, { field: 'phone', code: 'PHONE_INVALID' }]],
  ])('rejects a row with %s, naming the field', async (_label, row, errors) => {
    const { outcome, registered } = run(`fullName,email,phone\nSiti Aminah,siti@contoh.go.id,\n${row}\n`);
    const result = await outcome;
    expect(result.created.map((created) => created.line)).toEqual([2]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.line).toBe(3);
    expect(result.rejected[0]?.code).toBe('VALIDATION_FAILED');
    expect(result.rejected[0]?.errors).toEqual(expect.arrayContaining(errors));
    expect(result.rejected[0]?.errors).toHaveLength(errors.length);
    expect(registered.map((registration) => registration.user.email)).toEqual(['siti@contoh.go.id']);
  });

  it('rejects an e-mail outside the agency domains', async () => {
    const { outcome, registered } = run('fullName,email\nSiti Aminah,siti@gmail.com\n');
    expect(await outcome).toEqual({ created: [], rejected: [{ line: 2, code: 'EMAIL_DOMAIN_NOT_ALLOWED', errors: [] }] });
    expect(registered).toEqual([]);
  });

  it('rejects a duplicate row in the same file as already registered', async () => {
    const { outcome, registered } = run([
      'fullName,email,phone',
      'Siti Aminah,siti@contoh.go.id,',
      'Budi Santoso,budi@contoh.go.id,',
      'Siti Aminah,siti@contoh.go.id,',
    ].join('\n'));
    const result = await outcome;
    expect(result.created.map((row) => row.line)).toEqual([2, 3]);
    expect(result.rejected).toEqual([{ line: 4, code: 'EMAIL_ALREADY_REGISTERED', errors: [] }]);
    expect(registered).toHaveLength(2);
  });

  it('treats e-mails that differ only in case as the same address', async () => {
    const { outcome, registered } = run('fullName,email\nSiti Aminah,siti@contoh.go.id\nSiti Aminah,SITI@Contoh.go.id\n');
    const result = await outcome;
    expect(result.created.map((row) => row.line)).toEqual([2]);
    expect(result.rejected).toEqual([{ line: 3, code: 'EMAIL_ALREADY_REGISTERED', errors: [] }]);
    expect(registered.map((registration) => registration.user.email)).toEqual(['siti@contoh.go.id']);
  });

  it('rejects a quoted name with a comma by the name rule, without splitting it', async () => {
    const { outcome, registered } = run('fullName,email,phone\n"Aminah, Siti",siti@contoh.go.id,081234567890\n');
    expect(await outcome).toEqual({ created: [], rejected: [{ line: 2, code: 'VALIDATION_FAILED', errors: [{ field: 'fullName', code: 'NAME_INVALID' }] }] });
    expect(registered).toEqual([]);
  });

  it.each([
    ['an unknown column', 'fullName,email,phone,golongan\nSiti Aminah,siti@contoh.go.id,,III/a'],
    ['a column twice', 'fullName,email,Email\nSiti Aminah,siti@contoh.go.id,siti@contoh.go.id'],
    ['no email column', 'fullName,phone\nSiti Aminah,081234567890'],
    ['no fullName column', 'email,phone\nsiti@contoh.go.id,081234567890'],
    ['a misspelt column', 'full_name,email\nSiti Aminah,siti@contoh.go.id'],
    ['an empty file', ''],
  ])('refuses a file with %s in the header', async (_label, csv) => {
    const { outcome, registered } = run(csv);
    const error = await rejection(outcome);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldErrors).toEqual([{ field: 'header', code: 'VALUE_INVALID' }]);
    expect(registered).toEqual([]);
  });

  it('refuses a file the CSV parser cannot read', async () => {
    const { outcome, registered } = run('fullName,email\n"Siti Aminah,siti@contoh.go.id\n');
    const error = await rejection(outcome);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldErrors).toEqual([{ field: 'body', code: 'VALUE_INVALID' }]);
    expect(registered).toEqual([]);
  });

  const rows = (count: number) => ['fullName,email', ...Array.from({ length: count }, (_, index) => `Pegawai ${'abcdefghij'[index % 10]}${'abcdefghij'[Math.floor(index / 10) % 10]}${'abcdefghij'[Math.floor(index / 100) % 10]},p${index}@contoh.go.id`)].join('\n');

  it(`refuses ${MAX_IMPORT_ROWS + 1} rows as too large, registering nobody`, async () => {
    expect(MAX_IMPORT_ROWS).toBe(1000);
    const { outcome, registered } = run(rows(1001));
    const error = await rejection(outcome);
    expect(error.code).toBe('IMPORT_TOO_MANY_ROWS');
    expect(error.status).toBe(422);
    expect(registered).toEqual([]);
  });

  it('registers exactly 1000 rows, each once, with its own line', async () => {
    const { outcome, registered } = run(rows(1000));
    const result = await outcome;
    expect(result.rejected).toEqual([]);
    expect(result.created).toHaveLength(1000);
    expect(result.created.map((row) => row.line)).toEqual(Array.from({ length: 1000 }, (_, index) => index + 2));
    expect(new Set(registered.map((registration) => registration.user.email)).size).toBe(1000);
  });

  it('lets a server failure through instead of reporting it as a row', async () => {
    const { deps } = setup();
    const failing: RegisterUserDeps = { ...deps, users: { register: async () => { throw new AppError('SERVICE_UNAVAILABLE'); } } };
    const error = await rejection(importUsers(failing, { actor, csv: 'fullName,email\nSiti Aminah,siti@contoh.go.id\n' }));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FixtureRegistry } from '../../shared/adapters/local/fixture-registry.js';

const shippedFixture = fileURLToPath(new URL('../../infra/local/registry-fixture.json', import.meta.url));

describe('FixtureRegistry over the shipped fixture', () => {
  const registry = new FixtureRegistry(shippedFixture);

  it('finds an ASN by NIP with the whole record', async () => {
    expect(await registry.find('ASN', '198503152010012003')).toEqual({
      employmentType: 'ASN',
      nip: '198503152010012003',
      nik: '7271015503850001',
      fullName: 'Siti Aminah',
      position: 'Analis Kebijakan Ahli Muda',
      unitName: 'Bidang Aplikasi Informatika',
      agency: 'Pemerintah Kabupaten Contoh',
    });
  });

  it('finds a POLRI member by NRP with the whole record', async () => {
    expect(await registry.find('POLRI', '85031501')).toEqual({
      employmentType: 'POLRI',
      nrp: '85031501',
      nik: '7271011503850002',
      fullName: 'Budi Santoso',
      position: 'Kepala Urusan Teknologi Informasi',
      unitName: 'Bidang TIK',
      agency: 'Kepolisian Daerah Contoh',
    });
  });

  it.each([
    ['ASN', '199001012015031001', 'Ahmad Fauzi'],
    ['ASN', '198503152010012003', 'Siti Aminah'],
    ['POLRI', '85031501', 'Budi Santoso'],
  ] as const)('finds %s %s (%s)', async (type, number, fullName) => {
    expect((await registry.find(type, number))?.fullName).toBe(fullName);
  });

  it.each([
    ['an ASN NIP asked as POLRI', 'POLRI', '198503152010012003'],
    ['a POLRI NRP asked as ASN', 'ASN', '85031501'],
    ['an unknown NIP', 'ASN', '198503152010012004'],
    ['an unknown NRP', 'POLRI', '85031502'],
    ['a NIK instead of a NIP', 'ASN', '7271015503850001'],
    ['an empty number', 'ASN', ''],
    ['an empty NRP', 'POLRI', ''],
    ['a NIP with a trailing space', 'ASN', '198503152010012003 '],
    ['a prefix of a NIP', 'ASN', '19850315'],
  ] as const)('does not find %s', async (_label, type, number) => {
    expect(await registry.find(type, number)).toBeUndefined();
  });
});

describe('FixtureRegistry with a malformed file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-fixture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const valid = {
    employmentType: 'ASN', nip: '198503152010012003', nik: '7271015503850001', fullName: 'Siti Aminah',
    position: 'Analis', unitName: 'Bidang', agency: 'Pemerintah',
  };

  it.each([
    ['not JSON', '[{"employmentType": "ASN",'],
    ['an empty file', ''],
    ['an object instead of an array', JSON.stringify(valid)],
    ['a record without its NIK', JSON.stringify([{ ...valid, nik: undefined }])],
    ['a record without its agency', JSON.stringify([{ ...valid, agency: undefined }])],
    ['an unknown employment type', JSON.stringify([{ ...valid, employmentType: 'TNI' }])],
    ['a number where a string belongs', JSON.stringify([{ ...valid, nip: 198503152010012003 }])],
    ['a null record', JSON.stringify([valid, null])],
  ])('throws at construction for %s', (_label, content) => {
    const file = join(dir, `${_label.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, content);
    expect(() => new FixtureRegistry(file)).toThrow();
  });

  it('throws at construction when the file is missing', () => {
    expect(() => new FixtureRegistry(join(dir, 'missing.json'))).toThrow();
  });

  it('reads a well-formed temporary file (the control case)', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify([valid]));
    expect(await new FixtureRegistry(file).find('ASN', valid.nip)).toEqual(valid);
  });
});

import { describe, expect, it } from 'vitest';
import {
  comparableName, findCity, findProvince, isValidNrp, parseNik, parseNip, regionList,
} from '../../shared/domain/identity.js';
import { provinces, regencies } from '../../shared/domain/regions.data.js';

// A fixed "today" so the century rule and "not in the future" do not drift with the calendar.
const TODAY = new Date('2026-06-15T03:00:00.000Z');

describe('parseNik', () => {
  it.each([
    ['a woman (day + 40)', '7271015503850001', { provinceCode: '72', regencyCode: '72.71', birthDate: '1985-03-15', gender: 'FEMALE' }],
    ['a man born the same day', '7271011503850002', { provinceCode: '72', regencyCode: '72.71', birthDate: '1985-03-15', gender: 'MALE' }],
    ['a woman born on the 1st (day 41)', '7271014101900003', { provinceCode: '72', regencyCode: '72.71', birthDate: '1990-01-01', gender: 'FEMALE' }],
    ['a woman born on the 31st (day 71)', '7271017112990001', { provinceCode: '72', regencyCode: '72.71', birthDate: '1999-12-31', gender: 'FEMALE' }],
    ['a man born on the 31st', '3171013112990001', { provinceCode: '31', regencyCode: '31.71', birthDate: '1999-12-31', gender: 'MALE' }],
    ['Aceh (11), serial 9999', '1101010101809999', { provinceCode: '11', regencyCode: '11.01', birthDate: '1980-01-01', gender: 'MALE' }],
    ['Papua Barat Daya (96)', '9601012008010001', { provinceCode: '96', regencyCode: '96.01', birthDate: '2001-08-20', gender: 'MALE' }],
    ['29 February of a leap year (2000)', '7271012902000001', { provinceCode: '72', regencyCode: '72.71', birthDate: '2000-02-29', gender: 'MALE' }],
    ['29 February of a leap year (1996), female', '7271016902960001', { provinceCode: '72', regencyCode: '72.71', birthDate: '1996-02-29', gender: 'FEMALE' }],
  ])('reads %s', (_label, nik, facts) => {
    expect(parseNik(nik, TODAY)).toEqual(facts);
  });

  describe('the century', () => {
    it.each([
      ['a year before this one is 20xx', '7271010101100001', '2010-01-01'],
      ['a past day of this year is 20xx', '7271010106260001', '2026-06-01'],
      ['today itself is 20xx', '7271011506260001', '2026-06-15'],
      ['tomorrow (this year) is 19xx', '7271011606260001', '1926-06-16'],
      ['a later month of this year is 19xx', '7271010112260001', '1926-12-01'],
      ['next year is 19xx', '7271010101270001', '1927-01-01'],
      ['99 is 1999', '7271010101990001', '1999-01-01'],
      ['00 is 2000', '7271010101000001', '2000-01-01'],
    ])('%s', (_label, nik, birthDate) => {
      expect(parseNik(nik, TODAY)?.birthDate).toBe(birthDate);
    });

    it('follows the `today` it is given', () => {
      // The same NIK is a child's in 2030 and a very old person's in 2020.
      expect(parseNik('7271010101280001', new Date('2030-01-01T00:00:00Z'))?.birthDate).toBe('2028-01-01');
      expect(parseNik('7271010101280001', new Date('2020-01-01T00:00:00Z'))?.birthDate).toBe('1928-01-01');
    });

    it('checks 29 February in the century it chose', () => {
      // 2028 is in the future, so 1928 (a leap year): valid; 1930 is not a leap year.
      expect(parseNik('7271012902280001', TODAY)?.birthDate).toBe('1928-02-29');
      expect(parseNik('7271012902300001', TODAY)).toBeUndefined();
      expect(parseNik('7271012902250001', TODAY)).toBeUndefined(); // 2025 is not a leap year
    });
  });

  it.each([
    ['province 00', '0071011503850002'],
    ['province 99 (does not exist)', '9971011503850002'],
    ['province 20 (does not exist)', '2071011503850002'],
    ['province 10 (does not exist)', '1071011503850002'],
    ['regency 00', '7200011503850002'],
    ['serial 0000', '7271011503850000'],
    ['31 February', '7271013102850002'],
    ['29 February of a non-leap year', '7271012902850002'],
    ['31 April', '7271013104850002'],
    ['day 00', '7271010003850002'],
    ['day 40 (neither a man\'s nor a woman\'s day)', '7271014003850002'],
    ['day 32', '7271013203850002'],
    ['day 72 (a woman\'s 32nd)', '7271017203850002'],
    ['women\'s 31 February (day 71)', '7271017102850002'],
    ['month 13', '7271011513850002'],
    ['month 00', '7271011500850002'],
    ['15 digits', '727101150385000'],
    ['17 digits', '72710115038500021'],
    ['a letter', '72710115038500O2'],
    ['spaces', '7271 0115 0385 0002'],
    ['a leading space', ' 7271011503850002'],
    ['a trailing newline', '7271011503850002\n'],
    ['full-width digits', '７２７１０１１５０３８５０００２'],
    ['a sign', '+727101150385000'],
    ['empty', ''],
  ])('refuses %s', (_label, nik) => {
    expect(parseNik(nik, TODAY)).toBeUndefined();
  });

  it('accepts every province in the reference list and no other two-digit code', () => {
    const known = new Set(provinces.map((province) => province.code));
    for (let code = 0; code <= 99; code += 1) {
      const prefix = String(code).padStart(2, '0');
      const nik = `${prefix}71011503850002`;
      expect(parseNik(nik, TODAY)?.provinceCode, nik).toBe(known.has(prefix) ? prefix : undefined);
    }
  });
});

describe('parseNip', () => {
  it.each([
    ['a woman appointed in January 2010', '198503152010012003', { birthDate: '1985-03-15', appointment: '2010-01', gender: 'FEMALE' }],
    ['a man appointed in March 2015', '199001012015031001', { birthDate: '1990-01-01', appointment: '2015-03', gender: 'MALE' }],
    ['appointed in the month of the 18th birthday', '198503152003031001', { birthDate: '1985-03-15', appointment: '2003-03', gender: 'MALE' }],
    ['appointed this month', '200001012026061999', { birthDate: '2000-01-01', appointment: '2026-06', gender: 'MALE' }],
    ['born on 29 February of a leap year', '199602292020122001', { birthDate: '1996-02-29', appointment: '2020-12', gender: 'FEMALE' }],
    ['serial 001', '198503152010011001', { birthDate: '1985-03-15', appointment: '2010-01', gender: 'MALE' }],
  ])('reads %s', (_label, nip, facts) => {
    expect(parseNip(nip, TODAY)).toEqual(facts);
  });

  it.each([
    ['appointed at 14', '198503152000011001'],
    ['appointed the month before the 18th birthday', '198503152003021001'],
    ['appointed before birth', '198503151980011001'],
    ['appointed next month', '200001012026071001'],
    ['appointed next year', '200001012027011001'],
    ['gender digit 3', '198503152010013003'],
    ['gender digit 0', '198503152010010003'],
    ['gender digit 9', '198503152010019003'],
    ['birth month 13', '198513152010012003'],
    ['birth month 00', '198500152010012003'],
    ['birth day 00', '198503002010012003'],
    ['31 February', '198502312010012003'],
    ['29 February of a non-leap year', '198502292010012003'],
    ['appointment month 13', '198503152010132003'],
    ['appointment month 00', '198503152010002003'],
    ['serial 000', '198503152010012000'],
    ['born before 1900', '189901011920011001'],
    ['17 digits', '19850315201001200'],
    ['19 digits', '1985031520100120031'],
    ['a letter', '19850315201001200X'],
    ['spaces', '19850315 201001 2 003'],
    ['empty', ''],
  ])('refuses %s', (_label, nip) => {
    expect(parseNip(nip, TODAY)).toBeUndefined();
  });

  it('judges "not in the future" against the `today` it is given', () => {
    expect(parseNip('200001012026071001', TODAY)).toBeUndefined();
    expect(parseNip('200001012026071001', new Date('2026-07-01T00:00:00Z'))?.appointment).toBe('2026-07');
  });
});

describe('isValidNrp', () => {
  it.each([
    ['85031501', true],
    ['00000000', true],
    ['99999999', true],
    ['8503150', false],
    ['850315012', false],
    ['8503150A', false],
    [' 85031501', false],
    ['85031501 ', false],
    ['8503-1501', false],
    ['１２３４５６７８', false],
    ['', false],
  ])('%j → %s', (nrp, expected) => {
    expect(isValidNrp(nrp)).toBe(expected);
  });
});

describe('findProvince', () => {
  it.each([
    ['72', '72'],
    [' 72 ', '72'],
    ['Sulawesi Tengah', '72'],
    ['sulawesi tengah', '72'],
    ['SULAWESI TENGAH', '72'],
    ['  Sulawesi   Tengah  ', '72'],
    ['sulawesi\ttengah', '72'],
    ['Daerah Khusus Ibukota Jakarta', '31'],
    ['11', '11'],
    ['aceh', '11'],
    ['96', '96'],
    ['papua barat daya', '96'],
    ['Papua', '91'],
  ])('finds %j as %s', (value, code) => {
    expect(findProvince(value)?.code).toBe(code);
  });

  it('returns the code with the official name', () => {
    expect(findProvince('sulawesi tengah')).toEqual({ code: '72', name: 'Sulawesi Tengah' });
  });

  it.each([
    ['00'], ['99'], ['20'], ['7'], ['720'], ['72.71'], ['Sulawesi'], ['Sulawesi Tengahh'], ['SulawesiTengah'], ['Atlantis'], [''], ['   '],
  ])('does not find %j', (value) => {
    expect(findProvince(value)).toBeUndefined();
  });
});

describe('findCity', () => {
  it.each([
    ['72', '72.71', '72.71', 'Kota Palu'],
    ['72', 'Kota Palu', '72.71', 'Kota Palu'],
    ['72', 'KOTA PALU', '72.71', 'Kota Palu'],
    ['72', 'kota palu', '72.71', 'Kota Palu'],
    ['72', '  Kota   Palu ', '72.71', 'Kota Palu'],
    ['72', ' 72.71 ', '72.71', 'Kota Palu'],
  ])('in %s finds %j', (provinceCode, value, code, name) => {
    expect(findCity(provinceCode, value)).toEqual({ code, name });
  });

  it.each([
    ['a city of another province by code', '72', '73.71'],
    ['a city of another province by name', '72', 'Kota Makassar'],
    ['Palu asked in Sulawesi Selatan', '73', 'Kota Palu'],
    ['Palu by code asked in Sulawesi Selatan', '73', '72.71'],
    ['a name without its "Kota"', '72', 'Palu'],
    ['an unknown name', '72', 'Kota Atlantis'],
    ['a regency code 00', '72', '72.00'],
    ['a code without its dot', '72', '7271'],
    ['an empty value', '72', ''],
    ['an unknown province', '99', 'Kota Palu'],
  ])('does not find %s', (_label, provinceCode, value) => {
    expect(findCity(provinceCode, value)).toBeUndefined();
  });

  it('finds Makassar in Sulawesi Selatan', () => {
    expect(findCity('73', 'kota makassar')).toEqual({ code: '73.71', name: 'Kota Makassar' });
  });
});

describe('regionList', () => {
  const list = regionList();

  it('has Indonesia\'s 38 provinces and 514 regencies and cities', () => {
    expect(list).toHaveLength(38);
    expect(list.reduce((total, province) => total + province.cities.length, 0)).toBe(514);
    expect(regencies).toHaveLength(514);
  });

  it('puts every city under the province its code starts with', () => {
    for (const province of list) {
      expect(province.cities.length, province.name).toBeGreaterThan(0);
      for (const city of province.cities) {
        expect(city.code.startsWith(`${province.code}.`), city.code).toBe(true);
        expect(city.code).toMatch(/^\d{2}\.\d{2}$/);
        expect(city.code.slice(3)).not.toBe('00');
      }
    }
  });

  it('has unique codes and names a province\'s cities can be found by', () => {
    const cityCodes = list.flatMap((province) => province.cities.map((city) => city.code));
    expect(new Set(cityCodes).size).toBe(cityCodes.length);
    expect(new Set(list.map((province) => province.code)).size).toBe(38);
    for (const province of list) {
      expect(findProvince(province.name)?.code).toBe(province.code);
      for (const city of province.cities) {
        expect(findCity(province.code, city.name)?.code, city.name).toBe(city.code);
      }
    }
  });

  it('lists Sulawesi Tengah with Kota Palu', () => {
    const sulteng = list.find((province) => province.code === '72');
    expect(sulteng?.name).toBe('Sulawesi Tengah');
    expect(sulteng?.cities).toContainEqual({ code: '72.71', name: 'Kota Palu' });
  });
});

describe('comparableName', () => {
  it.each([
    ['Siti  aminah', 'SITI AMINAH'],
    ['siti aminah', 'Siti Aminah'],
    ['  Siti Aminah  ', 'SITI AMINAH'],
    ['Siti\tAminah', 'SITI AMINAH'],
    ['Sìtí Âminah', 'SITI AMINAH'],
    ['Sit\u0069\u0301 Aminah', 'Sití Aminah'],
    ['Nuñez', 'NUNEZ'],
  ])('%j is the same name as %j', (a, b) => {
    expect(comparableName(a)).toBe(comparableName(b));
  });

  it('gives the upper-case name with single spaces', () => {
    expect(comparableName('  Siti   aminah ')).toBe('SITI AMINAH');
  });

  it.each([
    ['Siti Aminah', 'Siti Amina'],
    ['Siti Aminah', 'Aminah Siti'],
    ['Siti Aminah', 'Siti Aminah Putri'],
    ['Budi Santoso', 'Budi Susanto'],
    ['Siti Aminah', 'SitiAminah'],
  ])('%j differs from %j', (a, b) => {
    expect(comparableName(a)).not.toBe(comparableName(b));
  });
});

import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { civilServiceRecord } from '../registry-record.js';
import type { CivilServiceRecord, CivilServiceRegistry } from '../../ports/registry.js';

const fixture = z.array(civilServiceRecord);

/** The civil-service registry stand-in: a JSON file (API.md gives its shape), read once. */
export class FixtureRegistry implements CivilServiceRegistry {
  private readonly records: CivilServiceRecord[];

  constructor(file: string) {
    this.records = fixture.parse(JSON.parse(readFileSync(file, 'utf8')));
  }

  async find(employmentType: 'ASN' | 'POLRI', number: string): Promise<CivilServiceRecord | undefined> {
    return this.records.find((record) => record.employmentType === employmentType
      && (employmentType === 'ASN' ? record.nip === number : record.nrp === number));
  }
}

import { parse } from 'csv-parse/sync';
import { AppError, type ErrorCode, type FieldError } from '../../../shared/domain/errors.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { parseNip } from '../../../shared/domain/identity.js';
import type { EmploymentPrefill } from '../../../shared/ports/users.js';
import { parseOrThrow } from '../../../shared/validation.js';
import { importRow } from '../schemas.js';
import { registerUser, type RegisterWithLetterDeps } from './register-user.js';
import { findTenantLetter, noLetters } from './request-letters.js';

export const MAX_IMPORT_ROWS = 1000;
// Enough to keep DynamoDB busy without one import crowding out everyone else's requests.
const CONCURRENCY = 8;

/** The columns a list may have, by their lower-case header name; the first two are required. */
const columnNames = { fullname: 'fullName', email: 'email', phone: 'phone', nip: 'nip', position: 'position', unitname: 'unitName' } as const;
type Column = (typeof columnNames)[keyof typeof columnNames];

export interface ImportOutcome {
  created: { line: number; userId: string }[];
  rejected: { line: number; code: ErrorCode; errors: FieldError[] }[];
}

/**
 * Bulk registration from the lists agencies already keep: header `fullName,email` with optional
 * `phone`, `nip`, `position`, `unitName`, in any order and any case, separated by `,` or by `;`
 * (as spreadsheets in Indonesia save CSV), UTF-8 with or without a byte-order mark.
 * 1. The whole file is judged first: its header, its size (IMPORT_TOO_MANY_ROWS), the letter
 *    named (LETTER_NOT_FOUND): any of these fails, nobody is registered.
 * 2. Each row is registered as one POST /v1/users would be and gets its own result, naming the
 *    columns that failed; the e-mail claim makes a re-import (or a duplicate row) create nothing twice.
 * Cells are kept as text: nothing here evaluates a spreadsheet formula (exports escape them).
 */
export async function importUsers(deps: RegisterWithLetterDeps, input: { actor: Actor; csv: string; letterId?: string }): Promise<ImportOutcome> {
  const csv = input.csv.replace(/^\uFEFF/, '');
  let records: string[][];
  try {
    records = parse(csv, { delimiter: delimiterOf(csv), trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch {
    throw new AppError('VALIDATION_FAILED', [{ field: 'body', code: 'VALUE_INVALID' }]);
  }
  const [header = [], ...rows] = records;
  const columns = header.map((name) => columnNames[name.trim().toLowerCase() as keyof typeof columnNames] as Column | undefined);
  const known = columns.filter((column): column is Column => column !== undefined);
  if (!known.includes('fullName') || !known.includes('email') || known.length !== columns.length || new Set(known).size !== known.length) {
    throw new AppError('VALIDATION_FAILED', [{ field: 'header', code: 'VALUE_INVALID' }]);
  }
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError('IMPORT_TOO_MANY_ROWS');
  // One lookup for the whole list; every row then records the same letter.
  const letter = input.letterId === undefined ? undefined : await findTenantLetter(deps.letters ?? noLetters, input.actor, input.letterId);
  const rowDeps: RegisterWithLetterDeps = letter ? { ...deps, letters: { findLetter: async () => letter } } : deps;

  const outcome: ImportOutcome = { created: [], rejected: [] };
  const reject = (line: number, error: unknown) => {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    outcome.rejected.push({ line, code: error.code, errors: [...error.fieldErrors] });
  };

  // Rows are checked in file order first, so of two rows with one e-mail the first one is kept.
  const valid: { line: number; fields: RowFields }[] = [];
  const emails = new Set<string>();
  const today = deps.clock.now();
  rows.forEach((cells, index) => {
    const line = index + 2; // the header is line 1
    // An empty optional cell is a column left blank for this person, not a bad value.
    const row = Object.fromEntries(known.map((name, column) => [name, cells[column] ?? '']).filter(([name, value]) => value !== '' || name === 'fullName' || name === 'email'));
    try {
      const fields = checkRow(row, today);
      if (emails.has(fields.email)) throw new AppError('EMAIL_ALREADY_REGISTERED');
      emails.add(fields.email);
      valid.push({ line, fields });
    } catch (error) {
      reject(line, error);
    }
  });

  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < valid.length) {
      const { line, fields } = valid[next++]!;
      const { nip, position, unitName, ...person } = fields;
      const employmentPrefill: EmploymentPrefill = { ...(nip ? { nip } : {}), ...(position ? { position } : {}), ...(unitName ? { unitName } : {}) };
      try {
        const { userId } = await registerUser(rowDeps, {
          actor: input.actor, ...person, employmentPrefill, ...(letter ? { letterId: letter.letterId } : {}),
        });
        outcome.created.push({ line, userId });
      } catch (error) {
        reject(line, error);
      }
    }
  }));
  outcome.created.sort((a, b) => a.line - b.line);
  outcome.rejected.sort((a, b) => a.line - b.line);
  return outcome;
}

type RowFields = ReturnType<typeof importRow.parse>;

/** A row's fields, or one VALIDATION_FAILED naming every column that failed (the NIP's dates included). */
function checkRow(row: Record<string, string>, today: Date): RowFields {
  let fields: RowFields | undefined;
  const errors: FieldError[] = [];
  try {
    fields = parseOrThrow(importRow, row, 'body');
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    errors.push(...error.fieldErrors);
  }
  const nip = row.nip?.trim();
  if (nip && /^\d{18}$/.test(nip) && !parseNip(nip, today)) errors.push({ field: 'nip', code: 'NIP_INVALID' });
  if (errors.length > 0 || !fields) throw new AppError('VALIDATION_FAILED', errors);
  return fields;
}

/**
 * `;` or `,`, whichever separates the header's cells: spreadsheets set to Indonesian save CSV with
 * `;` (the comma is the decimal mark there). Header names hold neither, so counting them is enough.
 */
function delimiterOf(csv: string): ';' | ',' {
  const firstLine = csv.split(/\r?\n/, 1)[0] ?? '';
  const semicolons = firstLine.split(';').length - 1;
  const commas = firstLine.split(',').length - 1;
  return semicolons > commas ? ';' : ',';
}

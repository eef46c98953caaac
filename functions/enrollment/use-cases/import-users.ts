import { parse } from 'csv-parse/sync';
import { AppError, type ErrorCode, type FieldError } from '../../../shared/domain/errors.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { parseOrThrow } from '../../../shared/validation.js';
import { registrationRow } from '../schemas.js';
import { registerUser, type RegisterUserDeps } from './register-user.js';

export const MAX_IMPORT_ROWS = 1000;
// Enough to keep DynamoDB busy without one import crowding out everyone else's requests.
const CONCURRENCY = 8;

export interface ImportOutcome {
  created: { line: number; userId: string }[];
  rejected: { line: number; code: ErrorCode; errors: FieldError[] }[];
}

/**
 * Bulk registration from the CSV agencies already send (header `fullName,email,phone`).
 * Each row is registered as one POST /v1/users would be, and gets its own result; the e-mail
 * claim makes a re-import (or a duplicate row) create nothing twice.
 */
export async function importUsers(deps: RegisterUserDeps, input: { actor: Actor; csv: string }): Promise<ImportOutcome> {
  let records: string[][];
  try {
    records = parse(input.csv, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch {
    throw new AppError('VALIDATION_FAILED', [{ field: 'body', code: 'VALUE_INVALID' }]);
  }
  const [header = [], ...rows] = records;
  const columns = header.map((name) => name.trim());
  if (!columns.includes('fullName') || !columns.includes('email') || columns.some((name) => !['fullName', 'email', 'phone'].includes(name))) {
    throw new AppError('VALIDATION_FAILED', [{ field: 'header', code: 'VALUE_INVALID' }]);
  }
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError('VALIDATION_FAILED', [{ field: 'rows', code: 'TOO_LARGE' }]);

  const outcome: ImportOutcome = { created: [], rejected: [] };
  const reject = (line: number, error: unknown) => {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    outcome.rejected.push({ line, code: error.code, errors: [...error.fieldErrors] });
  };

  // Rows are checked in file order first, so of two rows with one e-mail the first one is kept.
  const valid: { line: number; fields: ReturnType<typeof registrationRow.parse> }[] = [];
  const emails = new Set<string>();
  rows.forEach((cells, index) => {
    const line = index + 2; // the header is line 1
    const row = Object.fromEntries(columns.map((name, column) => [name, cells[column] ?? '']).filter(([name, value]) => name !== 'phone' || value !== ''));
    try {
      const fields = parseOrThrow(registrationRow, row, 'body');
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
      try {
        const { userId } = await registerUser(deps, { actor: input.actor, ...fields });
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

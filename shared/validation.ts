import type { z } from 'zod';
import { AppError, fieldErrorCatalog, type FieldError, type FieldErrorCode } from './domain/errors.js';

/** Attach to a refinement so its failure carries a stable field code: `{ params: fieldCode('NIK_INVALID') }`. */
export const fieldCode = (code: FieldErrorCode) => ({ fieldCode: code });

function issueToFieldErrors(issue: z.core.$ZodIssue, prefix: string): FieldError[] {
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ field: [path, key].filter(Boolean).join('.'), code: 'UNKNOWN_FIELD' }));
    case 'invalid_type':
      return [{ field: path || prefix, code: issue.input === undefined ? 'REQUIRED' : 'TYPE_INVALID' }];
    case 'too_big':
      return [{ field: path, code: issue.origin === 'string' ? 'TOO_LONG' : 'VALUE_INVALID' }];
    case 'invalid_format':
      return [{ field: path, code: issue.format === 'email' ? 'EMAIL_INVALID' : 'VALUE_INVALID' }];
    case 'custom': {
      const code = (issue.params as { fieldCode?: string } | undefined)?.fieldCode;
      return [{ field: path, code: code && code in fieldErrorCatalog ? (code as FieldErrorCode) : 'VALUE_INVALID' }];
    }
    default:
      return [{ field: path, code: 'VALUE_INVALID' }];
  }
}

/** Parses one part of a request; failures become a 422 naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'query' | 'params'): z.infer<S> {
  // reportInput: zod 4 leaves the input out of issues otherwise, and REQUIRED vs TYPE_INVALID needs it.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const fieldErrors = result.error.issues.flatMap((issue) => issueToFieldErrors(issue, part === 'body' ? '' : part));
  throw new AppError('VALIDATION_FAILED', fieldErrors.map((error) => ({ ...error, field: error.field || part })));
}

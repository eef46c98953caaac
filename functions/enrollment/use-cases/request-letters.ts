import { createHash } from 'node:crypto';
import { PDF } from '@libpdf/core';
import { auditEntry } from '../../../shared/audit.js';
import type { Actor } from '../../../shared/domain/actor.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { LetterFileStore, RequestLetterRecord, RequestLetterStore } from '../../../shared/ports/request-letters.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';

/** The bound on a letter; on AWS the platform's payload limit is lower (see the README). */
export const MAX_LETTER_BYTES = 5 * 1024 * 1024;

/** Kept beside the user's photos under the tenant's KYC prefix, but outside any user's folder: erasing one user leaves it. */
export const requestLetterKey = (tenantId: string, letterId: string) => `kyc/${tenantId}/letters/${letterId}.pdf`;

/**
 * What makes a file a letter we keep: the PDF magic bytes at its start and a page count that
 * reads without the parser having to rebuild a broken file (a truncated upload is refused).
 */
export async function inspectLetter(bytes: Uint8Array): Promise<{ ok: true; pages: number } | { ok: false; reason: string }> {
  if (bytes.byteLength === 0) return { ok: false, reason: 'empty' };
  if (bytes.byteLength > MAX_LETTER_BYTES) return { ok: false, reason: 'too large' };
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') return { ok: false, reason: 'no %PDF- header' };
  try {
    const document = await PDF.load(bytes);
    if (document.recoveredViaBruteForce) return { ok: false, reason: 'recovered by brute force' };
    const pages = document.getPageCount();
    return pages > 0 ? { ok: true, pages } : { ok: false, reason: 'no pages' };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export interface UploadLetterDeps {
  letters: Pick<RequestLetterStore, 'saveLetter'>;
  files: Pick<LetterFileStore, 'putPdf'>;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * A verifier files the agency's request letter before registering the people it covers.
 * 1. The bytes are checked (LETTER_INVALID): nothing is stored for a file that fails.
 * 2. The file is stored first, then its record with the audit entry: a record never names a
 *    missing file (a failed record write leaves an unreferenced object the retention rule ends).
 */
export async function uploadRequestLetter(deps: UploadLetterDeps, input: { actor: Actor; bytes: Uint8Array }): Promise<{ letterId: string }> {
  const verdict = await inspectLetter(input.bytes);
  if (!verdict.ok) throw new AppError('LETTER_INVALID', [], { internal: verdict.reason });
  const now = deps.clock.now();
  const letterId = deps.ids.newId();
  const letter: RequestLetterRecord = {
    letterId,
    tenantId: input.actor.tenantId,
    objectKey: requestLetterKey(input.actor.tenantId, letterId),
    uploadedBy: input.actor.actorId,
    uploadedAt: now.toISOString(),
    size: input.bytes.byteLength,
    pages: verdict.pages,
    sha256: createHash('sha256').update(input.bytes).digest('hex'),
  };
  await deps.files.putPdf(letter.objectKey, input.bytes);
  await deps.letters.saveLetter(letter, auditEntry(deps, now, input.actor, 'REQUEST_LETTER_UPLOADED', { tenantId: letter.tenantId }, { target: letterId }));
  return { letterId };
}

/** The store of a caller that files no letters: it knows none. */
export const noLetters: Pick<RequestLetterStore, 'findLetter'> = { findLetter: async () => undefined };

/** The actor's tenant's letter; another tenant's is as unknown as a missing one. */
export async function findTenantLetter(letters: Pick<RequestLetterStore, 'findLetter'>, actor: Actor, letterId: string): Promise<RequestLetterRecord> {
  const letter = await letters.findLetter(letterId);
  if (!letter || letter.tenantId !== actor.tenantId) throw new AppError('LETTER_NOT_FOUND');
  return letter;
}

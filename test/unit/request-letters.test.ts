import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { PDF } from '@libpdf/core';
import { describe, expect, it } from 'vitest';
import { inspectLetter, MAX_LETTER_BYTES, uploadRequestLetter } from '../../functions/enrollment/use-cases/request-letters.js';
import { AppError } from '../../shared/domain/errors.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { AuditEntry } from '../../shared/ports/audit.js';
import type { RequestLetterRecord } from '../../shared/ports/request-letters.js';
import { fixedClock, sequentialIds } from './support/outbox-fakes.js';

const actor: Actor = { actorId: 'verifier-1', role: 'VERIFIER', tenantId: 'tenant-1' };
const jpeg = readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url));

async function letterPdf(pages: number): Promise<Uint8Array> {
  const document = PDF.create();
  for (let page = 1; page <= pages; page += 1) document.addPage().drawText(`Surat permohonan, halaman ${page}`, { x: 72, y: 720, size: 14 });
  return document.save();
}

function setup() {
  const saved: { letter: RequestLetterRecord; audit: AuditEntry }[] = [];
  const files = new Map<string, Uint8Array>();
  const deps = {
    letters: { saveLetter: async (letter: RequestLetterRecord, audit: AuditEntry) => { saved.push({ letter, audit }); } },
    files: { putPdf: async (key: string, bytes: Uint8Array) => { files.set(key, bytes); } },
    clock: fixedClock('2026-06-15T03:00:00.000Z'),
    ids: sequentialIds('letter'),
  };
  return { deps, saved, files };
}

describe('request letters', () => {
  it('keeps a genuine PDF once: the file under the tenant\'s KYC prefix, its record (size, pages, hash) and an audit entry', async () => {
    const { deps, saved, files } = setup();
    const bytes = await letterPdf(3);
    const { letterId } = await uploadRequestLetter(deps, { actor, bytes });
    expect([...files.keys()]).toEqual([`kyc/tenant-1/letters/${letterId}.pdf`]);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.letter).toEqual({
      letterId, tenantId: 'tenant-1', objectKey: `kyc/tenant-1/letters/${letterId}.pdf`, uploadedBy: 'verifier-1', uploadedAt: '2026-06-15T03:00:00.000Z',
      size: bytes.byteLength, pages: 3, sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(saved[0]!.audit).toMatchObject({ action: 'REQUEST_LETTER_UPLOADED', actorId: 'verifier-1', tenantId: 'tenant-1', target: letterId });
  });

  it.each([
    ['an image', async () => new Uint8Array(jpeg)],
    ['an empty body', async () => new Uint8Array()],
    ['a truncated PDF', async () => (await letterPdf(2)).subarray(0, 400)],
    ['a PDF header and nothing readable after it', async () => new Uint8Array(Buffer.from('%PDF-1.7\n%garbage that is no PDF at all\n'))],
    ['text that names PDF later on', async () => new Uint8Array(Buffer.from('hello\n%PDF-1.7\n'))],
    ['a PDF over 5 MB', async () => {
      const pdf = await letterPdf(1);
      const padded = new Uint8Array(MAX_LETTER_BYTES + 1);
      padded.set(pdf);
      return padded;
    }],
  ])('refuses %s with LETTER_INVALID and stores nothing', async (_label, make) => {
    const { deps, saved, files } = setup();
    const outcome = await uploadRequestLetter(deps, { actor, bytes: await make() }).then(() => undefined, (error: unknown) => error);
    expect(outcome).toBeInstanceOf(AppError);
    expect((outcome as AppError).code).toBe('LETTER_INVALID');
    expect((outcome as AppError).status).toBe(422);
    expect(saved).toEqual([]);
    expect(files.size).toBe(0);
  });

  it('reads the page count of a letter', async () => {
    expect(await inspectLetter(await letterPdf(2))).toEqual({ ok: true, pages: 2 });
  });
});

import * as z from 'zod';
import type { UploadedFile } from '../../shared/http/route.js';
import { html, type Html } from '../../shared/web/html.js';
import { enrollmentRoutes } from '../enrollment/routes.js';
import type { getUser } from '../enrollment/use-cases/get-user.js';
import type { Problem } from './api.js';
import { fileSize } from './file-size.js';
import { formatDateTime } from './format.js';
import { fileField, hiddenField, type FormState } from './forms.js';
import type { Web } from './kit.js';

/**
 * The request letter (surat permohonan) on the console's register and import forms: the PDF is
 * filed through the API first (its own checks), then the registration names its id. A letter filed
 * before the form failed for another reason rides along as a hidden id, so it is not sent twice.
 */

/**
 * What the pages let a verifier attach. Below the API's 5 MB: on AWS the whole form (the letter
 * and, on the import page, a CSV of up to 500 KB) reaches the web function base64-encoded inside
 * Lambda's 6 MB request payload, so about 4.4 MB of raw body at most; a larger post would be
 * refused by the platform before any page could explain why.
 */
export const LETTER_PAGE_MAX_BYTES = 3.5 * 1024 * 1024;
/** A form with the letter: the file plus the form's own fields (a CSV of 1000 rows at most). */
export const letterFormMaxBytes = (otherFields: number) => LETTER_PAGE_MAX_BYTES + otherFields + 64 * 1024;

export const letterLabel = 'Surat permohonan (PDF, tidak wajib)';
/** The field's name where errors are listed at the top of the form. */
export const letterSummaryLabel = 'Surat permohonan';

const keptLetterId = z.string().trim().min(1).max(64);

export function letterField(state: FormState, filedLetterId: string | undefined): Html {
  if (filedLetterId) {
    return html`${hiddenField('letterId', filedLetterId)}<p class="notice letter-kept">Surat permohonan sudah diunggah dan akan disertakan.</p>`;
  }
  return fileField({
    name: 'letter', label: letterLabel, state, accept: 'application/pdf,.pdf', again: Boolean(state.errors.letter),
    hint: `Surat permohonan dari pimpinan unit kerja, berkas PDF asli (bukan foto atau gambar), paling besar ${fileSize(LETTER_PAGE_MAX_BYTES)}. Disimpan bersama data pegawai yang didaftarkan.`,
  });
}

/**
 * The letter for this post: a file chosen now is filed first; else the id of one filed by an
 * earlier try of the same form; else none. A refusal comes back as the problem to show at the field.
 */
export async function letterForPost(
  web: Web,
  input: { file: UploadedFile | undefined; keptId: string | undefined; csrfToken: string | undefined },
): Promise<{ letterId?: string } | { problem: Problem }> {
  if (input.file) {
    if (input.file.bytes.length > LETTER_PAGE_MAX_BYTES) {
      return { problem: { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: `Surat permohonan paling besar ${fileSize(LETTER_PAGE_MAX_BYTES)}.`, errors: [] } };
    }
    const filed = await web.api.call(enrollmentRoutes, 'uploadRequestLetter', {
      file: { contentType: 'application/pdf', bytes: input.file.bytes }, ...(input.csrfToken ? { csrfToken: input.csrfToken } : {}),
    });
    if (filed.ok) return { letterId: filed.body.letterId };
    // The API's words name its own 5 MB bound; the page's is lower (see LETTER_PAGE_MAX_BYTES).
    return filed.problem.code === 'LETTER_INVALID'
      ? { problem: { ...filed.problem, detail: `Berkas ini bukan PDF yang utuh dan terbaca. Pilih berkas PDF surat permohonan yang asli (bukan foto atau gambar), paling besar ${fileSize(LETTER_PAGE_MAX_BYTES)}.` } }
      : { problem: filed.problem };
  }
  const kept = keptLetterId.safeParse(input.keptId);
  return kept.success ? { letterId: kept.data } : {};
}

/** The error codes about the letter, shown at its field. */
export const letterErrorFields = { LETTER_INVALID: 'letter', LETTER_NOT_FOUND: 'letter', PAYLOAD_TOO_LARGE: 'letter', UNSUPPORTED_MEDIA_TYPE: 'letter' } as const;

type UserDetail = Awaited<ReturnType<typeof getUser>>;

/** The user page's section: the letter behind a 5-minute link (each view of the page is audited). */
export function letterSection(user: UserDetail): Html | '' {
  const letter = user.requestLetter;
  if (!letter) return '';
  return html`<h2>Surat permohonan</h2>
<p class="letter-link"><a href="${letter.url}" download="surat-permohonan.pdf">Unduh surat permohonan</a> <span class="hint">(PDF, ${letter.pages} halaman, ${fileSize(letter.size)}, diunggah ${formatDateTime(letter.uploadedAt)})</span></p>
<p class="hint">Tautan berlaku 5 menit; muat ulang halaman bila tautan sudah tidak berlaku.</p>`;
}

import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html, type Html } from '../../../shared/web/html.js';
import { verificationRoutes } from '../../verification/routes.js';
import type { Problem, SuccessBody } from '../api.js';
import { fileSize } from '../file-size.js';
import { formatDateTime } from '../format.js';
import { errorSummary, fileField, postForm, submitButton, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formBody, page } from '../route-parts.js';
import { levelWords } from './sign.js';

/**
 * Sizes. The form reaches this function as a Lambda event (base64: 4/3 of the upload, 6 MB at
 * most) and the PDF goes on to the verification function by Invoke (base64 again in its event):
 * four megabytes fit both.
 */
const MB = 1024 * 1024;
const MAX_VERIFY_UPLOAD_BYTES = 4 * MB;
/** The file and the form around it; above this the form is refused before it is read. */
const VERIFY_FORM_MAX_BYTES = MAX_VERIFY_UPLOAD_BYTES + 256 * 1024;

export const verifyRoutes = {
  verifyPage: {
    method: 'GET', path: '/web/verify', summary: 'Check the signatures of a PDF: upload it (anyone)', access: 'public',
    responses: { 200: page('Periksa tanda tangan') },
  },
  verify: {
    method: 'POST', path: '/web/verify', summary: 'A PDF posted (multipart): the verdict per signature and for the document, in plain Indonesian', access: 'public',
    bodyType: 'multipart/form-data', body: formBody, maxBodyBytes: VERIFY_FORM_MAX_BYTES,
    responses: { 200: page('Hasil pemeriksaan'), 413: page('Larger than the form takes'), 422: page('The form with its errors'), 429: page('The form saying when to try again') },
  },
} as const satisfies Record<string, RouteSpec>;

type Report = SuccessBody<typeof verificationRoutes.routes.verifyPdf>;
type Signature = Report['signatures'][number];
type Conclusion = Report['conclusion'];

const labels = { document: 'Dokumen PDF' };

const looksLikePdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');

/** The document's verdict: a coloured panel with its words (GOV.UK's panel, one colour per outcome). */
const verdicts: Record<Conclusion, { className: string; title: string }> = {
  VALID: { className: 'panel--valid', title: 'Tanda tangan sah' },
  INVALID: { className: 'panel--invalid', title: 'Tanda tangan tidak sah' },
  INDETERMINATE: { className: 'panel--indeterminate', title: 'Keabsahan belum dapat dipastikan' },
  NO_SIGNATURE: { className: 'panel--none', title: 'Tidak ada tanda tangan elektronik' },
};

const signatureVerdicts: Record<Signature['conclusion'], { text: string; className: string }> = {
  VALID: { text: 'Sah', className: 'status--valid' },
  INVALID: { text: 'Tidak sah', className: 'status--invalid' },
  INDETERMINATE: { text: 'Belum dapat dipastikan', className: 'status--unsure' },
};

const revocationSources: Record<string, string> = {
  DSS_OCSP: 'menurut jawaban OCSP yang tersimpan di dalam dokumen',
  DSS_CRL: 'menurut daftar pencabutan (CRL) yang tersimpan di dalam dokumen',
  SERVICE: 'menurut catatan layanan ini',
};

/** A check's outcome with a mark that is not colour alone. */
const check = (ok: boolean | undefined, text: string): Html =>
  html`<span class="${ok === undefined ? 'check--unsure' : ok ? 'check--ok' : 'check--bad'}">${ok === undefined ? '? ' : ok ? '✓ ' : '✗ '}</span>${text}`;

function revocationText(revocation: Signature['revocation']): Html {
  const source = revocation.source ? revocationSources[revocation.source] : undefined;
  const when = revocation.checkedAt ? `, diperiksa ${formatDateTime(revocation.checkedAt)}` : '';
  const later = revocation.status !== 'revoked' && revocation.revokedAt ? ` Sertifikat ini dicabut kemudian, pada ${formatDateTime(revocation.revokedAt)}.` : '';
  const status = revocation.status === 'good'
    ? check(true, 'Sertifikat belum dicabut pada waktu penandatanganan')
    : revocation.status === 'revoked'
      ? check(false, `Sertifikat sudah dicabut pada waktu penandatanganan${revocation.revokedAt ? ` (sejak ${formatDateTime(revocation.revokedAt)})` : ''}`)
      : check(undefined, 'Status pencabutan tidak dapat diketahui');
  return html`${status}${source ? ` (${source}${when})` : ''}.${later}`;
}

function timestampText(timestamp: Signature['timestamp']): Html {
  if (!timestamp) return check(undefined, 'Tidak ada cap waktu: waktu penandatanganan hanya menurut perangkat penanda tangan');
  const by = timestamp.tsaName ? ` oleh ${timestamp.tsaName}` : '';
  if (!timestamp.valid) return check(false, `Cap waktu ${formatDateTime(timestamp.time)}${by} rusak atau tidak cocok dengan tanda tangannya`);
  if (!timestamp.trusted) return check(undefined, `${formatDateTime(timestamp.time)}${by}, dari penyedia cap waktu (TSA) yang tidak dikenal`);
  return check(true, `${formatDateTime(timestamp.time)}${by}`);
}

/**
 * What the file gained after the signature (the report's changesAfter): validation data, a
 * timestamp or another signature are expected and harmless; anything else means what the reader
 * sees may not be what was signed.
 */
const coverageText: Record<NonNullable<Signature['changesAfter']>, Html> = {
  NONE: check(true, 'Mencakup seluruh dokumen'),
  VALIDATION_DATA: check(true, 'Mencakup dokumen seperti saat ditandatangani; sesudahnya hanya ditambahkan data validasi jangka panjang atau cap waktu'),
  SIGNATURES: check(true, 'Mencakup dokumen seperti saat ditandatangani; sesudahnya hanya ditambahkan tanda tangan lain'),
  OTHER: check(false, 'Perhatian: sesudahnya dokumen diubah, bukan hanya dengan tanda tangan lain atau data validasi. Yang tampil sekarang bisa berbeda dari yang ditandatangani.'),
};

/** Whether the signed bytes are intact; when the file changed later, only the signed version is. */
function integrityText(signature: Signature): Html {
  if (!signature.integrityValid) return check(false, 'Dokumen telah diubah setelah ditandatangani, atau tanda tangannya rusak');
  return signature.changesAfter === 'OTHER'
    ? check(true, 'Versi dokumen yang ditandatangani masih utuh di dalam berkas')
    : check(true, 'Dokumen tidak berubah sejak ditandatangani');
}

/** "PAdES-B-LT" → "PAdES B-LT: dapat divalidasi jangka panjang (LTV)". */
function levelText(level: string): string {
  const short = level.replace(/^PAdES-/, '');
  const words = levelWords[short];
  return words ? `PAdES ${short}: ${words}` : level;
}

function signatureCard(signature: Signature, index: number, count: number): Html {
  const verdict = signatureVerdicts[signature.conclusion];
  return html`<li class="card signature-card">
${count > 1 ? html`<h3>Tanda tangan ${index + 1} dari ${count}</h3>` : ''}
<p><strong class="status ${verdict.className}">${verdict.text}</strong></p>
<dl class="summary">
<dt>Ditandatangani oleh</dt><dd>${signature.signerName ?? 'Tidak terbaca'}</dd>
<dt>Waktu</dt><dd>${signature.signingTime ? formatDateTime(signature.signingTime) : 'Tidak tercantum'}</dd>
${signature.reason ? html`<dt>Alasan</dt><dd>${signature.reason}</dd>` : ''}
${signature.location ? html`<dt>Lokasi</dt><dd>${signature.location}</dd>` : ''}
<dt>Keutuhan</dt><dd>${integrityText(signature)}</dd>
${signature.changesAfter ? html`<dt>Cakupan</dt><dd>${coverageText[signature.changesAfter]}</dd>` : ''}
<dt>Sertifikat</dt><dd>${signature.certificateTrusted
  ? check(true, 'Diterbitkan oleh CA layanan ini (tepercaya)')
  : check(false, `Tidak diterbitkan oleh CA layanan ini${signature.certificate ? ` (penerbit: ${signature.certificate.issuer})` : ''}`)}</dd>
<dt>Pencabutan</dt><dd>${revocationText(signature.revocation)}</dd>
<dt>Cap waktu</dt><dd>${timestampText(signature.timestamp)}</dd>
<dt>Tingkat</dt><dd>${levelText(signature.level)}</dd>
</dl>
${signature.notes.length > 0 ? html`<p><strong>Catatan:</strong></p><ul>${signature.notes.map((note) => html`<li>${note.description}</li>`)}</ul>` : ''}
</li>`;
}

export function verifyActions(deps: WebDeps): RouteActions<typeof verifyRoutes> {
  /** The form; `wait` says when to try again (too many checks: nothing to fix, only to wait). */
  const verifyForm = (web: Web, state: FormState, options: { status?: number; headers?: Record<string, string>; wait?: string } = {}): Reply => {
    const failed = Object.keys(state.errors).length > 0 || state.message !== undefined || options.wait !== undefined;
    const reply = web.page({
      title: 'Periksa tanda tangan',
      heading: 'Periksa tanda tangan dokumen',
      body: html`${errorSummary(state, labels)}
${options.wait ? html`<div class="warning-text" role="alert" tabindex="-1" data-focus><p><strong>Tunggu sebentar.</strong> ${options.wait}</p></div>` : ''}
<p class="lead">Unggah dokumen PDF bertanda tangan elektronik untuk mengetahui siapa yang menandatanganinya, kapan, dan apakah dokumen berubah sejak ditandatangani.</p>
${postForm(web.path('/verify'), [
  fileField({
    name: 'document', label: labels.document, state, accept: 'application/pdf,.pdf', again: failed,
    hint: `Satu berkas PDF, paling besar ${fileSize(MAX_VERIFY_UPLOAD_BYTES)}. Dokumen hanya diperiksa, tidak disimpan.`,
    data: { 'max-bytes': String(MAX_VERIFY_UPLOAD_BYTES), documents: '' },
  }),
  submitButton('Periksa'),
], { multipart: true, className: 'verify-form' })}
<p class="hint">Tanda tangan diperiksa terhadap sertifikat CA layanan ini. Tanda tangan dari penyelenggara sertifikat lain tetap dibaca, tetapi keabsahannya tidak dapat dipastikan di sini.</p>`,
    }, { status: options.status ?? (failed ? 422 : 200), cacheable: !failed });
    return { ...reply, headers: { ...reply.headers, ...options.headers } };
  };

  const resultPage = (web: Web, fileName: string, report: Report): Reply => {
    const verdict = verdicts[report.conclusion];
    // Why it is not valid: the notes of the signatures that are not, once each.
    const reasons = report.conclusion === 'VALID' || report.conclusion === 'NO_SIGNATURE' ? [] : [...new Set(report.signatures
      .filter((signature) => signature.conclusion !== 'VALID')
      .flatMap((signature) => signature.notes.map((note) => note.description)))];
    const count = report.signatures.length;
    return web.page({
      title: 'Hasil pemeriksaan tanda tangan',
      heading: 'Hasil pemeriksaan tanda tangan',
      body: html`<p class="document-name">Dokumen: <strong>${fileName}</strong></p>
<div class="panel ${verdict.className}" role="status">
<p class="panel__title">${verdict.title}</p>
${report.conclusion === 'NO_SIGNATURE' ? '' : html`<p>${report.description}</p>`}
${reasons.length > 0 ? html`<ul>${reasons.map((reason) => html`<li>${reason}</li>`)}</ul>` : ''}
</div>
${report.conclusion === 'NO_SIGNATURE'
  ? html`<p>Berkas ini tidak memuat tanda tangan elektronik. Bila Anda menerimanya sebagai dokumen bertanda tangan elektronik, mintalah berkas aslinya kepada pengirim: dokumen yang dicetak lalu dipindai, atau disimpan ulang sebagai PDF, kehilangan tanda tangannya.</p>`
  : html`<h2>${count === 1 ? 'Tanda tangan' : `${count} tanda tangan`}</h2>
<ul class="cards">${report.signatures.map((signature, index) => signatureCard(signature, index, count))}</ul>`}
${report.documentTimestamps.length > 0 ? html`<h2>Cap waktu dokumen</h2>
<p>Cap waktu arsip membuktikan bahwa dokumen beserta data validasinya sudah ada pada waktu itu.</p>
<ul>${report.documentTimestamps.map((stamp) => html`<li>${stamp.time ? formatDateTime(stamp.time) : 'Waktu tidak terbaca'}${stamp.tsaName ? ` oleh ${stamp.tsaName}` : ''}: ${stamp.integrityValid && stamp.certificateTrusted ? check(true, 'utuh dan tepercaya') : check(false, stamp.notes.map((note) => note.description).join(' ') || 'tidak dapat dipastikan')}</li>`)}</ul>` : ''}
<p><a class="button button--secondary" href="${web.path('/verify')}">Periksa dokumen lain</a></p>`,
    });
  };

  /** An API refusal in the page's words, beside the file field where it is about the file. */
  const refusal = (web: Web, problem: Problem, headers: Readonly<Record<string, string>>): Reply => {
    if (problem.status === 429) {
      // The wait from the problem body (retryAfterSeconds) or the Retry-After header, whichever came.
      const seconds = Math.ceil(Number(problem.retryAfterSeconds ?? headers['retry-after']));
      const known = Number.isFinite(seconds) && seconds > 0;
      return verifyForm(web, { values: {}, errors: {} }, {
        status: 429,
        wait: `Terlalu banyak pemeriksaan dari jaringan Anda dalam waktu singkat. Silakan coba lagi ${!known ? 'sebentar lagi' : seconds < 90 ? `dalam ${seconds} detik` : `dalam ${Math.ceil(seconds / 60)} menit`}.`,
        ...(known ? { headers: { 'retry-after': String(seconds) } } : {}),
      });
    }
    if (problem.code === 'PDF_INVALID') return verifyForm(web, { values: {}, errors: { document: 'Berkas ini bukan PDF yang utuh dan terbaca (mungkin rusak atau terpotong). Pilih berkas PDF lain.' } });
    if (problem.code === 'PAYLOAD_TOO_LARGE') return verifyForm(web, { values: {}, errors: { document: `Berkas terlalu besar untuk diperiksa (paling besar ${fileSize(MAX_VERIFY_UPLOAD_BYTES)}).` } });
    return verifyForm(web, { values: {}, errors: {}, message: problem.detail });
  };

  return {
    verifyPage: async (request) => verifyForm(new Web(deps, request), { values: {}, errors: {} }),

    verify: async (request) => {
      const web = new Web(deps, request);
      const file = request.body.files.document?.[0];
      const error = !file ? 'Pilih dokumen PDF yang akan diperiksa.'
        : !looksLikePdf(file.bytes) ? `Berkas "${file.fileName || 'tanpa nama'}" bukan dokumen PDF. Pilih berkas PDF (.pdf).`
          : file.bytes.length > MAX_VERIFY_UPLOAD_BYTES ? `Berkas ${fileSize(file.bytes.length)}, lebih dari batas ${fileSize(MAX_VERIFY_UPLOAD_BYTES)}.`
            : undefined;
      if (error || !file) return verifyForm(web, { values: {}, errors: { document: error ?? '' } });
      const result = await web.api.call(verificationRoutes, 'verifyPdf', { file: { contentType: 'application/pdf', bytes: file.bytes } });
      if (!result.ok) return refusal(web, result.problem, result.headers);
      return resultPage(web, file.fileName || 'tanpa nama', result.body);
    },
  };
}

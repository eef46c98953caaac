import { randomUUID } from 'node:crypto';
import { PDF } from '@libpdf/core';
import { zipSync } from 'fflate';
import * as z from 'zod';
import { hasEnded } from '../../../shared/domain/certificates.js';
import { MAX_DOCUMENTS_PER_REQUEST, SIGNED_DOCUMENT_KEEP_HOURS, type IneligibleReason, type SignatureLevel } from '../../../shared/domain/signing.js';
import type { Reply, RouteActions, RouteSpec, UploadedFile } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import { signingRoutes } from '../../signing/routes.js';
import type { Problem, SuccessBody } from '../api.js';
import { fileSize } from '../file-size.js';
import { formatDateTime } from '../format.js';
import { checkboxField, errorSummary, fileField, hiddenField, postForm, radioField, selectField, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formBody, page } from '../route-parts.js';
import { commonBox, presetPlacement, STAMP_HEIGHT, STAMP_WIDTH, stampPositionLabels, stampPositions, type PageBox, type StampPosition } from '../stamp.js';

/**
 * Sizes. The form reaches this function through API Gateway (10 MB) as a Lambda event, and goes on
 * to the signing function by Lambda Invoke: 6 MB per call, each way. The documents travel base64
 * inside a JSON body that the event carries base64 again (16/9 of their size), and come back
 * signed, base64 once (4/3). Three megabytes of files fit the first with room for the fields.
 */
const MB = 1024 * 1024;
export const MAX_SIGN_UPLOAD_BYTES = 3 * MB;
const MAX_IMAGE_BYTES = 500 * 1024;
/** What each signed file grows by (signature, timestamp, chains and CRLs) besides the stamp's image. */
const SIGNED_GROWTH_BYTES = 40 * 1024;
/** The signed files together, so that their base64 fits the 6 MB answer of the signing function. */
const MAX_SIGNED_BYTES = 4 * MB;
/** The form as posted (files and fields): more is refused before it is read; less, the page says what is too large. */
const SIGN_FORM_MAX_BYTES = 4 * MB;

const documentIdPattern = /^[A-Za-z0-9-]{1,64}\.\d{1,3}$/;
/** Names of the files in a ZIP link, one query value: '/' never occurs in a file name. */
const NAME_SEPARATOR = '/';
const MAX_ZIP_NAMES_LENGTH = 4000;

export const signRoutes = {
  signPage: {
    method: 'GET', path: '/web/sign', summary: 'Sign PDFs: documents, invisible or visible (page, position, preview), reason, location, passphrase', access: 'public',
    responses: { 200: page('Tanda tangani dokumen'), 303: page('Not signed in: to the login page') },
  },
  sign: {
    method: 'POST', path: '/web/sign', summary: 'Sign PDFs posted (multipart): the signed documents to download, or the form with its errors', access: 'public',
    bodyType: 'multipart/form-data', body: formBody, maxBodyBytes: SIGN_FORM_MAX_BYTES,
    responses: { 200: page('Dokumen berhasil ditandatangani'), 303: page('Not signed in: to the login page'), 413: page('Larger than the form takes'), 422: page('The form with its errors') },
  },
  signedDocument: {
    method: 'GET', path: '/web/sign/documents/{documentId}', summary: 'A signed PDF (kept 24 hours) as a download named after the original, with "-ttd"', access: 'public',
    params: z.strictObject({ documentId: z.string().regex(documentIdPattern) }),
    query: z.strictObject({ nama: z.string().max(200).optional() }),
    responses: { 200: { description: 'The signed PDF', contentType: 'application/pdf' }, 303: page('Not signed in: to the login page'), 404: page('Unknown, someone else\'s, or past its 24 hours') },
  },
  signedZip: {
    method: 'GET', path: '/web/sign/zip', summary: 'The signed PDFs of one signing as one ZIP file', access: 'public',
    query: z.strictObject({
      dokumen: z.string().max(100 * 70).refine((value) => value.split(',').every((id) => documentIdPattern.test(id))),
      nama: z.string().max(MAX_ZIP_NAMES_LENGTH).optional(),
    }),
    responses: { 200: { description: 'The ZIP file', contentType: 'application/zip' }, 303: page('Not signed in: to the login page'), 404: page('A document unknown or past its 24 hours') },
  },
} as const satisfies Record<string, RouteSpec>;

type Signed = SuccessBody<typeof signingRoutes.routes.signPdfs>;
type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;

const labels = {
  documents: 'Dokumen PDF', pdfPassword: 'Kata sandi PDF', tampilan: 'Tampilan tanda tangan', halaman: 'Halaman', nomorHalaman: 'Nomor halaman',
  posisi: 'Posisi cap', gambar: 'Gambar tanda tangan', qr: 'Kode QR', reason: 'Alasan', location: 'Lokasi', passphrase: 'Passphrase',
};

/** Why a person may not sign, in their words, with what to do (API.md "Signing": the reasons). */
const ineligibleReasons: Record<IneligibleReason, string> = {
  NOT_REGISTERED: 'Akun Anda belum aktif sebagai penanda tangan. Selesaikan langkah pada e-mail dari layanan ini, atau hubungi verifikator instansi Anda.',
  NO_CERTIFICATE: 'Anda belum memiliki sertifikat elektronik. Ajukan sertifikat di halaman Akun saya, lalu buka tautan "Set Passphrase" di e-mail Anda.',
  EXPIRED: 'Sertifikat elektronik Anda sudah kedaluwarsa. Ajukan sertifikat baru di halaman Akun saya.',
  REVOKED: 'Sertifikat elektronik Anda sudah dicabut. Ajukan sertifikat baru di halaman Akun saya.',
  SUSPENDED: 'Sertifikat Anda ditangguhkan selama permintaan perubahan data belum diputuskan. Anda dapat menandatangani lagi setelah perubahan data diputuskan.',
  DISABLED: 'Akun Anda dinonaktifkan karena diduga disalahgunakan. Hubungi verifikator instansi Anda untuk memulihkannya.',
};

/** The levels in words (the result page and the verify page say the same). */
export const levelWords: Record<string, string> = {
  'B-B': 'dasar, tanpa cap waktu',
  'B-T': 'dengan cap waktu',
  'B-LT': 'dapat divalidasi jangka panjang (LTV)',
  'B-LTA': 'dapat divalidasi jangka panjang (LTV) dengan cap waktu arsip',
};


/** %PDF- within the first KB, as readers (and the signing API) accept it. */
const looksLikePdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
const isPng = (bytes: Uint8Array) => bytes.length > 8 && Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isJpeg = (bytes: Uint8Array) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/** The name the signing API records: the browser's file name, bounded (a phone may send none). */
const documentName = (file: UploadedFile, index: number) => file.fileName.trim().slice(-200) || `dokumen-${index + 1}.pdf`;

/** "surat.pdf" → "surat-ttd.pdf": the signed copy beside the original in a downloads folder. */
export const signedFileName = (name: string) => `${name.replace(/\.pdf$/i, '') || 'dokumen'}-ttd.pdf`;

/** Content-Disposition with the UTF-8 name (RFC 6266) and a plain ASCII fallback for old clients. */
function attachment(fileName: string): string {
  const fallback = fileName.replace(/[^A-Za-z0-9._ -]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The same name once in a ZIP: a second "surat-ttd.pdf" becomes "surat-ttd (2).pdf". */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : name.replace(/(\.pdf)?$/i, ` (${count})$1`);
  });
}

type PageChoice = 'first' | 'last' | number;

/** Each document's chosen page, as the signing API will find it; a file it cannot read is left to the API to name. */
async function pageBoxes(files: readonly UploadedFile[], page: PageChoice, password: string | undefined): Promise<PageBox[]> {
  const boxes = await Promise.all(files.map(async (file) => {
    try {
      const document = await PDF.load(file.bytes, password ? { credentials: password } : {});
      const count = document.getPageCount();
      const number = page === 'first' ? 1 : page === 'last' ? count : page;
      const box = document.getPage(number - 1)?.getCropBox();
      return box ? { x: box.x, y: box.y, width: box.width, height: box.height } : undefined;
    } catch {
      return undefined;
    }
  }));
  return boxes.filter((box): box is PageBox => box !== undefined);
}

/** The API's field names as the form's. */
function formFieldOf(apiField: string): string {
  if (apiField.startsWith('documents')) return apiField.endsWith('pdfPassword') ? 'pdfPassword' : 'documents';
  if (apiField === 'appearance.page') return 'halaman';
  if (apiField === 'appearance.imageBase64') return 'gambar';
  if (apiField === 'appearance.qr') return 'qr';
  if (apiField.startsWith('appearance')) return 'posisi';
  return apiField;
}

interface SignView {
  state: FormState;
  /** The way out of a locked key or an account that may not sign: a link to Akun saya. */
  toAccount?: string;
}

/** An API refusal beside the field it is about, in the page's words. */
function viewOf(values: FormState['values'], problem: Problem): SignView {
  const field = (name: string, message: string): SignView => ({ state: { values, errors: { [name]: message } } });
  switch (problem.code) {
    case 'PASSPHRASE_INVALID': {
      const left = typeof problem.attemptsLeft === 'number' ? problem.attemptsLeft : undefined;
      return field('passphrase', left === undefined
        ? 'Passphrase salah. Setelah 5 kali salah berturut-turut, kunci tanda tangan Anda dikunci.'
        : `Passphrase salah. Sisa ${left} kali percobaan lagi; setelah itu kunci tanda tangan Anda dikunci sampai passphrase direset.`);
    }
    case 'KEY_LOCKED':
      return { ...field('passphrase', 'Kunci tanda tangan Anda dikunci karena 5 kali salah passphrase. Tidak ada dokumen yang ditandatangani.'),
        toAccount: 'Untuk membukanya, pilih "Reset passphrase" pada sertifikat Anda di halaman Akun saya: Anda mengambil foto selfie baru, lalu kunci dan sertifikat baru terbit.' };
    case 'SIGNER_NOT_ELIGIBLE': {
      const reason = typeof problem.reason === 'string' && problem.reason in ineligibleReasons ? ineligibleReasons[problem.reason as IneligibleReason] : problem.detail;
      return { state: { values, errors: {}, message: `Anda belum dapat menandatangani. ${reason}` }, toAccount: 'Lihat status akun dan sertifikat Anda di halaman Akun saya.' };
    }
    case 'NO_SIGNING_KEY':
      return { state: { values, errors: {}, message: problem.detail }, toAccount: 'Lihat status sertifikat Anda di halaman Akun saya.' };
    case 'PDF_INVALID':
      return field('documents', 'Salah satu berkas bukan PDF yang utuh dan terbaca (mungkin rusak atau terpotong). Simpan ulang dokumen itu sebagai PDF, lalu coba lagi.');
    case 'PDF_PASSWORD_REQUIRED':
      return field('pdfPassword', 'Dokumen ini dilindungi kata sandi. Isi kata sandi PDF yang benar, lalu pilih ulang dokumennya.');
    case 'SIGNATURE_PAGE_INVALID':
      return field(values.halaman === 'nomor' ? 'nomorHalaman' : 'halaman', 'Halaman itu tidak ada pada dokumen. Pilih nomor halaman mulai 1 sampai jumlah halaman dokumen, atau halaman pertama atau terakhir.');
    case 'SIGNATURE_RECTANGLE_INVALID':
      return field('posisi', 'Cap tanda tangan tidak muat di halaman pada letak itu. Pilih posisi lain, atau klik bagian lain pada pratinjau.');
    case 'SIGNATURE_IMAGE_INVALID':
      return field('gambar', 'Gambar tanda tangan harus berkas PNG atau JPEG yang utuh.');
    case 'PAYLOAD_TOO_LARGE':
      return field('documents', `Dokumen terlalu besar untuk sekali kirim (paling besar ${fileSize(MAX_SIGN_UPLOAD_BYTES)} seluruhnya). Tanda tangani dalam beberapa kali.`);
    case 'VALIDATION_FAILED': {
      const errors: Record<string, string> = {};
      for (const error of problem.errors) errors[formFieldOf(error.field)] ??= error.message;
      return { state: { values, errors } };
    }
    default:
      return { state: { values, errors: {}, message: problem.detail } };
  }
}

export function signActions(deps: WebDeps): RouteActions<typeof signRoutes> {
  const signPath = (web: Web) => web.path('/sign');

  const hasValidCertificate = async (web: Web) => {
    const certificates = await web.api.call(certificatesRoutes, 'listMyCertificates');
    if (!certificates.ok) return true; // the signing API says why, if it comes to that
    const now = new Date();
    return certificates.body.items.some((certificate) => certificate.status === 'ISSUED' && !hasEnded(certificate.notAfter, now));
  };

  const signForm = (web: Web, me: Me, view: SignView, options: { certificateWarning: boolean; status?: number }): Reply => {
    const { state } = view;
    const failed = Object.keys(state.errors).length > 0 || state.message !== undefined;
    const pdfjs = web.deps.pdfjs;
    return web.page({
      title: 'Tanda tangani dokumen',
      heading: 'Tanda tangani dokumen',
      nav: web.nav(me),
      body: html`${errorSummary(state, labels)}
${view.toAccount ? html`<div class="warning-text"><p>${view.toAccount}</p><p><a href="${web.path('/me')}">Ke halaman Akun saya</a></p></div>` : ''}
${options.certificateWarning ? html`<div class="warning-text"><p>Anda belum memiliki sertifikat elektronik yang berlaku, sehingga belum dapat menandatangani.</p><p><a href="${web.path('/me')}">Lihat sertifikat di halaman Akun saya</a></p></div>` : ''}
<p>Pilih dokumen PDF, tentukan tampilan tanda tangan, lalu masukkan passphrase Anda. Satu passphrase menandatangani semua dokumen yang Anda pilih sekaligus.</p>
${postForm(signPath(web), [
  hiddenField('idempotencyKey', randomUUID()),
  fileField({
    name: 'documents', label: labels.documents, state, accept: 'application/pdf,.pdf', multiple: true, again: failed,
    hint: `Satu atau beberapa berkas PDF, seluruhnya paling besar ${fileSize(MAX_SIGN_UPLOAD_BYTES)}. Lebih dari itu: tanda tangani dalam beberapa kali.`,
    data: { 'max-bytes': String(MAX_SIGN_UPLOAD_BYTES), documents: '' },
  }),
  html`<details class="details"${state.errors.pdfPassword ? ' open' : ''}>
<summary>Dokumen dilindungi kata sandi?</summary>
${textField({ name: 'pdfPassword', label: labels.pdfPassword, type: 'password', autocomplete: 'off', state, hint: 'Kata sandi untuk membuka dokumen, dipakai untuk setiap dokumen yang Anda pilih. Kata sandi ini tidak disimpan.' })}
</details>`,
  radioField({
    name: 'tampilan', label: labels.tampilan, state,
    choices: [
      { value: 'invisible', label: 'Tidak terlihat: tanda tangan tersimpan di dalam dokumen tanpa cap di halaman' },
      { value: 'visible', label: 'Terlihat: cap tanda tangan (nama, waktu, alasan, lokasi) pada halaman dokumen' },
    ],
  }),
  html`<div class="visible-options" data-visible-options>
<h2>Cap tanda tangan terlihat</h2>
<p class="hint">Diisi bila Anda memilih tanda tangan terlihat. Cap berukuran ${STAMP_WIDTH} × ${STAMP_HEIGHT} poin (sekitar 8,5 × 2,8 cm).</p>
${radioField({
    name: 'halaman', label: labels.halaman, state,
    choices: [{ value: 'first', label: 'Halaman pertama' }, { value: 'last', label: 'Halaman terakhir' }, { value: 'nomor', label: 'Halaman nomor…' }],
  })}
${textField({ name: 'nomorHalaman', label: labels.nomorHalaman, state, inputmode: 'numeric', maxlength: 4, pattern: '[0-9]*', hint: 'Bila Anda memilih "Halaman nomor…", misalnya 2.' })}
${selectField({
    name: 'posisi', label: labels.posisi, state,
    choices: stampPositions.map((position) => ({ value: position, label: stampPositionLabels[position] })),
    hint: 'Letak cap pada halaman, sekitar 1,3 cm dari tepi.',
  })}
${hiddenField('x', state.values.posisi === 'titik' ? state.values.x ?? '' : '')}${hiddenField('y', state.values.posisi === 'titik' ? state.values.y ?? '' : '')}
${pdfjs ? html`<div class="pdf-preview" data-pdf-preview data-pdfjs="${pdfjs.library}" data-pdfjs-worker="${pdfjs.worker}" data-stamp-width="${STAMP_WIDTH}" data-stamp-height="${STAMP_HEIGHT}" hidden>
<p class="hint" data-preview-status aria-live="polite"></p>
<div class="pdf-preview__page" data-preview-page></div>
</div>` : ''}
${fileField({
    name: 'gambar', label: `${labels.gambar} (opsional)`, state, accept: 'image/png,image/jpeg', again: failed && state.values.tampilan === 'visible',
    hint: 'Tanda tangan basah hasil pindai atau logo, PNG atau JPEG, paling besar 500 KB. Tampil di bagian kiri cap.',
  })}
${checkboxField({ name: 'qr', label: 'Sertakan kode QR menuju halaman pemeriksaan tanda tangan', state })}
</div>`,
  textField({ name: 'reason', label: labels.reason, state, maxlength: 200, hint: 'Opsional, misalnya "Menyetujui isi dokumen".' }),
  textField({ name: 'location', label: labels.location, state, maxlength: 200, hint: 'Opsional, misalnya "Palu".' }),
  textField({
    name: 'passphrase', label: labels.passphrase, type: 'password', autocomplete: 'off', state,
    hint: 'Passphrase yang Anda buat saat sertifikat terbit, bukan kata sandi untuk masuk. Setelah 5 kali salah berturut-turut, kunci tanda tangan Anda dikunci.',
  }),
  submitButton('Tanda tangani'),
], { csrfToken: me.csrfToken, multipart: true, className: 'sign-form' })}
<p class="hint">Dokumen yang sudah ditandatangani disimpan ${SIGNED_DOCUMENT_KEEP_HOURS} jam agar dapat Anda unduh, lalu dihapus. Ingin memeriksa tanda tangan pada dokumen? <a href="${web.path('/verify')}">Periksa tanda tangan</a>.</p>`,
    }, { status: options.status ?? (failed ? 422 : 200) });
  };

  /** The signed documents: each to download, all at once as a ZIP when there are several. */
  const resultPage = (web: Web, me: Me, signed: Signed): Reply => {
    const names = signed.documents.map((document) => signedFileName(document.name));
    const downloadPath = (documentId: string, name: string) => `${web.path(`/sign/documents/${encodeURIComponent(documentId)}`)}?nama=${encodeURIComponent(name)}`;
    const joinedNames = signed.documents.map((document) => document.name.replaceAll(NAME_SEPARATOR, '_')).join(NAME_SEPARATOR);
    const zipPath = `${web.path('/sign/zip')}?dokumen=${signed.documents.map((document) => document.documentId).join(',')}${joinedNames.length <= MAX_ZIP_NAMES_LENGTH ? `&nama=${encodeURIComponent(joinedNames)}` : ''}`;
    const keptUntil = new Date(new Date(signed.signedAt).getTime() + SIGNED_DOCUMENT_KEEP_HOURS * 3_600_000).toISOString();
    const count = signed.documents.length;
    return web.page({
      title: 'Dokumen berhasil ditandatangani',
      heading: 'Dokumen berhasil ditandatangani',
      nav: web.nav(me),
      body: html`<div class="panel panel--valid" role="status">
<p class="panel__title">${count === 1 ? 'Satu dokumen' : `${count} dokumen`} ditandatangani</p>
<p>pada ${formatDateTime(signed.signedAt)}</p>
</div>
<p>Tingkat tanda tangan: PAdES ${signed.level}, ${levelWords[signed.level as SignatureLevel] ?? signed.level}. Dokumen dapat diperiksa di aplikasi pembaca PDF atau di halaman <a href="${web.path('/verify')}">Periksa tanda tangan</a>.</p>
<h2>Unduh dokumen</h2>
<ul class="cards">${signed.documents.map((document, index) => html`<li class="card document-card">
<p class="document-name">${names[index]}</p>
<p><a href="${downloadPath(document.documentId, document.name)}" download="${names[index]}">Unduh<span class="visually-hidden"> ${names[index]}</span> (PDF)</a></p>
</li>`)}</ul>
${count > 1 ? html`<p><a class="button" href="${zipPath}" download="dokumen-ttd.zip">Unduh semua (ZIP)</a></p>` : ''}
<p class="notice">Dokumen bertanda tangan disimpan ${SIGNED_DOCUMENT_KEEP_HOURS} jam, sampai ${formatDateTime(keptUntil)}, lalu dihapus; layanan hanya menyimpan sidik digitalnya (hash). Unduh dan simpan dokumen Anda sekarang.</p>
<p><a href="${signPath(web)}">Tanda tangani dokumen lain</a></p>`,
    });
  };

  /** The form again, for this person, saying what to fix. */
  const again = async (web: Web, view: SignView): Promise<Reply> => {
    const signedIn = await web.signedIn(signPath(web));
    if ('redirect' in signedIn) return signedIn.redirect;
    return signForm(web, signedIn.me, view, { certificateWarning: false });
  };

  /** A signed file from the signing API, or the page saying why not (the session gone: log in and come back). */
  const signedFile = async (web: Web, documentId: string, back: string): Promise<{ bytes: Uint8Array } | { redirect: Reply }> => {
    const result = await web.api.file(signingRoutes, 'getSignedDocument', { params: { documentId } });
    if (result.ok) return { bytes: result.bytes };
    if (result.problem.code === 'UNAUTHENTICATED') return { redirect: web.toLogin(back) };
    return web.fail(result.problem);
  };

  return {
    signPage: async (request) => {
      const web = new Web(deps, request);
      const [signedIn, valid] = await Promise.all([web.signedIn(signPath(web)), hasValidCertificate(web)]);
      if ('redirect' in signedIn) return signedIn.redirect;
      return signForm(web, signedIn.me, { state: { values: { tampilan: 'invisible', halaman: 'last', posisi: 'kanan-bawah' }, errors: {} } }, { certificateWarning: !valid });
    },

    sign: async (request) => {
      const web = new Web(deps, request);
      const { fields, files } = request.body;
      // What the form shows again after an error: never the passphrase or the PDF password.
      const values = {
        tampilan: fields.tampilan === 'visible' ? 'visible' : 'invisible',
        halaman: fields.halaman ?? 'last', nomorHalaman: fields.nomorHalaman, posisi: fields.posisi ?? 'kanan-bawah', x: fields.x, y: fields.y,
        qr: fields.qr, reason: fields.reason, location: fields.location,
      };
      const documents = files.documents ?? [];
      const image = values.tampilan === 'visible' ? files.gambar?.[0] : undefined;
      const errors: Record<string, string> = {};

      // The page's own checks, before the passphrase is spent on a request that cannot succeed.
      const notPdf = documents.find((file) => !looksLikePdf(file.bytes));
      const total = documents.reduce((sum, file) => sum + file.bytes.length, 0) + (image?.bytes.length ?? 0);
      if (documents.length === 0) errors.documents = 'Pilih paling sedikit satu dokumen PDF.';
      else if (notPdf) errors.documents = `Berkas "${notPdf.fileName || 'tanpa nama'}" bukan dokumen PDF. Pilih berkas PDF (.pdf); dokumen Word atau gambar simpan dahulu sebagai PDF.`;
      else if (documents.length > MAX_DOCUMENTS_PER_REQUEST) errors.documents = `Paling banyak ${MAX_DOCUMENTS_PER_REQUEST} dokumen sekali tanda tangan.`;
      else if (total > MAX_SIGN_UPLOAD_BYTES) errors.documents = `Ukuran dokumen seluruhnya ${fileSize(total)}, lebih dari batas ${fileSize(MAX_SIGN_UPLOAD_BYTES)} sekali kirim. Tanda tangani dalam beberapa kali.`;
      else if (total + documents.length * ((image?.bytes.length ?? 0) + SIGNED_GROWTH_BYTES) > MAX_SIGNED_BYTES) {
        errors.documents = 'Terlalu banyak dokumen dengan gambar tanda tangan untuk sekali kirim: dokumen yang sudah ditandatangani akan melebihi batas. Kurangi jumlah dokumen atau perkecil gambarnya.';
      }
      if (image && !isPng(image.bytes) && !isJpeg(image.bytes)) errors.gambar = 'Gambar tanda tangan harus berkas PNG atau JPEG.';
      else if (image && image.bytes.length > MAX_IMAGE_BYTES) errors.gambar = `Gambar tanda tangan ${fileSize(image.bytes.length)}, paling besar 500 KB. Perkecil gambarnya.`;
      const passphrase = fields.passphrase ?? '';
      if (passphrase === '') errors.passphrase = 'Masukkan passphrase Anda.';

      let page: PageChoice = fields.halaman === 'first' ? 'first' : 'last';
      let placement: { x: number; y: number } | undefined;
      if (values.tampilan === 'visible') {
        if (fields.halaman === 'nomor') {
          const number = Number((fields.nomorHalaman ?? '').trim());
          if (Number.isInteger(number) && number >= 1 && number <= 9999) page = number;
          else errors.nomorHalaman = 'Isi nomor halaman dengan angka, mulai 1.';
        }
        if (fields.posisi === 'titik') {
          const x = Number(fields.x);
          const y = Number(fields.y);
          if (fields.x && fields.y && Number.isFinite(x) && Number.isFinite(y)) placement = { x, y };
          else errors.posisi = 'Klik pratinjau halaman untuk meletakkan cap, atau pilih posisi dari daftar.';
        } else if (!stampPositions.includes(fields.posisi as StampPosition)) {
          errors.posisi = 'Pilih posisi cap.';
        }
      }
      if (Object.keys(errors).length > 0) return again(web, { state: { values, errors } });

      if (values.tampilan === 'visible' && !placement) {
        // A named position within the part of the page every document shares, so it fits them all.
        const boxes = await pageBoxes(documents, page, fields.pdfPassword || undefined);
        const box = boxes.length > 0 ? commonBox(boxes) : { x: 0, y: 0, width: 595.28, height: 841.89 };
        if (!box) return again(web, { state: { values, errors: { posisi: 'Ukuran halaman dokumen-dokumen ini terlalu berbeda untuk satu letak cap yang sama. Tanda tangani dokumen yang berbeda ukuran secara terpisah.' } } });
        placement = presetPlacement(fields.posisi as StampPosition, box);
      }
      const filled = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
      const reason = filled(fields.reason);
      const location = filled(fields.location);
      const idempotencyKey = /^[A-Za-z0-9-]{1,64}$/.test(fields.idempotencyKey ?? '') ? fields.idempotencyKey! : undefined;
      const result = await web.api.call(signingRoutes, 'signPdfs', {
        body: {
          passphrase,
          documents: documents.map((file, index) => ({
            name: documentName(file, index),
            pdfBase64: Buffer.from(file.bytes).toString('base64'),
            ...(fields.pdfPassword ? { pdfPassword: fields.pdfPassword } : {}),
          })),
          ...(placement ? {
            appearance: {
              visible: true, page, x: placement.x, y: placement.y, width: STAMP_WIDTH, height: STAMP_HEIGHT,
              ...(image ? { imageBase64: Buffer.from(image.bytes).toString('base64') } : {}),
              ...(fields.qr && web.deps.webBaseUrl ? { qr: `${web.deps.webBaseUrl}/verify` } : {}),
            },
          } : {}),
          ...(reason ? { reason } : {}),
          ...(location ? { location } : {}),
        },
        ...(fields.csrfToken ? { csrfToken: fields.csrfToken } : {}),
        // A form posted twice (a double tap, a refresh of the result) signs and counts once.
        ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      });
      if (!result.ok && result.problem.code === 'UNAUTHENTICATED') return web.toLogin(signPath(web));
      if (!result.ok) return again(web, viewOf(values, result.problem));
      const signedIn = await web.signedIn(signPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      return resultPage(web, signedIn.me, result.body);
    },

    signedDocument: async (request) => {
      const web = new Web(deps, request);
      const { documentId } = request.params;
      const file = await signedFile(web, documentId, signPath(web));
      if ('redirect' in file) return file.redirect;
      const name = signedFileName(request.query.nama?.trim() || documentId);
      return { status: 200, body: file.bytes, headers: { 'content-type': 'application/pdf', 'content-disposition': attachment(name), 'cache-control': 'no-store' } };
    },

    signedZip: async (request) => {
      const web = new Web(deps, request);
      const ids = request.query.dokumen.split(',').slice(0, MAX_DOCUMENTS_PER_REQUEST);
      const given = request.query.nama?.split(NAME_SEPARATOR);
      const names = uniqueNames(ids.map((id, index) => signedFileName(given?.length === ids.length ? given[index]!.trim() || `dokumen-${index + 1}` : `dokumen-${index + 1}`)));
      const entries: Record<string, Uint8Array> = {};
      // A few at a time: each is an invocation of the signing function.
      for (let start = 0; start < ids.length; start += 5) {
        const batch = await Promise.all(ids.slice(start, start + 5).map((id) => signedFile(web, id, signPath(web))));
        for (const [offset, file] of batch.entries()) {
          if ('redirect' in file) return file.redirect;
          entries[names[start + offset]!] = file.bytes;
        }
      }
      // PDFs are mostly compressed already: storing them is as small, and quicker.
      const zip = zipSync(entries, { level: 0 });
      return { status: 200, body: zip, headers: { 'content-type': 'application/zip', 'content-disposition': attachment('dokumen-ttd.zip'), 'cache-control': 'no-store' } };
    },
  };
}

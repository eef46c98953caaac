import { AppError, errorCatalog, type ErrorCode } from '../domain/errors.js';
import type { VerifierContact } from '../domain/tenants.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { helpHref, verifierContactsBlock } from './help.js';

/** What a person is told, by status, above the catalog's own explanation. */
const headings: Record<number, string> = {
  400: 'Permintaan tidak dapat dibaca',
  401: 'Silakan masuk terlebih dahulu',
  403: 'Anda tidak memiliki akses ke halaman ini',
  404: 'Halaman tidak ditemukan',
  405: 'Halaman tidak ditemukan',
  409: 'Tindakan ini tidak dapat dilakukan sekarang',
  410: 'Tautan sudah tidak berlaku',
  413: 'Isian terlalu besar',
  415: 'Isian tidak dapat diterima',
  422: 'Isian belum sesuai',
  423: 'Akun atau kunci sedang dikunci',
  500: 'Terjadi kesalahan pada layanan',
  503: 'Layanan sedang sibuk',
};

/** What to do next, where the catalog's detail does not say it already. */
const advice: Record<number, string> = {
  404: 'Periksa kembali alamat yang Anda buka. Bila Anda datang dari tautan di e-mail, bukalah langsung dari e-mail tersebut agar seluruh tautan terbawa.',
  405: 'Periksa kembali alamat yang Anda buka.',
  410: 'Bila Anda sudah menyelesaikan langkah ini, tunggu e-mail berikutnya atau masuk ke akun Anda. Bila belum, mintalah tautan baru kepada verifikator instansi Anda.',
};

/**
 * An error met on a page of a known person (signed in): their agency's verifier contacts go on
 * the error page with it.
 */
export class PersonPageError extends AppError {
  constructor(code: ErrorCode, detail: { id: string; en: string }, readonly verifierContacts: readonly VerifierContact[]) {
    super(code, [], { detail });
  }
}

/** The link pages whose step can be asked for again, by the purpose in their address. */
const renewable = /\/(activate|account-setup|enroll)\/[^/]+(?:\/|$)/;

/** What an expired or used link's page says happened, in plain words, by purpose. */
const linkNames: Record<string, string> = {
  activate: 'aktivasi akun',
  'account-setup': 'pembuatan kata sandi dan OTP',
  enroll: 'pembuatan passphrase (Set Passphrase)',
};

/** "Kirim tautan baru": the address only; the answer is the same whoever asks. */
function renewalForm(base: string, purpose: string) {
  return html`<section aria-labelledby="tautan-baru">
<h2 id="tautan-baru">Kirim tautan baru</h2>
<p>Bila langkah ${linkNames[purpose] ?? ''} belum Anda selesaikan, isi alamat e-mail yang didaftarkan untuk Anda. Tautan baru dikirim ke alamat itu dan tautan lama tidak berlaku lagi.</p>
<form method="post" action="${base}/links/${purpose}/renewal" novalidate class="stacked-form">
<div class="field"><label for="renewal-email">Email</label><input id="renewal-email" name="email" type="email" autocomplete="email" inputmode="email" maxlength="254" required></div>
<button type="submit" class="button">Kirim tautan baru</button>
</form>
</section>`;
}

/**
 * An error as a page: a plain heading, the catalog's Indonesian detail, what to do, its help
 * entry, and a way back. An expired or used link of a step that can be sent again (`path` says
 * which page) offers the form for a new one.
 */
export function errorPage(basePath: string, error: AppError, path = ''): string {
  const heading = headings[error.status] ?? 'Terjadi kesalahan';
  const detail = error.detailOverride?.id ?? errorCatalog[error.code].id;
  const base = basePath.replace(/\/+$/, '');
  const help = helpHref(basePath, error.code);
  const purpose = error.status === 410 ? renewable.exec(path.slice(path.indexOf(`${base}/`) + base.length))?.[1] : undefined;
  return renderPage(basePath, {
    title: heading,
    heading,
    body: html`<p>${detail}</p>
${purpose ? '' : advice[error.status] ? html`<p>${advice[error.status]}</p>` : ''}
${purpose ? renewalForm(base, purpose) : ''}
${help ? html`<p><a href="${help}">Bantuan: apa yang dapat Anda lakukan</a></p>` : ''}
${error instanceof PersonPageError ? verifierContactsBlock(error.verifierContacts) : ''}
<p><a href="${base || '/'}">Kembali ke halaman utama</a></p>
<p class="notice">Kode kesalahan: ${error.code}. Sebutkan kode ini bila Anda menghubungi verifikator instansi Anda.</p>`,
  });
}

import { errorCatalog, type AppError } from '../domain/errors.js';
import { html } from './html.js';
import { renderPage } from './layout.js';

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

/** An error as a page: a plain heading, the catalog's Indonesian detail, what to do, and a way back. */
export function errorPage(basePath: string, error: AppError): string {
  const heading = headings[error.status] ?? 'Terjadi kesalahan';
  const detail = error.detailOverride?.id ?? errorCatalog[error.code].id;
  return renderPage(basePath, {
    title: heading,
    heading,
    body: html`<p>${detail}</p>
${advice[error.status] ? html`<p>${advice[error.status]}</p>` : ''}
<p><a href="${basePath.replace(/\/+$/, '') || '/'}">Kembali ke halaman utama</a></p>
<p class="notice">Kode kesalahan: ${error.code}. Sebutkan kode ini bila Anda menghubungi verifikator instansi Anda.</p>`,
  });
}

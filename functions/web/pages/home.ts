import { html } from '../../../shared/web/html.js';
import type { PageContent } from '../../../shared/web/layout.js';

/** What the service is, what each e-mail a person receives asks them to do, and the two ways in. */
export function homePage(links: { login: string; verify: string; help: string; apply: string }): PageContent {
  return {
    title: 'Beranda',
    heading: 'Layanan Tanda Tangan Elektronik',
    body: html`<p class="lead">Layanan ini menerbitkan sertifikat elektronik bagi pegawai instansi pemerintah, sehingga Anda dapat menandatangani dokumen dinas secara elektronik dan sah.</p>
<ul class="console-links">
<li><a href="${links.login}">Masuk</a> untuk menandatangani dokumen dan mengelola akun serta sertifikat Anda.</li>
<li><a href="${links.apply}">Ajukan akun</a> sendiri dengan alamat e-mail dinas, bila instansi Anda membuka pengajuan mandiri.</li>
<li><a href="${links.verify}">Periksa tanda tangan</a> pada dokumen PDF yang Anda terima, tanpa perlu masuk.</li>
<li><a href="${links.help}">Bantuan</a>: e-mail tidak tiba, tautan kedaluwarsa, NIK atau NIP ditolak, dan masalah lain.</li>
</ul>
<h2>Langkah-langkahnya</h2>
<ol>
<li><strong>Aktivasi akun.</strong> Verifikator instansi Anda mendaftarkan Anda, lalu Anda menerima e-mail "Aktivasi Akun". Lengkapi data diri, data kepegawaian, foto KTP dan swafoto melalui tautan di e-mail tersebut.</li>
<li><strong>Verifikasi.</strong> Data Anda diperiksa otomatis ke data kepegawaian nasional, atau oleh verifikator instansi Anda.</li>
<li><strong>Kata sandi dan OTP.</strong> Setelah disetujui, e-mail "Informasi Akun" berisi tautan untuk membuat kata sandi dan mendaftarkan aplikasi autentikator di ponsel Anda.</li>
<li><strong>Passphrase dan sertifikat.</strong> E-mail "Set Passphrase" berisi tautan untuk membuat passphrase; sertifikat elektronik Anda terbit seketika.</li>
</ol>
<p class="notice">Tautan di setiap e-mail hanya untuk Anda dan hanya berlaku sementara. Jangan teruskan e-mail tersebut kepada siapa pun. Bila tautan sudah tidak berlaku, hubungi verifikator instansi Anda.</p>`,
  };
}

import type { VerifierContact } from '../domain/tenants.js';
import { html, type Html } from './html.js';

/** One entry of the help page: its anchor, the failure as people name it, and what to do. */
export interface HelpEntry {
  anchor: string;
  title: string;
  steps: readonly string[];
}

/** The common failures the agencies' procedures list, each with its way out. */
export const helpEntries: readonly HelpEntry[] = [
  {
    anchor: 'email-aktivasi',
    title: 'E-mail aktivasi belum tiba atau masuk folder spam',
    steps: [
      'Periksa folder spam, promosi atau "junk" di kotak surat dinas Anda; cari e-mail berjudul "[TTE] Aktivasi Akun".',
      'Pastikan verifikator mendaftarkan alamat e-mail dinas yang benar.',
      'Minta verifikator instansi Anda mengirim ulang tautan aktivasi dari konsol verifikator.',
    ],
  },
  {
    anchor: 'tautan-kedaluwarsa',
    title: 'Tautan sudah tidak berlaku (kedaluwarsa atau sudah diganti)',
    steps: [
      'Setiap tautan hanya berlaku sementara dan hanya tautan pada e-mail terakhir yang dapat dipakai.',
      'Pada halaman tautan yang tidak berlaku, isi alamat e-mail Anda di formulir "Kirim tautan baru": bila langkah itu masih menunggu Anda, tautan baru dikirim ke alamat yang terdaftar.',
      'Bila tautan baru tidak tiba, hubungi verifikator instansi Anda.',
    ],
  },
  {
    anchor: 'tautan-terpakai',
    title: 'Tautan sudah digunakan',
    steps: [
      'Langkah ini sudah selesai. Tunggu e-mail berikutnya, atau masuk ke akun Anda bila akun sudah aktif.',
    ],
  },
  {
    anchor: 'nik',
    title: 'NIK tidak ditemukan atau sudah terdaftar',
    steps: [
      'Tulis NIK persis 16 digit seperti pada KTP elektronik Anda.',
      'Bila NIK disebut sudah terdaftar, mungkin Anda pernah didaftarkan dengan alamat e-mail lain. Hubungi verifikator instansi Anda; jangan membuat akun kedua.',
    ],
  },
  {
    anchor: 'nip',
    title: 'NIP tidak ditemukan atau tidak cocok',
    steps: [
      'Tulis NIP 18 digit tanpa spasi, sesuai SK atau kartu pegawai Anda.',
      'Nama dan NIK harus sama dengan data kepegawaian. Bila data kepegawaian Anda keliru, pendaftaran Anda diperiksa oleh verifikator instansi.',
    ],
  },
  {
    anchor: 'aktivasi-gagal',
    title: 'Aktivasi gagal: foto ditolak',
    steps: [
      'Gunakan foto asli (JPEG atau PNG, paling besar 5 MB), terang dan tidak buram. Foto KTP harus terbaca seluruhnya; swafoto menampakkan wajah Anda dengan jelas.',
      'Bila pendaftaran ditolak verifikator, e-mail penolakan menyebut alasannya. Perbaiki lalu minta verifikator mendaftarkan Anda kembali.',
    ],
  },
  {
    anchor: 'passphrase-kedaluwarsa',
    title: 'Tautan Set Passphrase kedaluwarsa',
    steps: [
      'Buka tautan lama itu: halamannya menawarkan formulir "Kirim tautan baru". Isi alamat e-mail Anda.',
      'Bila akun Anda sudah aktif, Anda juga dapat masuk lalu mengajukan sertifikat baru dari halaman "Akun saya".',
    ],
  },
  {
    anchor: 'lupa-passphrase',
    title: 'Lupa passphrase',
    steps: [
      'Passphrase tidak dapat dipulihkan oleh siapa pun. Masuk ke akun Anda, lalu pilih "Reset passphrase" pada sertifikat Anda di halaman "Akun saya": sertifikat baru diterbitkan setelah swafoto baru.',
    ],
  },
  {
    anchor: 'lupa-kata-sandi',
    title: 'Lupa kata sandi',
    steps: [
      'Buka halaman "Lupa kata sandi" dari halaman masuk. Anda memerlukan kode OTP dari aplikasi autentikator untuk membuat kata sandi baru.',
    ],
  },
  {
    anchor: 'ponsel-otp-hilang',
    title: 'Ponsel OTP hilang atau diganti',
    steps: [
      'Buka halaman "Minta perangkat OTP baru", isi alamat e-mail Anda, lalu ambil swafoto baru. Verifikator instansi Anda memeriksa permintaan itu.',
    ],
  },
  {
    anchor: 'akun-terkunci',
    title: 'Akun terkunci atau dinonaktifkan',
    steps: [
      'Akun terkunci sementara setelah terlalu banyak percobaan yang salah: tunggu hingga waktu yang disebut, atau atur ulang kata sandi.',
      'Akun yang dinonaktifkan dipulihkan melalui halaman "Minta perangkat OTP baru", dengan pemeriksaan verifikator instansi Anda.',
    ],
  },
];

/**
 * The one map from a code shown on the pages (an error code, or a field's validation code) to
 * its help entry.
 */
const anchorsByCode: Readonly<Record<string, string>> = {
  TOKEN_EXPIRED: 'tautan-kedaluwarsa',
  TOKEN_NOT_FOUND: 'tautan-kedaluwarsa',
  TOKEN_USED: 'tautan-terpakai',
  NIK_ALREADY_REGISTERED: 'nik',
  NIK_INVALID: 'nik',
  NIP_INVALID: 'nip',
  NIP_NIK_MISMATCH: 'nip',
  PHOTO_INVALID: 'aktivasi-gagal',
  PHOTO_NOT_FOUND: 'aktivasi-gagal',
  ACTIVATION_INCOMPLETE: 'aktivasi-gagal',
  KEY_LOCKED: 'lupa-passphrase',
  PASSPHRASE_INVALID: 'lupa-passphrase',
  INVALID_CREDENTIALS: 'lupa-kata-sandi',
  INVALID_OTP: 'ponsel-otp-hilang',
  ACCOUNT_LOCKED: 'akun-terkunci',
  ACCOUNT_DISABLED: 'akun-terkunci',
};

/** The help page's address for a code, if the page has an entry for it. */
export function helpHref(basePath: string, code: string): string | undefined {
  const anchor = Object.hasOwn(anchorsByCode, code) ? anchorsByCode[code] : undefined;
  return anchor ? `${basePath.replace(/\/+$/, '')}/help#${anchor}` : undefined;
}

/** "Hubungi verifikator instansi Anda: …", from the tenant's own list. */
export function verifierContactsBlock(contacts: readonly VerifierContact[] | undefined): Html | '' {
  if (!contacts?.length) return '';
  return html`<section class="notice verifier-contacts" aria-label="Kontak verifikator">
<p>Hubungi verifikator instansi Anda:</p>
<ul>${contacts.map((contact) => html`<li><strong>${contact.name}</strong>${contact.phone ? html` · <a href="tel:${contact.phone}">${contact.phone}</a>` : ''}${contact.email ? html` · <a href="mailto:${contact.email}">${contact.email}</a>` : ''}</li>`)}</ul>
</section>`;
}

import type { MessageTemplates, TemplateName } from '../../shared/domain/messages.js';
import type { MailMessage } from '../../shared/ports/mailer.js';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Times in e-mails are for people in Indonesia: Indonesian words, Western Indonesia Time. */
export function formatJakartaTime(iso: string): string {
  const formatted = new Intl.DateTimeFormat('id-ID', {
    dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta',
  }).format(new Date(iso));
  return `${formatted} WIB`;
}

interface Rendered {
  subject: string;
  paragraphs: string[];
  action?: { label: string; url: string };
}

type Renderers = { [T in TemplateName]: (data: MessageTemplates[T]['data'], secret: MessageTemplates[T]['secret']) => Rendered };

const renderers: Renderers = {
  activation: (data, secret) => ({
    subject: 'Aktivasi Akun',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Verifikator ${data.tenantName} telah mendaftarkan Anda sebagai calon pengguna layanan Tanda Tangan Elektronik (TTE).`,
      'Untuk mengaktifkan akun, buka tautan di bawah ini, lalu lengkapi data identitas dan kepegawaian, unggah foto KTP dan swafoto, serta baca dan setujui kebijakan privasi.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)} dan hanya dapat digunakan oleh Anda. Jangan teruskan e-mail ini kepada siapa pun.`,
      'Jika tautan sudah tidak berlaku, mintalah verifikator instansi Anda untuk mengirim tautan baru. Jika Anda tidak merasa mendaftar, abaikan e-mail ini.',
    ],
    action: { label: 'Aktivasi Akun', url: secret.link },
  }),
  accountInfo: (data, secret) => ({
    subject: 'Informasi Akun',
    paragraphs: [
      `Yth. ${data.fullName},`,
      'Pendaftaran Anda pada layanan Tanda Tangan Elektronik (TTE) telah disetujui.',
      `Nama pengguna (username) Anda: ${data.username}`,
      'Langkah berikutnya: buka tautan di bawah ini untuk membuat kata sandi dan mendaftarkan aplikasi autentikator (OTP) di ponsel Anda, misalnya Google Authenticator atau Microsoft Authenticator.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
    ],
    action: { label: 'Atur Kata Sandi dan OTP', url: secret.link },
  }),
  setPassphrase: (data, secret) => ({
    subject: 'Set Passphrase',
    paragraphs: [
      `Yth. ${data.fullName},`,
      'Untuk menerbitkan sertifikat elektronik Anda, buka tautan di bawah ini, periksa data profil, ambil swafoto terbaru, lalu buat passphrase.',
      'Passphrase dipakai setiap kali Anda menandatangani dokumen dan tidak dapat dipulihkan oleh siapa pun, termasuk petugas. Passphrase minimal 8 karakter dengan huruf besar, huruf kecil, angka dan karakter khusus; karakter [ ] ^ \\ tidak diperbolehkan.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}.`,
    ],
    action: { label: 'Set Passphrase', url: secret.link },
  }),
  applicationRejected: (data) => ({
    subject: 'Pendaftaran Ditolak',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Mohon maaf, pendaftaran Anda pada layanan TTE untuk ${data.tenantName} belum dapat disetujui oleh verifikator, dengan alasan berikut:`,
      `"${data.reason}"`,
      'Yang dapat Anda lakukan: siapkan perbaikan sesuai alasan di atas (misalnya foto KTP yang lebih jelas atau data yang sama dengan KTP), lalu hubungi verifikator instansi Anda agar mendaftarkan Anda kembali. Anda akan menerima e-mail aktivasi yang baru.',
    ],
  }),
  applicationExpired: (data) => ({
    subject: 'Pendaftaran Kedaluwarsa',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Pendaftaran Anda pada layanan TTE untuk ${data.tenantName} belum diperiksa verifikator sampai batas waktunya, sehingga dinyatakan kedaluwarsa.`,
      'Hubungi verifikator instansi Anda agar mendaftarkan Anda kembali. Anda akan menerima e-mail aktivasi yang baru.',
    ],
  }),
  reviewRequested: (data) => ({
    subject: 'Permintaan Verifikasi Pendaftaran',
    paragraphs: [
      `Yth. Verifikator ${data.tenantName},`,
      `${data.applicantName} (${data.employmentType}) telah mengirim data aktivasi dan menunggu keputusan Anda.`,
      `Hasil pemeriksaan data kepegawaian: ${data.screening}.`,
      'Periksa data dan foto pemohon, lalu setujui, atau tolak dengan menuliskan alasannya.',
    ],
    action: { label: 'Periksa Pendaftaran', url: data.reviewUrl },
  }),
  certificateExpiring: (data) => ({
    subject: 'Sertifikat Elektronik Akan Berakhir',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Sertifikat elektronik Anda dengan nomor seri ${data.serialNumber} akan berakhir dalam ${data.daysLeft} hari, pada ${formatJakartaTime(data.notAfter)}.`,
      'Anda dapat memperbarui sertifikat melalui menu Sertifikat pada layanan TTE selama 30 hari terakhir masa berlakunya. Setelah berakhir, sertifikat tidak dapat diperbarui dan Anda perlu mengajukan sertifikat baru.',
    ],
  }),
};

/** Renders one outbox message as plain text and HTML, with the configured subject prefix. */
export function renderMessage<T extends TemplateName>(
  template: T,
  to: string,
  data: MessageTemplates[T]['data'],
  secret: MessageTemplates[T]['secret'],
  subjectPrefix: string,
): MailMessage {
  const renderer = renderers[template] as (d: typeof data, s: typeof secret) => Rendered;
  const rendered = renderer(data, secret);
  const footer = 'E-mail ini dikirim otomatis oleh layanan TTE. Mohon tidak membalas e-mail ini.';
  const text = [
    ...rendered.paragraphs,
    ...(rendered.action ? [`${rendered.action.label}: ${rendered.action.url}`] : []),
    `--\n${footer}`,
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="id"><body style="font-family:Arial,sans-serif;line-height:1.5;color:#1f2937">',
    ...rendered.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(rendered.action
      ? [`<p><a href="${escapeHtml(rendered.action.url)}" style="background:#0b5cad;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${escapeHtml(rendered.action.label)}</a></p>`,
        `<p style="font-size:12px">Jika tombol tidak berfungsi, salin tautan ini ke peramban: ${escapeHtml(rendered.action.url)}</p>`]
      : []),
    `<hr><p style="font-size:12px;color:#6b7280">${escapeHtml(footer)}</p></body></html>`,
  ].join('\n');
  return { to, subject: `${subjectPrefix} ${rendered.subject}`.trim(), text, html };
}

export const isTemplateName = (name: string): name is TemplateName => Object.hasOwn(renderers, name);

import type { MessageTemplates, TemplateName } from '../../shared/domain/messages.js';
import type { MailMessage } from '../../shared/ports/mailer.js';
import { formatJakartaTime } from '../../shared/domain/jakarta-time.js';
import { describeChangeLine, type DataChangeLine } from '../../shared/domain/data-changes.js';
import { escapeHtml } from '../../shared/web/html.js';
import { dayRangeLabel, eventLabels, formatNumber, formatRupiah, periodLabel, type StatementLine } from '../../shared/domain/billing.js';

export { formatJakartaTime };


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
      data.verifierOf
        ? `Operator layanan Tanda Tangan Elektronik (TTE) telah membuat akun verifikator untuk Anda di ${data.verifierOf}. Sebagai verifikator, Anda mendaftarkan pegawai instansi dan memeriksa pendaftaran mereka.`
        : 'Pendaftaran Anda pada layanan Tanda Tangan Elektronik (TTE) telah disetujui.',
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
      {
        FIRST: 'Untuk menerbitkan sertifikat elektronik Anda, buka tautan di bawah ini, periksa data profil, ambil swafoto terbaru, lalu buat passphrase.',
        RENEWAL: 'Anda mengajukan pembaruan sertifikat elektronik. Buka tautan di bawah ini, periksa data profil, ambil swafoto terbaru, lalu buat passphrase untuk kunci baru. Sertifikat lama berstatus diperbarui setelah sertifikat baru terbit.',
        NEW_REQUEST: 'Anda mengajukan sertifikat elektronik baru. Buka tautan di bawah ini, periksa data profil, ambil swafoto terbaru, lalu buat passphrase.',
        DATA_CHANGE: 'Perubahan data Anda telah disetujui dan sertifikat lama telah dicabut. Untuk menerbitkan sertifikat baru dengan data terbaru, buka tautan di bawah ini, periksa data profil, ambil swafoto terbaru, lalu buat passphrase.',
      }[data.kind],
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
  selfApplicationHeld: (data) => ({
    subject: 'Pengajuan Mandiri Menunggu Persetujuan',
    paragraphs: [
      `Yth. Verifikator ${data.tenantName},`,
      `${data.applicantName} (${data.applicantEmail}) mengajukan akun tanda tangan elektronik melalui halaman pengajuan mandiri.`,
      'Pemohon belum menerima e-mail apa pun. Bila Anda mengenal pemohon sebagai pegawai instansi Anda, kirimkan tautan aktivasi dari halaman pemohon di konsol. Bila tidak, tolak pengajuan tersebut.',
    ],
    action: { label: 'Periksa Pengajuan', url: data.reviewUrl },
  }),
  certificateExpiring: (data) => ({
    subject: 'Sertifikat Elektronik Akan Berakhir',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Sertifikat elektronik Anda dengan nomor seri ${data.serialNumber} akan berakhir dalam ${data.daysLeft} hari, pada ${formatJakartaTime(data.notAfter)}.`,
      'Anda dapat memperbarui sertifikat melalui menu Sertifikat pada layanan TTE selama 30 hari terakhir masa berlakunya. Setelah berakhir, sertifikat tidak dapat diperbarui dan Anda perlu mengajukan sertifikat baru.',
    ],
  }),
  passwordResetLink: (data, secret) => ({
    subject: 'Atur Ulang Kata Sandi',
    paragraphs: [
      `Yth. ${data.fullName},`,
      'Kami menerima permintaan untuk mengatur ulang kata sandi akun layanan Tanda Tangan Elektronik (TTE) Anda.',
      'Untuk membuat kata sandi baru, buka tautan di bawah ini.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
      'Jika Anda tidak meminta pengaturan ulang kata sandi, abaikan e-mail ini; kata sandi Anda tidak berubah.',
    ],
    action: { label: 'Atur Ulang Kata Sandi', url: secret.link },
  }),
  passwordChanged: (data) => ({
    subject: 'Pembaruan Kata Sandi',
    paragraphs: [
      `Yth. ${data.fullName},`,
      {
        SETUP: `Kata sandi akun TTE Anda telah dibuat saat pengaturan akun pada ${formatJakartaTime(data.changedAt)}.`,
        RESET: `Kata sandi akun TTE Anda telah diubah melalui atur ulang kata sandi pada ${formatJakartaTime(data.changedAt)}.`,
        REACTIVATION: `Kata sandi akun TTE Anda telah diatur kembali saat pemulihan akun pada ${formatJakartaTime(data.changedAt)}.`,
      }[data.change],
      'Jika Anda yang melakukannya, Anda tidak perlu melakukan apa pun.',
      'Jika bukan Anda yang melakukannya, segera atur ulang kata sandi melalui "Lupa kata sandi" pada halaman masuk, lalu hubungi verifikator instansi Anda.',
    ],
  }),
  otpDeviceChanged: (data) => ({
    subject: 'Pembaruan Perangkat OTP',
    paragraphs: [
      `Yth. ${data.fullName},`,
      {
        ADDED: `Perangkat OTP "${data.deviceName}" telah ditambahkan ke akun TTE Anda pada ${formatJakartaTime(data.changedAt)}.`,
        REMOVED: `Perangkat OTP "${data.deviceName}" telah dihapus dari akun TTE Anda pada ${formatJakartaTime(data.changedAt)}. Kode OTP dari perangkat tersebut tidak dapat dipakai lagi.`,
        REPLACED: `Semua perangkat OTP sebelumnya pada akun TTE Anda telah diganti dengan perangkat "${data.deviceName}" pada ${formatJakartaTime(data.changedAt)}. Sekarang hanya perangkat ini yang dapat dipakai untuk kode OTP.`,
      }[data.change],
      // The service keeps at most three devices, so an added one may push out the oldest.
      ...(data.change === 'ADDED' && data.removedDeviceName
        ? [`Karena satu akun paling banyak memiliki 3 perangkat OTP, perangkat terlama "${data.removedDeviceName}" dihapus secara otomatis dan tidak dapat dipakai lagi.`]
        : []),
      'Jika Anda yang melakukannya, Anda tidak perlu melakukan apa pun.',
      'Jika bukan Anda yang melakukannya, segera hubungi verifikator instansi Anda.',
    ],
  }),
  accountLocked: (data) => ({
    subject: 'Akun Terkunci Sementara',
    paragraphs: [
      `Yth. ${data.fullName},`,
      {
        PASSWORD: 'Akun TTE Anda dikunci sementara karena kata sandi salah 5 kali dalam 15 menit.',
        OTP: 'Akun TTE Anda dikunci sementara karena kode OTP salah 5 kali dalam 15 menit.',
      }[data.cause],
      `Akun dapat digunakan kembali mulai ${formatJakartaTime(data.lockedUntil)}. Sampai saat itu Anda tidak dapat masuk.`,
      'Jika Anda lupa kata sandi, aturlah ulang melalui "Lupa kata sandi" pada halaman masuk.',
      // A wrong OTP means the password itself was right: someone else may already know it.
      {
        PASSWORD: 'Jika bukan Anda yang mencoba masuk, segera hubungi verifikator instansi Anda.',
        OTP: 'Jika bukan Anda yang mencoba masuk, kata sandi Anda kemungkinan telah diketahui orang lain: segera atur ulang kata sandi melalui "Lupa kata sandi" dan hubungi verifikator instansi Anda.',
      }[data.cause],
    ],
  }),
  otpDeviceRequestLink: (data, secret) => ({
    subject: 'Permintaan Perangkat OTP',
    paragraphs: [
      `Yth. ${data.fullName},`,
      {
        ADD_DEVICE: 'Kami menerima permintaan untuk mendaftarkan ponsel baru sebagai perangkat autentikator (OTP) pada akun TTE Anda.',
        RESET_AUTHENTICATOR: 'Kami menerima permintaan untuk memulihkan akun TTE Anda yang dinonaktifkan.',
      }[data.kind],
      {
        ADD_DEVICE: 'Untuk melanjutkan, buka tautan di bawah ini dan ambil swafoto terbaru. Verifikator instansi Anda akan mencocokkan swafoto tersebut dengan foto pendaftaran Anda; setelah disetujui, Anda akan menerima e-mail berisi tautan untuk mendaftarkan perangkat baru.',
        RESET_AUTHENTICATOR: 'Untuk melanjutkan, buka tautan di bawah ini dan ambil swafoto terbaru. Verifikator instansi Anda akan mencocokkan swafoto tersebut dengan foto pendaftaran Anda; setelah disetujui, Anda akan menerima e-mail berisi tautan untuk membuat kata sandi baru dan mendaftarkan aplikasi autentikator.',
      }[data.kind],
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
      'Jika Anda tidak mengajukan permintaan ini, abaikan e-mail ini.',
    ],
    action: { label: 'Ambil Swafoto', url: secret.link },
  }),
  otpDeviceReviewRequested: (data) => ({
    subject: 'Permintaan Verifikasi Perangkat OTP',
    paragraphs: [
      `Yth. Verifikator ${data.tenantName},`,
      {
        ADD_DEVICE: `${data.applicantName} mengajukan pendaftaran perangkat OTP baru (ponsel hilang atau diganti) dan menunggu keputusan Anda.`,
        RESET_AUTHENTICATOR: `${data.applicantName} mengajukan pemulihan akun yang dinonaktifkan dan menunggu keputusan Anda. Jika disetujui, kata sandi dan semua perangkat OTP pemohon akan diganti.`,
      }[data.kind],
      'Bandingkan swafoto terbaru pemohon dengan foto saat pendaftaran, lalu setujui, atau tolak dengan menuliskan alasannya.',
    ],
    action: { label: 'Periksa Permintaan', url: data.reviewUrl },
  }),
  otpDeviceApproved: (data, secret) => ({
    subject: 'Pendaftaran Perangkat OTP',
    paragraphs: [
      `Yth. ${data.fullName},`,
      'Permintaan perangkat OTP Anda telah disetujui oleh verifikator.',
      'Langkah berikutnya: buka tautan di bawah ini untuk mendaftarkan aplikasi autentikator (OTP) di ponsel baru Anda, misalnya Google Authenticator atau Microsoft Authenticator. Satu akun paling banyak memiliki 3 perangkat OTP; jika sudah ada 3, perangkat terlama akan dihapus secara otomatis.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
    ],
    action: { label: 'Daftarkan Perangkat OTP', url: secret.link },
  }),
  otpDeviceRequestRejected: (data) => ({
    subject: 'Permintaan Perangkat OTP Ditolak',
    paragraphs: [
      `Yth. ${data.fullName},`,
      {
        ADD_DEVICE: 'Mohon maaf, permintaan pendaftaran perangkat OTP baru Anda belum dapat disetujui oleh verifikator, dengan alasan berikut:',
        RESET_AUTHENTICATOR: 'Mohon maaf, permintaan pemulihan akun Anda belum dapat disetujui oleh verifikator, dengan alasan berikut:',
      }[data.kind],
      `"${data.reason}"`,
      {
        ADD_DEVICE: 'Perangkat OTP yang sudah terdaftar tidak berubah.',
        RESET_AUTHENTICATOR: 'Akun Anda tetap dinonaktifkan.',
      }[data.kind],
      'Yang dapat Anda lakukan: perbaiki sesuai alasan di atas (misalnya swafoto yang lebih jelas dengan wajah terlihat penuh), lalu ajukan permintaan baru melalui halaman "Perangkat OTP hilang / pemulihan akun" pada layanan TTE, atau hubungi verifikator instansi Anda.',
    ],
  }),
  accountDisabled: (data) => ({
    subject: 'Akun Dinonaktifkan',
    paragraphs: [
      `Yth. ${data.fullName},`,
      ...(data.staffRole ? [
        `Akun TTE Anda telah dinonaktifkan oleh operator layanan pada ${formatJakartaTime(data.disabledAt)}, dengan alasan berikut:`,
        `"${data.reason}"`,
        'Semua sesi masuk dan tautan yang masih berlaku telah diakhiri.',
        'Bila menurut Anda ini keliru, hubungi operator layanan TTE. Hanya operator yang dapat memulihkan akun ini.',
      ] : [
        `Akun TTE Anda telah dinonaktifkan pada ${formatJakartaTime(data.disabledAt)} karena diduga telah diakses atau disalahgunakan oleh pihak lain, dengan alasan berikut:`,
        `"${data.reason}"`,
        'Untuk melindungi Anda, semua sesi masuk dan tautan yang masih berlaku telah diakhiri, dan Anda tidak dapat menandatangani dokumen sampai akun dipulihkan.',
        'Untuk memulihkan akun, ajukan "Pemulihan akun" melalui halaman "Perangkat OTP hilang / pemulihan akun" pada layanan TTE. Anda akan diminta mengambil swafoto terbaru, lalu verifikator instansi Anda akan memeriksanya.',
      ]),
    ],
  }),
  accountReactivation: (data, secret) => ({
    subject: 'Pemulihan Akun',
    paragraphs: [
      `Yth. ${data.fullName},`,
      data.staffRole ? 'Operator layanan TTE telah memulihkan akun Anda.' : 'Permintaan pemulihan akun TTE Anda telah disetujui oleh verifikator.',
      `Nama pengguna (username) Anda: ${data.username}`,
      'Langkah berikutnya: buka tautan di bawah ini untuk membuat kata sandi baru dan mendaftarkan aplikasi autentikator (OTP) di ponsel Anda. Kata sandi lama dan semua perangkat OTP sebelumnya akan diganti dan tidak dapat dipakai lagi.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
    ],
    action: { label: 'Atur Kata Sandi dan OTP', url: secret.link },
  }),
  certificateIssued: (data) => ({
    subject: 'Sertifikat Elektronik Terbit',
    paragraphs: [
      `Yth. ${data.fullName},`,
      'Sertifikat elektronik Anda telah terbit dengan data berikut:',
      `Nama (CN): ${data.commonName}`,
      `Organisasi (O): ${data.organization}`,
      `Negara (C): ${data.country}`,
      `Nomor seri: ${data.serialNumber}`,
      `Berlaku sampai: ${formatJakartaTime(data.notAfter)}`,
      'Sertifikat ini dipakai setiap kali Anda menandatangani dokumen dengan passphrase Anda. Jaga kerahasiaan passphrase; tidak ada petugas yang akan memintanya.',
      'Jika Anda tidak merasa mengajukan sertifikat ini, segera hubungi verifikator instansi Anda.',
    ],
  }),
  certificateRevoked: (data) => ({
    subject: 'Sertifikat Elektronik Dicabut',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Sertifikat elektronik Anda dengan nomor seri ${data.serialNumber} telah dicabut pada ${formatJakartaTime(data.revokedAt)} ${{ HOLDER: 'atas permintaan Anda', VERIFIER: 'oleh verifikator instansi Anda', SYSTEM: 'oleh sistem' }[data.by]}.`,
      `Alasan pencabutan: ${data.reason}.`,
      'Sertifikat yang dicabut tidak dapat dipakai lagi untuk menandatangani. Dokumen yang sudah ditandatangani sebelum pencabutan tetap dapat diperiksa keabsahannya.',
      'Jika Anda memerlukan sertifikat baru, ajukan permintaan sertifikat baru melalui menu Sertifikat.',
    ],
  }),
  passphraseChangeLink: (data, secret) => ({
    subject: 'Ubah Passphrase',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Kami menerima permintaan untuk mengubah passphrase sertifikat elektronik Anda (nomor seri ${data.serialNumber}).`,
      'Buka tautan di bawah ini, masukkan passphrase saat ini, lalu passphrase baru. Kunci dan sertifikat Anda tetap sama.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
      'Jika Anda tidak memintanya, abaikan e-mail ini; passphrase Anda tidak berubah.',
    ],
    action: { label: 'Ubah Passphrase', url: secret.link },
  }),
  passphraseResetLink: (data, secret) => ({
    subject: 'Reset Passphrase',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Kami menerima permintaan untuk mereset passphrase sertifikat elektronik Anda (nomor seri ${data.serialNumber}).`,
      'Buka tautan di bawah ini, ambil swafoto terbaru, lalu buat passphrase baru. Anda akan mendapat kunci dan sertifikat baru; sertifikat lama dicabut dengan alasan digantikan (superseded).',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
      'Jika Anda tidak memintanya, abaikan e-mail ini; sertifikat dan passphrase Anda tidak berubah.',
    ],
    action: { label: 'Reset Passphrase', url: secret.link },
  }),
  passphraseChanged: (data) => ({
    subject: 'Pembaruan Passphrase',
    paragraphs: [
      `Yth. ${data.fullName},`,
      data.change === 'CHANGED'
        ? `Passphrase sertifikat elektronik Anda (nomor seri ${data.serialNumber}) telah diubah pada ${formatJakartaTime(data.changedAt)}. Kunci dan sertifikat Anda tetap sama.`
        : `Passphrase Anda telah direset pada ${formatJakartaTime(data.changedAt)}: sertifikat baru dengan nomor seri ${data.serialNumber} telah terbit dan sertifikat lama dicabut dengan alasan digantikan (superseded).`,
      'Jika Anda yang melakukannya, Anda tidak perlu melakukan apa pun.',
      'Jika bukan Anda yang melakukannya, segera cabut sertifikat Anda dengan alasan kunci bocor (keyCompromise) dan hubungi verifikator instansi Anda.',
    ],
  }),
  signingKeyLocked: (data) => ({
    subject: 'Kunci Tanda Tangan Terkunci',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Kunci tanda tangan Anda dikunci pada ${formatJakartaTime(data.lockedAt)} karena passphrase salah dimasukkan lima kali berturut-turut.`,
      'Selama terkunci, Anda tidak dapat menandatangani dokumen maupun mengubah passphrase. Untuk membukanya, lakukan reset passphrase melalui menu Sertifikat: Anda akan mendapat kunci dan sertifikat baru.',
      'Jika bukan Anda yang mencoba, akun Anda mungkin diketahui orang lain: ubah kata sandi dan hubungi verifikator instansi Anda.',
    ],
  }),
  monthlyStatement: (data) => {
    const lines = JSON.parse(data.lines) as StatementLine[];
    return {
      subject: `Tagihan Layanan ${periodLabel(data.period)}`,
      paragraphs: [
        `Yth. Pengelola keuangan ${data.tenantName},`,
        `Berikut tagihan pemakaian layanan Tanda Tangan Elektronik (TTE) untuk periode ${periodLabel(data.period)}:`,
        ...(lines.length > 0
          ? lines.map((line) => `${eventLabels[line.event]} (${dayRangeLabel(line.from, line.to)}): ${formatNumber(line.quantity)} × ${formatRupiah(line.unitPrice)} = ${formatRupiah(line.amount)}`)
          : ['Tidak ada pemakaian layanan yang ditagihkan pada periode ini.']),
        `Total tagihan: ${formatRupiah(Number(data.total))}`,
        'Pemakaian per hari dan berkas CSV tagihan ini tersedia di konsol layanan TTE melalui tautan di bawah ini. Tagihan bulan yang sudah lewat tidak berubah lagi, juga bila harga layanan kemudian diubah.',
        'Jika ada pertanyaan mengenai tagihan ini, hubungi Dinas Komunikasi dan Informatika penyelenggara layanan.',
      ],
      action: { label: 'Lihat Tagihan', url: data.statementUrl },
    };
  },
  dataChangeRequested: (data) => ({
    subject: 'Perubahan Data Diajukan',
    paragraphs: [
      `Yth. ${data.fullName},`,
      'Permintaan perubahan data Anda pada layanan Tanda Tangan Elektronik (TTE) telah kami terima dan menunggu keputusan verifikator instansi Anda. Data yang Anda minta diubah:',
      ...changeLines(data.changes),
      `Alasan: "${data.reason}"`,
      ...heldNotice(data.held, 'VERIFIER'),
      'Anda akan menerima e-mail setelah verifikator memutuskan. Jika Anda tidak merasa mengajukan perubahan ini, segera hubungi verifikator instansi Anda.',
    ],
  }),
  dataChangeReviewRequested: (data) => ({
    subject: 'Permintaan Perubahan Data',
    paragraphs: [
      `Yth. Verifikator ${data.tenantName},`,
      `${data.applicantName} mengajukan perubahan data berikut dan menunggu keputusan Anda:`,
      ...changeLines(data.changes),
      `Alasan pemohon: "${data.reason}"`,
      'Selama permintaan ini belum diputuskan, penandatanganan oleh pemohon ditangguhkan. Periksa kebenaran data baru (misalnya dengan surat keputusan atau dokumen pendukung), lalu setujui, atau tolak dengan menuliskan alasannya.',
    ],
    action: { label: 'Periksa Permintaan', url: data.reviewUrl },
  }),
  dataChangeProposed: (data, secret) => ({
    subject: 'Perubahan Data',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Verifikator ${data.tenantName} mengusulkan perubahan data Anda pada layanan Tanda Tangan Elektronik (TTE) sebagai berikut:`,
      ...changeLines(data.changes),
      `Alasan: "${data.reason}"`,
      ...heldNotice(data.held, 'HOLDER'),
      'Buka tautan di bawah ini untuk memeriksa data lama dan baru, lalu setujui atau tolak usulan ini. Anda juga dapat menanggapinya dari halaman Akun saya setelah masuk.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
    ],
    action: { label: 'Periksa Perubahan Data', url: secret.link },
  }),
  dataChangeDecided: (data) => ({
    subject: data.decision === 'APPROVE' ? 'Perubahan Data Disetujui' : 'Perubahan Data Ditolak',
    paragraphs: [
      `Yth. ${data.fullName},`,
      ...(data.decision === 'APPROVE'
        ? [
          data.by === 'VERIFIER'
            ? 'Permintaan perubahan data Anda telah disetujui oleh verifikator instansi Anda. Data berikut telah diperbarui:'
            : 'Anda telah menyetujui usulan perubahan data dari verifikator instansi Anda. Data berikut telah diperbarui:',
          ...changeLines(data.changes),
          ...(data.newEmail
            ? [`Alamat e-mail baru (${data.newEmail}) berlaku setelah Anda membuka tautan konfirmasi yang kami kirim ke alamat tersebut. Sampai saat itu, Anda tetap masuk dan menerima e-mail layanan TTE di alamat ini.`]
            : []),
        ]
        : [
          data.by === 'VERIFIER'
            ? 'Mohon maaf, permintaan perubahan data Anda belum dapat disetujui oleh verifikator instansi Anda, dengan alasan berikut:'
            : 'Anda telah menolak usulan perubahan data dari verifikator instansi Anda, dengan alasan berikut:',
          `"${data.reason}"`,
          'Data Anda tidak berubah. Perubahan yang tidak jadi dilakukan:',
          ...changeLines(data.changes),
        ]),
      ...{
        REVOKED: [data.newEmail
          ? 'Sertifikat elektronik lama Anda telah dicabut karena datanya tidak lagi sesuai. Setelah alamat e-mail baru dikonfirmasi, kami mengirim tautan "Set Passphrase" ke alamat itu untuk menerbitkan sertifikat baru dengan data terbaru.'
          : 'Sertifikat elektronik lama Anda telah dicabut karena datanya tidak lagi sesuai. Kami mengirim e-mail "Set Passphrase" berisi tautan untuk menerbitkan sertifikat baru dengan data terbaru.'],
        RESTORED: ['Sertifikat elektronik Anda berlaku kembali dan dapat dipakai lagi untuk menandatangani dokumen.'],
        NONE: [],
      }[data.certificate],
      data.decision === 'REJECT' && data.by === 'VERIFIER'
        ? 'Yang dapat Anda lakukan: siapkan perbaikan sesuai alasan di atas, lalu ajukan permintaan perubahan data yang baru melalui halaman Akun saya.'
        : 'Jika bukan Anda yang melakukannya, segera hubungi verifikator instansi Anda.',
    ],
  }),
  dataChangeAnswered: (data) => ({
    subject: 'Tanggapan Perubahan Data',
    paragraphs: [
      'Yth. Verifikator,',
      ...(data.decision === 'APPROVE'
        ? [`${data.applicantName} telah menyetujui usulan perubahan data Anda. Data berikut telah diperbarui:`, ...changeLines(data.changes)]
        : [`${data.applicantName} menolak usulan perubahan data Anda, dengan alasan berikut:`, `"${data.reason}"`, 'Usulan yang ditolak:', ...changeLines(data.changes)]),
    ],
    action: { label: 'Lihat Data Pengguna', url: data.reviewUrl },
  }),
  emailChangeConfirmation: (data, secret) => ({
    subject: 'Konfirmasi Alamat E-mail',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Alamat e-mail akun Tanda Tangan Elektronik (TTE) Anda akan diubah menjadi ${data.newEmail}. Untuk memastikan alamat ini benar milik Anda, buka tautan di bawah ini lalu konfirmasi.`,
      'Alamat baru berlaku setelah dikonfirmasi. Setelah itu Anda masuk ke layanan TTE dengan alamat ini, dan semua e-mail layanan dikirim ke alamat ini.',
      `Tautan ini berlaku sampai ${formatJakartaTime(data.expiresAt)}. Jangan teruskan e-mail ini kepada siapa pun.`,
      'Jika Anda tidak merasa mengajukan perubahan ini, abaikan e-mail ini; alamat e-mail akun tidak berubah.',
    ],
    action: { label: 'Konfirmasi Alamat E-mail', url: secret.link },
  }),
  emailChanged: (data) => ({
    subject: 'Alamat E-mail Diperbarui',
    paragraphs: [
      `Yth. ${data.fullName},`,
      `Alamat e-mail akun TTE Anda telah diubah dari ${data.oldEmail} menjadi ${data.newEmail} pada ${formatJakartaTime(data.changedAt)}.`,
      `Mulai sekarang Anda masuk ke layanan TTE dengan alamat ${data.newEmail}, dan semua e-mail layanan dikirim ke alamat tersebut.`,
      'Jika bukan Anda yang melakukannya, segera hubungi verifikator instansi Anda.',
    ],
  }),
  emailBounced: (data) => ({
    subject: 'E-mail Tidak Sampai',
    paragraphs: [
      'Yth. Verifikator,',
      `E-mail "${data.subject}" untuk ${data.fullName} (${data.email}) tidak sampai: server e-mail penerima menolaknya pada ${formatJakartaTime(data.bouncedAt)}.`,
      `Alasan: ${data.reason}.`,
      'Periksa apakah alamat e-mail tersebut benar dan masih aktif. Bila salah ketik, usulkan perubahan alamat e-mail melalui halaman pengguna; bila alamat sudah benar, minta pegawai atau pengelola e-mail instansi memeriksa kotak suratnya, lalu kirim ulang tautannya dari halaman pengguna.',
    ],
    action: { label: 'Buka Halaman Pengguna', url: data.userUrl },
  }),
};

/** The changed fields of a data change e-mail, one line each («Jabatan: "lama" menjadi "baru"»). */
function changeLines(changes: string): string[] {
  return (JSON.parse(changes) as DataChangeLine[]).map(describeChangeLine);
}

/** What a pending data change means for the certificate: held, then reissued or valid again. */
function heldNotice(held: 'REISSUE' | 'RESTORE' | 'NONE', decider: 'VERIFIER' | 'HOLDER'): string[] {
  const waiting = decider === 'VERIFIER' ? 'Selama permintaan ini belum diputuskan' : 'Selama usulan ini belum Anda tanggapi';
  const approved = decider === 'VERIFIER' ? 'Jika disetujui' : 'Jika Anda menyetujuinya';
  const rejected = decider === 'VERIFIER' ? 'jika ditolak' : 'jika Anda menolaknya';
  return {
    REISSUE: [`${waiting}, sertifikat elektronik Anda ditangguhkan dan Anda tidak dapat menandatangani dokumen. ${approved}, sertifikat lama dicabut dan Anda akan menerima tautan untuk menerbitkan sertifikat baru dengan data terbaru; ${rejected}, sertifikat Anda berlaku kembali.`],
    RESTORE: [`${waiting}, sertifikat elektronik Anda ditangguhkan dan Anda tidak dapat menandatangani dokumen. Setelah ada keputusan, sertifikat Anda berlaku kembali: data yang berubah tidak tercantum pada sertifikat.`],
    NONE: [],
  }[held];
}

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

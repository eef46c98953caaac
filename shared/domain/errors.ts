/**
 * Every error a caller can see, with its HTTP status and its Indonesian and English detail.
 * Codes are stable and machine-readable; the texts are for people.
 */
export const errorCatalog = {
  MALFORMED_REQUEST: { status: 400, id: 'Permintaan tidak dapat dibaca. Periksa format JSON yang dikirim.', en: 'The request could not be read. Check the JSON you sent.' },
  VALIDATION_FAILED: { status: 422, id: 'Data yang dikirim belum sesuai. Periksa isian yang ditandai.', en: 'Some fields are not valid. Check the fields listed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, id: 'Jenis konten tidak didukung untuk alamat ini.', en: 'This content type is not supported here.' },
  PAYLOAD_TOO_LARGE: { status: 413, id: 'Isi permintaan terlalu besar (maksimal 1 MB).', en: 'The request body is too large (1 MB at most).' },
  UNAUTHENTICATED: { status: 401, id: 'Kredensial tidak ada atau tidak valid.', en: 'Credentials are missing or not valid.' },
  FORBIDDEN: { status: 403, id: 'Anda tidak memiliki hak untuk tindakan ini.', en: 'You are not allowed to do this.' },
  NOT_FOUND: { status: 404, id: 'Data yang diminta tidak ditemukan.', en: 'The requested resource was not found.' },
  ROUTE_NOT_FOUND: { status: 404, id: 'Alamat tidak dikenal.', en: 'Unknown path.' },
  METHOD_NOT_ALLOWED: { status: 405, id: 'Metode ini tidak didukung untuk alamat ini.', en: 'This method is not supported for this path.' },
  USER_NOT_FOUND: { status: 404, id: 'Pengguna tidak ditemukan.', en: 'User not found.' },
  ERASURE_NOT_ALLOWED: { status: 409, id: 'Data pengguna ini belum dapat dihapus: cabut dahulu sertifikatnya yang masih berlaku, atau tunggu keputusan atas pendaftarannya.', en: 'This user\'s data cannot be erased yet: revoke their valid certificate first, or wait for the decision on their application.' },
  TOKEN_NOT_FOUND: { status: 404, id: 'Tautan tidak dikenal. Periksa kembali tautan pada e-mail Anda.', en: 'Unknown link. Check the link in your e-mail.' },
  TOKEN_EXPIRED: { status: 410, id: 'Tautan sudah tidak berlaku. Mintalah verifikator instansi Anda mengirim tautan baru.', en: 'This link is no longer valid. Ask your agency verifier for a new one.' },
  TOKEN_USED: { status: 410, id: 'Tautan ini sudah digunakan.', en: 'This link has already been used.' },
  EMAIL_ALREADY_REGISTERED: { status: 409, id: 'Alamat e-mail ini sudah terdaftar.', en: 'This e-mail address is already registered.' },
  EMAIL_DOMAIN_NOT_ALLOWED: { status: 422, id: 'Gunakan alamat e-mail dinas dengan domain yang diizinkan untuk instansi Anda.', en: 'Use an official e-mail address in one of your agency domains.' },
  EMAIL_NOT_BLOCKED: { status: 404, id: 'E-mail ke alamat pengguna ini tidak sedang diblokir.', en: "E-mail to this user's address is not blocked." },
  USER_NOT_INVITED: { status: 409, id: 'Tautan aktivasi hanya dapat dikirim ulang untuk pengguna yang belum menyelesaikan aktivasi.', en: 'An activation link can only be resent to a user who has not finished activation.' },
  NO_PENDING_STEP: { status: 409, id: 'Langkah ini tidak sedang menunggu pengguna (sudah selesai atau belum waktunya), jadi tidak ada tautan yang dikirim.', en: 'This step is not pending for the user (done already or not yet due), so no link was sent.' },
  NIK_ALREADY_REGISTERED: { status: 409, id: 'NIK ini sudah digunakan oleh akun lain. Hubungi verifikator instansi Anda bila ini keliru.', en: 'This NIK is already used by another account. Contact your agency verifier if this is wrong.' },
  PHOTO_NOT_FOUND: { status: 404, id: 'Foto tidak ditemukan. Mintalah alamat unggah yang baru.', en: 'Photo not found. Request a new upload address.' },
  PHOTO_INVALID: { status: 422, id: 'Foto tidak dapat diterima: gunakan berkas JPEG atau PNG asli, paling besar 5 MB, yang terbaca dengan jelas.', en: 'The photo was not accepted: use a genuine JPEG or PNG file of at most 5 MB that reads clearly.' },
  ACTIVATION_INCOMPLETE: { status: 422, id: 'Aktivasi belum lengkap. Lengkapi langkah yang disebutkan.', en: 'Activation is not complete. Finish the steps listed.' },
  PRIVACY_POLICY_NOT_READ: { status: 422, id: 'Mohon baca kebijakan privasi sampai selesai sebelum mengirim.', en: 'Please read the privacy policy before you submit.' },
  NOT_AWAITING_REVIEW: { status: 409, id: 'Pengguna ini tidak sedang menunggu keputusan verifikator.', en: 'This user is not waiting for a verifier decision.' },
  INVALID_CREDENTIALS: { status: 401, id: 'E-mail atau kata sandi salah. Setelah 5 kali salah, akun dikunci selama 15 menit dan pemiliknya menerima e-mail pemberitahuan.', en: 'Wrong e-mail or password.' },
  INVALID_OTP: { status: 401, id: 'Kode OTP salah atau sudah kedaluwarsa. Masukkan kode terbaru dari aplikasi autentikator Anda.', en: 'The OTP code is wrong or expired. Enter the latest code from your authenticator app.' },
  OTP_ALREADY_USED: { status: 401, id: 'Kode OTP ini sudah digunakan. Tunggu kode berikutnya dari aplikasi autentikator Anda.', en: 'This OTP code was used already. Wait for the next code in your authenticator app.' },
  LOGIN_TICKET_EXPIRED: { status: 401, id: 'Sesi masuk sudah berakhir. Masukkan e-mail dan kata sandi sekali lagi.', en: 'The sign-in step expired. Enter your e-mail and password again.' },
  ACCOUNT_LOCKED: { status: 423, id: 'Akun dikunci sementara karena terlalu banyak percobaan yang salah.', en: 'The account is locked for a while after too many failed attempts.' },
  ACCOUNT_DISABLED: { status: 423, id: 'Akun ini dinonaktifkan karena diduga disalahgunakan. Ajukan pemulihan akun melalui halaman perangkat OTP, atau hubungi verifikator instansi Anda.', en: 'This account is disabled as suspected compromised. Request account recovery on the OTP device page, or contact your agency verifier.' },
  ACCOUNT_NOT_ACTIVE: { status: 409, id: 'Akun ini belum atau tidak lagi aktif.', en: 'This account is not active.' },
  ACCOUNT_ALREADY_DISABLED: { status: 409, id: 'Akun ini sudah dinonaktifkan.', en: 'This account is already disabled.' },
  ACCOUNT_NOT_DISABLED: { status: 409, id: 'Akun ini tidak sedang dinonaktifkan.', en: 'This account is not disabled.' },
  CANNOT_DISABLE_SELF: { status: 409, id: 'Anda tidak dapat menonaktifkan akun Anda sendiri. Minta operator lain untuk melakukannya.', en: 'You cannot disable your own account. Ask another operator to do it.' },
  LAST_OPERATOR: { status: 409, id: 'Operator aktif terakhir tidak dapat dinonaktifkan. Undang dan aktifkan operator lain terlebih dahulu.', en: 'The last active operator cannot be disabled. Invite and activate another operator first.' },
  REACTIVATION_BY_REQUEST: { status: 409, id: 'Akun pegawai dipulihkan melalui permintaan pemulihan dengan swafoto baru yang disetujui verifikator, bukan oleh operator.', en: "An employee's account is restored through a recovery request with a fresh selfie that a verifier approves, not by an operator." },
  CSRF_TOKEN_INVALID: { status: 403, id: 'Permintaan ditolak karena token keamanan (CSRF) tidak ada atau tidak cocok. Muat ulang halaman lalu coba lagi.', en: 'Rejected: the CSRF token is missing or does not match. Reload the page and try again.' },
  DEVICE_NOT_FOUND: { status: 404, id: 'Perangkat OTP tidak ditemukan.', en: 'OTP device not found.' },
  LAST_DEVICE: { status: 409, id: 'Perangkat OTP terakhir tidak dapat dihapus. Tambahkan perangkat lain terlebih dahulu.', en: 'The last OTP device cannot be removed. Add another device first.' },
  DEVICE_SETUP_NOT_FOUND: { status: 404, id: 'Pendaftaran perangkat tidak ditemukan atau sudah kedaluwarsa. Mulai lagi dari awal.', en: 'The device setup was not found or has expired. Start again.' },
  DEVICE_REQUEST_NOT_FOUND: { status: 404, id: 'Permintaan perangkat OTP tidak ditemukan.', en: 'OTP device request not found.' },
  CERTIFICATE_NOT_FOUND: { status: 404, id: 'Sertifikat tidak ditemukan.', en: 'Certificate not found.' },
  CERTIFICATE_ALREADY_ISSUED: { status: 409, id: 'Anda sudah memiliki sertifikat elektronik yang berlaku. Permintaan baru hanya dapat diajukan bila tidak ada sertifikat yang berlaku; untuk memperpanjang gunakan pembaruan sertifikat.', en: 'You already have a valid certificate. A new request is possible only when none is valid; use renewal to extend it.' },
  RENEWAL_NOT_OPEN: { status: 409, id: 'Pembaruan sertifikat baru dapat diajukan dalam 30 hari terakhir masa berlakunya.', en: 'A certificate can be renewed only in the last 30 days of its validity.' },
  CERTIFICATE_EXPIRED: { status: 409, id: 'Sertifikat ini sudah kedaluwarsa dan tidak dapat diperbarui. Ajukan permintaan sertifikat baru.', en: 'This certificate has expired and cannot be renewed. Make a new certificate request.' },
  CERTIFICATE_NOT_ACTIVE: { status: 409, id: 'Sertifikat ini sudah tidak berlaku (dicabut, diperbarui, atau kedaluwarsa).', en: 'This certificate is no longer valid (revoked, renewed or expired).' },
  CERTIFICATE_NOT_ELIGIBLE: { status: 409, id: 'Sertifikat hanya dapat diterbitkan untuk akun yang sudah disetujui dan tidak dinonaktifkan.', en: 'A certificate can only be issued to an approved account that is not disabled.' },
  ISSUANCE_IN_PROGRESS: { status: 409, id: 'Sertifikat sedang diterbitkan melalui tautan ini. Tunggu sebentar lalu muat ulang halaman.', en: 'A certificate is being issued through this link. Wait a moment and reload.' },
  SELFIE_REQUIRED: { status: 422, id: 'Ambil swafoto terbaru terlebih dahulu, lalu kirim kembali.', en: 'Take a fresh selfie first, then send again.' },
  PASSPHRASE_INVALID: { status: 401, id: 'Passphrase salah. Setelah 5 kali salah berturut-turut, kunci tanda tangan Anda dikunci sampai passphrase direset.', en: 'Wrong passphrase. After 5 wrong passphrases in a row, your signing key is locked until a passphrase reset.' },
  KEY_LOCKED: { status: 423, id: 'Kunci tanda tangan Anda dikunci karena 5 kali salah passphrase. Lakukan reset passphrase untuk membuka kembali.', en: 'Your signing key is locked after 5 wrong passphrases. Reset your passphrase to unlock it.' },
  NO_SIGNING_KEY: { status: 409, id: 'Anda belum memiliki sertifikat elektronik yang berlaku.', en: 'You have no valid certificate.' },
  SIGNER_NOT_ELIGIBLE: { status: 409, id: 'Penanda tangan belum dapat menandatangani: akun harus aktif dengan sertifikat elektronik yang berlaku.', en: 'The signer cannot sign: the account must be active with a valid certificate.' },
  PDF_INVALID: { status: 422, id: 'Berkas bukan PDF yang utuh dan terbaca. Simpan ulang dokumen sebagai PDF lalu coba lagi.', en: 'The file is not a complete, readable PDF. Save the document as PDF again and retry.' },
  PDF_PASSWORD_REQUIRED: { status: 422, id: 'PDF ini dilindungi kata sandi. Sertakan kata sandi dokumen (pdfPassword) yang benar.', en: 'This PDF is password-protected. Send its correct password (pdfPassword).' },
  TENANT_NOT_FOUND: { status: 404, id: 'Instansi tidak ditemukan.', en: 'Tenant not found.' },
  TENANT_SUSPENDED: { status: 403, id: 'Layanan TTE untuk instansi Anda sedang dihentikan sementara oleh operator. Hubungi operator layanan (Diskominfo) untuk mengaktifkannya kembali.', en: 'The TTE service for your agency is suspended by the operator. Contact the service operator (Diskominfo) to have it reactivated.' },
  TENANT_DOMAIN_TAKEN: { status: 409, id: 'Domain e-mail ini sudah dimiliki instansi lain. Setiap domain hanya boleh dimiliki satu instansi.', en: 'This e-mail domain already belongs to another tenant. Each domain belongs to one tenant only.' },
  API_KEY_NOT_FOUND: { status: 404, id: 'Kunci API tidak ditemukan.', en: 'API key not found.' },
  API_KEY_LIMIT: { status: 409, id: 'Instansi ini sudah memiliki 20 kunci API aktif. Cabut kunci yang tidak dipakai sebelum membuat yang baru.', en: 'This tenant already has 20 live API keys. Revoke unused ones before making a new one.' },
  DOCUMENT_NOT_FOUND: { status: 404, id: 'Dokumen bertanda tangan tidak ditemukan atau sudah melewati masa simpan 24 jam.', en: 'The signed document was not found or is past its 24-hour keeping time.' },
  OCSP_REQUEST_INVALID: { status: 400, id: 'Permintaan OCSP tidak dapat dibaca.', en: 'The OCSP request could not be read.' },
  TOO_MANY_REQUESTS: { status: 429, id: 'Terlalu banyak permintaan dari alamat Anda. Tunggu sebentar lalu coba lagi.', en: 'Too many requests from your address. Wait a moment and try again.' },
  CONFLICT: { status: 409, id: 'Data sedang diubah oleh permintaan lain. Silakan coba lagi.', en: 'The data is being changed by another request. Try again.' },
  SERVICE_UNAVAILABLE: { status: 503, id: 'Layanan sedang sibuk. Silakan coba lagi sebentar lagi.', en: 'The service is busy. Try again shortly.' },
  ATTEMPT_IN_PROGRESS: { status: 503, id: 'Percobaan lain untuk akun atau kunci tanda tangan ini sedang diperiksa. Tunggu beberapa detik, lalu kirim ulang permintaan Anda.', en: 'Another try for this account or signing key is being checked. Wait a few seconds, then send your request again.' },
  INTERNAL_ERROR: { status: 500, id: 'Terjadi kesalahan pada layanan. Silakan coba lagi.', en: 'Something went wrong on our side. Try again.' },
  SIGNATURE_PAGE_INVALID: { status: 422, id: 'Halaman tanda tangan tidak ada pada dokumen: gunakan nomor halaman mulai 1 sampai jumlah halaman, "first" atau "last".', en: 'The signature page is not in the document: use a page number from 1 to the page count, "first" or "last".' },
  SIGNATURE_RECTANGLE_INVALID: { status: 422, id: 'Kotak tanda tangan harus berukuran positif dan seluruhnya berada di dalam halaman (koordinat dalam poin PDF, titik asal di kiri bawah).', en: 'The signature box must have a positive size and lie wholly inside the page (PDF points, origin at the bottom left).' },
  SIGNATURE_IMAGE_INVALID: { status: 422, id: 'Gambar tanda tangan harus berkas PNG atau JPEG yang utuh.', en: 'The signature image must be a complete PNG or JPEG file.' },
  SIGNATURE_ANCHOR_NOT_FOUND: { status: 422, id: 'Teks penanda posisi tanda tangan (anchorText/tag_koordinat) tidak ditemukan pada dokumen. Pastikan teks itu tertulis persis sama, termasuk huruf besar dan kecil, sebagai teks (bukan gambar) pada halaman yang dimaksud.', en: 'The signature anchor text (anchorText/tag_koordinat) was not found in the document. Make sure it is written exactly, with the same upper and lower case, as text (not an image) on the page given.' },
  DATA_CHANGE_PENDING: { status: 409, id: 'Masih ada permintaan perubahan data yang belum diputuskan. Tunggu sampai permintaan itu disetujui atau ditolak sebelum mengajukan perubahan baru atau menerbitkan sertifikat.', en: 'A data change request is still waiting for a decision. Wait until it is approved or rejected before asking for another change or issuing a certificate.' },
  DATA_CHANGE_NOT_FOUND: { status: 404, id: 'Permintaan perubahan data tidak ditemukan.', en: 'Data change request not found.' },
  DATA_CHANGE_NO_CHANGE: { status: 422, id: 'Tidak ada data yang berubah. Isi paling sedikit satu data dengan nilai baru yang berbeda dari data saat ini.', en: 'Nothing changes. Give at least one field a new value that differs from the current one.' },
  DATA_CHANGE_NOT_PENDING: { status: 409, id: 'Permintaan perubahan data ini sudah diputuskan.', en: 'This data change request has already been decided.' },
  DATA_CHANGE_OTHER_PARTY: { status: 403, id: 'Perubahan data diputuskan oleh pihak lain: permintaan pengguna oleh verifikator instansi, usulan verifikator oleh pengguna itu sendiri.', en: 'A data change is decided by the other party: a user\'s request by the agency verifier, a verifier\'s proposal by the user.' },
  CERTIFICATE_SUSPENDED: { status: 409, id: 'Sertifikat Anda sedang ditangguhkan karena ada permintaan perubahan data yang belum diputuskan. Sertifikat dapat diperbarui atau diubah passphrase-nya setelah perubahan data diputuskan.', en: 'Your certificate is suspended while a data change request waits for a decision. It can be renewed or have its passphrase changed once the change is decided.' },
  PRICE_EFFECTIVE_DATE_PAST: { status: 422, id: 'Harga baru hanya dapat berlaku mulai hari ini atau tanggal sesudahnya (WIB). Perubahan harga tidak berlaku surut.', en: 'New prices can take effect today or later (WIB). A price change never applies retroactively.' },
  STATEMENT_PERIOD_INVALID: { status: 422, id: 'Tagihan hanya tersedia untuk bulan berjalan dan bulan-bulan sebelumnya sejak instansi terdaftar.', en: 'Statements exist only for the current month and the past months since the tenant was registered.' },
  LETTER_INVALID: { status: 422, id: 'Surat permohonan tidak dapat diterima: gunakan berkas PDF asli yang utuh dan dapat dibaca (bukan gambar atau pindaian berformat JPG/PNG), paling besar 5 MB.', en: 'The request letter was not accepted: use a genuine, complete and readable PDF file (not an image), 5 MB at most.' },
  LETTER_NOT_FOUND: { status: 404, id: 'Surat permohonan tidak ditemukan. Unggah kembali surat permohonan instansi Anda, lalu ulangi pendaftaran.', en: 'Request letter not found. Upload your agency\'s request letter again, then repeat the registration.' },
  IMPORT_TOO_MANY_ROWS: { status: 422, id: 'Daftar berisi lebih dari 1000 baris. Bagi daftar menjadi beberapa berkas berisi paling banyak 1000 baris; tidak ada pegawai yang didaftarkan dari daftar ini.', en: 'The list has more than 1000 rows. Split it into files of at most 1000 rows; nobody was registered from this list.' },
  CONSENT_NOT_GIVEN: { status: 409, id: 'Surat pernyataan penggunaan data pribadi belum dapat dibuat: persetujuan atas kebijakan privasi belum diberikan. Selesaikan langkah aktivasi hingga persetujuan kebijakan privasi.', en: 'The personal-data statement cannot be made yet: the privacy policy has not been accepted. Finish activation up to the privacy policy consent.' },
} as const satisfies Record<string, { status: number; id: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** Field-level codes carried in `errors[].code`, each with its messages. */
export const fieldErrorCatalog = {
  REQUIRED: { id: 'Wajib diisi.', en: 'Required.' },
  UNKNOWN_FIELD: { id: 'Isian ini tidak dikenal.', en: 'Unknown field.' },
  TYPE_INVALID: { id: 'Jenis isian tidak sesuai.', en: 'Wrong type.' },
  VALUE_INVALID: { id: 'Nilai tidak valid.', en: 'Invalid value.' },
  TOO_LONG: { id: 'Isian terlalu panjang.', en: 'Too long.' },
  TOO_LARGE: { id: 'Ukuran melebihi batas.', en: 'Larger than allowed.' },
  NIP_NIK_MISMATCH: { id: 'Tanggal lahir pada NIP tidak sama dengan tanggal lahir pada NIK.', en: 'The birth date in the NIP differs from the one in the NIK.' },
  PROVINCE_INVALID: { id: 'Provinsi tidak dikenal. Pilih dari daftar provinsi.', en: 'Unknown province. Choose one from the list.' },
  CITY_INVALID: { id: 'Kabupaten/kota tidak dikenal di provinsi ini.', en: 'Unknown regency or city in this province.' },
  NAME_INVALID: { id: 'Nama hanya boleh berisi huruf dan spasi tunggal (2–100 karakter), tanpa gelar.', en: 'A name has letters and single spaces only (2–100 characters), no titles.' },
  EMAIL_INVALID: { id: 'Alamat e-mail tidak valid.', en: 'Invalid e-mail address.' },
  PHONE_INVALID: { id: 'Nomor ponsel harus nomor Indonesia, misalnya 081234567890 atau +6281234567890.', en: 'Use an Indonesian mobile number, e.g. 081234567890 or +6281234567890.' },
  NIK_INVALID: { id: 'NIK tidak valid: harus 16 digit sesuai KTP, dengan kode provinsi dan tanggal lahir yang benar.', en: 'Invalid NIK: 16 digits as on the KTP, with a real province code and birth date.' },
  NIP_INVALID: { id: 'NIP tidak valid: harus 18 digit dengan tanggal lahir, TMT pengangkatan (setelah usia 18 tahun) dan kode jenis kelamin 1 atau 2.', en: 'Invalid NIP: 18 digits with the birth date, the appointment month (after age 18) and gender digit 1 or 2.' },
  NRP_INVALID: { id: 'NRP harus 8 digit.', en: 'NRP must be 8 digits.' },
  PASSWORD_POLICY: { id: 'Kata sandi minimal 8 karakter dengan huruf besar, huruf kecil, angka dan karakter khusus; karakter [ ] ^ \\ tidak diperbolehkan.', en: 'A password has at least 8 characters with upper- and lower-case letters, a digit and a special character; [ ] ^ \\ are not allowed.' },
  PASSPHRASE_POLICY: { id: 'Passphrase minimal 8 karakter dengan huruf besar, huruf kecil, angka dan karakter khusus; karakter [ ] ^ \\ tidak diperbolehkan.', en: 'A passphrase has at least 8 characters with upper- and lower-case letters, a digit and a special character; [ ] ^ \\ are not allowed.' },
  PASSPHRASE_MISMATCH: { id: 'Konfirmasi passphrase tidak sama.', en: 'The passphrase confirmation does not match.' },
  AGREEMENT_NOT_ACCEPTED: { id: 'Baca dan setujui Perjanjian Pemilik Sertifikat untuk melanjutkan.', en: 'Read and accept the Subscriber Agreement to continue.' },
  OTP_INVALID: { id: 'Kode OTP harus 6 digit angka.', en: 'An OTP code is 6 digits.' },
  CURSOR_INVALID: { id: 'Kursor halaman tidak valid.', en: 'Invalid page cursor.' },
  DOMAIN_INVALID: { id: 'Domain tidak valid: tulis nama domain saja, misalnya sultengprov.go.id (tanpa @, http:// atau garis miring).', en: 'Invalid domain: write the domain name only, e.g. sultengprov.go.id (no @, http:// or slashes).' },
  DUPLICATE_VALUE: { id: 'Nilai ini sudah ada di daftar.', en: 'This value is already in the list.' },
  DATE_INVALID: { id: 'Tanggal tidak valid: tulis tanggal yang ada dengan format tttt-bb-hh, misalnya 2026-11-01.', en: 'Invalid date: write a real date as yyyy-mm-dd, e.g. 2026-11-01.' },
  DATE_RANGE_INVALID: { id: 'Tanggal akhir harus sama dengan atau sesudah tanggal awal, dengan rentang paling lama 366 hari.', en: 'The end date must be on or after the start date, 366 days at most.' },
  DATE_BEFORE_START: { id: 'Tanggal akhir tidak boleh sebelum tanggal awal.', en: 'The end date cannot be before the start date.' },
  PRICE_INVALID: { id: 'Harga harus bilangan bulat rupiah dari 0 sampai 100.000.000, tanpa sen.', en: 'A price is a whole number of rupiah from 0 to 100,000,000, without cents.' },
} as const satisfies Record<string, { id: string; en: string }>;

export type FieldErrorCode = keyof typeof fieldErrorCatalog;

export interface FieldError {
  field: string;
  code: FieldErrorCode;
}

/** A failure the caller caused or can act on; mapped to problem+json in one place. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  readonly detailOverride?: { id: string; en: string };
  readonly extensions?: Readonly<Record<string, string | number>>;
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    readonly fieldErrors: readonly FieldError[] = [],
    options: {
      /** A more specific explanation than the catalog's (still in both languages). */
      detail?: { id: string; en: string };
      /** For the log only, never the response: what went wrong underneath. */
      internal?: string;
      /** Extra members of the problem body for programs (e.g. `lockedUntil`); never secrets. */
      extensions?: Record<string, string | number>;
      /** Response headers that belong with the error (e.g. `retry-after` on 429). */
      headers?: Record<string, string>;
    } = {},
  ) {
    super(options.internal ? `${code}: ${options.internal}` : code);
    this.status = errorCatalog[code].status;
    this.detailOverride = options.detail;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

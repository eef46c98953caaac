import type { CertificateStatus, RevocationReason } from '../../shared/domain/certificates.js';
import { formatSerial } from './format.js';

/** Certificate statuses as the pages name them (holder and verifier alike). */
export const certificateStatusLabels: Record<CertificateStatus, string> = {
  ISSUED: 'Berlaku', SUSPENDED: 'Ditangguhkan', REVOKED: 'Dicabut', EXPIRED: 'Kedaluwarsa', RENEWED: 'Diperbarui',
};

/** Statuses a certificate may still be revoked from (the certificates context's rule, mirrored to offer the button). */
export const revocableStatuses: ReadonlySet<CertificateStatus> = new Set<CertificateStatus>(['ISSUED', 'RENEWED', 'SUSPENDED']);

/** The RFC 5280 reasons as a verifier records them. */
export const revocationLabels: Record<RevocationReason, string> = {
  keyCompromise: 'Kunci atau passphrase bocor',
  affiliationChanged: 'Pindah instansi atau data berubah',
  superseded: 'Digantikan sertifikat baru',
  cessationOfOperation: 'Berhenti bertugas',
  unspecified: 'Tanpa alasan khusus',
};

/** Who acted, as a history or the audit trail says it ("oleh verifikator"). */
export const roleLabels: Record<string, string> = { SYSTEM: 'sistem', VERIFIER: 'verifikator', OPERATOR: 'operator', USER: 'pengguna', INTEGRATOR: 'integrator' };

/** Audit actions as people read them: a user's history in the console and the audit trail page. */
export const actionLabels: Record<string, string> = {
  USER_REGISTERED: 'Didaftarkan',
  ACTIVATION_LINK_RESENT: 'Tautan aktivasi dikirim ulang',
  ACTIVATION_SUBMITTED: 'Aktivasi dikirim',
  SCREENED_MATCH: 'Cocok dengan data kepegawaian',
  SCREENED_NO_MATCH: 'Tidak cocok dengan data kepegawaian',
  SCREENED_NOT_APPLICABLE: 'Pemeriksaan data kepegawaian tidak berlaku',
  SCREENED_REGISTRY_UNAVAILABLE: 'Data kepegawaian tidak dapat dihubungi',
  REVIEW_REQUESTED: 'Menunggu keputusan verifikator',
  REVIEW_RESUMED: 'Pemeriksaan dilanjutkan',
  REVIEW_TIMED_OUT: 'Batas waktu keputusan terlewati',
  APPLICATION_APPROVED: 'Pendaftaran disetujui',
  APPLICATION_REJECTED: 'Pendaftaran ditolak',
  WORKFLOW_FAILED: 'Proses verifikasi gagal',
  ACCOUNT_SET_UP: 'Kata sandi dan OTP dibuat',
  ACCOUNT_MARKED_COMPROMISED: 'Akun dinonaktifkan (disalahgunakan)',
  ACCOUNT_REACTIVATED: 'Akun dipulihkan',
  EMAIL_BOUNCED: 'E-mail ditolak server penerima',
  EMAIL_COMPLAINED: 'E-mail ditandai sebagai spam; e-mail berikutnya diblokir',
  EMAIL_BLOCK_CLEARED: 'E-mail diizinkan lagi',
  CERTIFICATE_ISSUED: 'Sertifikat terbit',
  CERTIFICATE_REVOKED: 'Sertifikat dicabut',
  CERTIFICATE_EXPIRED: 'Sertifikat kedaluwarsa',
  PASSPHRASE_CHANGED: 'Passphrase diubah',
  PASSPHRASE_RESET: 'Passphrase direset',
  PASSWORD_RESET: 'Kata sandi diatur ulang',
  OTP_DEVICE_ADDED: 'Perangkat OTP ditambahkan',
  OTP_DEVICE_REMOVED: 'Perangkat OTP dihapus',
  OTP_DEVICE_REQUESTED: 'Perangkat OTP diminta',
  OTP_DEVICE_REQUEST_APPROVED: 'Permintaan perangkat OTP disetujui',
  OTP_DEVICE_REQUEST_REJECTED: 'Permintaan perangkat OTP ditolak',
  REACTIVATION_REQUESTED: 'Pemulihan akun diminta',
  SIGNING_KEY_LOCKED: 'Kunci tanda tangan terkunci',
  LOGGED_IN: 'Masuk',
  LOCKED_FAILED_PASSWORDS: 'Dikunci sementara: kata sandi salah berulang kali',
  LOCKED_FAILED_OTPS: 'Dikunci sementara: kode OTP salah berulang kali',
  PASSWORD_RESET_REQUESTED: 'Atur ulang kata sandi diminta',
  OTP_DEVICE_REQUEST_SUBMITTED: 'Permintaan perangkat OTP dikirim',
  OTP_DEVICE_REQUEST_MATCHED: 'Permintaan perangkat OTP disetujui (wajah cocok)',
  CERTIFICATE_REQUESTED: 'Sertifikat baru diminta',
  RENEWAL_REQUESTED: 'Pembaruan sertifikat diminta',
  PASSPHRASE_CHANGE_REQUESTED: 'Ubah passphrase diminta',
  PASSPHRASE_RESET_REQUESTED: 'Reset passphrase diminta',
  DATA_CHANGE_REQUESTED: 'Perubahan data diajukan pengguna',
  DATA_CHANGE_PROPOSED: 'Perubahan data diusulkan verifikator',
  DATA_CHANGE_APPROVED: 'Perubahan data disetujui',
  DATA_CHANGE_REJECTED: 'Perubahan data ditolak',
  EMAIL_CHANGED: 'Alamat e-mail diubah',
  USER_ERASED: 'Data pribadi dihapus',
  ERASURE_COMPLETED_AGAIN: 'Penghapusan data pribadi dituntaskan',
  API_KEY_CREATED: 'Kunci API dibuat',
  API_KEY_REVOKED: 'Kunci API dicabut',
  TENANT_CREATED: 'Instansi didaftarkan',
  TENANT_UPDATED: 'Data instansi diubah',
  TENANT_SUSPENDED: 'Layanan instansi dihentikan sementara',
  TENANT_REACTIVATED: 'Layanan instansi diaktifkan kembali',
  VERIFIER_INVITED: 'Verifikator diundang',
  OPERATOR_INVITED: 'Operator diundang',
  STAFF_DISABLED: 'Akun staf dinonaktifkan',
  STAFF_REACTIVATION_SENT: 'Tautan pemulihan akun staf dikirim',
  PRICE_LIST_SET: 'Daftar harga diubah',
  PROFILE_VIEWED: 'Profil dibuka',
  REQUEST_LETTER_UPLOADED: 'Surat permohonan diunggah',
  PHOTO_VIEWED: 'Foto selfie dilihat',
  PERSONAL_DATA_EXPORTED: 'Data pribadi diunduh',
  CONSENT_STATEMENT_DOWNLOADED: 'Surat pernyataan penggunaan data pribadi diunduh',
};

/** An audit note as a person reads it: certificate actions note the serial (and a revocation its reason). */
export function auditNote(note: string): string {
  const certificate = /^([0-9a-f]{2,40})(?: (\w+))?$/.exec(note);
  if (!certificate) return note;
  const reason = certificate[2] as RevocationReason | undefined;
  return `Sertifikat ${formatSerial(certificate[1]!)}${reason && reason in revocationLabels ? `, alasan: ${revocationLabels[reason]}` : ''}`;
}

/**
 * The e-mails the service sends, with the data each needs. `secret` data (links carrying tokens)
 * is sealed in the outbox and opened only by the dispatcher.
 */
export interface MessageTemplates {
  activation: { data: { fullName: string; tenantName: string; expiresAt: string }; secret: { link: string } };
  /** `verifierOf`: the tenant's name, when an operator made the account for one of its verifiers. */
  accountInfo: { data: { fullName: string; username: string; expiresAt: string; verifierOf?: string }; secret: { link: string } };
  /**
   * "Set Passphrase": the enroll link. `kind` FIRST (after approval), RENEWAL (the current
   * certificate ends within 30 days), NEW_REQUEST (no valid certificate left) or DATA_CHANGE (an
   * approved data change revoked the old one).
   */
  setPassphrase: { data: { fullName: string; expiresAt: string; kind: 'FIRST' | 'RENEWAL' | 'NEW_REQUEST' | 'DATA_CHANGE' }; secret: { link: string } };
  applicationRejected: { data: { fullName: string; tenantName: string; reason: string }; secret: Record<string, never> };
  applicationExpired: { data: { fullName: string; tenantName: string }; secret: Record<string, never> };
  reviewRequested: { data: { applicantName: string; tenantName: string; employmentType: string; screening: string; reviewUrl: string }; secret: Record<string, never> };
  /** "Pengajuan Mandiri Menunggu Persetujuan": to the tenant's verifiers, for a self-application held for confirmation. */
  selfApplicationHeld: { data: { applicantName: string; applicantEmail: string; tenantName: string; reviewUrl: string }; secret: Record<string, never> };
  certificateExpiring: { data: { fullName: string; serialNumber: string; notAfter: string; daysLeft: string }; secret: Record<string, never> };
  // Accounts: passwords, OTP devices, lockouts and compromised accounts.
  /** "Atur Ulang Kata Sandi": the reset-password link (1 hour). */
  passwordResetLink: { data: { fullName: string; expiresAt: string }; secret: { link: string } };
  /** "Pembaruan Kata Sandi": sent on every password change; `change` is SETUP, RESET or REACTIVATION. */
  passwordChanged: { data: { fullName: string; change: 'SETUP' | 'RESET' | 'REACTIVATION'; changedAt: string }; secret: Record<string, never> };
  /**
   * "Pembaruan Perangkat OTP": sent on every device change. `change` is ADDED (deviceName added;
   * removedDeviceName is the oldest one it replaced, or ''), REMOVED (deviceName removed) or
   * REPLACED (all devices replaced by deviceName, at account setup or reactivation).
   */
  otpDeviceChanged: { data: { fullName: string; change: 'ADDED' | 'REMOVED' | 'REPLACED'; deviceName: string; removedDeviceName: string; changedAt: string }; secret: Record<string, never> };
  /** "Akun Terkunci Sementara": five failed passwords (PASSWORD) or OTP codes (OTP) in 15 minutes. */
  accountLocked: { data: { fullName: string; cause: 'PASSWORD' | 'OTP'; lockedUntil: string }; secret: Record<string, never> };
  /**
   * "Permintaan Perangkat OTP": the otp-device link to take a fresh selfie. `kind` ADD_DEVICE
   * (lost or new phone) or RESET_AUTHENTICATOR (a disabled account asks to be restored).
   */
  otpDeviceRequestLink: { data: { fullName: string; kind: 'ADD_DEVICE' | 'RESET_AUTHENTICATOR'; expiresAt: string }; secret: { link: string } };
  /** To the tenant's verifiers: a device or reset request waits for their check. */
  otpDeviceReviewRequested: { data: { applicantName: string; tenantName: string; kind: 'ADD_DEVICE' | 'RESET_AUTHENTICATOR'; reviewUrl: string }; secret: Record<string, never> };
  /** "Pendaftaran Perangkat OTP": approved; the otp-device link to register the new device (24 hours). */
  otpDeviceApproved: { data: { fullName: string; expiresAt: string }; secret: { link: string } };
  /** The request was rejected by the verifier, with the reason. */
  otpDeviceRequestRejected: { data: { fullName: string; kind: 'ADD_DEVICE' | 'RESET_AUTHENTICATOR'; reason: string }; secret: Record<string, never> };
  /** "Akun Dinonaktifkan": marked compromised by a verifier or operator. */
  accountDisabled: { data: { fullName: string; reason: string; disabledAt: string; staffRole?: 'VERIFIER' | 'OPERATOR' }; secret: Record<string, never> };
  /** "Pemulihan Akun": reactivation approved; an account-setup link that replaces the password and every device (72 hours). */
  accountReactivation: { data: { fullName: string; username: string; expiresAt: string; staffRole?: 'VERIFIER' | 'OPERATOR' }; secret: { link: string } };
  // Certificates: issuance, revocation, passphrases and the signing-key lock.
  /** "Sertifikat Elektronik Terbit", with the subject fields, serial and end of validity. */
  certificateIssued: { data: { fullName: string; commonName: string; organization: string; country: string; serialNumber: string; notAfter: string }; secret: Record<string, never> };
  /** "Sertifikat Elektronik Dicabut"; `by` HOLDER, VERIFIER or SYSTEM (a passphrase reset supersedes it). */
  certificateRevoked: { data: { fullName: string; serialNumber: string; reason: string; revokedAt: string; by: 'HOLDER' | 'VERIFIER' | 'SYSTEM' }; secret: Record<string, never> };
  /** "Ubah Passphrase": the change-passphrase link (1 hour). */
  passphraseChangeLink: { data: { fullName: string; serialNumber: string; expiresAt: string }; secret: { link: string } };
  /** "Reset Passphrase": the reset-passphrase link (1 hour); a new key and certificate follow. */
  passphraseResetLink: { data: { fullName: string; serialNumber: string; expiresAt: string }; secret: { link: string } };
  /** "Pembaruan Passphrase": after a change (CHANGED, same key) or a reset (RESET, new key and certificate). */
  passphraseChanged: { data: { fullName: string; change: 'CHANGED' | 'RESET'; serialNumber: string; changedAt: string }; secret: Record<string, never> };
  /** "Kunci Tanda Tangan Terkunci": five wrong passphrases in a row. */
  signingKeyLocked: { data: { fullName: string; lockedAt: string }; secret: Record<string, never> };
  /**
   * "Tagihan Layanan <bulan tahun>" to the tenant's billing address at month end: `period` yyyy-mm,
   * `lines` the statement lines as JSON, `total` whole rupiah, `statementUrl` the console page.
   */
  monthlyStatement: { data: { tenantName: string; period: string; lines: string; total: string; statementUrl: string }; secret: Record<string, never> };
  // Data changes (Perubahan Data). `changes` is JSON: [{ label, from, to }] in the order of the form.
  /**
   * "Perubahan Data Diajukan", to the user: their request is in. `held`: the certificate is suspended
   * meanwhile and approval reissues it (REISSUE) or makes it valid again (RESTORE), or there is none (NONE).
   */
  dataChangeRequested: { data: { fullName: string; changes: string; reason: string; held: 'REISSUE' | 'RESTORE' | 'NONE' }; secret: Record<string, never> };
  /** "Permintaan Perubahan Data", to the tenant's verifiers: a user's request waits for their decision. */
  dataChangeReviewRequested: { data: { applicantName: string; tenantName: string; changes: string; reason: string; reviewUrl: string }; secret: Record<string, never> };
  /** "Perubahan Data", to the user: a verifier's proposal, with the data-change link to approve or reject it. */
  dataChangeProposed: { data: { fullName: string; tenantName: string; changes: string; reason: string; held: 'REISSUE' | 'RESTORE' | 'NONE'; expiresAt: string }; secret: { link: string } };
  /**
   * "Perubahan Data Disetujui" / "Perubahan Data Ditolak", to the user. `by` VERIFIER (their request
   * decided) or HOLDER (they answered a proposal); `certificate` REVOKED, RESTORED or NONE;
   * `newEmail` the address that still has to confirm ('' when none).
   */
  dataChangeDecided: {
    data: { fullName: string; decision: 'APPROVE' | 'REJECT'; by: 'VERIFIER' | 'HOLDER'; changes: string; reason: string; certificate: 'REVOKED' | 'RESTORED' | 'NONE'; newEmail: string };
    secret: Record<string, never>;
  };
  /** "Tanggapan Perubahan Data", to the verifier who proposed a change: the user approved or rejected it. */
  dataChangeAnswered: { data: { applicantName: string; decision: 'APPROVE' | 'REJECT'; changes: string; reason: string; reviewUrl: string }; secret: Record<string, never> };
  /** "Konfirmasi Alamat E-mail", to a new address: the confirm-email link (72 hours). */
  emailChangeConfirmation: { data: { fullName: string; newEmail: string; expiresAt: string }; secret: { link: string } };
  /** "Alamat E-mail Diperbarui", to the old and the new address once the new one is confirmed. */
  emailChanged: { data: { fullName: string; oldEmail: string; newEmail: string; changedAt: string }; secret: Record<string, never> };
  /**
   * "E-mail Tidak Sampai", to the tenant's verifiers: the receiving server refused an e-mail for
   * good (a hard bounce). `subject` is the refused e-mail's, `reason` in plain words, `userUrl` the
   * person's console page (no token).
   */
  emailBounced: { data: { fullName: string; email: string; subject: string; reason: string; bouncedAt: string; userUrl: string }; secret: Record<string, never> };
}

export type TemplateName = keyof MessageTemplates;

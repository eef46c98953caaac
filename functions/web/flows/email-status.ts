import * as z from 'zod';
import type { DeliveryStatus } from '../../../shared/domain/delivery.js';
import type { TemplateName } from '../../../shared/domain/messages.js';
import type { RouteActions } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { enrollmentRoutes } from '../../enrollment/routes.js';
import type { SuccessBody } from '../api.js';
import { formatDateTime } from '../format.js';
import { postForm, submitButton } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

/**
 * The "E-mail" section of a user's console page: each e-mail sent to them, what it was for and
 * what became of it (SES's reports), and, when their address marked our mail as spam, the button
 * that lets mail flow again. The rules are the API's; the page shows and forwards.
 */

type UserDetail = SuccessBody<typeof enrollmentRoutes.routes.getUser>;
type EmailEntry = UserDetail['emails'][number];

/** What each e-mail was for, as a verifier names it (one not named here shows its subject alone). */
const purposeLabels: Partial<Record<TemplateName, string>> = {
  activation: 'Aktivasi akun',
  accountInfo: 'Informasi akun (kata sandi dan OTP)',
  setPassphrase: 'Set passphrase',
  applicationRejected: 'Pendaftaran ditolak',
  applicationExpired: 'Pendaftaran kedaluwarsa',
  reviewRequested: 'Permintaan verifikasi pendaftaran',
  certificateExpiring: 'Sertifikat akan berakhir',
  passwordResetLink: 'Atur ulang kata sandi',
  passwordChanged: 'Kata sandi diperbarui',
  otpDeviceChanged: 'Perangkat OTP diperbarui',
  accountLocked: 'Akun terkunci sementara',
  otpDeviceRequestLink: 'Permintaan perangkat OTP',
  otpDeviceReviewRequested: 'Permintaan perangkat OTP (untuk verifikator)',
  otpDeviceApproved: 'Pendaftaran perangkat OTP',
  otpDeviceRequestRejected: 'Permintaan perangkat OTP ditolak',
  accountDisabled: 'Akun dinonaktifkan',
  accountReactivation: 'Pemulihan akun',
  certificateIssued: 'Sertifikat terbit',
  certificateRevoked: 'Sertifikat dicabut',
  passphraseChangeLink: 'Ubah passphrase',
  passphraseResetLink: 'Reset passphrase',
  passphraseChanged: 'Passphrase diperbarui',
  signingKeyLocked: 'Kunci tanda tangan terkunci',
  monthlyStatement: 'Tagihan layanan',
  dataChangeRequested: 'Perubahan data diajukan',
  dataChangeReviewRequested: 'Permintaan perubahan data (untuk verifikator)',
  dataChangeProposed: 'Usulan perubahan data',
  dataChangeDecided: 'Keputusan perubahan data',
  dataChangeAnswered: 'Tanggapan perubahan data',
  emailChangeConfirmation: 'Konfirmasi alamat e-mail',
  emailChanged: 'Alamat e-mail diperbarui',
  emailBounced: 'E-mail tidak sampai (untuk verifikator)',
};

export const purposeLabel = (purpose: string): string | undefined => (Object.hasOwn(purposeLabels, purpose) ? purposeLabels[purpose as TemplateName] : undefined);

/** What became of an e-mail, in words; `tone` picks its colour. */
export function statusLabel(entry: Pick<EmailEntry, 'status' | 'detail'>): { text: string; tone: 'ok' | 'wait' | 'bad' } {
  const labels: Record<DeliveryStatus, () => { text: string; tone: 'ok' | 'wait' | 'bad' }> = {
    SENT: () => ({ text: 'Menunggu laporan', tone: 'wait' }),
    DELAYED: () => ({ text: entry.detail ? `Tertunda. ${entry.detail}` : 'Tertunda', tone: 'wait' }),
    DELIVERED: () => ({ text: 'Terkirim', tone: 'ok' }),
    BOUNCED: () => ({ text: entry.detail ? `Ditolak server penerima: ${entry.detail}` : 'Ditolak server penerima', tone: 'bad' }),
    COMPLAINED: () => ({ text: 'Ditandai sebagai spam', tone: 'bad' }),
    REJECTED: () => ({ text: entry.detail ? `Tidak dikirim: ${entry.detail}` : 'Tidak dikirim oleh layanan e-mail', tone: 'bad' }),
    SUPPRESSED: () => ({ text: 'Tidak dikirim (diblokir)', tone: 'bad' }),
  };
  return labels[entry.status]();
}

const toneClass = { ok: ' status--valid', wait: '', bad: ' status--problem' } as const;

const userIdParams = z.strictObject({ userId: z.string().min(1).max(64) });

export const emailStatusPageRoutes = {
  consoleClearEmailBlock: {
    method: 'POST', path: '/web/console/users/{userId}/email-block', summary: "Verifier console: let e-mail flow again to a user's address that marked our mail as spam", access: 'public',
    params: userIdParams, ...formPost,
    responses: { 303: page("Cleared: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user, or the address not blocked') },
  },
} as const;

/** The user page's confirmation after the block is cleared (`?selesai=email-diizinkan`). */
export const emailBlockClearedNotice = 'email-diizinkan';

const userPagePath = (web: Web, userId: string) => web.path(`/console/users/${encodeURIComponent(userId)}`);

/** The section itself; `csrfToken` absent (an operator's view): no button. */
export function emailSection(web: Web, user: Pick<UserDetail, 'userId' | 'status' | 'emails' | 'emailBlocked'>, csrfToken?: string) {
  if (user.status === 'ERASED') return '';
  const blocked = user.emailBlocked ? html`<div class="warning-text" role="status">
<p><strong>E-mail ke alamat ini diblokir.</strong> Pemilik alamat menandai e-mail layanan TTE sebagai spam, sehingga tidak ada e-mail yang dikirim kepadanya, termasuk tautan.</p>
${csrfToken ? html`<p>Pastikan dahulu kepada pegawai bahwa ia ingin menerima e-mail layanan TTE. Setelah diizinkan, kirim ulang tautan yang ia perlukan.</p>
${postForm(`${userPagePath(web, user.userId)}/email-block`, [submitButton('Izinkan e-mail lagi', 'secondary')], { csrfToken })}` : ''}
</div>` : '';
  const list = user.emails.length === 0
    ? html`<p>Belum ada e-mail yang tercatat untuk pengguna ini.</p>`
    : html`<ul class="email-status">${user.emails.map((entry) => {
      const label = statusLabel(entry);
      return html`<li>
<strong>${purposeLabel(entry.purpose) ?? entry.subject}</strong><br>
<span class="hint">${entry.subject}</span><br>
<span class="status${toneClass[label.tone]}">${label.text}</span><br><span class="hint">${formatDateTime(entry.at)}</span>
</li>`;
    })}</ul>`;
  return html`<h2>E-mail</h2>
${blocked}
<p class="hint">E-mail terbaru di atas. "Menunggu laporan": e-mail sudah dikirim, server penerima belum melaporkan hasilnya.</p>
${list}`;
}

export function emailStatusPageActions(deps: WebDeps): RouteActions<typeof emailStatusPageRoutes> {
  return {
    consoleClearEmailBlock: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const { csrfToken } = request.body;
      const result = await web.api.call(enrollmentRoutes, 'clearEmailBlock', { params: { userId }, ...(csrfToken ? { csrfToken } : {}) });
      if (result.ok) return web.seeOther(`${userPagePath(web, userId)}?selesai=${emailBlockClearedNotice}`);
      if (result.problem.status === 401) return web.toLogin(userPagePath(web, userId));
      return web.fail(result.problem);
    },
  };
}

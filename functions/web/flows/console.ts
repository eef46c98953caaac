import * as z from 'zod';
import { revocationReasons, serialNumberPattern } from '../../../shared/domain/certificates.js';
import { fieldErrorCatalog, type FieldErrorCode } from '../../../shared/domain/errors.js';
import { HELD_APPLICATIONS, userListings, userStatuses, type UserListing, type UserStatus } from '../../../shared/domain/user.js';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { deviceRequestStatuses, type DeviceRequestStatus } from '../../../shared/ports/accounts.js';
import { html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import type { listDeviceRequests } from '../../accounts/use-cases/device-requests.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import { enrollmentRoutes } from '../../enrollment/routes.js';
import type { getUser } from '../../enrollment/use-cases/get-user.js';
import type { ApiResult, Problem, SuccessBody } from '../api.js';
import { formatDate, formatDateTime, formatSerial } from '../format.js';
import { checkboxField, emptyForm, errorSummary, formStateOf, hiddenField, postForm, submitButton, textAreaField, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { actionLabels, auditNote, certificateStatusLabels, revocableStatuses, revocationLabels, roleLabels } from '../labels.js';
import { formBody, formPost, page } from '../route-parts.js';
import { letterErrorFields, letterField, letterFormMaxBytes, letterForPost, letterSection, letterSummaryLabel } from '../letter-form.js';
import { consentStatementLabel, consoleConsentStatementPath } from './consent-statement.js';
import { emailSection } from './email-status.js';

/**
 * The verifier console: the tenant's users by status and search, registering one or a CSV list,
 * a user's page with the photos and every decision the status allows, and the OTP-device queue.
 * Every rule (role, tenant, status, CSRF) is the API's; these pages only show and forward.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type UserDetail = Awaited<ReturnType<typeof getUser>>;
type DeviceRequestItem = Awaited<ReturnType<typeof listDeviceRequests>>['items'][number];
type Certificate = SuccessBody<typeof certificatesRoutes.routes.listUserCertificates>['items'][number];

const ALL = 'SEMUA';
const userIdParams = z.strictObject({ userId: z.string().min(1).max(64) });
const requestIdParams = z.strictObject({ requestId: z.string().min(1).max(64) });
const cursor = z.string().max(2000).optional();

/** What the user page confirms after an action (`?selesai=`). */
const userNotices = {
  terdaftar: 'Pegawai terdaftar. E-mail "Aktivasi Akun" berisi tautan aktivasi (berlaku 24 jam) sudah dikirim kepadanya.',
  disetujui: 'Pendaftaran disetujui. Pengguna menerima e-mail "Informasi Akun" untuk membuat kata sandi dan OTP, lalu "Set Passphrase".',
  ditolak: 'Pendaftaran ditolak. Pengguna menerima e-mail berisi alasan penolakan.',
  'tautan-terkirim': 'Tautan aktivasi baru sudah dikirim. Tautan sebelumnya tidak berlaku lagi.',
  'tautan-akun-terkirim': 'Tautan pembuatan akun baru sudah dikirim (e-mail "Informasi Akun"). Tautan sebelumnya tidak berlaku lagi.',
  'tautan-passphrase-terkirim': 'Tautan Set Passphrase baru sudah dikirim. Tautan sebelumnya tidak berlaku lagi.',
  dinonaktifkan: 'Akun dinonaktifkan. Semua sesi dan tautan pengguna dihentikan, dan pengguna diberi tahu melalui e-mail.',
  dicabut: 'Sertifikat dicabut. Daftar pencabutan (CRL) dan layanan OCSP langsung mencatatnya.',
  dihapus: 'Data pribadi pengguna dihapus: foto, data KTP, data kepegawaian, dan akunnya. Sertifikat (yang bersifat publik) dan jejak audit tetap disimpan.',
  'email-diizinkan': 'E-mail ke alamat pengguna diizinkan lagi. Kirim ulang tautan yang ia perlukan.',
} as const;
type UserNotice = keyof typeof userNotices;

const deviceNotices = {
  disetujui: 'Permintaan disetujui. Pengguna menerima e-mail berisi tautan untuk mendaftarkan aplikasi autentikator.',
  ditolak: 'Permintaan ditolak. Pengguna diberi tahu melalui e-mail.',
} as const;
type DeviceNotice = keyof typeof deviceNotices;

const noticeKeys = <T extends Record<string, string>>(notices: T) => Object.keys(notices) as [keyof T & string, ...(keyof T & string)[]];

export const consoleRoutes = {
  consolePage: {
    method: 'GET', path: '/web/console', summary: "Verifier console: the tenant's users by status (the review queue first) and search", access: 'public',
    query: z.strictObject({ status: z.enum([...userListings, ALL]).optional(), cari: z.string().max(254).optional(), kursor: cursor }),
    responses: { 200: page('Konsol verifikator'), 303: page('Not signed in: to the login page'), 403: page('Not a verifier') },
  },
  consoleRegisterPage: {
    method: 'GET', path: '/web/console/register', summary: 'Verifier console: the form to register one employee', access: 'public',
    responses: { 200: page('Daftarkan pegawai'), 303: page('Not signed in: to the login page') },
  },
  consoleRegister: {
    method: 'POST', path: '/web/console/register', summary: "Verifier console: register one employee, with the request letter (PDF) if attached (the activation e-mail is sent); on to the user's page", access: 'public',
    // Multipart: the request letter travels with the form.
    bodyType: 'multipart/form-data', body: formBody, maxBodyBytes: letterFormMaxBytes(20_000),
    responses: {
      303: page("Registered: the user's page"), 403: page('No access, or the CSRF token missing'), 409: page('The form with its errors'),
      413: page('Larger than the form takes'), 422: page('The form with its errors'),
    },
  },
  consoleImportPage: {
    method: 'GET', path: '/web/console/import', summary: 'Verifier console: the form to register employees from CSV', access: 'public',
    responses: { 200: page('Impor CSV'), 303: page('Not signed in: to the login page') },
  },
  consoleImport: {
    method: 'POST', path: '/web/console/import', summary: 'Verifier console: CSV posted, with the request letter (PDF) if attached; the result of every row', access: 'public',
    // Multipart: the request letter travels with the list. A CSV of 1000 rows does not fit the usual bound on a form field.
    bodyType: 'multipart/form-data', body: z.record(z.string().max(100), z.string().max(500_000)), maxBodyBytes: letterFormMaxBytes(500_000),
    responses: { 200: page('Hasil impor'), 403: page('No access, or the CSRF token missing'), 413: page('Larger than the form takes'), 422: page('The form with its errors') },
  },
  consoleUserPage: {
    method: 'GET', path: '/web/console/users/{userId}', summary: 'Verifier console: a user (profile, activation data, photos, registry result, history, certificates, actions)', access: 'public',
    params: userIdParams, query: z.strictObject({ selesai: z.enum(noticeKeys(userNotices)).optional() }),
    responses: { 200: page('The user'), 303: page('Not signed in: to the login page'), 403: page('Not a verifier'), 404: page('Unknown user') },
  },
  consoleDecision: {
    method: 'POST', path: '/web/console/users/{userId}/decision', summary: 'Verifier console: approve, or reject with a reason', access: 'public',
    params: userIdParams, ...formPost,
    responses: { 303: page("Decided: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user'), 409: page('Not awaiting review'), 422: page('The reason missing') },
  },
  consoleResendLink: {
    method: 'POST', path: '/web/console/users/{userId}/links/{purpose}', summary: 'Verifier console: send a new account-setup or set-passphrase link', access: 'public',
    params: userIdParams.extend({ purpose: z.enum(['account-setup', 'enroll']) }), ...formPost,
    responses: { 303: page("Sent: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user'), 409: page('That step is not pending') },
  },
  consoleActivationLink: {
    method: 'POST', path: '/web/console/users/{userId}/activation-link', summary: 'Verifier console: send a new activation link', access: 'public',
    params: userIdParams, ...formPost,
    responses: { 303: page("Sent: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user'), 409: page('Activation already submitted') },
  },
  consoleCompromise: {
    method: 'POST', path: '/web/console/users/{userId}/compromise', summary: 'Verifier console: disable a compromised account, with a reason', access: 'public',
    params: userIdParams, ...formPost,
    responses: { 303: page("Disabled: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user'), 409: page('Not active'), 422: page('The reason missing') },
  },
  consoleRevocation: {
    method: 'POST', path: '/web/console/users/{userId}/certificates/{serial}/revocation', summary: "Verifier console: revoke a user's certificate with an RFC 5280 reason", access: 'public',
    params: userIdParams.extend({ serial: z.string().regex(serialNumberPattern) }), ...formPost,
    responses: { 303: page("Revoked: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user or certificate'), 409: page('Not revocable'), 422: page('The reason missing') },
  },
  consoleErasure: {
    method: 'POST', path: '/web/console/users/{userId}/erasure', summary: "Operator console: erase a person's data (UU PDP), confirmed with a checkbox", access: 'public',
    params: userIdParams, ...formPost,
    responses: { 303: page("Erased: the user's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user'), 409: page('A certificate still valid'), 422: page('Not confirmed') },
  },
  consoleDeviceRequestsPage: {
    method: 'GET', path: '/web/console/device-requests', summary: 'Verifier console: OTP-device and account-reactivation requests, with both selfies', access: 'public',
    query: z.strictObject({ status: z.enum(deviceRequestStatuses).optional(), kursor: cursor, selesai: z.enum(noticeKeys(deviceNotices)).optional() }),
    responses: { 200: page('Permintaan perangkat OTP'), 303: page('Not signed in: to the login page'), 403: page('Not a verifier') },
  },
  consoleDeviceRequestDecision: {
    method: 'POST', path: '/web/console/device-requests/{requestId}/decision', summary: 'Verifier console: approve, or reject with a reason, an OTP-device or reactivation request', access: 'public',
    params: requestIdParams, ...formPost,
    responses: { 303: page('Decided: the queue'), 403: page('No access, or the CSRF token missing'), 404: page('Unknown request'), 409: page('Not awaiting review'), 422: page('The reason missing') },
  },
} as const satisfies Record<string, RouteSpec>;

const statusLabels: Record<UserStatus, string> = {
  INVITED: 'Diundang', ACTIVATING: 'Sedang aktivasi', SUBMITTED: 'Diperiksa sistem', AWAITING_REVIEW: 'Menunggu verifikasi',
  APPROVED: 'Disetujui', ACTIVE: 'Aktif', REJECTED: 'Ditolak', EXPIRED: 'Kedaluwarsa', DISABLED: 'Dinonaktifkan', ERASED: 'Data dihapus',
};
const listingLabels: Record<UserListing, string> = { ...statusLabels, [HELD_APPLICATIONS]: 'Pengajuan mandiri' };
/** The tabs of the list: what waits for the verifier first (reviews, held self-applications), then everyone, then each status. */
const tabs: readonly (UserListing | typeof ALL)[] = ['AWAITING_REVIEW', HELD_APPLICATIONS, ALL, ...userStatuses.filter((status) => status !== 'AWAITING_REVIEW')];
const tabLabel = (listing: UserListing | typeof ALL) => (listing === ALL ? 'Semua' : listingLabels[listing]);

const deviceStatusLabels: Record<DeviceRequestStatus, string> = {
  AWAITING_SELFIE: 'Menunggu foto selfie', AWAITING_REVIEW: 'Menunggu keputusan', APPROVED: 'Disetujui', REJECTED: 'Ditolak', COMPLETED: 'Selesai',
};
const deviceKindLabels: Record<string, string> = {
  ADD_DEVICE: 'Perangkat OTP baru (ponsel hilang atau berganti)',
  RESET_AUTHENTICATOR: 'Pemulihan akun yang dinonaktifkan',
};

const screeningLabels: Record<string, string> = {
  MATCH: 'Cocok dengan data kepegawaian nasional',
  NO_MATCH: 'Tidak cocok dengan data kepegawaian nasional',
  NOT_APPLICABLE: 'Tidak diperiksa (bukan ASN atau POLRI)',
  REGISTRY_UNAVAILABLE: 'Data kepegawaian nasional tidak dapat dihubungi',
};
const employmentLabels: Record<string, string> = { ASN: 'ASN', POLRI: 'POLRI', OTHER: 'Lainnya' };
const genderLabels: Record<string, string> = { MALE: 'Laki-laki', FEMALE: 'Perempuan' };

const registerLabels = { fullName: 'Nama lengkap', email: 'Email', phone: 'Nomor ponsel (tidak wajib)', letter: letterSummaryLabel };
const csvLabels = { csv: 'Data CSV', letter: letterSummaryLabel };
/** A list's columns as a row's result names them. */
const importColumnLabels = { fullName: 'Nama lengkap', email: 'Email', phone: 'Nomor ponsel', nip: 'NIP', position: 'Jabatan', unitName: 'Unit kerja' };

/** A field's text, or nothing when blank: the API then says the field is required. */
const given = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** The API's field errors under the names this page's forms use. */
const renamed = (problem: Problem, names: Readonly<Record<string, string>>): Problem =>
  ({ ...problem, errors: problem.errors.map((error) => ({ ...error, field: names[error.field] ?? error.field })) });

/** A multi-line field in the style of forms.ts; `key` (default: the name) is its id and error key. */
const notice = (text: string | undefined) => (text ? html`<p class="notice" role="status">${text}</p>` : '');
const backToConsole = (web: Web, me?: Me) => (me?.role === 'OPERATOR'
  ? html`<p class="console-back"><a href="${web.path('/console/tenants')}">← Kembali ke konsol operator</a></p>`
  : html`<p class="console-back"><a href="${web.path('/console')}">← Kembali ke daftar pengguna</a></p>`);

/** What to do with a failed action: sign in again, an error page, or the form again with the error. */
type Failure = { kind: 'login' } | { kind: 'page' } | { kind: 'form'; problem: Problem };
const failureOf = (problem: Problem): Failure => {
  if (problem.status === 401) return { kind: 'login' };
  // No such user or request, or not a verifier: nothing on the page can help. A missing CSRF
  // token is the exception: the page, loaded again, carries a fresh one.
  if (problem.status === 404 || (problem.status === 403 && problem.code !== 'CSRF_TOKEN_INVALID')) return { kind: 'page' };
  return { kind: 'form', problem };
};

export function consoleActions(deps: WebDeps): RouteActions<typeof consoleRoutes> {
  const userPath = (web: Web, userId: string, done?: UserNotice) =>
    `${web.path(`/console/users/${encodeURIComponent(userId)}`)}${done ? `?selesai=${done}` : ''}`;

  const consoleUrl = (web: Web, query: { status?: string; cari?: string; kursor?: string }) => {
    const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
    const text = search.toString();
    return `${web.path('/console')}${text ? `?${text}` : ''}`;
  };

  // ---- the list ----------------------------------------------------------------------------

  const userList = async (web: Web, me: Me, query: { status?: UserListing | typeof ALL; cari?: string; kursor?: string }) => {
    const cari = query.cari?.trim() || undefined;
    // Without a search the review queue comes first; a search looks through everyone unless narrowed.
    const status = query.status ?? (cari ? ALL : 'AWAITING_REVIEW');
    const list = web.expect(await web.api.call(enrollmentRoutes, 'listUsers', {
      query: { status: status === ALL ? undefined : status, q: cari, cursor: query.kursor, limit: '25' },
    }));
    const here = { status, cari };
    // A search reads a bounded part of the list per page: an empty page may still have a next one.
    const empty = cari
      ? (list.nextCursor ? 'Belum ada yang cocok di bagian daftar ini. Pilih "Berikutnya" untuk mencari lebih jauh.' : 'Tidak ada pengguna yang cocok dengan pencarian ini.')
      : status === 'AWAITING_REVIEW' ? 'Tidak ada pendaftaran yang menunggu verifikasi.'
        : status === HELD_APPLICATIONS ? 'Tidak ada pengajuan mandiri yang menunggu persetujuan Anda.' : 'Belum ada pengguna dengan status ini.';
    return web.page({
      title: 'Konsol verifikator',
      heading: 'Konsol verifikator',
      nav: web.nav(me),
      body: html`<p>${me.tenantName ? html`Instansi: <strong>${me.tenantName}</strong>. ` : ''}Daftarkan pegawai, periksa pendaftaran, dan kelola akun serta sertifikat mereka.</p>
<ul class="console-links">
<li><a href="${web.path('/console/register')}">Daftarkan pegawai</a></li>
<li><a href="${web.path('/console/import')}">Impor daftar pegawai (CSV)</a></li>
<li><a href="${web.path('/console/device-requests')}">Permintaan perangkat OTP dan pemulihan akun</a></li>
<li><a href="${web.path('/console/api-keys')}">Kunci API integrator (e-office, SIMPEG)</a></li>
<li><a href="${web.path('/console/audit')}">Jejak audit instansi</a></li>
<li><a href="${web.path('/console/data-changes')}">Perubahan data pegawai</a></li>
<li><a href="${web.path('/console/contacts')}">Kontak verifikator (ditampilkan di halaman bantuan)</a></li>
</ul>
<h2>Pengguna</h2>
<form method="get" action="${web.path('/console')}" role="search" class="search">
${textField({ name: 'cari', label: 'Cari nama atau email', type: 'text', autocomplete: 'off', state: emptyForm({ cari }) })}
${submitButton('Cari', 'secondary')}
</form>
<nav aria-label="Status pengguna"><ul class="tabs">
${tabs.map((tab) => (tab === status
    ? html`<li><a href="${consoleUrl(web, { status: tab, cari })}" aria-current="page">${tabLabel(tab)}</a></li>`
    : html`<li><a href="${consoleUrl(web, { status: tab, cari })}">${tabLabel(tab)}</a></li>`))}
</ul></nav>
<h3>${tabLabel(status)}${cari ? html`: pencarian "${cari}"` : ''}</h3>
${list.items.length === 0 ? html`<p>${empty}</p>` : html`<ul class="cards user-list">${list.items.map((user) => html`<li class="card">
<a href="${userPath(web, user.userId)}"><strong>${user.status === 'ERASED' ? '(data dihapus)' : user.fullName}</strong></a> <span class="tag">${status === HELD_APPLICATIONS ? 'Menunggu persetujuan' : statusLabels[user.status]}</span>
<br><span class="email">${user.email}</span>
<br><span class="hint">Diperbarui ${formatDateTime(user.updatedAt)}</span>
</li>`)}</ul>`}
${query.kursor || list.nextCursor ? html`<p class="pager">${query.kursor ? html`<a href="${consoleUrl(web, here)}">Halaman pertama</a>` : ''}${list.nextCursor ? html`<a href="${consoleUrl(web, { ...here, kursor: list.nextCursor })}">Berikutnya</a>` : ''}</p>` : ''}`,
    });
  };

  // ---- register one, or a CSV list ---------------------------------------------------------

  const registerForm = (web: Web, me: Me, state: FormState, status = 200, filedLetterId?: string) => web.page({
    title: 'Daftarkan pegawai',
    heading: 'Daftarkan pegawai',
    nav: web.nav(me),
    body: html`${backToConsole(web)}${errorSummary(state, registerLabels)}
<p>Pegawai menerima e-mail "Aktivasi Akun" berisi tautan (berlaku 24 jam) untuk melengkapi data diri, foto KTP dan foto selfie.</p>
${postForm(web.path('/console/register'), [
  textField({ name: 'fullName', label: registerLabels.fullName, state, autocomplete: 'off', hint: 'Tanpa gelar; nanti disesuaikan dengan KTP oleh pegawai.' }),
  textField({ name: 'email', label: registerLabels.email, type: 'email', inputmode: 'email', autocomplete: 'off', state, hint: 'Alamat e-mail dinas dengan domain instansi Anda.' }),
  textField({ name: 'phone', label: registerLabels.phone, type: 'tel', inputmode: 'tel', autocomplete: 'off', state, hint: 'Nomor ponsel Indonesia, misalnya 081234567890.' }),
  letterField(state, filedLetterId),
  submitButton('Kirim undangan'),
], { csrfToken: me.csrfToken, multipart: true })}`,
  }, { status });

  const importForm = (web: Web, me: Me, state: FormState, status = 200, filedLetterId?: string) => web.page({
    title: 'Impor daftar pegawai',
    heading: 'Impor daftar pegawai',
    nav: web.nav(me),
    body: html`${backToConsole(web)}${errorSummary(state, csvLabels)}
<p>Tempelkan daftar pegawai dalam format CSV. Setiap baris didaftarkan tersendiri dan menerima e-mail "Aktivasi Akun"; baris yang bermasalah ditolak dengan alasannya, baris lain tetap didaftarkan.</p>
${postForm(web.path('/console/import'), [
  textAreaField({
    name: 'csv', label: csvLabels.csv, state, rows: 10, className: 'csv',
    hint: html`Baris pertama berisi judul kolom <code>fullName,email</code>, boleh ditambah <code>phone</code>, <code>nip</code>, <code>position</code> (jabatan) dan <code>unitName</code> (unit kerja) dalam urutan apa saja; pemisah koma atau titik koma seperti hasil simpan CSV dari Excel. Lalu satu pegawai per baris, paling banyak 1000 baris. NIP, jabatan dan unit kerja diisikan lebih dulu pada langkah data kepegawaian; pegawai memeriksa dan membetulkannya. Contoh baris: <code class="csv-example">Dewi Lestari;dewi.lestari@instansi.go.id;081234567890;198503152010012003;Analis Kebijakan;Bidang Aplikasi</code>`,
  }),
  letterField(state, filedLetterId),
  submitButton('Impor dan kirim undangan'),
], { csrfToken: me.csrfToken, multipart: true })}`,
  }, { status });

  const fieldMessage = (error: { field: string; code: string }) => {
    const label = (importColumnLabels as Record<string, string>)[error.field] ?? error.field;
    const message = error.code in fieldErrorCatalog ? fieldErrorCatalog[error.code as FieldErrorCode].id : error.code;
    return `${label}: ${message}`;
  };

  const importResult = (web: Web, me: Me, result: SuccessBody<typeof enrollmentRoutes.routes.importUsers>) => {
    const rows = [
      ...result.created.map((row) => ({ line: row.line, created: true as const, userId: row.userId })),
      ...result.rejected.map((row) => ({
        line: row.line, created: false as const, reason: row.errors.length > 0 ? row.errors.map(fieldMessage).join(' ') : row.detail,
      })),
    ].sort((a, b) => a.line - b.line);
    return web.page({
      title: 'Hasil impor',
      heading: 'Hasil impor',
      nav: web.nav(me),
      body: html`${backToConsole(web)}
<p class="lead" role="status">${result.created.length} pegawai terdaftar, ${result.rejected.length} baris ditolak.</p>
${rows.length === 0 ? html`<p>Tidak ada baris data di bawah baris judul.</p>` : html`<div class="table-wrap"><table class="import-result">
<caption>Hasil per baris (baris 1 adalah baris judul)</caption>
<thead><tr><th scope="col">Baris</th><th scope="col">Hasil</th><th scope="col">Keterangan</th></tr></thead>
<tbody>
${rows.map((row) => html`<tr class="${row.created ? 'row-created' : 'row-rejected'}"><td>${row.line}</td><td>${row.created ? 'Terdaftar' : 'Ditolak'}</td><td>${row.created
  ? html`<a href="${userPath(web, row.userId)}">Lihat<span class="visually-hidden"> pengguna baris ${row.line}</span></a>`
  : row.reason}</td></tr>`)}
</tbody>
</table></div>`}
${result.rejected.length > 0 ? html`<p>Perbaiki baris yang ditolak, lalu impor hanya baris tersebut (dengan baris judul). Baris yang sudah terdaftar tidak didaftarkan dua kali.</p>` : ''}
<p><a href="${web.path('/console/import')}">Impor daftar lain</a></p>`,
    });
  };

  // ---- one user ----------------------------------------------------------------------------

  const userLabels = { reason: 'Alasan', disableReason: 'Alasan penonaktifan', confirm: 'Konfirmasi penghapusan' };

  const photos = (user: UserDetail) => {
    const shown = [
      { kind: 'KTP', alt: 'Foto KTP', caption: 'KTP' },
      { kind: 'SELFIE', alt: 'Foto selfie', caption: 'Selfie saat aktivasi' },
    ].map((entry) => ({ ...entry, url: user.photos?.find((photo) => photo.kind === entry.kind)?.url }));
    if (shown.every((entry) => !entry.url)) return html`<p>${user.status === 'ERASED' ? 'Foto sudah dihapus.' : 'Foto belum diunggah.'}</p>`;
    return html`<div class="photo-pair">${shown.map((entry) => html`<figure>
${entry.url ? html`<a href="${entry.url}"><img src="${entry.url}" alt="${entry.alt}"></a>` : html`<p class="photo-missing">Belum diunggah</p>`}
<figcaption>${entry.caption}</figcaption>
</figure>`)}</div>
<p class="hint">Ketuk foto untuk melihat ukuran penuh. Tautan foto berlaku 5 menit; muat ulang halaman bila foto tidak tampil.</p>`;
  };

  const profile = (user: UserDetail) => html`<h2>Data pendaftaran</h2>
<dl class="summary">
${user.status === 'ERASED' ? '' : html`<dt>Nama</dt><dd>${user.fullName}</dd>
<dt>Email</dt><dd>${user.email}</dd>`}
${user.phone ? html`<dt>Ponsel</dt><dd>${user.phone}</dd>` : ''}
<dt>Status</dt><dd><strong>${statusLabels[user.status]}</strong></dd>
<dt>Didaftarkan</dt><dd>${formatDateTime(user.createdAt)}</dd>
<dt>Diperbarui</dt><dd>${formatDateTime(user.updatedAt)}</dd>
${user.activationExpiresAt && (user.status === 'INVITED' || user.status === 'ACTIVATING') ? html`<dt>Tautan aktivasi</dt><dd>berlaku sampai ${formatDateTime(user.activationExpiresAt)}</dd>` : ''}
</dl>
${user.identity || user.employment ? html`<h2>Data aktivasi</h2>
<dl class="summary">
${user.identity ? html`<dt>Nama sesuai KTP</dt><dd>${user.identity.fullName}</dd>
<dt>NIK</dt><dd>${user.identity.nik}</dd>
<dt>Tanggal lahir</dt><dd>${formatDate(user.identity.birthDate)}</dd>
<dt>Jenis kelamin</dt><dd>${genderLabels[user.identity.gender] ?? user.identity.gender}</dd>` : ''}
${user.employment ? html`<dt>Jenis pegawai</dt><dd>${employmentLabels[user.employment.employmentType] ?? user.employment.employmentType}</dd>
${user.employment.nip ? html`<dt>NIP</dt><dd>${user.employment.nip}</dd>` : ''}
${user.employment.nrp ? html`<dt>NRP</dt><dd>${user.employment.nrp}</dd>` : ''}
<dt>Jabatan</dt><dd>${user.employment.position}</dd>
<dt>Unit kerja</dt><dd>${user.employment.unitName}</dd>
<dt>Provinsi</dt><dd>${user.employment.provinceName}</dd>
<dt>Kabupaten/Kota</dt><dd>${user.employment.cityName}</dd>` : ''}
${user.submittedAt ? html`<dt>Dikirim</dt><dd>${formatDateTime(user.submittedAt)}</dd>` : ''}
${user.consent ? html`<dt>Kebijakan privasi</dt><dd>versi ${user.consent.version}, disetujui ${formatDateTime(user.consent.acceptedAt)}</dd>` : ''}
</dl>` : ''}
<h2>Foto</h2>
${photos(user)}
${letterSection(user)}
${user.screening ? html`<h2>Pemeriksaan data kepegawaian</h2>
<dl class="summary">
<dt>Hasil</dt><dd>${screeningLabels[user.screening.outcome] ?? user.screening.outcome}</dd>
<dt>Diperiksa</dt><dd>${formatDateTime(user.screening.checkedAt)}</dd>
${user.screening.mismatches?.length ? html`<dt>Tidak cocok</dt><dd>${user.screening.mismatches.join('; ')}</dd>` : ''}
${user.screening.registry ? html`<dt>Nama di data kepegawaian</dt><dd>${user.screening.registry.fullName}</dd>
<dt>Jabatan</dt><dd>${user.screening.registry.position}</dd>
<dt>Unit kerja</dt><dd>${user.screening.registry.unitName}</dd>
<dt>Instansi</dt><dd>${user.screening.registry.agency}</dd>` : ''}
</dl>` : ''}
${user.decision ? html`<h2>Keputusan</h2>
<dl class="summary">
<dt>Keputusan</dt><dd>${user.decision.decision === 'APPROVE' ? 'Disetujui' : 'Ditolak'}, ${formatDateTime(user.decision.at)}</dd>
${user.decision.reason ? html`<dt>Alasan</dt><dd>${user.decision.reason}</dd>` : ''}
</dl>` : ''}
${user.workflowFailure ? html`<p class="notice">Proses verifikasi otomatis berhenti karena kesalahan (${formatDateTime(user.workflowFailure.at)}). Hubungi operator layanan.</p>` : ''}`;

  const actions = (web: Web, me: Me, user: UserDetail, state: FormState) => {
    const base = userPath(web, user.userId);
    const csrf = { csrfToken: me.csrfToken };
    switch (user.status) {
      case 'AWAITING_REVIEW':
        return html`<h2>Keputusan verifikator</h2>
<p>Periksa bahwa foto KTP terbaca dan sesuai dengan data diri, dan bahwa wajah pada foto selfie sama dengan foto KTP.</p>
<div class="console-decision">
${postForm(`${base}/decision`, [hiddenField('decision', 'APPROVE'), submitButton('Setujui')], csrf)}
${postForm(`${base}/decision`, [
  hiddenField('decision', 'REJECT'),
  textAreaField({ name: 'reason', label: userLabels.reason, state, hint: 'Wajib diisi bila menolak. Alasan dikirim kepada pegawai melalui e-mail.' }),
  submitButton('Tolak', 'warning'),
], csrf)}
</div>`;
      case 'INVITED':
      case 'ACTIVATING':
        // A self-application the tenant holds for confirmation: nothing has been sent to the person yet.
        if (user.selfApplication?.awaitingConfirmation) {
          return html`<h2>Pengajuan mandiri menunggu persetujuan</h2>
<p>Orang ini mengajukan akun sendiri pada ${formatDateTime(user.selfApplication.appliedAt)} dan belum menerima e-mail apa pun. Pastikan nama dan alamat e-mail ini memang pegawai instansi Anda.</p>
<div class="console-decision">
${postForm(`${base}/activation-link`, [submitButton('Kirim tautan aktivasi')], csrf)}
${postForm(`${base}/decision`, [
  hiddenField('decision', 'REJECT'),
  textAreaField({ name: 'reason', label: userLabels.reason, state, hint: 'Wajib diisi bila menolak. Alasan hanya dicatat di riwayat; pengaju tidak menerima e-mail.' }),
  submitButton('Tolak', 'warning'),
], csrf)}
</div>`;
        }
        return html`<h2>Tautan aktivasi</h2>
<p>Bila e-mail "Aktivasi Akun" hilang atau tautannya kedaluwarsa, kirim tautan baru. Tautan lama langsung tidak berlaku.</p>
${postForm(`${base}/activation-link`, [submitButton('Kirim ulang tautan aktivasi', 'secondary')], csrf)}`;
      case 'APPROVED':
      case 'ACTIVE':
        return html`${user.status === 'APPROVED' ? html`<h2>Tautan pembuatan akun</h2>
<p>Bila e-mail "Informasi Akun" hilang atau tautannya kedaluwarsa (72 jam), kirim tautan baru untuk membuat kata sandi dan mendaftarkan aplikasi autentikator. Tautan lama langsung tidak berlaku.</p>
${postForm(`${base}/links/account-setup`, [submitButton('Kirim ulang tautan pembuatan akun', 'secondary')], csrf)}` : ''}
<h2>Perubahan data</h2>
<p>Bila nama, jabatan, unit kerja, e-mail atau nomor ponsel pegawai berubah, <a href="${base}/data-change">usulkan perubahan data</a>. Pegawai menyetujuinya melalui tautan di e-mail; selama menunggu, sertifikatnya ditangguhkan.</p>
<h2>Nonaktifkan akun</h2>
<p>Bila akun diduga disalahgunakan (ponsel hilang, kata sandi bocor), nonaktifkan akun. Semua sesi dan tautan berhenti; pengguna dapat meminta pemulihan dengan foto selfie baru, yang Anda setujui di halaman <a href="${web.path('/console/device-requests')}">permintaan perangkat OTP</a>.</p>
${postForm(`${base}/compromise`, [
  textAreaField({ name: 'disableReason', label: userLabels.disableReason, state, hint: 'Dikirim kepada pengguna melalui e-mail.' }),
  submitButton('Nonaktifkan akun', 'warning'),
], csrf)}`;
      case 'DISABLED':
        return html`<h2>Akun dinonaktifkan</h2>
${user.disabled ? html`<p>Sejak ${formatDateTime(user.disabled.at)}. Alasan: ${user.disabled.reason}</p>` : ''}
<p>Untuk memulihkan akun, pengguna memilih "Ponsel autentikator hilang?" di halaman masuk dan mengambil foto selfie baru. Permintaannya muncul di halaman <a href="${web.path('/console/device-requests')}">permintaan perangkat OTP</a> untuk Anda setujui.</p>`;
      case 'SUBMITTED':
        return html`<p class="notice">Data sedang diperiksa ke data kepegawaian nasional. Bila tidak cocok, atau pegawai bukan ASN atau POLRI, pendaftaran menunggu keputusan Anda.</p>`;
      case 'REJECTED':
        return html`<p>Pegawai ini dapat <a href="${web.path('/console/register')}">didaftarkan kembali</a> dengan alamat e-mail yang sama.</p>`;
      default:
        return '';
    }
  };

  /** UU PDP erasure, for operators only (the API refuses anyone else, and while a certificate is valid). */
  const erasureSection = (web: Web, me: Me, user: UserDetail, state: FormState) => {
    if (user.status === 'ERASED') return html`<h2>Data pribadi</h2><p>Data pribadi pengguna ini sudah dihapus.</p>`;
    return html`<h2>Hapus data pribadi (UU PDP)</h2>
<p>Menghapus foto KTP dan selfie (semua versinya), data KTP, data kepegawaian, nomor ponsel, akun, dan perangkat OTP pengguna ini. Sertifikat, yang bersifat publik, dan jejak audit tetap disimpan sesuai ketentuan. Penghapusan hanya dapat dilakukan bila tidak ada sertifikat yang masih berlaku: cabut sertifikatnya terlebih dahulu. Tindakan ini tidak dapat dibatalkan.</p>
${postForm(`${userPath(web, user.userId)}/erasure`, [
  checkboxField({ name: 'confirm', label: 'Saya memahami bahwa data pribadi ini dihapus permanen dan tidak dapat dipulihkan.', state }),
  submitButton('Hapus data pribadi', 'warning'),
], { csrfToken: me.csrfToken })}`;
  };

  const certificatesSection = (web: Web, me: Me, user: UserDetail, certificates: readonly Certificate[], state: FormState) => {
    if (certificates.length === 0) {
      return user.status === 'APPROVED' || user.status === 'ACTIVE' ? html`<h2>Sertifikat elektronik</h2><p>Belum ada sertifikat.</p>
<p>Bila e-mail "Set Passphrase" hilang atau tautannya kedaluwarsa, kirim tautan baru. Tautan lama langsung tidak berlaku.</p>
${postForm(`${userPath(web, user.userId)}/links/enroll`, [submitButton('Kirim ulang tautan Set Passphrase', 'secondary')], { csrfToken: me.csrfToken })}` : '';
    }
    return html`<h2>Sertifikat elektronik</h2>
<ul class="cards">${certificates.map((certificate) => {
      const key = `revocationReason-${certificate.serialNumber}`;
      const error = state.errors[key];
      return html`<li class="card">
<p><strong>${certificateStatusLabels[certificate.status] ?? certificate.status}</strong></p>
<dl class="summary">
<dt>Nomor seri</dt><dd class="serial">${formatSerial(certificate.serialNumber)}</dd>
<dt>Berlaku</dt><dd>${formatDate(certificate.notBefore)} sampai ${formatDate(certificate.notAfter)}</dd>
${certificate.revocation ? html`<dt>Dicabut</dt><dd>${formatDateTime(certificate.revocation.at)}: ${revocationLabels[certificate.revocation.reason]}</dd>` : ''}
</dl>
${revocableStatuses.has(certificate.status) ? postForm(`${userPath(web, user.userId)}/certificates/${certificate.serialNumber}/revocation`, [
  html`<div class="field${error ? ' field--error' : ''}">
<label for="f-${key}">Alasan pencabutan</label>
${error ? html`<p class="field-error" id="e-${key}"><span class="visually-hidden">Kesalahan: </span>${error}</p>` : ''}<select id="f-${key}" name="revocationReason"${error ? html` aria-describedby="e-${key}" aria-invalid="true"` : ''}>
<option value="">Pilih alasan</option>
${revocationReasons.map((reason) => html`<option value="${reason}"${reason === state.values[key] ? ' selected' : ''}>${revocationLabels[reason]}</option>`)}
</select>
</div>`,
  submitButton('Cabut sertifikat', 'warning'),
], { csrfToken: me.csrfToken }) : ''}
</li>`;
    })}</ul>`;
  };

  const history = (web: Web, user: UserDetail) => html`<h2>Riwayat</h2>
<p class="hint">Terbaru di atas.</p>
<ul class="history">${[...user.history].reverse().map((entry) => html`<li>
<strong>${actionLabels[entry.action] ?? entry.action}</strong> <span class="hint">oleh ${roleLabels[entry.actorRole] ?? entry.actorRole}</span><br>
<span class="hint">${formatDateTime(entry.at)}</span>${entry.reason ? html`<br>${auditNote(entry.reason)}` : ''}
</li>`)}</ul>
<p><a href="${web.path(`/console/audit?pengguna=${encodeURIComponent(user.userId)}`)}">Jejak audit</a>: semua catatan tentang pengguna ini, termasuk siapa saja yang membuka datanya, dari alamat IP mana.</p>`;

  const userPage = async (web: Web, userId: string, options: { done?: UserNotice; state?: FormState; status?: number } = {}): Promise<Reply> => {
    const signedIn = await web.signedIn(userPath(web, userId));
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const [user, certificates] = await Promise.all([
      web.api.call(enrollmentRoutes, 'getUser', { params: { userId } }).then((result) => web.expect(result) as UserDetail),
      web.api.call(certificatesRoutes, 'listUserCertificates', { params: { userId } }).then((result) => web.expect(result).items),
    ]);
    const state = options.state ?? emptyForm();
    const name = user.status === 'ERASED' ? 'Pengguna (data dihapus)' : user.fullName;
    return web.page({
      title: `Pengguna: ${name}`,
      heading: name,
      nav: web.nav(me),
      body: html`${backToConsole(web, me)}${errorSummary(state, userLabels)}${notice(options.done ? userNotices[options.done] : undefined)}
${profile(user)}
${user.consent && user.status !== 'ERASED' ? html`<h2>Surat pernyataan data pribadi</h2>
<p class="hint">Dibuat dari persetujuan kebijakan privasi pengguna dan disegel secara elektronik oleh layanan. Setiap unduhan dicatat dalam jejak audit.</p>
<p><a class="button button--secondary" href="${consoleConsentStatementPath(web, user.userId)}" download>${consentStatementLabel}</a></p>` : ''}
${me.role === 'OPERATOR' ? '' : actions(web, me, user, state)}
${emailSection(web, user, me.role === 'OPERATOR' ? undefined : me.csrfToken)}
${certificatesSection(web, me, user, certificates, state)}
${me.role === 'OPERATOR' ? erasureSection(web, me, user, state) : ''}
${history(web, user)}`,
    }, { photos: true, status: options.status ?? 200 });
  };

  /** After an action on a user: back to their page with its confirmation, or with the error. */
  const afterUserAction = async (web: Web, userId: string, result: ApiResult<unknown>, done: UserNotice, form: { values: FormState['values']; names?: Record<string, string> }) => {
    if (result.ok) return web.seeOther(userPath(web, userId, done));
    const failure = failureOf(result.problem);
    if (failure.kind === 'login') return web.toLogin(userPath(web, userId));
    if (failure.kind === 'page') web.fail(result.problem);
    const problem = renamed(result.problem, form.names ?? {});
    return userPage(web, userId, { state: formStateOf(form.values, problem), status: problem.status });
  };

  // ---- OTP-device and reactivation requests --------------------------------------------------

  const devicePath = (web: Web, done?: DeviceNotice) => `${web.path('/console/device-requests')}${done ? `?selesai=${done}` : ''}`;

  const deviceRequestCard = (web: Web, me: Me, request: DeviceRequestItem, state: FormState) => {
    const action = web.path(`/console/device-requests/${encodeURIComponent(request.requestId)}/decision`);
    const key = `reason-${request.requestId}`;
    return html`<li class="card device-request">
<h3><a href="${userPath(web, request.userId)}">${request.fullName || request.email}</a></h3>
<dl class="summary">
<dt>Email</dt><dd>${request.email}</dd>
<dt>Permintaan</dt><dd>${deviceKindLabels[request.kind] ?? request.kind}</dd>
<dt>Diajukan</dt><dd>${formatDateTime(request.createdAt)}</dd>
<dt>Status</dt><dd>${deviceStatusLabels[request.status as DeviceRequestStatus] ?? request.status}</dd>
${request.decision?.reason ? html`<dt>Alasan</dt><dd>${request.decision.reason}</dd>` : ''}
</dl>
<div class="photo-pair">
<figure>${request.selfieUrl ? html`<a href="${request.selfieUrl}"><img src="${request.selfieUrl}" alt="Foto selfie baru"></a>` : html`<p class="photo-missing">Belum ada</p>`}<figcaption>Selfie baru</figcaption></figure>
<figure>${request.registeredSelfieUrl ? html`<a href="${request.registeredSelfieUrl}"><img src="${request.registeredSelfieUrl}" alt="Foto selfie saat aktivasi"></a>` : html`<p class="photo-missing">Tidak ada</p>`}<figcaption>Selfie saat aktivasi</figcaption></figure>
</div>
${request.status === 'AWAITING_REVIEW' ? html`<p>Setujui hanya bila kedua foto menunjukkan orang yang sama.</p>
<div class="console-decision">
${postForm(action, [hiddenField('decision', 'APPROVE'), submitButton('Setujui')], { csrfToken: me.csrfToken })}
${postForm(action, [
  hiddenField('decision', 'REJECT'),
  textAreaField({ name: 'reason', key, label: 'Alasan', state, hint: 'Wajib diisi bila menolak.' }),
  submitButton('Tolak', 'warning'),
], { csrfToken: me.csrfToken })}
</div>` : ''}
</li>`;
  };

  const deviceRequests = async (web: Web, query: { status?: DeviceRequestStatus; kursor?: string; done?: DeviceNotice; state?: FormState; httpStatus?: number }) => {
    const signedIn = await web.signedIn(devicePath(web));
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const status = query.status ?? 'AWAITING_REVIEW';
    const list = web.expect(await web.api.call(accountsRoutes, 'listDeviceRequests', { query: { status, cursor: query.kursor, limit: '25' } })) as { items: DeviceRequestItem[]; nextCursor: string | null };
    const state = query.state ?? emptyForm();
    const url = (parameters: { status: string; kursor?: string }) => `${web.path('/console/device-requests')}?${new URLSearchParams(Object.entries(parameters).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString()}`;
    const shownStatuses = deviceRequestStatuses.filter((entry) => entry !== 'AWAITING_SELFIE');
    return web.page({
      title: 'Permintaan perangkat OTP',
      heading: 'Permintaan perangkat OTP',
      nav: web.nav(me),
      body: html`${backToConsole(web)}${errorSummary(state, {})}${notice(query.done ? deviceNotices[query.done] : undefined)}
<p>Pengguna yang kehilangan ponsel autentikator, dan pengguna yang akunnya dinonaktifkan, meminta perangkat baru dengan foto selfie baru. Bandingkan dengan foto selfie saat aktivasi sebelum menyetujui.</p>
<nav aria-label="Status permintaan"><ul class="tabs">
${shownStatuses.map((entry) => (entry === status
    ? html`<li><a href="${url({ status: entry })}" aria-current="page">${deviceStatusLabels[entry]}</a></li>`
    : html`<li><a href="${url({ status: entry })}">${deviceStatusLabels[entry]}</a></li>`))}
</ul></nav>
<h2>${deviceStatusLabels[status]}</h2>
${list.items.length === 0 ? html`<p>Tidak ada permintaan dengan status ini.</p>` : html`<ul class="cards">${list.items.map((item) => deviceRequestCard(web, me, item, state))}</ul>`}
${query.kursor || list.nextCursor ? html`<p class="pager">${query.kursor ? html`<a href="${url({ status })}">Halaman pertama</a>` : ''}${list.nextCursor ? html`<a href="${url({ status, kursor: list.nextCursor })}">Berikutnya</a>` : ''}</p>` : ''}`,
    }, { photos: true, status: query.httpStatus ?? 200 });
  };

  return {
    consolePage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(consoleUrl(web, request.query));
      if ('redirect' in signedIn) return signedIn.redirect;
      return userList(web, signedIn.me, request.query);
    },

    consoleRegisterPage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(web.path('/console/register'));
      if ('redirect' in signedIn) return signedIn.redirect;
      return registerForm(web, signedIn.me, emptyForm());
    },
    consoleRegister: async (request) => {
      const web = new Web(deps, request);
      const { fields, files } = request.body;
      const { fullName = '', email = '', phone = '', csrfToken } = fields;
      const values = { fullName, email, phone };
      const letter = await letterForPost(web, { file: files.letter?.[0], keptId: fields.letterId, csrfToken });
      const problem = 'problem' in letter ? letter.problem : undefined;
      const filedLetterId = 'letterId' in letter ? letter.letterId : undefined;
      const result = problem ? undefined : await web.api.call(enrollmentRoutes, 'registerUser', {
        body: { fullName: fullName.trim(), email: email.trim(), ...(given(phone) ? { phone: given(phone) } : {}), ...(filedLetterId ? { letterId: filedLetterId } : {}), ...(csrfToken ? { csrfToken } : {}) },
      });
      if (result?.ok) return web.seeOther(userPath(web, result.body.userId, 'terdaftar'));
      const refusal = problem ?? result!.problem;
      // A letter that is not (or no longer) the tenant's is the form's to fix, not an error page.
      const failure = refusal.code === 'LETTER_NOT_FOUND' ? { kind: 'form' as const } : failureOf(refusal);
      if (failure.kind === 'login') return web.toLogin(web.path('/console/register'));
      if (failure.kind === 'page') web.fail(refusal);
      const signedIn = await web.signedIn(web.path('/console/register'));
      if ('redirect' in signedIn) return signedIn.redirect;
      const state = formStateOf(values, refusal, { EMAIL_ALREADY_REGISTERED: 'email', EMAIL_DOMAIN_NOT_ALLOWED: 'email', ...letterErrorFields });
      const keepLetter = refusal.code !== 'LETTER_NOT_FOUND' ? filedLetterId : undefined;
      return registerForm(web, signedIn.me, state, refusal.status, keepLetter);
    },

    consoleImportPage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(web.path('/console/import'));
      if ('redirect' in signedIn) return signedIn.redirect;
      return importForm(web, signedIn.me, emptyForm());
    },
    consoleImport: async (request) => {
      const web = new Web(deps, request);
      const { fields, files } = request.body;
      const { csv = '', csrfToken } = fields;
      const letter = await letterForPost(web, { file: files.letter?.[0], keptId: fields.letterId, csrfToken });
      const letterProblem = 'problem' in letter ? letter.problem : undefined;
      const filedLetterId = 'letterId' in letter ? letter.letterId : undefined;
      const result = letterProblem ? undefined : await web.api.call(enrollmentRoutes, 'importUsers', {
        csv, ...(filedLetterId ? { query: { letterId: filedLetterId } } : {}), ...(csrfToken ? { csrfToken } : {}),
      });
      const signedIn = await web.signedIn(web.path('/console/import'));
      if ('redirect' in signedIn) return signedIn.redirect;
      if (result?.ok) return importResult(web, signedIn.me, result.body);
      const refusal = letterProblem ?? result!.problem;
      const failure = refusal.code === 'LETTER_NOT_FOUND' ? { kind: 'form' as const } : failureOf(refusal);
      if (failure.kind !== 'form') web.fail(refusal);
      // Errors about the file as a whole (its header, its size) are shown beside the field.
      const problem = refusal.errors.length > 0
        ? { ...refusal, errors: [{ field: 'csv', code: refusal.errors[0]!.code, message: importProblem(refusal) }] }
        : refusal;
      const fieldFor = letterProblem || refusal.code === 'LETTER_NOT_FOUND'
        ? letterErrorFields
        : { VALIDATION_FAILED: 'csv', UNSUPPORTED_MEDIA_TYPE: 'csv', PAYLOAD_TOO_LARGE: 'csv', IMPORT_TOO_MANY_ROWS: 'csv' } as const;
      const keepLetter = refusal.code !== 'LETTER_NOT_FOUND' ? filedLetterId : undefined;
      return importForm(web, signedIn.me, formStateOf({ csv }, problem, fieldFor), refusal.status, keepLetter);
    },

    consoleUserPage: async (request) => userPage(new Web(deps, request), request.params.userId, { done: request.query.selesai }),
    consoleDecision: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const { decision = '', reason, csrfToken } = request.body;
      const result = await web.api.call(enrollmentRoutes, 'decideApplication', {
        params: { userId },
        body: { decision, ...(given(reason) ? { reason: given(reason) } : {}), ...(csrfToken ? { csrfToken } : {}) },
      });
      return afterUserAction(web, userId, result, decision === 'REJECT' ? 'ditolak' : 'disetujui', { values: { reason } });
    },
    consoleErasure: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const { confirm, csrfToken } = request.body;
      if (confirm !== 'ya') {
        return userPage(web, userId, { state: { values: {}, errors: { confirm: 'Centang konfirmasi untuk menghapus data pribadi.' } }, status: 422 });
      }
      const result = await web.api.call(enrollmentRoutes, 'eraseUser', { params: { userId }, body: csrfToken ? { csrfToken } : {} });
      return afterUserAction(web, userId, result, 'dihapus', { values: {} });
    },
    consoleResendLink: async (request) => {
      const web = new Web(deps, request);
      const { userId, purpose } = request.params;
      const { csrfToken } = request.body;
      const result = await web.api.call(enrollmentRoutes, 'resendLink', { params: { userId, purpose }, body: csrfToken ? { csrfToken } : {} });
      return afterUserAction(web, userId, result, purpose === 'enroll' ? 'tautan-passphrase-terkirim' : 'tautan-akun-terkirim', { values: {} });
    },
    consoleActivationLink: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const { csrfToken } = request.body;
      const result = await web.api.call(enrollmentRoutes, 'resendActivationLink', { params: { userId }, body: csrfToken ? { csrfToken } : {} });
      return afterUserAction(web, userId, result, 'tautan-terkirim', { values: {} });
    },
    consoleCompromise: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const { disableReason, csrfToken } = request.body;
      const result = await web.api.call(accountsRoutes, 'markCompromised', {
        params: { userId },
        body: { ...(given(disableReason) ? { reason: given(disableReason) } : {}), ...(csrfToken ? { csrfToken } : {}) },
      });
      return afterUserAction(web, userId, result, 'dinonaktifkan', { values: { disableReason }, names: { reason: 'disableReason' } });
    },
    consoleRevocation: async (request) => {
      const web = new Web(deps, request);
      const { userId, serial } = request.params;
      const { revocationReason, csrfToken } = request.body;
      const key = `revocationReason-${serial}`;
      const result = await web.api.call(certificatesRoutes, 'revokeUserCertificate', {
        params: { userId, serial },
        body: { ...(revocationReason ? { reason: revocationReason } : {}), ...(csrfToken ? { csrfToken } : {}) },
      });
      return afterUserAction(web, userId, result, 'dicabut', { values: { [key]: revocationReason }, names: { reason: key } });
    },

    consoleDeviceRequestsPage: async (request) => {
      const web = new Web(deps, request);
      return deviceRequests(web, { status: request.query.status, kursor: request.query.kursor, done: request.query.selesai });
    },
    consoleDeviceRequestDecision: async (request) => {
      const web = new Web(deps, request);
      const { requestId } = request.params;
      const { decision = '', reason, csrfToken } = request.body;
      const result = await web.api.call(accountsRoutes, 'decideDeviceRequest', {
        params: { requestId },
        body: { decision, ...(given(reason) ? { reason: given(reason) } : {}), ...(csrfToken ? { csrfToken } : {}) },
      });
      if (result.ok) return web.seeOther(devicePath(web, decision === 'REJECT' ? 'ditolak' : 'disetujui'));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(devicePath(web));
      if (failure.kind === 'page') web.fail(result.problem);
      const key = `reason-${requestId}`;
      const state = formStateOf({ [key]: reason }, renamed(result.problem, { reason: key }));
      return deviceRequests(web, { state, httpStatus: result.problem.status });
    },
  };
}

/** Why the API refused a CSV as a whole, in words a verifier can act on. */
function importProblem(problem: Problem): string {
  const error = problem.errors[0];
  if (error?.field === 'header') return 'Baris pertama harus berisi judul kolom fullName dan email (masing-masing sekali), dan boleh ditambah phone, nip, position dan unitName, dipisahkan koma atau titik koma.';
  if (error?.field === 'body') return 'Data CSV tidak dapat dibaca. Periksa tanda kutip dan pemisah koma.';
  return error?.message ?? problem.detail;
}

import * as z from 'zod';
import { dataChangeFieldLabels, dataChangeFields, dataChangeStatuses, type DataChangeField, type DataChangeStatus } from '../../../shared/domain/data-changes.js';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html, type Html } from '../../../shared/web/html.js';
import type { accountsRoutes } from '../../accounts/routes.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import { enrollmentRoutes } from '../../enrollment/routes.js';
import type { getUser } from '../../enrollment/use-cases/get-user.js';
import type { ApiResult, Problem, SuccessBody } from '../api.js';
import { formatDateTime } from '../format.js';
import { emptyForm, errorSummary, formStateOf, hiddenField, postForm, submitButton, textAreaField, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, linkPageResponses, linkToken, page } from '../route-parts.js';

/**
 * Data change (Perubahan Data) pages: the user's form and status (/me/data-change), the link a
 * verifier's proposal sends (/data-change/{token}), the new address's confirmation
 * (/confirm-email/{token}), and the verifier console's queue and proposal form. Every rule is the
 * certificates API's; these pages show and forward.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type Request = SuccessBody<typeof certificatesRoutes.routes.listDataChanges>['items'][number];
type UserDetail = Awaited<ReturnType<typeof getUser>>;

const requestId = z.strictObject({ id: z.string().min(1).max(64) });
const userIdParams = z.strictObject({ userId: z.string().min(1).max(64) });

const myNotices = {
  diajukan: 'Permintaan perubahan data terkirim. Verifikator instansi Anda akan memeriksanya; Anda menerima e-mail setelah ada keputusan.',
  disetujui: 'Perubahan data disetujui dan data Anda sudah diperbarui. Periksa e-mail Anda untuk langkah berikutnya.',
  ditolak: 'Usulan perubahan data ditolak. Data Anda tidak berubah dan sertifikat Anda berlaku kembali.',
} as const;
const consoleNotices = {
  disetujui: 'Perubahan data disetujui. Pengguna diberi tahu melalui e-mail; bila sertifikatnya dicabut, ia menerima tautan untuk menerbitkan sertifikat baru.',
  ditolak: 'Permintaan ditolak. Sertifikat pengguna berlaku kembali dan ia diberi tahu alasannya melalui e-mail.',
  diusulkan: 'Usulan perubahan data terkirim. Pengguna menerima e-mail berisi tautan untuk menyetujui atau menolaknya.',
} as const;
const keysOf = <T extends Record<string, string>>(notices: T) => Object.keys(notices) as [keyof T & string, ...(keyof T & string)[]];

const signedInResponses = { 200: page('The page'), 303: page('Not signed in: to the login page') } as const;
const decisionResponses = {
  303: page('Decided, or not signed in'), 403: page('No access, or the CSRF token missing'), 404: page('Unknown request'), 409: page('Decided already'), 422: page('The reason missing'),
} as const;

export const dataChangeRoutes = {
  meDataChangePage: {
    method: 'GET', path: '/web/me/data-change', summary: 'Perubahan data: my pending request (or a verifier\'s proposal to answer), or the form to ask for one', access: 'public',
    query: z.strictObject({ selesai: z.enum(keysOf(myNotices)).optional() }),
    responses: signedInResponses,
  },
  meDataChange: {
    method: 'POST', path: '/web/me/data-change', summary: 'Perubahan data posted: the request is made and my certificate held until a verifier decides', access: 'public',
    ...formPost, responses: { 303: page('Requested, or not signed in'), 403: page('CSRF token missing'), 409: page('The form with the reason'), 422: page('The form with its errors') },
  },
  meDataChangeDecision: {
    method: 'POST', path: '/web/me/data-change/{id}/decision', summary: "Approve, or reject with a reason, a verifier's proposal to change my data", access: 'public',
    params: requestId, ...formPost, responses: decisionResponses,
  },
  dataChangeLinkPage: {
    method: 'GET', path: '/web/data-change/{token}', summary: 'The "[TTE] Perubahan Data" link: a verifier\'s proposal, old and new values, approve or reject', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  dataChangeLinkDecision: {
    method: 'POST', path: '/web/data-change/{token}', summary: 'The answer to a proposal through its link: what happened and what comes next', access: 'public',
    params: linkToken, ...formPost, responses: { ...linkPageResponses, 409: page('Decided already'), 422: page('The reason missing') },
  },
  confirmEmailPage: {
    method: 'GET', path: '/web/confirm-email/{token}', summary: 'The "[TTE] Konfirmasi Alamat E-mail" link: the new address of an approved data change', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  confirmEmail: {
    method: 'POST', path: '/web/confirm-email/{token}', summary: 'The new address confirmed: the account moves to it', access: 'public',
    params: linkToken, ...formPost, responses: { ...linkPageResponses, 409: page('The address is taken') },
  },
  consoleDataChangesPage: {
    method: 'GET', path: '/web/console/data-changes', summary: "Verifier console: the tenant's data changes (users' requests to decide, or the verifier's proposals), by status", access: 'public',
    query: z.strictObject({
      status: z.enum(dataChangeStatuses).optional(), asal: z.enum(['pengguna', 'verifikator']).optional(), kursor: z.string().max(2000).optional(),
      selesai: z.enum(keysOf(consoleNotices)).optional(),
    }),
    responses: { ...signedInResponses, 403: page('Not a verifier') },
  },
  consoleDataChangeDecision: {
    method: 'POST', path: '/web/console/data-changes/{id}/decision', summary: "Verifier console: approve, or reject with a reason, a user's data change", access: 'public',
    params: requestId, ...formPost, responses: decisionResponses,
  },
  consoleProposeDataChangePage: {
    method: 'GET', path: '/web/console/users/{userId}/data-change', summary: "Verifier console: the form to propose a change of a user's data", access: 'public',
    params: userIdParams, responses: { ...signedInResponses, 403: page('Not a verifier'), 404: page('Unknown user') },
  },
  consoleProposeDataChange: {
    method: 'POST', path: '/web/console/users/{userId}/data-change', summary: 'Verifier console: the proposal posted; the user confirms it through a link', access: 'public',
    params: userIdParams, ...formPost,
    responses: { 303: page('Proposed: the queue of proposals'), 403: page('No access, or the CSRF token missing'), 404: page('Unknown user'), 409: page('The form with the reason'), 422: page('The form with its errors') },
  },
} as const satisfies Record<string, RouteSpec>;

const labels: Record<DataChangeField | 'reason', string> = { ...dataChangeFieldLabels, reason: 'Alasan' };
const fieldHints: Record<DataChangeField, string> = {
  fullName: 'Sesuai KTP, tanpa gelar. Nama tercantum pada sertifikat elektronik.',
  position: 'Jabatan saat ini, misalnya "Kepala Seksi Aplikasi".',
  unitName: 'Unit kerja di instansi yang sama. Unit kerja tercantum pada sertifikat elektronik.',
  email: 'Alamat e-mail dinas. Alamat baru berlaku setelah dikonfirmasi melalui tautan yang kami kirim ke alamat itu.',
  phone: 'Nomor ponsel Indonesia, misalnya 081234567890.',
};
const statusLabels: Record<DataChangeStatus, string> = { PENDING: 'Menunggu keputusan', APPROVED: 'Disetujui', REJECTED: 'Ditolak' };

/** A form field's text, or nothing when blank (the API then leaves the field as it is, or says it is required). */
const given = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
const csrfOf = (form: Readonly<Record<string, string | undefined>>) => (form.csrfToken ? { csrfToken: form.csrfToken } : {});
const notice = (text: string | undefined) => (text ? html`<p class="notice notice--success" role="status">${text}</p>` : '');

/** What to do with a refused call: sign in again, an error page, or the form again with the problem. */
type Failure = { kind: 'login' } | { kind: 'page' } | { kind: 'form'; problem: Problem };
const failureOf = (problem: Problem): Failure => {
  if (problem.status === 401) return { kind: 'login' };
  if (problem.status === 404 || (problem.status === 403 && problem.code !== 'CSRF_TOKEN_INVALID')) return { kind: 'page' };
  return { kind: 'form', problem };
};

/** Each changed field: its name, its old value and its new one, in words that fit where the change stands. */
export function changeList(request: Pick<Request, 'changes' | 'status'>): Html {
  const [before, after] = { PENDING: ['Sekarang', 'Menjadi'], APPROVED: ['Semula', 'Menjadi'], REJECTED: ['Tetap', 'Diminta'] }[request.status];
  return html`<dl class="summary">${request.changes.map((change) => html`<dt>${change.label}</dt>
<dd><span class="hint">${before}:</span> ${change.from ?? '(kosong)'}<br><span class="hint">${after}:</span> <strong>${change.to}</strong></dd>`)}</dl>`;
}

/** The certificate while a change waits, and after (the same words on every page). */
const holdNotice = (request: Pick<Request, 'certificateHeld' | 'changes'>, approveWord: string) => {
  if (!request.certificateHeld) return '';
  const reissues = request.changes.some((change) => change.field === 'fullName' || change.field === 'unitName' || change.field === 'email');
  return html`<div class="warning-text"><p>Selama perubahan ini belum diputuskan, sertifikat elektronik ditangguhkan: penandatanganan tidak dapat dilakukan.</p>
<p>${reissues
    ? `${approveWord}, sertifikat lama dicabut dan sertifikat baru dengan data terbaru diterbitkan melalui tautan "Set Passphrase". Bila ditolak, sertifikat berlaku kembali.`
    : 'Data ini tidak tercantum pada sertifikat: setelah diputuskan, sertifikat berlaku kembali.'}</p></div>`;
};

/** Approve, and reject with a reason: two forms to one action; `key` tells apart the reason fields of several cards. */
const decisionForms = (action: string, state: FormState, key: string, csrfToken?: string) => html`<div class="console-decision">
${postForm(action, [hiddenField('decision', 'APPROVE'), submitButton('Setujui')], csrfToken ? { csrfToken } : {})}
${postForm(action, [
  hiddenField('decision', 'REJECT'),
  textAreaField({ name: 'reason', key, label: labels.reason, state, hint: 'Wajib diisi bila menolak. Alasan dikirim melalui e-mail.' }),
  submitButton('Tolak', 'warning'),
], csrfToken ? { csrfToken } : {})}
</div>`;

/** The API's answer to a decision, as the body the decision forms post. */
const decisionBody = (form: Readonly<Record<string, string | undefined>>) => ({ decision: form.decision ?? '', ...(given(form.reason) ? { reason: given(form.reason) } : {}) });

/** The form's values: what the person has now, or what they typed. */
type Values = Partial<Record<DataChangeField | 'reason', string>>;

/** The fields to change, prefilled with the current data; only those that differ are a change. */
const changeFields = (state: FormState) => [
  ...dataChangeFields.map((field) => textField({
    name: field, label: labels[field], state, hint: fieldHints[field], autocomplete: 'off',
    ...(field === 'email' ? { type: 'email' as const, inputmode: 'email' as const } : field === 'phone' ? { type: 'tel' as const, inputmode: 'tel' as const } : {}),
  })),
  textAreaField({ name: 'reason', label: labels.reason, state, hint: 'Mengapa data berubah, misalnya nomor SK mutasi atau akta perubahan nama.' }),
];

/** The changed fields of a posted form, as the API takes them. */
const changeBody = (form: Readonly<Record<string, string | undefined>>) => ({
  ...Object.fromEntries(dataChangeFields.map((field) => [field, given(form[field])]).filter((entry) => entry[1] !== undefined)),
  ...(given(form.reason) ? { reason: given(form.reason) } : {}),
});
const valuesOf = (form: Readonly<Record<string, string | undefined>>): Values =>
  Object.fromEntries([...dataChangeFields, 'reason'].map((field) => [field, form[field] ?? '']));

export function dataChangeActions(deps: WebDeps): RouteActions<typeof dataChangeRoutes> {
  const mePath = (web: Web, done?: keyof typeof myNotices) => `${web.path('/me/data-change')}${done ? `?selesai=${done}` : ''}`;
  const consolePath = (web: Web, query: { status?: string; asal?: string; kursor?: string; selesai?: string } = {}) => {
    const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
    return `${web.path('/console/data-changes')}${search ? `?${search}` : ''}`;
  };
  const userPath = (web: Web, userId: string) => web.path(`/console/users/${encodeURIComponent(userId)}`);

  // ---- the user's page -----------------------------------------------------------------------

  const myPage = async (web: Web, options: { done?: keyof typeof myNotices; state?: FormState; status?: number } = {}): Promise<Reply> => {
    const signedIn = await web.signedIn(mePath(web));
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const mine = web.expect(await web.api.call(certificatesRoutes, 'getMyDataChanges'));
    const pending = mine.items.find((item) => item.status === 'PENDING');
    const earlier = mine.items.filter((item) => item.status !== 'PENDING');
    const state = options.state ?? emptyForm(Object.fromEntries(dataChangeFields.map((field) => [field, mine.profile[field] ?? ''])));
    return web.page({
      title: 'Perubahan data',
      heading: 'Perubahan data',
      nav: web.nav(me),
      body: html`<p class="console-back"><a href="${web.path('/me')}">← Kembali ke Akun saya</a></p>
${errorSummary(state, labels)}${notice(options.done ? myNotices[options.done] : undefined)}
${pending ? pendingSection(web, me, pending, state) : html`<p>Ajukan perubahan bila nama, jabatan, unit kerja, alamat e-mail atau nomor ponsel Anda berubah. Ubah isian yang berbeda saja; verifikator instansi Anda memeriksa dan memutuskannya.</p>
<div class="warning-text"><p>Selama permintaan belum diputuskan, sertifikat elektronik Anda ditangguhkan dan Anda tidak dapat menandatangani dokumen. Bila disetujui dan nama, unit kerja atau e-mail berubah, sertifikat lama dicabut dan Anda menerbitkan sertifikat baru melalui tautan "Set Passphrase".</p></div>
<p class="hint">Pindah ke instansi lain bukan perubahan data: sertifikat dicabut oleh instansi lama, lalu instansi baru mendaftarkan Anda.</p>
${postForm(mePath(web), [...changeFields(state), submitButton('Kirim')], { csrfToken: me.csrfToken, className: 'stacked-form' })}`}
${earlier.length > 0 ? html`<h2>Riwayat perubahan data</h2>
<ul class="cards">${earlier.map((item) => html`<li class="card">
<p><strong class="status">${statusLabels[item.status]}</strong> <span class="hint">diajukan ${formatDateTime(item.createdAt)} oleh ${item.origin === 'USER' ? 'Anda' : 'verifikator'}</span></p>
${changeList(item)}
${item.decision?.reason ? html`<p>Alasan keputusan: ${item.decision.reason}</p>` : ''}
${item.emailConfirmation?.status === 'AWAITING_CONFIRMATION' ? html`<p class="notice">Alamat e-mail baru (${item.emailConfirmation.address}) menunggu konfirmasi melalui tautan yang dikirim ke alamat itu.</p>` : ''}
</li>`)}</ul>` : ''}`,
    }, { status: options.status ?? 200 });
  };

  const pendingSection = (web: Web, me: Me, pending: Request, state: FormState) => html`<h2>Menunggu keputusan</h2>
<p>${pending.origin === 'USER'
    ? `Anda mengajukan perubahan ini pada ${formatDateTime(pending.createdAt)}. Verifikator instansi Anda akan memutuskannya.`
    : `Verifikator instansi Anda mengusulkan perubahan ini pada ${formatDateTime(pending.createdAt)}. Periksa lalu setujui, atau tolak dengan alasan.`}</p>
${changeList(pending)}
<p>Alasan: ${pending.reason}</p>
${holdNotice(pending, pending.origin === 'USER' ? 'Bila disetujui' : 'Bila Anda setujui')}
${pending.awaiting === 'USER' ? decisionForms(web.path(`/me/data-change/${encodeURIComponent(pending.requestId)}/decision`), state, 'reason', me.csrfToken) : ''}`;

  /** The form again after a refused request: a problem about a field beside it, the rest on top. */
  const againWithProblem = (web: Web, values: Values, problem: Problem) => myPage(web, {
    state: formStateOf(values, problem, { EMAIL_ALREADY_REGISTERED: 'email', EMAIL_DOMAIN_NOT_ALLOWED: 'email' }), status: problem.status,
  });

  // ---- the proposal link -----------------------------------------------------------------------

  const linkPage = (web: Web, token: string, proposal: SuccessBody<typeof certificatesRoutes.routes.getDataChangeLink>, state: FormState) => web.page({
    title: 'Konfirmasi perubahan data',
    heading: 'Konfirmasi perubahan data',
    body: html`${errorSummary(state, labels)}
<p>Yth. ${proposal.fullName}, verifikator ${proposal.tenantName} mengusulkan perubahan data Anda pada layanan TTE:</p>
${changeList(proposal)}
<p>Alasan: ${proposal.reason}</p>
${holdNotice(proposal, 'Bila Anda setujui')}
<p>Setujui bila data baru benar. Bila tidak, tolak dan tuliskan alasannya: verifikator menerima jawaban Anda.</p>
${decisionForms(web.path(`/data-change/${encodeURIComponent(token)}`), state, 'reason')}
<p class="hint">Tautan ini berlaku sampai ${formatDateTime(proposal.expiresAt)}. Anda juga dapat menanggapinya dari halaman Akun saya setelah masuk.</p>`,
  }, { status: Object.keys(state.errors).length > 0 || state.message ? 422 : 200 });

  const decidedPage = (web: Web, decided: Request) => {
    const approved = decided.status === 'APPROVED';
    const heading = approved ? 'Perubahan data disetujui' : 'Perubahan data ditolak';
    return web.page({
      title: heading,
      heading,
      body: html`<p class="lead">${approved ? 'Data Anda sudah diperbarui.' : 'Data Anda tidak berubah.'}</p>
${changeList(decided)}
${approved && decided.revoked ? html`<p>Sertifikat lama telah dicabut karena datanya berubah. ${decided.emailConfirmation
    ? 'Setelah alamat e-mail baru dikonfirmasi, kami mengirim tautan "Set Passphrase" ke alamat itu untuk menerbitkan sertifikat baru.'
    : 'Kami mengirim e-mail "Set Passphrase" berisi tautan untuk menerbitkan sertifikat baru dengan data terbaru.'}</p>` : ''}
${decided.emailConfirmation ? html`<p class="notice">Buka tautan konfirmasi yang kami kirim ke ${decided.emailConfirmation.address}. Alamat itu berlaku setelah dikonfirmasi.</p>` : ''}
${!approved || !decided.revoked ? html`<p>Sertifikat elektronik Anda, bila ada, berlaku kembali.</p>` : ''}
<p><a class="button" href="${web.path('/me')}">Ke halaman akun</a></p>`,
    });
  };

  // ---- the console -------------------------------------------------------------------------------

  const queue = async (web: Web, query: { status?: DataChangeStatus; asal?: 'pengguna' | 'verifikator'; kursor?: string; done?: keyof typeof consoleNotices; state?: FormState; httpStatus?: number }) => {
    const signedIn = await web.signedIn(consolePath(web));
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const status = query.status ?? 'PENDING';
    const asal = query.asal ?? 'pengguna';
    const origin = asal === 'pengguna' ? 'USER' : 'VERIFIER';
    const list = web.expect(await web.api.call(certificatesRoutes, 'listDataChanges', { query: { status, origin, cursor: query.kursor, limit: '25' } }));
    const state = query.state ?? emptyForm();
    const tab = (label: string, target: { status: DataChangeStatus; asal: string }, current: boolean) =>
      html`<li><a href="${consolePath(web, target)}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
    return web.page({
      title: 'Perubahan data pegawai',
      heading: 'Perubahan data pegawai',
      nav: web.nav(me),
      body: html`<p class="console-back"><a href="${web.path('/console')}">← Kembali ke konsol</a></p>
${errorSummary(state, { ...labels, ...Object.fromEntries(Object.keys(state.errors).filter((key) => key.startsWith('reason-')).map((key) => [key, labels.reason])) })}${notice(query.done ? consoleNotices[query.done] : undefined)}
<p>Pegawai mengajukan perubahan nama, jabatan, unit kerja, e-mail atau nomor ponsel. Selama menunggu, sertifikat mereka ditangguhkan. Periksa dokumen pendukung sebelum menyetujui. Untuk mengusulkan perubahan data seorang pegawai, buka halaman pegawai itu di konsol.</p>
<nav aria-label="Asal perubahan"><ul class="tabs">
${tab('Permintaan pegawai', { status, asal: 'pengguna' }, asal === 'pengguna')}
${tab('Usulan verifikator', { status, asal: 'verifikator' }, asal === 'verifikator')}
</ul></nav>
<nav aria-label="Status perubahan"><ul class="tabs">
${dataChangeStatuses.map((entry) => tab(statusLabels[entry], { status: entry, asal }, entry === status))}
</ul></nav>
<h2>${asal === 'pengguna' ? 'Permintaan pegawai' : 'Usulan verifikator'}: ${statusLabels[status].toLowerCase()}</h2>
${list.items.length === 0 ? html`<p>Tidak ada perubahan data dengan status ini.</p>` : html`<ul class="cards">${list.items.map((item) => html`<li class="card">
<h3><a href="${userPath(web, item.userId)}">${item.fullName || item.email}</a></h3>
<p class="hint email">${item.email}<br>Diajukan ${formatDateTime(item.createdAt)}</p>
${changeList(item)}
<p>Alasan: ${item.reason}</p>
${item.certificateHeld ? html`<p><span class="tag">Sertifikat ditangguhkan</span></p>` : ''}
${item.decision ? html`<p>${item.decision.decision === 'APPROVE' ? 'Disetujui' : 'Ditolak'} ${formatDateTime(item.decision.at)}${item.decision.reason ? html`: ${item.decision.reason}` : ''}</p>` : ''}
${item.revoked ? html`<p class="hint">Sertifikat lama dicabut (${item.revoked.reason === 'affiliationChanged' ? 'perubahan unit kerja' : 'digantikan'}).</p>` : ''}
${item.emailConfirmation ? html`<p class="hint">Alamat e-mail baru ${item.emailConfirmation.address}: ${item.emailConfirmation.status === 'CONFIRMED' ? 'sudah dikonfirmasi' : 'menunggu konfirmasi pegawai'}.</p>` : ''}
${item.awaiting === 'VERIFIER' ? decisionForms(web.path(`/console/data-changes/${encodeURIComponent(item.requestId)}/decision`), state, `reason-${item.requestId}`, me.csrfToken) : ''}
${item.awaiting === 'USER' ? html`<p class="notice">Menunggu persetujuan pegawai melalui tautan yang dikirim kepadanya.</p>` : ''}
</li>`)}</ul>`}
${query.kursor || list.nextCursor ? html`<p class="pager">${query.kursor ? html`<a href="${consolePath(web, { status, asal })}">Halaman pertama</a>` : ''}${list.nextCursor ? html`<a href="${consolePath(web, { status, asal, kursor: list.nextCursor })}">Berikutnya</a>` : ''}</p>` : ''}`,
    }, { status: query.httpStatus ?? 200 });
  };

  const proposalForm = async (web: Web, userId: string, state?: FormState, status = 200): Promise<Reply> => {
    const back = web.path(`/console/users/${encodeURIComponent(userId)}/data-change`);
    const signedIn = await web.signedIn(back);
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const user = web.expect(await web.api.call(enrollmentRoutes, 'getUser', { params: { userId } })) as UserDetail;
    const current: Values = {
      fullName: user.identity?.fullName ?? user.fullName, position: user.employment?.position ?? '', unitName: user.employment?.unitName ?? '', email: user.email, phone: user.phone ?? '',
    };
    const shown = state ?? emptyForm(current);
    return web.page({
      title: 'Usulkan perubahan data',
      heading: 'Usulkan perubahan data',
      nav: web.nav(me),
      body: html`<p class="console-back"><a href="${userPath(web, userId)}">← Kembali ke data ${current.fullName}</a></p>
${errorSummary(shown, labels)}
<p>Ubah isian yang berbeda saja. ${current.fullName} menerima e-mail berisi tautan untuk menyetujui atau menolak usulan ini; selama menunggu, sertifikatnya ditangguhkan.</p>
${postForm(back, [...changeFields(shown), submitButton('Kirim')], { csrfToken: me.csrfToken, className: 'stacked-form' })}`,
    }, { status });
  };

  return {
    meDataChangePage: async (request) => myPage(new Web(deps, request), { ...(request.query.selesai ? { done: request.query.selesai } : {}) }),

    meDataChange: async (request) => {
      const web = new Web(deps, request);
      const result = await web.api.call(certificatesRoutes, 'requestMyDataChange', { body: { ...changeBody(request.body), ...csrfOf(request.body) } });
      if (result.ok) return web.seeOther(mePath(web, 'diajukan'));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(mePath(web));
      if (failure.kind === 'page') web.fail(result.problem);
      return againWithProblem(web, valuesOf(request.body), result.problem);
    },

    meDataChangeDecision: async (request) => {
      const web = new Web(deps, request);
      const result = await web.api.call(certificatesRoutes, 'decideDataChange', { params: request.params, body: { ...decisionBody(request.body), ...csrfOf(request.body) } });
      if (result.ok) return web.seeOther(mePath(web, result.body.status === 'APPROVED' ? 'disetujui' : 'ditolak'));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(mePath(web));
      if (failure.kind === 'page') web.fail(result.problem);
      return myPage(web, { state: formStateOf({ reason: request.body.reason }, result.problem), status: result.problem.status });
    },

    dataChangeLinkPage: async (request) => {
      const web = new Web(deps, request);
      const proposal = web.expect(await web.api.call(certificatesRoutes, 'getDataChangeLink', { params: request.params }));
      return linkPage(web, request.params.token, proposal, emptyForm());
    },

    dataChangeLinkDecision: async (request) => {
      const web = new Web(deps, request);
      const result = await web.api.call(certificatesRoutes, 'decideDataChangeLink', { params: request.params, body: decisionBody(request.body) });
      if (result.ok) return decidedPage(web, result.body);
      if (result.problem.status !== 422) web.fail(result.problem);
      const proposal = web.expect(await web.api.call(certificatesRoutes, 'getDataChangeLink', { params: request.params }));
      return linkPage(web, request.params.token, proposal, formStateOf({ reason: request.body.reason }, result.problem));
    },

    confirmEmailPage: async (request) => {
      const web = new Web(deps, request);
      const confirmation = web.expect(await web.api.call(certificatesRoutes, 'getEmailConfirmation', { params: request.params }));
      return web.page({
        title: 'Konfirmasi alamat e-mail',
        heading: 'Konfirmasi alamat e-mail',
        body: html`<p>Yth. ${confirmation.fullName}, alamat e-mail akun TTE Anda akan diubah:</p>
<dl class="summary">
<dt>Sekarang</dt><dd class="email">${confirmation.currentEmail}</dd>
<dt>Menjadi</dt><dd class="email"><strong>${confirmation.newEmail}</strong></dd>
</dl>
<p>Setelah dikonfirmasi, Anda masuk ke layanan TTE dengan alamat baru, dan semua e-mail layanan dikirim ke alamat itu.</p>
${postForm(web.path(`/confirm-email/${encodeURIComponent(request.params.token)}`), [submitButton('Konfirmasi alamat e-mail')], { className: 'stacked-form' })}
<p class="hint">Tautan ini berlaku sampai ${formatDateTime(confirmation.expiresAt)}. Bila Anda tidak mengajukan perubahan ini, tutup halaman ini; alamat e-mail tidak berubah.</p>`,
      });
    },

    confirmEmail: async (request) => {
      const web = new Web(deps, request);
      const confirmed = web.expect(await web.api.call(certificatesRoutes, 'confirmEmail', { params: request.params }));
      return web.page({
        title: 'Alamat e-mail dikonfirmasi',
        heading: 'Alamat e-mail dikonfirmasi',
        body: html`<p class="lead">Mulai sekarang Anda masuk ke layanan TTE dengan <strong class="email">${confirmed.email}</strong>.</p>
<p>Bila sertifikat Anda dicabut karena perubahan data ini, e-mail "Set Passphrase" untuk menerbitkan sertifikat baru sudah dikirim ke alamat tersebut.</p>
<p><a class="button" href="${web.path('/login')}">Masuk</a></p>`,
      });
    },

    consoleDataChangesPage: async (request) => {
      const web = new Web(deps, request);
      const { status, asal, kursor, selesai } = request.query;
      return queue(web, { ...(status ? { status } : {}), ...(asal ? { asal } : {}), ...(kursor ? { kursor } : {}), ...(selesai ? { done: selesai } : {}) });
    },

    consoleDataChangeDecision: async (request) => {
      const web = new Web(deps, request);
      const result = await web.api.call(certificatesRoutes, 'decideDataChange', { params: request.params, body: { ...decisionBody(request.body), ...csrfOf(request.body) } });
      if (result.ok) return web.seeOther(consolePath(web, { selesai: result.body.status === 'APPROVED' ? 'disetujui' : 'ditolak' }));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(consolePath(web));
      if (failure.kind === 'page') web.fail(result.problem);
      const key = `reason-${request.params.id}`;
      const problem = { ...result.problem, errors: result.problem.errors.map((error) => ({ ...error, field: error.field === 'reason' ? key : error.field })) };
      return queue(web, { state: formStateOf({ [key]: request.body.reason }, problem), httpStatus: result.problem.status });
    },

    consoleProposeDataChangePage: async (request) => proposalForm(new Web(deps, request), request.params.userId),

    consoleProposeDataChange: async (request) => {
      const web = new Web(deps, request);
      const { userId } = request.params;
      const result = await web.api.call(certificatesRoutes, 'proposeDataChange', { params: { userId }, body: { ...changeBody(request.body), ...csrfOf(request.body) } });
      if (result.ok) return web.seeOther(consolePath(web, { asal: 'verifikator', selesai: 'diusulkan' }));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(web.path(`/console/users/${encodeURIComponent(userId)}/data-change`));
      if (failure.kind === 'page') web.fail(result.problem);
      const state = formStateOf(valuesOf(request.body), result.problem, { EMAIL_ALREADY_REGISTERED: 'email', EMAIL_DOMAIN_NOT_ALLOWED: 'email' });
      return proposalForm(web, userId, state, result.problem.status);
    },
  };
}

/**
 * The data-change part of /me for a user: a change waiting (and whose turn it is), and the way to
 * ask for one. Staff change their data through the operator, so they see nothing here.
 */
export async function dataChangeOnMe(web: Web, me: Pick<Me, 'role'>): Promise<Html | ''> {
  if (me.role !== 'USER') return '';
  const mine: ApiResult<SuccessBody<typeof certificatesRoutes.routes.getMyDataChanges>> = await web.api.call(certificatesRoutes, 'getMyDataChanges');
  if (!mine.ok) return '';
  const pending = mine.body.items.find((item) => item.status === 'PENDING');
  const link = web.path('/me/data-change');
  if (!pending) return html`<p><a href="${link}">Ajukan perubahan data</a> bila nama, jabatan, unit kerja, e-mail atau nomor ponsel Anda berubah.</p>`;
  return html`<div class="notice" role="status"><p>${pending.awaiting === 'USER'
    ? 'Verifikator instansi Anda mengusulkan perubahan data Anda dan menunggu tanggapan Anda.'
    : 'Permintaan perubahan data Anda menunggu keputusan verifikator instansi Anda.'}${pending.certificateHeld ? ' Selama itu sertifikat Anda ditangguhkan.' : ''}</p>
<p><a href="${link}">${pending.awaiting === 'USER' ? 'Periksa dan tanggapi usulan' : 'Lihat permintaan perubahan data'}</a></p></div>`;
}

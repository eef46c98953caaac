import * as z from 'zod';
import { AppError, fieldErrorCatalog } from '../../../shared/domain/errors.js';
import { MAX_REGISTRY_AGENCIES, type TenantStatus } from '../../../shared/domain/tenants.js';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html, type Html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { operatorRoutes } from '../../operator/routes.js';
import type { ApiResult, Problem, SuccessBody } from '../api.js';
import { formatDateTime } from '../format.js';
import { emptyForm, errorSummary, formStateOf, hiddenField, postForm, submitButton, textAreaField, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';
import { selfServiceSection } from './tenant-self-service.js';

/**
 * The operator console: the tenants (agencies), one tenant's data, its suspension and
 * reactivation (each confirmed first), and its verifiers. Every rule is the API's; these pages
 * show and forward.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type Tenant = SuccessBody<typeof operatorRoutes.routes.getTenant>;
type Verifier = SuccessBody<typeof operatorRoutes.routes.listVerifiers>['items'][number];

const tenantIdParams = z.strictObject({ tenantId: z.string().min(1).max(64) });
const verifierParams = tenantIdParams.extend({ userId: z.string().min(1).max(64) });

const tenantNotices = {
  dibuat: 'Instansi ditambahkan. Undang verifikator pertamanya di bawah ini.',
  disimpan: 'Perubahan data instansi disimpan.',
  dihentikan: 'Layanan instansi dihentikan sementara. Verifikator dan sistem integrator instansi ini ditolak, dan pegawainya tidak dapat menandatangani, paling lambat satu menit lagi.',
  diaktifkan: 'Layanan instansi aktif kembali. Verifikator, sistem integrator dan penandatanganan pegawainya berjalan lagi paling lambat satu menit lagi.',
  diundang: 'Verifikator diundang. E-mail "Informasi Akun" berisi tautan (berlaku 72 jam) untuk membuat kata sandi dan mendaftarkan aplikasi autentikator sudah dikirim kepadanya.',
  nonaktif: 'Verifikator dinonaktifkan. Semua sesinya sudah diakhiri, ia tidak dapat masuk lagi, dan e-mail pemberitahuan sudah dikirim kepadanya.',
  pemulihan: 'Tautan pemulihan (berlaku 72 jam) sudah dikirim ke alamat e-mail verifikator. Akunnya aktif kembali setelah ia membuat kata sandi baru dan mendaftarkan aplikasi autentikator.',
} as const;
type TenantNotice = keyof typeof tenantNotices;
const noticeKeys = Object.keys(tenantNotices) as [TenantNotice, ...TenantNotice[]];

/**
 * The operator console's sections, as a small sub-navigation on each of its pages. Other
 * operator pages (billing, audit) add their entry here.
 */
export const operatorSections: readonly { path: string; label: string }[] = [
  { path: '/console/tenants', label: 'Instansi' },
  { path: '/console/usage', label: 'Pemakaian & tagihan' },
  { path: '/console/prices', label: 'Harga layanan' },
  { path: '/console/audit', label: 'Jejak audit' },
];

/** The sections as tabs, `current` (a path such as '/console/tenants') marked as the page shown. */
export const operatorSectionsNav = (web: Web, current: string) => html`<nav aria-label="Bagian konsol operator"><ul class="tabs">
${operatorSections.map((section) => (section.path === current
    ? html`<li><a href="${web.path(section.path)}" aria-current="page">${section.label}</a></li>`
    : html`<li><a href="${web.path(section.path)}">${section.label}</a></li>`))}
</ul></nav>`;

export const tenantPageRoutes = {
  consoleTenantsPage: {
    method: 'GET', path: '/web/console/tenants', summary: 'Operator console: the tenants, and the form to add one', access: 'public',
    query: z.strictObject({ kursor: z.string().max(2000).optional() }),
    responses: { 200: page('Instansi'), 303: page('Not signed in: to the login page'), 403: page('Not an operator') },
  },
  consoleCreateTenant: {
    method: 'POST', path: '/web/console/tenants', summary: "Operator console: add a tenant; on to the tenant's page", access: 'public',
    ...formPost,
    responses: { 303: page("Added: the tenant's page"), 403: page('No access, or the CSRF token missing'), 409: page('The form with its errors'), 422: page('The form with its errors') },
  },
  consoleTenantPage: {
    method: 'GET', path: '/web/console/tenants/{tenantId}', summary: 'Operator console: a tenant (data, status, verifiers) with its forms', access: 'public',
    params: tenantIdParams, query: z.strictObject({ selesai: z.enum(noticeKeys).optional() }),
    responses: { 200: page('The tenant'), 303: page('Not signed in: to the login page'), 403: page('Not an operator'), 404: page('Unknown tenant') },
  },
  consoleUpdateTenant: {
    method: 'POST', path: '/web/console/tenants/{tenantId}', summary: "Operator console: change a tenant's name, organisation, domains or billing address", access: 'public',
    params: tenantIdParams, ...formPost,
    responses: { 303: page("Saved: the tenant's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown tenant'), 409: page('The form with its errors'), 422: page('The form with its errors') },
  },
  consoleTenantStatusPage: {
    method: 'GET', path: '/web/console/tenants/{tenantId}/status', summary: 'Operator console: what suspending (or reactivating) the tenant does, and the confirmation', access: 'public',
    params: tenantIdParams,
    responses: { 200: page('The confirmation'), 303: page('Not signed in: to the login page'), 403: page('Not an operator'), 404: page('Unknown tenant') },
  },
  consoleTenantStatus: {
    method: 'POST', path: '/web/console/tenants/{tenantId}/status', summary: 'Operator console: suspend or reactivate the tenant, as confirmed', access: 'public',
    params: tenantIdParams, ...formPost,
    responses: { 303: page("Done: the tenant's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown tenant'), 422: page('No status chosen') },
  },
  consoleVerifierStatusPage: {
    method: 'GET', path: '/web/console/tenants/{tenantId}/verifiers/{userId}/status', summary: 'Operator console: what disabling (or restoring) a verifier does, and the confirmation', access: 'public',
    params: verifierParams,
    responses: { 200: page('The confirmation'), 303: page('Not signed in: to the login page'), 403: page('Not an operator'), 404: page('Unknown tenant or verifier') },
  },
  consoleVerifierStatus: {
    method: 'POST', path: '/web/console/tenants/{tenantId}/verifiers/{userId}/status', summary: 'Operator console: disable a verifier with a reason, or send the link that restores them, as confirmed', access: 'public',
    params: verifierParams, ...formPost,
    responses: {
      303: page("Done: the tenant's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown tenant or verifier'),
      409: page('The confirmation with why not'), 422: page('The confirmation with the reason missing'),
    },
  },
  consoleInviteVerifier: {
    method: 'POST', path: '/web/console/tenants/{tenantId}/verifiers', summary: 'Operator console: invite a verifier for the tenant (the account-setup e-mail is sent)', access: 'public',
    params: tenantIdParams, ...formPost,
    responses: { 303: page("Invited: the tenant's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown tenant'), 409: page('The form with its errors'), 422: page('The form with its errors') },
  },
} as const satisfies Record<string, RouteSpec>;

const tenantStatusLabels: Record<TenantStatus, string> = { ACTIVE: 'Aktif', SUSPENDED: 'Dihentikan sementara' };
const verifierStatusLabels: Record<string, string> = {
  APPROVED: 'Belum membuat kata sandi', ACTIVE: 'Aktif', DISABLED: 'Dinonaktifkan',
};
const tenantLabels = {
  name: 'Nama instansi',
  organisationName: 'Nama organisasi pada sertifikat',
  emailDomains: 'Domain e-mail dinas',
  billingEmail: 'Email penagihan',
  registryAgencies: 'Nama instansi di data kepegawaian (BKN/SIPP)',
};
const verifierLabels = { fullName: 'Nama lengkap', email: 'Email' };
const labels = { ...tenantLabels, ...verifierLabels };

/** The domains as typed: one a line (commas and spaces also separate them). */
const domainsOf = (text: string | undefined) => (text ?? '').split(/[\s,;]+/).map((domain) => domain.trim()).filter(Boolean);

/**
 * The registry's agency names as typed: one a line (a name may hold commas), blank lines skipped;
 * with the line each came from, so an error names the line the operator sees.
 */
function agencyLinesOf(text: string | undefined): { names: string[]; lines: number[] } {
  const names: string[] = [];
  const lines: number[] = [];
  (text ?? '').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    names.push(line.trim());
    lines.push(index + 1);
  });
  return { names, lines };
}

/** A field's text as typed, trimmed; the API says what is wrong with it. */
const trimmed = (value: string | undefined) => (value ?? '').trim();

/** The fields typed, trimmed; blank ones left out (the API then says which are required). */
const given = <K extends string>(fields: Record<K, string | undefined>): Partial<Record<K, string>> =>
  Object.fromEntries(Object.entries<string | undefined>(fields).map(([name, value]) => [name, trimmed(value)]).filter(([, value]) => value !== '')) as Partial<Record<K, string>>;

/** What to do with a failed action: sign in again, an error page, or the form again with the error. */
type Failure = { kind: 'login' } | { kind: 'page' } | { kind: 'form'; problem: Problem };
const failureOf = (problem: Problem): Failure => {
  if (problem.status === 401) return { kind: 'login' };
  if (problem.status === 404 || (problem.status === 403 && problem.code !== 'CSRF_TOKEN_INVALID')) return { kind: 'page' };
  return { kind: 'form', problem };
};

/** The API's errors on `emailDomains.<n>` beside the one domain field, naming the domain. */
function domainErrors(problem: Problem, domains: readonly string[]): Problem {
  return {
    ...problem,
    errors: problem.errors.map((error) => {
      const index = /^emailDomains\.(\d+)$/.exec(error.field)?.[1];
      return index === undefined ? error : { ...error, field: 'emailDomains', message: `${domains[Number(index)] ?? ''}: ${error.message}` };
    }),
  };
}

/**
 * The API's errors on `registryAgencies` beside the one text area: an error on one name names its
 * line; the list as a whole can only be too long.
 */
function agencyErrors(problem: Problem, agencies: { names: readonly string[]; lines: readonly number[] }): Problem {
  return {
    ...problem,
    errors: problem.errors.map((error) => {
      if (error.field === 'registryAgencies' && agencies.names.length > MAX_REGISTRY_AGENCIES) {
        return { ...error, message: `Paling banyak ${MAX_REGISTRY_AGENCIES} nama, satu per baris; yang diisi ${agencies.names.length}.` };
      }
      const index = /^registryAgencies\.(\d+)$/.exec(error.field)?.[1];
      if (index === undefined) return error;
      const line = `Baris ${agencies.lines[Number(index)] ?? Number(index) + 1}`;
      const name = agencies.names[Number(index)] ?? '';
      const message = error.code === 'DUPLICATE_VALUE' ? `${line} ("${name}") sudah ada di baris sebelumnya (besar-kecil huruf, spasi dan tanda baca tidak dibedakan).`
        : error.code === 'VALUE_INVALID' ? `${line} ("${name}") tidak memuat huruf atau angka.`
          : `${line}: ${error.message}`;
      return { ...error, field: 'registryAgencies', message };
    }),
  };
}

export function tenantPageActions(deps: WebDeps): RouteActions<typeof tenantPageRoutes> {
  const listPath = (web: Web) => web.path('/console/tenants');
  const tenantPath = (web: Web, tenantId: string, done?: TenantNotice) =>
    `${web.path(`/console/tenants/${encodeURIComponent(tenantId)}`)}${done ? `?selesai=${done}` : ''}`;

  const sections = operatorSectionsNav;

  const tenantFormFields = (state: FormState): Html[] => [
    textField({ name: 'name', label: tenantLabels.name, state, autocomplete: 'off', hint: 'Nama yang dikenal pegawai, misalnya "Dinas Komunikasi dan Informatika Kota Palu".' }),
    textField({ name: 'organisationName', label: tenantLabels.organisationName, state, autocomplete: 'off', maxlength: 64, hint: 'Ditulis pada setiap sertifikat elektronik pegawainya (O=), paling banyak 64 karakter.' }),
    textAreaField({ name: 'emailDomains', label: tenantLabels.emailDomains, state, rows: 3, hint: 'Satu domain per baris, misalnya palukota.go.id. Hanya alamat e-mail dengan domain ini yang dapat didaftarkan, dan setiap domain hanya dimiliki satu instansi.' }),
    textField({ name: 'billingEmail', label: tenantLabels.billingEmail, type: 'email', inputmode: 'email', autocomplete: 'off', state, hint: 'Tagihan bulanan dikirim ke alamat ini.' }),
  ];

  // Only a change sets these (the API's create takes no agencies), so only the edit form has it.
  const registryAgenciesField = (state: FormState): Html => textAreaField({
    name: 'registryAgencies', label: tenantLabels.registryAgencies, state, rows: 5,
    hint: html`<strong>Bila kosong, setiap pendaftaran menunggu keputusan verifikator.</strong> Pendaftaran yang cocok dengan data kepegawaian disetujui otomatis hanya bila instansi pada data itu tertulis di sini. Satu nama per baris (paling banyak ${String(MAX_REGISTRY_AGENCIES)}), persis seperti di data BKN (ASN) atau SIPP (Polri), misalnya "Pemerintah Kota Palu".`,
  });

  /** The agencies on the tenant's page, or why it matters that there are none yet. */
  const registryAgenciesValue = (tenant: Tenant) => (tenant.registryAgencies.length === 0
    ? html`Belum diisi`
    : tenant.registryAgencies.map((agency, index) => html`${index > 0 ? html`<br>` : ''}${agency}`));
  const registryAgenciesNotice = (tenant: Tenant) => (tenant.registryAgencies.length > 0 ? '' : html`<div class="warning-text">
<p><strong>Nama instansi di data kepegawaian (BKN/SIPP) belum diisi.</strong> Sampai diisi, setiap pendaftaran pegawai instansi ini menunggu keputusan verifikator, walaupun datanya cocok dengan data kepegawaian.</p>
<p><a href="#data-instansi">Isi di bagian Data instansi</a></p>
</div>`);

  const tenantCard = (web: Web, tenant: Tenant) => html`<li class="card">
<a href="${tenantPath(web, tenant.tenantId)}"><strong>${tenant.name}</strong></a> <span class="tag">${tenantStatusLabels[tenant.status]}</span>
<br><span class="email">${tenant.emailDomains.join(', ')}</span>
<br><span class="hint">Diperbarui ${formatDateTime(tenant.updatedAt)}</span>
</li>`;

  const listPage = async (web: Web, me: Me, query: { kursor?: string }, state: FormState, status = 200): Promise<Reply> => {
    const list = web.expect(await web.api.call(operatorRoutes, 'listTenants', { query: { cursor: query.kursor, limit: '25' } }));
    return web.page({
      title: 'Konsol operator: instansi',
      heading: 'Instansi',
      nav: web.nav(me),
      body: html`${sections(web, '/console/tenants')}${errorSummary(state, tenantLabels)}
<p>Setiap instansi (OPD) memakai layanan TTE dengan domain e-mail dinasnya sendiri, verifikatornya sendiri, dan tagihannya sendiri.</p>
${list.items.length === 0 ? html`<p>Belum ada instansi.</p>` : html`<ul class="cards">${list.items.map((tenant) => tenantCard(web, tenant))}</ul>`}
${query.kursor || list.nextCursor ? html`<p class="pager">${query.kursor ? html`<a href="${listPath(web)}">Halaman pertama</a>` : ''}${list.nextCursor ? html`<a href="${listPath(web)}?kursor=${encodeURIComponent(list.nextCursor)}">Berikutnya</a>` : ''}</p>` : ''}
<h2>Tambah instansi</h2>
${postForm(listPath(web), [...tenantFormFields(state), submitButton('Tambah instansi')], { csrfToken: me.csrfToken })}`,
    }, { status });
  };

  const verifierPath = (web: Web, tenantId: string, userId: string) => `${tenantPath(web, tenantId)}/verifiers/${encodeURIComponent(userId)}/status`;

  // Each verifier with the one thing an operator may do to them: disable, or restore once disabled.
  const verifierList = (web: Web, tenantId: string, verifiers: readonly Verifier[]) => (verifiers.length === 0
    ? html`<p>Belum ada verifikator. Undang sedikitnya satu agar instansi dapat mendaftarkan pegawainya.</p>`
    : html`<ul class="cards">${verifiers.map((verifier) => html`<li class="card">
<strong>${verifier.fullName}</strong> <span class="tag">${verifierStatusLabels[verifier.status] ?? verifier.status}</span>
<br><span class="email">${verifier.email}</span>
<br><span class="hint">Diundang ${formatDateTime(verifier.createdAt)}</span>
<br>${verifier.status === 'DISABLED'
    ? html`<a class="button button--secondary" href="${verifierPath(web, tenantId, verifier.userId)}" aria-label="Pulihkan akun ${verifier.fullName}">Pulihkan akun</a>`
    : html`<a class="button button--secondary" href="${verifierPath(web, tenantId, verifier.userId)}" aria-label="Nonaktifkan ${verifier.fullName}">Nonaktifkan</a>`}
</li>`)}</ul>`);

  const statusSection = (web: Web, tenant: Tenant) => (tenant.status === 'SUSPENDED'
    ? html`<h2>Status layanan</h2>
<div class="warning-text"><p><strong>Layanan instansi ini dihentikan sementara.</strong> Verifikator dan sistem integratornya ditolak; pegawainya tetap dapat masuk dan melihat datanya, tetapi tidak dapat menandatangani.</p></div>
<p><a class="button" href="${tenantPath(web, tenant.tenantId)}/status">Aktifkan kembali layanan</a></p>`
    : html`<h2>Status layanan</h2>
<p>Bila instansi berhenti berlangganan atau menunggak, hentikan layanannya sementara. Tidak ada data yang dihapus, dan layanan dapat diaktifkan kembali kapan saja.</p>
<p><a class="button button--warning" href="${tenantPath(web, tenant.tenantId)}/status">Hentikan sementara layanan</a></p>`);

  const tenantPage = async (web: Web, tenantId: string, options: { done?: TenantNotice; edit?: FormState; invite?: FormState; message?: string; status?: number } = {}): Promise<Reply> => {
    const signedIn = await web.signedIn(tenantPath(web, tenantId));
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const [tenant, verifiers] = await Promise.all([
      web.api.call(operatorRoutes, 'getTenant', { params: { tenantId } }).then((result) => web.expect(result)),
      web.api.call(operatorRoutes, 'listVerifiers', { params: { tenantId } }).then((result) => web.expect(result).items),
    ]);
    const edit = options.edit ?? emptyForm({
      name: tenant.name, organisationName: tenant.organisationName, emailDomains: tenant.emailDomains.join('\n'), billingEmail: tenant.billingEmail ?? '',
      registryAgencies: tenant.registryAgencies.join('\n'),
    });
    const invite = options.invite ?? emptyForm();
    const message = options.message ?? edit.message ?? invite.message;
    const failed: FormState = { values: {}, errors: { ...edit.errors, ...invite.errors }, ...(message ? { message } : {}) };
    return web.page({
      title: `Instansi: ${tenant.name}`,
      heading: tenant.name,
      nav: web.nav(me),
      body: html`${sections(web, '/console/tenants')}<p class="console-back"><a href="${listPath(web)}">← Semua instansi</a></p>
${errorSummary(failed, labels)}${options.done ? html`<p class="notice" role="status">${tenantNotices[options.done]}</p>` : ''}
<dl class="summary">
<dt>Status</dt><dd><strong>${tenantStatusLabels[tenant.status]}</strong></dd>
<dt>Organisasi pada sertifikat</dt><dd>${tenant.organisationName}</dd>
<dt>Domain e-mail</dt><dd class="email">${tenant.emailDomains.join(', ')}</dd>
<dt>Email penagihan</dt><dd class="email">${tenant.billingEmail ?? 'Belum diisi'}</dd>
<dt>Nama di data kepegawaian</dt><dd>${registryAgenciesValue(tenant)}</dd>
<dt>Ditambahkan</dt><dd>${formatDateTime(tenant.createdAt)}</dd>
<dt>Diperbarui</dt><dd>${formatDateTime(tenant.updatedAt)}</dd>
</dl>
${registryAgenciesNotice(tenant)}
${statusSection(web, tenant)}
${selfServiceSection(web, me, tenant)}
<h2>Verifikator</h2>
${verifierList(web, tenant.tenantId, verifiers)}
<h3>Undang verifikator</h3>
<p>Verifikator menerima e-mail "Informasi Akun" untuk membuat kata sandi dan mendaftarkan aplikasi autentikator, lalu dapat mendaftarkan pegawai instansi ini.</p>
${postForm(`${tenantPath(web, tenant.tenantId)}/verifiers`, [
  textField({ name: 'fullName', label: verifierLabels.fullName, state: invite, autocomplete: 'off', hint: 'Huruf dan spasi saja, tanpa gelar.' }),
  textField({ name: 'email', label: verifierLabels.email, type: 'email', inputmode: 'email', autocomplete: 'off', state: invite, hint: html`Alamat dinas dengan domain ${tenant.emailDomains.join(', ')}.` }),
  submitButton('Undang verifikator'),
], { csrfToken: me.csrfToken })}
<h2 id="data-instansi">Data instansi</h2>
<details class="details"${Object.keys(edit.errors).length > 0 || edit.message ? ' open' : ''}><summary>Ubah nama, domain e-mail, email penagihan atau nama di data kepegawaian</summary>
${postForm(tenantPath(web, tenant.tenantId), [...tenantFormFields(edit), registryAgenciesField(edit), submitButton('Simpan')], { csrfToken: me.csrfToken })}
</details>`,
    }, { status: options.status ?? 200 });
  };

  /** After an action on a tenant: its page with the confirmation, or with the error beside the form. */
  const afterTenantAction = async (
    web: Web, tenantId: string, result: ApiResult<unknown>, done: TenantNotice, form: { which: 'edit' | 'invite'; values: FormState['values']; domains?: readonly string[]; agencies?: ReturnType<typeof agencyLinesOf> },
  ): Promise<Reply> => {
    if (result.ok) return web.seeOther(tenantPath(web, tenantId, done));
    const failure = failureOf(result.problem);
    if (failure.kind === 'login') return web.toLogin(tenantPath(web, tenantId));
    if (failure.kind === 'page') web.fail(result.problem);
    const problem = agencyErrors(domainErrors(result.problem, form.domains ?? []), form.agencies ?? { names: [], lines: [] });
    const state = formStateOf(form.values, problem, { TENANT_DOMAIN_TAKEN: 'emailDomains', EMAIL_ALREADY_REGISTERED: 'email', EMAIL_DOMAIN_NOT_ALLOWED: 'email' });
    return tenantPage(web, tenantId, { [form.which]: state, status: problem.status });
  };

  const confirmationPage = async (web: Web, tenantId: string): Promise<Reply> => {
    const signedIn = await web.signedIn(`${tenantPath(web, tenantId)}/status`);
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const tenant = web.expect(await web.api.call(operatorRoutes, 'getTenant', { params: { tenantId } }));
    const suspending = tenant.status === 'ACTIVE';
    const heading = suspending ? 'Hentikan sementara layanan' : 'Aktifkan kembali layanan';
    return web.page({
      title: `${heading}: ${tenant.name}`,
      heading,
      nav: web.nav(me),
      body: html`${sections(web, '/console/tenants')}
<p class="lead">${tenant.name}</p>
${suspending ? html`<div class="warning-text">
<p><strong>Yang terjadi bila layanan dihentikan:</strong></p>
<ul>
<li>Verifikator instansi ini ditolak di semua halaman dan API, juga kunci API mereka.</li>
<li>Sistem integrator instansi ini (e-office, SIMPEG, alamat kompatibel BSrE) ditolak.</li>
<li>Pegawainya tetap dapat masuk dan melihat data serta sertifikatnya, tetapi tidak dapat menandatangani dokumen.</li>
</ul>
<p>Tidak ada data yang dihapus. Perubahan berlaku paling lambat satu menit lagi dan dapat dibatalkan dengan mengaktifkan kembali layanan.</p>
</div>` : html`<p>Verifikator, sistem integrator dan penandatanganan oleh pegawai instansi ini akan berjalan lagi, paling lambat satu menit lagi, dengan data yang sama seperti sebelum dihentikan.</p>`}
${postForm(`${tenantPath(web, tenant.tenantId)}/status`, [
  hiddenField('status', suspending ? 'SUSPENDED' : 'ACTIVE'),
  submitButton(suspending ? 'Ya, hentikan layanan' : 'Ya, aktifkan kembali', suspending ? 'warning' : 'primary'),
], { csrfToken: me.csrfToken, className: 'stacked-form' })}
<p><a href="${tenantPath(web, tenant.tenantId)}">Batal, kembali ke halaman instansi</a></p>`,
    });
  };

  /** The tenant and, if it is one of its verifiers, the person: for operators only (staff are theirs to disable). */
  const tenantVerifier = async (web: Web, me: Me, tenantId: string, userId: string) => {
    if (me.role !== 'OPERATOR') throw new AppError('FORBIDDEN');
    const [tenant, verifiers] = await Promise.all([
      web.api.call(operatorRoutes, 'getTenant', { params: { tenantId } }).then((result) => web.expect(result)),
      web.api.call(operatorRoutes, 'listVerifiers', { params: { tenantId } }).then((result) => web.expect(result).items),
    ]);
    return { tenant, verifier: verifiers.find((candidate) => candidate.userId === userId) };
  };

  /**
   * What disabling a verifier does (every session ends at once, the e-mail, the way back), with
   * the reason to give; or, for a disabled one, what restoring does. Confirmed before anything happens.
   */
  const verifierConfirmation = async (web: Web, tenantId: string, userId: string, options: { state?: FormState; status?: number } = {}): Promise<Reply> => {
    const here = verifierPath(web, tenantId, userId);
    const signedIn = await web.signedIn(here);
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const found = await tenantVerifier(web, me, tenantId, userId);
    // Anyone else an operator may disable is an employee, whose own page has that form.
    if (!found.verifier) return web.seeOther(web.path(`/console/users/${encodeURIComponent(userId)}`));
    const { tenant, verifier } = found;
    const state = options.state ?? emptyForm();
    const restoring = verifier.status === 'DISABLED';
    const heading = restoring ? 'Pulihkan akun verifikator' : 'Nonaktifkan verifikator';
    return web.page({
      title: `${heading}: ${verifier.fullName}`,
      heading,
      nav: web.nav(me),
      body: html`${sections(web, '/console/tenants')}${errorSummary(state, { reason: 'Alasan' })}
<p class="lead">${verifier.fullName}, ${tenant.name}</p>
<p class="email">${verifier.email}</p>
${restoring ? html`<p>Verifikator menerima e-mail "Pemulihan Akun" berisi tautan (berlaku 72 jam) untuk membuat kata sandi baru dan mendaftarkan aplikasi autentikator baru. Kata sandi dan perangkat OTP lamanya tidak dapat dipakai lagi. Akunnya aktif kembali setelah langkah itu selesai.</p>
${postForm(here, [
  hiddenField('action', 'REACTIVATE'),
  submitButton('Ya, kirim tautan pemulihan'),
], { csrfToken: me.csrfToken, className: 'stacked-form' })}` : html`<div class="warning-text">
<p><strong>Yang terjadi bila verifikator dinonaktifkan:</strong></p>
<ul>
<li>Semua sesinya langsung berakhir dan ia tidak dapat masuk lagi.</li>
<li>Semua tautan di e-mail yang pernah dikirim kepadanya tidak berlaku lagi.</li>
<li>Ia menerima e-mail "Akun Dinonaktifkan" berisi alasan di bawah ini.</li>
</ul>
<p>Pegawai dan data instansi tidak berubah. Hanya operator yang dapat memulihkan akunnya.</p>
</div>
${postForm(here, [
  hiddenField('action', 'DISABLE'),
  textAreaField({ name: 'reason', label: 'Alasan', state, rows: 3, hint: 'Misalnya "Pindah tugas ke instansi lain" atau "Ponsel dan kata sandi hilang". Dikirim kepada verifikator melalui e-mail.' }),
  submitButton('Ya, nonaktifkan verifikator', 'warning'),
], { csrfToken: me.csrfToken, className: 'stacked-form' })}`}
<p><a href="${tenantPath(web, tenant.tenantId)}">Batal, kembali ke halaman instansi</a></p>`,
    }, { status: options.status ?? 200 });
  };

  return {
    consoleVerifierStatusPage: async (request) => verifierConfirmation(new Web(deps, request), request.params.tenantId, request.params.userId),
    consoleVerifierStatus: async (request) => {
      const web = new Web(deps, request);
      const { tenantId, userId } = request.params;
      const { action, reason, csrfToken } = request.body;
      const signedIn = await web.signedIn(verifierPath(web, tenantId, userId));
      if ('redirect' in signedIn) return signedIn.redirect;
      // This form acts on the tenant's verifiers only; an employee is disabled from their own page.
      if (!(await tenantVerifier(web, signedIn.me, tenantId, userId)).verifier) throw new AppError('USER_NOT_FOUND');
      const restoring = action === 'REACTIVATE';
      const result = restoring
        ? await web.api.call(accountsRoutes, 'reactivateStaff', { params: { userId }, ...(csrfToken ? { csrfToken } : {}) })
        : await web.api.call(accountsRoutes, 'markCompromised', { params: { userId }, body: { ...given({ reason }), ...(csrfToken ? { csrfToken } : {}) } });
      if (result.ok) return web.seeOther(tenantPath(web, tenantId, restoring ? 'pemulihan' : 'nonaktif'));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(verifierPath(web, tenantId, userId));
      if (failure.kind === 'page') web.fail(result.problem);
      return verifierConfirmation(web, tenantId, userId, { state: formStateOf({ reason }, result.problem), status: result.problem.status });
    },
    consoleTenantsPage: async (request) => {
      const web = new Web(deps, request);
      const here = `${listPath(web)}${request.query.kursor ? `?kursor=${encodeURIComponent(request.query.kursor)}` : ''}`;
      const signedIn = await web.signedIn(here);
      if ('redirect' in signedIn) return signedIn.redirect;
      return listPage(web, signedIn.me, request.query, emptyForm());
    },
    consoleCreateTenant: async (request) => {
      const web = new Web(deps, request);
      const { name, organisationName, emailDomains, billingEmail, csrfToken } = request.body;
      const domains = domainsOf(emailDomains);
      const result = await web.api.call(operatorRoutes, 'createTenant', {
        body: { ...given({ name, organisationName, billingEmail }), emailDomains: domains, ...(csrfToken ? { csrfToken } : {}) },
      });
      if (result.ok) return web.seeOther(tenantPath(web, result.body.tenantId, 'dibuat'));
      const failure = failureOf(result.problem);
      if (failure.kind === 'login') return web.toLogin(listPath(web));
      if (failure.kind === 'page') web.fail(result.problem);
      const signedIn = await web.signedIn(listPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      const state = formStateOf({ name, organisationName, emailDomains, billingEmail }, domainErrors(result.problem, domains), { TENANT_DOMAIN_TAKEN: 'emailDomains' });
      return listPage(web, signedIn.me, {}, state, result.problem.status);
    },
    consoleTenantPage: async (request) => tenantPage(new Web(deps, request), request.params.tenantId, { ...(request.query.selesai ? { done: request.query.selesai } : {}) }),
    consoleUpdateTenant: async (request) => {
      const web = new Web(deps, request);
      const { tenantId } = request.params;
      const { name, organisationName, emailDomains, billingEmail, registryAgencies, csrfToken } = request.body;
      const domains = domainsOf(emailDomains);
      const agencies = agencyLinesOf(registryAgencies);
      const values = { name, organisationName, emailDomains, billingEmail, registryAgencies };
      // A field emptied here would otherwise mean "unchanged" to the API: say it is required.
      const blank = (['name', 'organisationName'] as const).filter((field) => !trimmed(values[field]));
      if (blank.length > 0) {
        return tenantPage(web, tenantId, { edit: { values, errors: Object.fromEntries(blank.map((field) => [field, fieldErrorCatalog.REQUIRED.id])) }, status: 422 });
      }
      const result = await web.api.call(operatorRoutes, 'updateTenant', {
        params: { tenantId },
        body: {
          ...given({ name, organisationName, billingEmail }), emailDomains: domains,
          // An emptied box clears them; a form without the box (an older page) leaves them as they are.
          ...(registryAgencies === undefined ? {} : { registryAgencies: agencies.names }),
          ...(csrfToken ? { csrfToken } : {}),
        },
      });
      return afterTenantAction(web, tenantId, result, 'disimpan', { which: 'edit', values, domains, agencies });
    },
    consoleTenantStatusPage: async (request) => confirmationPage(new Web(deps, request), request.params.tenantId),
    consoleTenantStatus: async (request) => {
      const web = new Web(deps, request);
      const { tenantId } = request.params;
      const { status = '', csrfToken } = request.body;
      const result = await web.api.call(operatorRoutes, 'updateTenant', { params: { tenantId }, body: { status, ...(csrfToken ? { csrfToken } : {}) } });
      if (result.ok) return web.seeOther(tenantPath(web, tenantId, status === 'SUSPENDED' ? 'dihentikan' : 'diaktifkan'));
      if (result.problem.status === 401) return web.toLogin(tenantPath(web, tenantId));
      // A stale confirmation (the CSRF token, an odd status): the tenant's page says where things stand.
      if (result.problem.status === 404 || (result.problem.status === 403 && result.problem.code !== 'CSRF_TOKEN_INVALID')) web.fail(result.problem);
      return tenantPage(web, tenantId, { message: result.problem.detail, status: result.problem.status });
    },
    consoleInviteVerifier: async (request) => {
      const web = new Web(deps, request);
      const { tenantId } = request.params;
      const { fullName, email, csrfToken } = request.body;
      const result = await web.api.call(operatorRoutes, 'inviteVerifier', {
        params: { tenantId },
        body: { fullName: trimmed(fullName), email: trimmed(email), ...(csrfToken ? { csrfToken } : {}) },
      });
      return afterTenantAction(web, tenantId, result, 'diundang', { which: 'invite', values: { fullName, email } });
    },
  };
}

import * as z from 'zod';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import type { accountsRoutes } from '../../accounts/routes.js';
import { operatorRoutes } from '../../operator/routes.js';
import type { Problem, SuccessBody } from '../api.js';
import { formatDateTime } from '../format.js';
import { emptyForm, errorSummary, formStateOf, selectField, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { actionLabels, auditNote, roleLabels } from '../labels.js';
import { page } from '../route-parts.js';
import { operatorSections } from './tenants.js';

/**
 * The audit trail in the console: a verifier's own tenant, or for an operator the tenant or user
 * named, filtered by user, WIB days and action, newest first. The API decides what each may read.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type AuditPage = SuccessBody<typeof operatorRoutes.routes.listAudit>;
type Entry = AuditPage['items'][number];

const filterLabels = { instansi: 'ID instansi', pengguna: 'Pengguna (ID atau e-mail)', dari: 'Dari tanggal', sampai: 'Sampai tanggal', aksi: 'Aksi' };
type Filters = Partial<Record<keyof typeof filterLabels | 'kursor', string>>;

/** The API's query parameters under this page's field names. */
const fieldOf: Readonly<Record<string, keyof typeof filterLabels>> = {
  'query.tenantId': 'instansi', 'query.userId': 'pengguna', 'query.email': 'pengguna', 'query.from': 'dari', 'query.to': 'sampai', 'query.action': 'aksi',
};

const actionChoices = Object.entries(actionLabels)
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label, 'id'));

const photoKindLabels: Record<string, string> = { KTP: 'KTP', SELFIE: 'selfie' };

export const auditPageRoutes = {
  consoleAuditPage: {
    method: 'GET', path: '/web/console/audit', summary: 'Console: the audit trail (a verifier\'s tenant; for an operator the tenant or user named), filtered by user, days and action, paged', access: 'public',
    query: z.strictObject({
      instansi: z.string().max(64).optional(),
      pengguna: z.string().max(254).optional(),
      dari: z.string().max(10).optional(),
      sampai: z.string().max(10).optional(),
      aksi: z.string().max(64).optional(),
      kursor: z.string().max(2000).optional(),
    }),
    responses: {
      200: page('Jejak audit'), 303: page('Not signed in: to the login page'), 403: page('Not a verifier or operator'),
      404: page('The filters, with the unknown user or tenant marked'), 422: page('The filters with their errors'),
    },
  },
} as const satisfies Record<string, RouteSpec>;

export function auditPageActions(deps: WebDeps): RouteActions<typeof auditPageRoutes> {
  const auditUrl = (web: Web, filters: Filters) => {
    const search = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
    const text = search.toString();
    return `${web.path('/console/audit')}${text ? `?${text}` : ''}`;
  };

  const subjectOf = (web: Web, entry: Entry) => {
    const { subject } = entry;
    if ('userId' in subject) {
      return html`Pengguna <a href="${auditUrl(web, { pengguna: subject.userId })}"><code>${subject.userId}</code></a> · <a href="${web.path(`/console/users/${encodeURIComponent(subject.userId)}`)}">profil</a>`;
    }
    if ('tenantId' in subject) return html`Instansi <code>${subject.tenantId}</code>`;
    return html`Layanan (${subject.service})`;
  };

  const targetOf = (entry: Entry) => {
    if (!entry.target) return '';
    if (entry.action === 'PROFILE_VIEWED') {
      // The request letter is handed out with the photos (see getUser), named apart from them.
      const shown = entry.target.split(',');
      const photos = shown.filter((kind) => kind !== 'LETTER');
      return html`${photos.length > 0 ? html`<br>Foto yang ditampilkan: ${photos.map((kind) => photoKindLabels[kind] ?? kind).join(', ')}` : ''}${shown.includes('LETTER') ? html`<br>Surat permohonan ditampilkan` : ''}`;
    }
    return html`<br><span class="hint">Rujukan: <code>${entry.target}</code></span>`;
  };

  const entryItem = (web: Web, entry: Entry) => html`<li>
<strong>${actionLabels[entry.action] ?? entry.action}</strong> <span class="hint">oleh ${roleLabels[entry.actorRole] ?? entry.actorRole} <code>${entry.actorId}</code></span><br>
<span class="hint">${formatDateTime(entry.at)}</span><br>
${subjectOf(web, entry)}${entry.reason ? html`<br>${auditNote(entry.reason)}` : ''}${targetOf(entry)}<br>
<span class="hint">${entry.requestId
    ? html`Alamat IP ${entry.sourceIp ?? '-'} · ID permintaan <code>${entry.requestId}</code>`
    : 'Dijalankan oleh layanan (alur verifikasi atau tugas terjadwal)'}</span>
</li>`;

  const sections = (web: Web) => html`<nav aria-label="Bagian konsol operator"><ul class="tabs">
${operatorSections.map((section) => html`<li><a href="${web.path(section.path)}"${section.path === '/console/audit' ? html` aria-current="page"` : ''}>${section.label}</a></li>`)}
</ul></nav>`;

  const render = (web: Web, me: Me, filters: Filters, state: FormState, list: AuditPage | undefined, status = 200): Reply => {
    const operator = me.role === 'OPERATOR';
    const here = { instansi: filters.instansi, pengguna: filters.pengguna, dari: filters.dari, sampai: filters.sampai, aksi: filters.aksi };
    const narrowed = Boolean(filters.pengguna || filters.dari || filters.sampai || filters.aksi);
    const empty = list?.nextCursor
      ? 'Belum ada catatan yang cocok di bagian ini. Pilih "Berikutnya" untuk mencari lebih jauh.'
      : narrowed ? 'Tidak ada catatan yang cocok dengan saringan ini.' : 'Belum ada catatan.';
    return web.page({
      title: 'Jejak audit',
      heading: 'Jejak audit',
      nav: web.nav(me),
      body: html`${operator ? sections(web) : html`<p class="console-back"><a href="${web.path('/console')}">← Kembali ke konsol</a></p>`}
${errorSummary(state, filterLabels)}
<p>Setiap perubahan data, dan setiap kali data pribadi pegawai dibuka orang lain, tercatat di sini dengan waktu, pelaku, alamat IP dan ID permintaannya. Catatan tidak dapat diubah atau dihapus.</p>
<form method="get" action="${web.path('/console/audit')}" class="search audit-filters">
${operator ? textField({ name: 'instansi', label: filterLabels.instansi, state, autocomplete: 'off', hint: 'Isi ID instansi, atau pengguna, atau keduanya.' }) : ''}
${textField({ name: 'pengguna', label: filterLabels.pengguna, state, autocomplete: 'off' })}
${textField({ name: 'dari', label: filterLabels.dari, type: 'date', state })}
${textField({ name: 'sampai', label: filterLabels.sampai, type: 'date', state })}
${selectField({ name: 'aksi', label: filterLabels.aksi, state, placeholder: 'Semua aksi', choices: actionChoices })}
${submitButton('Tampilkan', 'secondary')}
</form>
${list === undefined
    ? (state.message || Object.keys(state.errors).length > 0 ? '' : html`<p>Isi ID instansi atau pengguna, lalu pilih "Tampilkan".</p>`)
    : html`<h2 class="audit-heading">${filters.pengguna ? html`Catatan tentang ${filters.pengguna}` : 'Catatan terbaru'}</h2>
<p class="hint">Terbaru di atas. Waktu dalam WIB.</p>
${list.items.length === 0 ? html`<p>${empty}</p>` : html`<ul class="history audit-trail">${list.items.map((entry) => entryItem(web, entry))}</ul>`}
${filters.kursor || list.nextCursor ? html`<p class="pager">${filters.kursor ? html`<a href="${auditUrl(web, here)}">Halaman pertama</a>` : ''}${list.nextCursor ? html`<a href="${auditUrl(web, { ...here, kursor: list.nextCursor })}">Berikutnya</a>` : ''}</p>` : ''}`}`,
    }, { status });
  };

  /** The API's refusal as the form shows it: beside the field it names, else at the top. */
  const stateOf = (filters: Filters, problem: Problem, operator: boolean): FormState => {
    const errors = problem.errors.filter((error) => fieldOf[error.field]).map((error) => ({ ...error, field: fieldOf[error.field]! }));
    if (problem.errors.length > 0 && errors.length === 0) return { values: filters, errors: {}, message: problem.errors[0]!.message };
    return formStateOf(filters, { ...problem, errors }, { USER_NOT_FOUND: 'pengguna', ...(operator ? { TENANT_NOT_FOUND: 'instansi' } : {}) });
  };

  return {
    consoleAuditPage: async (request) => {
      const web = new Web(deps, request);
      const trimmed = Object.fromEntries(Object.entries(request.query).map(([name, value]) => [name, value?.trim() || undefined])) as Filters;
      const signedIn = await web.signedIn(auditUrl(web, trimmed));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { me } = signedIn;
      const operator = me.role === 'OPERATOR';
      // A verifier reads their own tenant; the field is an operator's only.
      const filters: Filters = operator ? trimmed : { ...trimmed, instansi: undefined };
      // An operator chooses whose trail first: nothing to ask the API yet.
      if (operator && !filters.instansi && !filters.pengguna) return render(web, me, filters, emptyForm(filters), undefined);
      const user = filters.pengguna;
      const result = await web.api.call(operatorRoutes, 'listAudit', {
        query: {
          tenantId: filters.instansi,
          ...(user ? (user.includes('@') ? { email: user } : { userId: user }) : {}),
          from: filters.dari,
          to: filters.sampai,
          action: filters.aksi,
          cursor: filters.kursor,
          limit: '25',
        },
      });
      if (result.ok) return render(web, me, filters, emptyForm(filters), result.body);
      if (result.status === 401) return web.toLogin(auditUrl(web, filters));
      if (result.status === 403 || (result.status === 404 && !operator && result.problem.code === 'TENANT_NOT_FOUND')) web.fail(result.problem);
      return render(web, me, filters, stateOf(filters, result.problem, operator), undefined, result.status);
    },
  };
}

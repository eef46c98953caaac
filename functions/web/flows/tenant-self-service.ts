import * as z from 'zod';
import type { SelfApplicationMode } from '../../../shared/domain/tenants.js';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import type { accountsRoutes } from '../../accounts/routes.js';
import { operatorRoutes } from '../../operator/routes.js';
import type { SuccessBody } from '../api.js';
import { emptyForm, postForm, radioField, submitButton } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

/**
 * The tenant's self-service settings on the operator's tenant page: whether its people may apply
 * on their own (/web/apply), and whom they contact (kept by its verifiers in their console).
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type Tenant = SuccessBody<typeof operatorRoutes.routes.getTenant>;

export const tenantSelfServiceRoutes = {
  consoleTenantSelfApplication: {
    method: 'POST', path: '/web/console/tenants/{tenantId}/self-application', summary: "Operator console: set the tenant's self-application mode (CLOSED, OPEN or REVIEW)", access: 'public',
    params: z.strictObject({ tenantId: z.string().min(1).max(64) }), ...formPost,
    responses: { 303: page("Saved: the tenant's page"), 403: page('No access, or the CSRF token missing'), 404: page('Unknown tenant'), 422: page('No mode chosen') },
  },
} as const satisfies Record<string, RouteSpec>;

const modeChoices: readonly { value: SelfApplicationMode; label: string }[] = [
  { value: 'CLOSED', label: 'Tertutup: hanya verifikator yang mendaftarkan pegawai (bawaan).' },
  { value: 'OPEN', label: 'Terbuka: siapa pun dengan alamat e-mail pada domain instansi ini dapat mengajukan akun di halaman "Ajukan akun", dan langsung menerima e-mail "Aktivasi Akun".' },
  { value: 'REVIEW', label: 'Dengan persetujuan: pengajuan menunggu di konsol verifikator (status "Diundang"); e-mail "Aktivasi Akun" baru dikirim setelah verifikator memilih "Kirim tautan aktivasi", atau pengajuan ditolak tanpa e-mail.' },
];

const tenantPath = (web: Web, tenantId: string) => web.path(`/console/tenants/${encodeURIComponent(tenantId)}`);

/** The section of the tenant's page: the self-application form and the verifier contacts. */
export function selfServiceSection(web: Web, me: Pick<Me, 'csrfToken'>, tenant: Tenant) {
  return html`<h2>Pengajuan mandiri</h2>
<p>Pegawai dapat mengajukan akun sendiri dengan alamat e-mail dinasnya. Dalam semua pilihan, halaman itu memberi jawaban yang sama untuk setiap alamat, sehingga tidak membocorkan alamat mana yang terdaftar. Setiap pegawai tetap melengkapi data, foto KTP dan swafoto, dan tetap diperiksa ke data kepegawaian nasional seperti biasa.</p>
${postForm(`${tenantPath(web, tenant.tenantId)}/self-application`, [
  radioField({ name: 'selfApplication', label: 'Siapa yang dapat mengajukan akun?', choices: modeChoices, state: emptyForm({ selfApplication: tenant.selfApplication }) }),
  submitButton('Terapkan pengaturan', 'secondary'),
], { csrfToken: me.csrfToken })}
<h3>Kontak verifikator</h3>
${tenant.verifierContacts.length === 0
  ? html`<p>Belum ada kontak. Verifikator instansi mengisinya di konsol mereka (Kontak verifikator); pegawai melihatnya di halaman bantuan.</p>`
  : html`<ul class="cards">${tenant.verifierContacts.map((contact) => html`<li class="card"><strong>${contact.name}</strong>${contact.phone ? html`<br>${contact.phone}` : ''}${contact.email ? html`<br><span class="email">${contact.email}</span>` : ''}</li>`)}</ul>
<p class="hint">Verifikator instansi mengubahnya di konsol mereka (Kontak verifikator).</p>`}`;
}

export function tenantSelfServiceActions(deps: WebDeps): RouteActions<typeof tenantSelfServiceRoutes> {
  return {
    consoleTenantSelfApplication: async (request) => {
      const web = new Web(deps, request);
      const { tenantId } = request.params;
      const { selfApplication, csrfToken } = request.body;
      const result = await web.api.call(operatorRoutes, 'updateTenant', {
        params: { tenantId },
        body: { ...(selfApplication ? { selfApplication } : {}), ...(csrfToken ? { csrfToken } : {}) },
      });
      if (result.ok) return web.seeOther(`${tenantPath(web, tenantId)}?selesai=disimpan`);
      if (result.problem.status === 401) return web.toLogin(tenantPath(web, tenantId));
      return web.fail(result.problem);
    },
  };
}

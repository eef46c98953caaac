import * as z from 'zod';
import type { ApiKeyScope } from '../../../shared/domain/api-keys.js';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import type { accountsRoutes } from '../../accounts/routes.js';
import { operatorRoutes } from '../../operator/routes.js';
import type { SuccessBody } from '../api.js';
import { formatDateTime } from '../format.js';
import { checkboxField, emptyForm, errorSummary, formStateOf, postForm, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

/**
 * The tenant's integrator keys in the verifier console: make one (its secret shown once, on the
 * answer page only), see which exist, revoke one. The API decides who may; these pages forward.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type ApiKey = SuccessBody<typeof operatorRoutes.routes.listApiKeys>['items'][number];

const scopeLabels: Record<ApiKeyScope, string> = {
  signing: 'Penandatanganan: menandatangani dokumen atas nama pegawai (dengan passphrase pegawai itu)',
  users: 'Pengguna: mendaftarkan dan melihat data pegawai',
};
const labels = { name: 'Nama sistem', scopes: 'Hak akses' };
const notices = { dicabut: 'Kunci dicabut. Sistem yang memakainya ditolak paling lambat 30 detik lagi.' } as const;

export const apiKeyRoutes = {
  consoleApiKeysPage: {
    method: 'GET', path: '/web/console/api-keys', summary: "Verifier console: the tenant's integrator keys, and the form to make one", access: 'public',
    query: z.strictObject({ selesai: z.enum(['dicabut']).optional() }),
    responses: { 200: page('Kunci API'), 303: page('Not signed in: to the login page'), 403: page('Not a verifier') },
  },
  consoleCreateApiKey: {
    method: 'POST', path: '/web/console/api-keys', summary: 'Verifier console: make an integrator key; its secret is shown on this answer only', access: 'public',
    ...formPost,
    responses: { 200: page('The new key, shown once'), 403: page('No access, or the CSRF token missing'), 409: page('The form with its errors'), 422: page('The form with its errors') },
  },
  consoleRevokeApiKey: {
    method: 'POST', path: '/web/console/api-keys/{keyId}/revoke', summary: 'Verifier console: revoke an integrator key', access: 'public',
    params: z.strictObject({ keyId: z.string().min(1).max(64) }), ...formPost,
    responses: { 303: page('Revoked: the list'), 403: page('No access, or the CSRF token missing'), 404: page('Unknown key') },
  },
} as const satisfies Record<string, RouteSpec>;

export function apiKeyActions(deps: WebDeps): RouteActions<typeof apiKeyRoutes> {
  const listPath = (web: Web) => web.path('/console/api-keys');

  const keyCard = (web: Web, me: Me, key: ApiKey) => html`<li class="card">
<strong>${key.name}</strong> <span class="tag">${key.revokedAt ? 'Dicabut' : 'Aktif'}</span>
<br><span class="hint">ID kunci: <code>${key.keyId}</code></span>
<br>${key.scopes.map((scope) => scopeLabels[scope].split(':')[0]).join(', ')}
<br><span class="hint">Dibuat ${formatDateTime(key.createdAt)}${key.revokedAt ? html`, dicabut ${formatDateTime(key.revokedAt)}` : ''}</span>
${key.revokedAt ? '' : postForm(web.path(`/console/api-keys/${encodeURIComponent(key.keyId)}/revoke`), submitButton('Cabut kunci ini', 'warning'), { csrfToken: me.csrfToken })}
</li>`;

  const listPage = async (web: Web, me: Me, state: FormState, options: { status?: number; done?: keyof typeof notices } = {}) => {
    const keys = web.expect(await web.api.call(operatorRoutes, 'listApiKeys', { params: { tenantId: me.tenantId } }));
    return web.page({
      title: 'Kunci API integrator',
      heading: 'Kunci API integrator',
      nav: web.nav(me),
      body: html`<p class="console-back"><a href="${web.path('/console')}">← Kembali ke konsol</a></p>
${options.done ? html`<p class="notice" role="status">${notices[options.done]}</p>` : ''}
<p>Sistem instansi (e-office, SIMPEG) memakai kunci API untuk mendaftarkan pegawai atau menandatangani dokumen mereka, termasuk melalui alamat yang kompatibel dengan BSrE. Rahasia kunci hanya ditampilkan sekali saat dibuat.</p>
<h2>Kunci instansi ${me.tenantName ?? ''}</h2>
${keys.items.length === 0 ? html`<p>Belum ada kunci.</p>` : html`<ul class="cards">${keys.items.map((key) => keyCard(web, me, key))}</ul>`}
<h2>Buat kunci baru</h2>
${errorSummary(state, labels)}
${postForm(web.path('/console/api-keys'), [
  textField({ name: 'name', label: labels.name, state, autocomplete: 'off', hint: 'Misalnya "E-Office Dinas Kominfo (produksi)".' }),
  html`<fieldset class="field"><legend>${labels.scopes}</legend>
${checkboxField({ name: 'scope-signing', label: scopeLabels.signing, state })}
${checkboxField({ name: 'scope-users', label: scopeLabels.users, state })}
</fieldset>`,
  submitButton('Buat kunci'),
], { csrfToken: me.csrfToken })}`,
    }, { status: options.status ?? 200 });
  };

  return {
    consoleApiKeysPage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(listPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      return listPage(web, signedIn.me, emptyForm(), { ...(request.query.selesai ? { done: request.query.selesai } : {}) });
    },
    consoleCreateApiKey: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(listPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { me } = signedIn;
      const { name = '', csrfToken } = request.body;
      const scopes = (['signing', 'users'] as const).filter((scope) => request.body[`scope-${scope}`] !== undefined);
      const result = await web.api.call(operatorRoutes, 'createApiKey', {
        params: { tenantId: me.tenantId },
        body: { name: name.trim(), scopes, ...(csrfToken ? { csrfToken } : {}) },
      });
      if (!result.ok) {
        if (result.problem.status === 404 || (result.problem.status === 403 && result.problem.code !== 'CSRF_TOKEN_INVALID')) web.fail(result.problem);
        const values = { name, ...Object.fromEntries(scopes.map((scope) => [`scope-${scope}`, 'ya'])) };
        const problem = { ...result.problem, errors: result.problem.errors.map((error) => ({ ...error, field: error.field.startsWith('scopes') ? 'scopes' : error.field })) };
        return listPage(web, me, formStateOf(values, problem, { API_KEY_LIMIT: 'name' }), { status: result.problem.status });
      }
      const key = result.body;
      return web.page({
        title: 'Kunci API dibuat',
        heading: 'Kunci API dibuat',
        nav: web.nav(me),
        body: html`<div class="panel" role="status"><p>Simpan rahasia ini sekarang di sistem <strong>${key.name}</strong>. Rahasia tidak disimpan oleh layanan dan tidak akan ditampilkan lagi.</p></div>
<dl class="summary">
<dt>Header <code>x-api-key</code></dt><dd><code class="secret">${key.apiKey}</code></dd>
<dt>HTTP Basic (BSrE): nama pengguna</dt><dd><code>${key.keyId}</code></dd>
<dt>HTTP Basic (BSrE): kata sandi</dt><dd><code class="secret">${key.secret}</code></dd>
<dt>Hak akses</dt><dd>${key.scopes.map((scope) => scopeLabels[scope]).join('; ')}</dd>
</dl>
<p><a href="${listPath(web)}">Kembali ke daftar kunci</a></p>`,
      });
    },
    consoleRevokeApiKey: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(listPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { csrfToken } = request.body;
      const result = await web.api.call(operatorRoutes, 'revokeApiKey', {
        params: { tenantId: signedIn.me.tenantId, keyId: request.params.keyId },
        ...(csrfToken ? { csrfToken } : {}),
      });
      if (!result.ok) web.fail(result.problem);
      return web.seeOther(`${listPath(web)}?selesai=dicabut`);
    },
  };
}

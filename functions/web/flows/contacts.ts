import * as z from 'zod';
import { MAX_VERIFIER_CONTACTS } from '../../../shared/domain/tenants.js';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import type { accountsRoutes } from '../../accounts/routes.js';
import { operatorRoutes } from '../../operator/routes.js';
import type { Problem, SuccessBody } from '../api.js';
import { emptyForm, errorSummary, postForm, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

/**
 * "Kontak verifikator" in the verifier console: whom the tenant's people contact for help (shown
 * on the help and error pages). The API lets a verifier change these and nothing else of the tenant.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type Tenant = SuccessBody<typeof operatorRoutes.routes.getTenant>;
type Contact = Tenant['verifierContacts'][number];

export const contactPageRoutes = {
  consoleContactsPage: {
    method: 'GET', path: '/web/console/contacts', summary: "Verifier console: the tenant's verifier contacts (name, mobile number, e-mail), to list and edit", access: 'public',
    query: z.strictObject({ selesai: z.enum(['disimpan']).optional() }),
    responses: { 200: page('Kontak verifikator'), 303: page('Not signed in: to the login page'), 403: page('Not a verifier') },
  },
  consoleContacts: {
    method: 'POST', path: '/web/console/contacts', summary: 'Verifier console: save the verifier contacts (empty rows are left out)', access: 'public',
    ...formPost,
    responses: { 303: page('Saved: the page again'), 403: page('No access, or the CSRF token missing'), 422: page('The form with its errors') },
  },
} as const satisfies Record<string, RouteSpec>;

const rows = Array.from({ length: MAX_VERIFIER_CONTACTS }, (_, index) => index);
const parts = ['name', 'phone', 'email'] as const;
const partLabels = { name: 'Nama', phone: 'Nomor ponsel', email: 'Email' } as const;
const fieldName = (index: number, part: (typeof parts)[number]) => `contact-${index}-${part}`;
const labels = Object.fromEntries(rows.flatMap((index) => parts.map((part) => [fieldName(index, part), `Kontak ${index + 1}, ${partLabels[part].toLowerCase()}`])));

/** The form's values for the stored contacts. */
const valuesOf = (contacts: readonly Contact[]) => Object.fromEntries(contacts.flatMap((contact, index) => parts.map((part) => [fieldName(index, part), contact[part] ?? ''])));

/** The filled rows, in order; a row's empty fields are left out (a name alone is the API's to refuse). */
function contactsOf(form: Readonly<Record<string, string | undefined>>) {
  return rows.map((index) => Object.fromEntries(parts.flatMap((part) => {
    const value = form[fieldName(index, part)]?.trim() ?? '';
    return value ? [[part, value]] : [];
  }))).filter((contact) => Object.keys(contact).length > 0);
}

/** The API names `verifierContacts.<n>.<part>` of the filled rows; the form, the row on the page. */
function formErrors(problem: Problem, filledRows: readonly number[]): FormState['errors'] {
  const errors: Record<string, string> = {};
  for (const error of problem.errors) {
    const match = /^verifierContacts\.(\d+)\.(name|phone|email)$/.exec(error.field);
    const row = match ? filledRows[Number(match[1])] : undefined;
    errors[row !== undefined ? fieldName(row, match![2] as (typeof parts)[number]) : fieldName(0, 'name')] ??= error.message;
  }
  return errors;
}

export function contactPageActions(deps: WebDeps): RouteActions<typeof contactPageRoutes> {
  const pagePath = (web: Web) => web.path('/console/contacts');

  const contactsPage = (web: Web, me: Me, state: FormState, options: { status?: number; saved?: boolean } = {}) => {
    // The rows in use and one empty row to add a contact, so a phone does not scroll past five empty ones.
    const used = rows.filter((index) => parts.some((part) => state.values[fieldName(index, part)]?.trim()));
    const shown = rows.slice(0, Math.min(MAX_VERIFIER_CONTACTS, (used.at(-1) ?? -1) + 2));
    return web.page({
    title: 'Kontak verifikator',
    heading: 'Kontak verifikator',
    nav: web.nav(me),
    body: html`<p class="console-back"><a href="${web.path('/console')}">← Kembali ke konsol</a></p>
${options.saved ? html`<p class="notice" role="status">Kontak disimpan.</p>` : ''}
<p>Pegawai instansi ${me.tenantName ?? ''} melihat kontak ini di halaman bantuan dan di halaman kesalahan, dengan kalimat "Hubungi verifikator instansi Anda". Cantumkan paling banyak ${MAX_VERIFIER_CONTACTS} kontak; setiap kontak memerlukan nama dan nomor ponsel atau e-mail (boleh keduanya). Kosongkan semua kolom sebuah kontak untuk menghapusnya.</p>
${errorSummary(state, labels)}
${postForm(pagePath(web), [
  ...shown.map((index) => html`<fieldset class="field contact-row"><legend>Kontak ${index + 1}</legend>
${textField({ name: fieldName(index, 'name'), label: partLabels.name, autocomplete: 'off', maxlength: 100, state })}
${textField({ name: fieldName(index, 'phone'), label: partLabels.phone, type: 'tel', inputmode: 'tel', autocomplete: 'off', maxlength: 40, state, hint: index === 0 ? 'Nomor seluler, misalnya 0812 3456 7890.' : undefined })}
${textField({ name: fieldName(index, 'email'), label: partLabels.email, type: 'email', inputmode: 'email', autocomplete: 'off', maxlength: 254, state })}
</fieldset>`),
  submitButton('Simpan kontak'),
], { csrfToken: me.csrfToken, className: 'stacked-form' })}
${shown.length < MAX_VERIFIER_CONTACTS ? html`<p class="hint">Untuk menambah kontak lagi, simpan dulu; baris kosong berikutnya lalu muncul.</p>` : ''}`,
    }, { status: options.status ?? 200 });
  };

  return {
    consoleContactsPage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(pagePath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { me } = signedIn;
      const tenant = web.expect(await web.api.call(operatorRoutes, 'getTenant', { params: { tenantId: me.tenantId } }));
      return contactsPage(web, me, emptyForm(valuesOf(tenant.verifierContacts)), { saved: request.query.selesai === 'disimpan' });
    },
    consoleContacts: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(pagePath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { me } = signedIn;
      const { csrfToken, ...form } = request.body;
      const filledRows = rows.filter((index) => parts.some((part) => form[fieldName(index, part)]?.trim()));
      const result = await web.api.call(operatorRoutes, 'updateTenant', {
        params: { tenantId: me.tenantId },
        body: { verifierContacts: contactsOf(form), ...(csrfToken ? { csrfToken } : {}) },
      });
      if (result.ok) return web.seeOther(`${pagePath(web)}?selesai=disimpan`);
      if (result.problem.status !== 422) web.fail(result.problem);
      const values = Object.fromEntries(rows.flatMap((index) => parts.map((part) => [fieldName(index, part), form[fieldName(index, part)] ?? ''])));
      return contactsPage(web, me, { values, errors: formErrors(result.problem, filledRows) }, { status: 422 });
    },
  };
}

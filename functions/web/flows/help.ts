import * as z from 'zod';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { helpEntries, verifierContactsBlock } from '../../../shared/web/help.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { enrollmentRoutes } from '../../enrollment/routes.js';
import { resendablePurposes } from '../../enrollment/link-routes.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

/** The help page, and the "Kirim tautan baru" form of the expired-link pages. */
export const helpRoutes = {
  helpPage: {
    method: 'GET', path: '/web/help', summary: 'Help: the common failures and what to do about each; a signed-in person also sees their agency verifiers', access: 'public',
    responses: { 200: page('Bantuan') },
  },
  linkRenewal: {
    method: 'POST', path: '/web/links/{purpose}/renewal', summary: 'From an expired-link page: ask for a fresh link; the same answer whatever the address', access: 'public',
    params: z.strictObject({ purpose: z.enum(resendablePurposes) }), ...formPost,
    responses: { 303: page('Asked'), 429: page('Too many requests from this client') },
  },
  linkRenewalSent: {
    method: 'GET', path: '/web/links/sent', summary: 'A fresh link asked for: what comes by e-mail', access: 'public',
    responses: { 200: page('Periksa e-mail Anda') },
  },
} as const satisfies Record<string, RouteSpec>;

export function helpActions(deps: WebDeps): RouteActions<typeof helpRoutes> {
  return {
    helpPage: async (request) => {
      const web = new Web(deps, request);
      // Anyone may read it; a signed-in person's agency contacts are added (never a login redirect).
      const me = await web.api.call(accountsRoutes, 'getMe');
      return web.page({
        title: 'Bantuan',
        heading: 'Bantuan',
        body: html`<p class="lead">Masalah yang paling sering terjadi dan cara mengatasinya.</p>
${me.ok ? verifierContactsBlock(me.body.verifierContacts) : ''}
<nav aria-label="Daftar masalah"><ul>${helpEntries.map((entry) => html`<li><a href="#${entry.anchor}">${entry.title}</a></li>`)}</ul></nav>
${helpEntries.map((entry) => html`<section id="${entry.anchor}" aria-labelledby="${entry.anchor}-judul">
<h2 id="${entry.anchor}-judul">${entry.title}</h2>
<ul>${entry.steps.map((step) => html`<li>${step}</li>`)}</ul>
</section>`)}
<p>Masih belum teratasi? Hubungi verifikator instansi Anda dan sebutkan kode kesalahan yang tertulis pada halaman.</p>`,
        ...(me.ok ? { nav: web.nav(me.body) } : {}),
      });
    },
    linkRenewal: async (request) => {
      const web = new Web(deps, request);
      const email = request.body.email?.trim() ?? '';
      const asked = await web.api.call(enrollmentRoutes, 'renewLink', { params: { purpose: request.params.purpose }, body: { email } });
      // A malformed address gets the same neutral answer: nothing to say about any account.
      if (asked.ok || asked.status === 400 || asked.status === 422) return web.seeOther(web.path('/links/sent'));
      return web.fail(asked.problem);
    },
    linkRenewalSent: async (request) => {
      const web = new Web(deps, request);
      return web.page({
        title: 'Periksa e-mail Anda',
        heading: 'Periksa e-mail Anda',
        body: html`<p class="lead">Permintaan Anda sudah kami terima.</p>
<p>Bila alamat itu terdaftar dan langkah tersebut masih menunggu Anda, kami telah mengirim e-mail berisi tautan baru ke alamat yang terdaftar. Tautan lama tidak berlaku lagi.</p>
<p>Periksa juga folder spam bila e-mail belum tiba dalam beberapa menit. Tidak menerima apa pun? <a href="${web.path('/help#email-aktivasi')}">Lihat bantuan</a> atau hubungi verifikator instansi Anda.</p>`,
      }, { cacheable: true });
    },
  };
}

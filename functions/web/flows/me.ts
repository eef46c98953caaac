import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import { formatDate, formatDateTime, formatSerial } from '../format.js';
import { Web, type WebDeps } from '../kit.js';
import { page } from '../route-parts.js';

export const meRoutes = {
  mePage: {
    method: 'GET', path: '/web/me', summary: "The signed-in person's page: profile, certificates, OTP devices", access: 'public',
    responses: { 200: page('Akun saya'), 303: page('Not signed in: to the login page') },
  },
} as const satisfies Record<string, RouteSpec>;

const certificateStatus: Record<string, string> = {
  ISSUED: 'Berlaku', SUSPENDED: 'Ditangguhkan', REVOKED: 'Dicabut', EXPIRED: 'Kedaluwarsa', RENEWED: 'Diperbarui',
};

export function meActions(deps: WebDeps): RouteActions<typeof meRoutes> {
  return {
    mePage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(web.path('/me'));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { me } = signedIn;
      const [certificates, devices] = (await Promise.all([
        web.api.call(certificatesRoutes, 'listMyCertificates').then((result) => web.expect(result)),
        web.api.call(accountsRoutes, 'listDevices').then((result) => web.expect(result)),
      ]));
      return web.page({
        title: 'Akun saya',
        heading: 'Akun saya',
        nav: web.nav(me),
        body: html`<h2>Profil</h2>
<dl class="summary">
<dt>Nama</dt><dd>${me.fullName}</dd>
<dt>Email</dt><dd>${me.email}</dd>
${me.tenantName ? html`<dt>Instansi</dt><dd>${me.tenantName}</dd>` : ''}
</dl>
<h2>Sertifikat elektronik</h2>
${certificates.items.length === 0 ? html`<p>Anda belum memiliki sertifikat.</p>` : html`<ul class="cards">${certificates.items.map((certificate) => html`<li class="card">
<p><strong>${certificateStatus[certificate.status] ?? certificate.status}</strong></p>
<dl class="summary">
<dt>Nomor seri</dt><dd class="serial">${formatSerial(certificate.serialNumber)}</dd>
<dt>Berlaku</dt><dd>${formatDate(certificate.notBefore)} sampai ${formatDate(certificate.notAfter)}</dd>
</dl>
</li>`)}</ul>`}
<h2>Perangkat OTP</h2>
<ul class="cards">${devices.items.map((device) => html`<li class="card"><strong>${device.name}</strong><br>Didaftarkan ${formatDateTime(device.createdAt)}${device.lastUsedAt ? html`<br>Terakhir dipakai ${formatDateTime(device.lastUsedAt)}` : ''}</li>`)}</ul>`,
      });
    },
  };
}

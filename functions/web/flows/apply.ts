import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { enrollmentRoutes } from '../../enrollment/routes.js';
import { emptyForm, errorSummary, formStateOf, postForm, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

/** Pengajuan mandiri: a civil servant applies for an account with their official address. */
export const applyPageRoutes = {
  applyPage: {
    method: 'GET', path: '/web/apply', summary: 'Self-application: name, official e-mail address and NIP (optional)', access: 'public',
    responses: { 200: page('Ajukan akun') },
  },
  apply: {
    method: 'POST', path: '/web/apply', summary: 'Self-application posted: the same answer whatever the address', access: 'public',
    ...formPost, responses: { 303: page('Applied'), 422: page('The form with its errors'), 429: page('Too many applications from this client') },
  },
  applied: {
    method: 'GET', path: '/web/apply-sent', summary: 'Self-application sent: what comes by e-mail, if anything', access: 'public',
    responses: { 200: page('Periksa e-mail Anda') },
  },
} as const satisfies Record<string, RouteSpec>;

const labels = { fullName: 'Nama lengkap', email: 'Email', nip: 'NIP' };

/** An empty field left out, so the API answers "Wajib diisi." (or, for the NIP, takes none). */
const filled = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

export function applyPageActions(deps: WebDeps): RouteActions<typeof applyPageRoutes> {
  const form = (web: Web, state: FormState, status = 200) => web.page({
    title: 'Ajukan akun',
    heading: 'Ajukan akun tanda tangan elektronik',
    body: html`${errorSummary(state, labels)}
<p class="lead">Pegawai instansi yang membuka pengajuan mandiri dapat mengajukan akun sendiri dengan alamat e-mail dinasnya.</p>
<p>Bila instansi Anda menerimanya, Anda menerima e-mail "Aktivasi Akun" berisi tautan untuk melengkapi data diri, data kepegawaian, foto KTP dan swafoto. Sebagian instansi memeriksa pengajuan terlebih dahulu; tautan baru dikirim setelah verifikator menyetujuinya.</p>
${postForm(web.path('/apply'), [
  textField({ name: 'fullName', label: labels.fullName, autocomplete: 'name', maxlength: 100, state, hint: 'Sesuai KTP, tanpa gelar.' }),
  textField({ name: 'email', label: labels.email, type: 'email', autocomplete: 'email', inputmode: 'email', maxlength: 254, state, hint: 'Alamat e-mail dinas instansi Anda, misalnya nama@kominfo.go.id.' }),
  textField({ name: 'nip', label: labels.nip, inputmode: 'numeric', autocomplete: 'off', maxlength: 18, state, hint: 'Tidak wajib. 18 digit, bila Anda ASN; nanti ditampilkan lagi untuk Anda periksa.' }),
  submitButton('Kirim'),
], { className: 'stacked-form' })}
<p>Sudah punya akun? <a href="${web.path('/login')}">Masuk</a>. Butuh bantuan? Lihat <a href="${web.path('/help')}">halaman bantuan</a>.</p>`,
  }, { status });

  return {
    applyPage: async (request) => form(new Web(deps, request), emptyForm()),
    apply: async (request) => {
      const web = new Web(deps, request);
      const { fullName = '', email = '', nip = '' } = request.body;
      const values = { fullName, email, nip };
      const result = await web.api.call(enrollmentRoutes, 'submitApplication', {
        body: { fullName: filled(fullName), email: filled(email), ...(filled(nip) ? { nip: nip.trim() } : {}) },
      });
      if (result.ok) return web.seeOther(web.path('/apply-sent'));
      // Field errors stay on the form; anything else (too many requests from this client) too, with its own status.
      return form(web, formStateOf(values, result.problem), result.problem.status === 429 ? 429 : 422);
    },
    applied: async (request) => {
      const web = new Web(deps, request);
      return web.page({
        title: 'Periksa e-mail Anda',
        heading: 'Periksa e-mail Anda',
        body: html`<p class="lead">Pengajuan Anda sudah kami terima.</p>
<p>Bila alamat ini milik instansi yang membuka pengajuan mandiri dan belum terdaftar, Anda akan menerima e-mail <strong>"Aktivasi Akun"</strong> berisi tautan untuk melanjutkan pendaftaran. Tautan berlaku 24 jam. Bila instansi Anda memeriksa pengajuan terlebih dahulu, e-mail itu baru dikirim setelah verifikator menyetujuinya.</p>
<p>Periksa juga folder spam bila e-mail belum tiba. Tidak menerima apa pun? Instansi Anda mungkin belum membuka pengajuan mandiri, atau alamat ini sudah terdaftar: hubungi verifikator instansi Anda.</p>
<p><a href="${web.path()}">Kembali ke beranda</a></p>`,
      }, { cacheable: true });
    },
  };
}

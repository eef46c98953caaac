import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import type { SuccessBody } from '../api.js';
import { grouped } from '../format.js';
import { emptyForm, errorSummary, formStateOf, otpField, postForm, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { newSecretFields } from '../policy-field.js';
import { formPost, linkPageResponses, linkToken, page } from '../route-parts.js';

export const accountSetupRoutes = {
  accountSetupPage: {
    method: 'GET', path: '/web/account-setup/{token}', summary: 'Account setup (the "[TTE] Informasi Akun" link): QR code and secret, password, device name, first code', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  accountSetup: {
    method: 'POST', path: '/web/account-setup/{token}', summary: 'Account setup posted: the account is active', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Akun aktif'), 422: page('The form with its errors'), ...linkPageResponses },
  },
  accountActive: {
    method: 'GET', path: '/web/account-active', summary: 'Account setup done: what comes next', access: 'public',
    responses: { 200: page('Akun aktif') },
  },
} as const satisfies Record<string, RouteSpec>;

const labels = { password: 'Kata sandi', passwordConfirmation: 'Ulangi kata sandi', deviceName: 'Nama perangkat', otp: 'Kode OTP' };
type Setup = SuccessBody<typeof accountsRoutes.routes.getAccountSetup>;

export function accountSetupActions(deps: WebDeps): RouteActions<typeof accountSetupRoutes> {
  const render = (web: Web, token: string, setup: Setup, state: FormState) => web.page({
    title: 'Pengaturan akun',
    heading: setup.reactivation ? 'Pulihkan akun Anda' : 'Atur kata sandi dan OTP',
    body: html`${errorSummary(state, labels)}
<p>Akun: <strong>${setup.email}</strong> (${setup.fullName})</p>
<h2>1. Pasang aplikasi autentikator</h2>
<p>Pasang aplikasi autentikator di ponsel Anda (misalnya Google Authenticator, Microsoft Authenticator atau FreeOTP), lalu pindai kode QR ini.</p>
<img class="qr" src="${setup.otp.qrPngDataUrl}" alt="Kode QR untuk aplikasi autentikator" width="200" height="200">
<p>Tidak dapat memindai? Ketik kunci rahasia ini di aplikasi (jenis: berbasis waktu):</p>
<p class="secret" data-otp-secret>${grouped(setup.otp.secret)}</p>
<h2>2. Buat kata sandi dan daftarkan ponsel</h2>
${postForm(web.path(`/account-setup/${encodeURIComponent(token)}`), [
  newSecretFields({ name: 'password', confirmationName: 'passwordConfirmation', label: labels.password, confirmationLabel: labels.passwordConfirmation, state, autocomplete: 'new-password' }),
  textField({ name: 'deviceName', label: labels.deviceName, state, maxlength: 50, hint: 'Nama untuk mengenali ponsel ini, misalnya "Ponsel kantor".' }),
  otpField(state, labels.otp),
  submitButton('Simpan'),
])}`,
  }, { status: Object.keys(state.errors).length > 0 || state.message ? 422 : 200 });

  const load = async (web: Web, token: string) => {
    const setup = await web.api.call(accountsRoutes, 'getAccountSetup', { params: { token } });
    if (!setup.ok) web.fail(setup.problem);
    return setup.body;
  };

  return {
    accountSetupPage: async (request) => {
      const web = new Web(deps, request);
      return render(web, request.params.token, await load(web, request.params.token), emptyForm({ deviceName: 'Ponsel saya' }));
    },
    accountSetup: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      const { password = '', passwordConfirmation = '', deviceName = '', otp = '' } = request.body;
      const values = { deviceName };
      if (password !== passwordConfirmation) {
        return render(web, token, await load(web, token), { values, errors: { passwordConfirmation: 'Kata sandi dan ulangannya tidak sama.' } });
      }
      const done = await web.api.call(accountsRoutes, 'completeAccountSetup', { params: { token }, body: { password, deviceName, otp: otp.trim() } });
      if (done.ok) return web.seeOther(web.path('/account-active'));
      if (done.problem.status === 404 || done.problem.status === 410) web.fail(done.problem);
      return render(web, token, await load(web, token), formStateOf(values, done.problem, { INVALID_OTP: 'otp', OTP_ALREADY_USED: 'otp' }));
    },
    accountActive: async (request) => {
      const web = new Web(deps, request);
      return web.page({
        title: 'Akun aktif',
        heading: 'Akun aktif',
        body: html`<p class="lead">Kata sandi dan aplikasi autentikator Anda sudah terdaftar.</p>
<h2>Selanjutnya</h2>
<p>Anda akan menerima e-mail <strong>"Set Passphrase"</strong> berisi tautan untuk membuat passphrase; sertifikat elektronik Anda terbit seketika setelahnya.</p>
<p>Untuk masuk, gunakan e-mail dan kata sandi Anda, lalu kode OTP dari aplikasi autentikator.</p>
<p><a class="button" href="${web.path('/login')}">Masuk</a></p>`,
      }, { cacheable: true });
    },
  };
}

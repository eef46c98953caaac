import * as z from 'zod';
import { AppError } from '../../../shared/domain/errors.js';
import { isWellFormedToken } from '../../../shared/domain/tokens.js';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html, type Html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import type { Problem, SuccessBody } from '../api.js';
import { formatDateTime, formatSerial, grouped } from '../format.js';
import { emptyForm, errorSummary, formStateOf, otpField, postForm, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { photoStep } from '../photo-step.js';
import { newSecretFields } from '../policy-field.js';
import { formPost, linkPageResponses, linkToken, page } from '../route-parts.js';

/**
 * What a person does on their own without signing in: ask for a link by e-mail (forgotten
 * password, lost authenticator) and follow the links (reset the password, change the passphrase,
 * take the selfie for a new device and register it).
 */
export const selfServiceRoutes = {
  passwordResetRequestPage: {
    method: 'GET', path: '/web/password-reset', summary: 'Forgotten password: ask for a reset-password link by e-mail', access: 'public',
    responses: { 200: page('Lupa kata sandi') },
  },
  passwordResetRequest: {
    method: 'POST', path: '/web/password-reset', summary: 'Forgotten password posted: the same answer whatever the address', access: 'public',
    ...formPost, responses: { 303: page('Asked'), 422: page('The form with its errors') },
  },
  passwordResetRequested: {
    method: 'GET', path: '/web/password-reset-sent', summary: 'Forgotten password asked: what comes by e-mail', access: 'public',
    responses: { 200: page('Periksa e-mail Anda') },
  },
  passwordResetPage: {
    method: 'GET', path: '/web/reset-password/{token}', summary: 'Reset password (the "[TTE] Atur Ulang Kata Sandi" link): a current OTP code and the new password', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  passwordReset: {
    method: 'POST', path: '/web/reset-password/{token}', summary: 'Reset password posted: the new password (every session ends)', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Kata sandi diperbarui'), 422: page('The form with its errors'), ...linkPageResponses },
  },
  passwordChanged: {
    method: 'GET', path: '/web/password-changed', summary: 'Password reset: sign in with the new one', access: 'public',
    responses: { 200: page('Kata sandi diperbarui') },
  },
  passphraseChangePage: {
    method: 'GET', path: '/web/change-passphrase/{token}', summary: 'Change passphrase (the "[TTE] Ubah Passphrase" link): the current passphrase and a new one', access: 'public',
    params: linkToken, responses: { ...linkPageResponses, 409: page('The certificate is no longer valid') },
  },
  passphraseChange: {
    method: 'POST', path: '/web/change-passphrase/{token}', summary: 'Change passphrase posted: the same key under the new passphrase', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Passphrase diubah'), 422: page('The form with its errors'), 409: page('The certificate is no longer valid'), ...linkPageResponses },
  },
  passphraseChanged: {
    method: 'GET', path: '/web/passphrase-changed', summary: 'Passphrase changed: what it means for signing', access: 'public',
    responses: { 200: page('Passphrase diubah') },
  },
  otpDeviceRequestPage: {
    method: 'GET', path: '/web/otp-device', summary: 'Lost authenticator, or a disabled account: ask for an otp-device link by e-mail', access: 'public',
    responses: { 200: page('Minta perangkat OTP baru') },
  },
  otpDeviceRequest: {
    method: 'POST', path: '/web/otp-device', summary: 'Lost authenticator posted: the same answer whatever the address', access: 'public',
    ...formPost, responses: { 303: page('Asked'), 422: page('The form with its errors') },
  },
  otpDeviceRequested: {
    method: 'GET', path: '/web/otp-device-requested', summary: 'Lost authenticator asked: what comes by e-mail', access: 'public',
    responses: { 200: page('Periksa e-mail Anda') },
  },
  otpDevicePage: {
    method: 'GET', path: '/web/otp-device/{token}', summary: 'The otp-device link: a fresh selfie first; after approval, the new authenticator (QR code, secret, password, first code)', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  otpDeviceRegister: {
    method: 'POST', path: '/web/otp-device/{token}', summary: 'The approved new authenticator posted: registered', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Perangkat OTP terdaftar'), 422: page('The form with its errors'), ...linkPageResponses },
  },
  otpDeviceSubmitted: {
    method: 'GET', path: '/web/otp-device-submitted', summary: 'The selfie is in: the verifier decides, the next link comes by e-mail', access: 'public',
    query: z.strictObject({ jenis: z.enum(['perangkat', 'pemulihan']).optional() }),
    responses: { 200: page('Permintaan terkirim') },
  },
  otpDeviceRegistered: {
    method: 'GET', path: '/web/otp-device-registered', summary: 'New authenticator registered: sign in with it', access: 'public',
    responses: { 200: page('Perangkat OTP terdaftar') },
  },
} as const satisfies Record<string, RouteSpec>;

const labels = {
  email: 'Email', otp: 'Kode OTP', password: 'Kata sandi', passwordConfirmation: 'Ulangi kata sandi', deviceName: 'Nama perangkat',
  currentPassphrase: 'Passphrase saat ini', newPassphrase: 'Passphrase baru', newPassphraseConfirmation: 'Ulangi passphrase baru',
};

type PassphraseChange = SuccessBody<typeof certificatesRoutes.routes.getPassphraseChange>;
type OtpDeviceLink = SuccessBody<typeof accountsRoutes.routes.getOtpDeviceLink>;

/** An empty field left out, so the API answers "Wajib diisi." rather than "Nilai tidak valid.". */
const filled = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

const hasErrors = (state: FormState) => Object.keys(state.errors).length > 0 || Boolean(state.message);

/** An unusable link answers with its own page (404 unknown, 410 used or expired); any other refusal stays on the form. */
const isLinkProblem = (problem: Problem) => problem.status === 404 || problem.status === 410;

export function selfServiceActions(deps: WebDeps): RouteActions<typeof selfServiceRoutes> {
  const linkPath = (web: Web, purpose: string, token: string) => web.path(`/${purpose}/${encodeURIComponent(token)}`);

  /** A link token that cannot be one is unknown without asking the API. */
  const wellFormed = (token: string) => {
    if (!isWellFormedToken(token)) throw new AppError('TOKEN_NOT_FOUND');
  };

  /** "Ask for a link by e-mail": one field, one button; the answer never says whether the address is known. */
  const emailForm = (web: Web, view: { title: string; action: string; intro: Html }, state: FormState) => web.page({
    title: view.title,
    heading: view.title,
    body: html`${errorSummary(state, labels)}
${view.intro}
${postForm(view.action, [
  textField({ name: 'email', label: labels.email, type: 'email', autocomplete: 'username', inputmode: 'email', state, hint: 'Alamat e-mail dinas yang terdaftar pada akun TTE Anda.' }),
  submitButton('Kirim'),
], { className: 'stacked-form' })}
<p><a href="${web.path('/login')}">Kembali ke halaman masuk</a></p>`,
  }, { status: hasErrors(state) ? 422 : 200 });

  const passwordResetForm = (web: Web, state: FormState) => emailForm(web, {
    title: 'Lupa kata sandi',
    action: web.path('/password-reset'),
    intro: html`<p>Masukkan e-mail akun Anda. Kami mengirim tautan untuk membuat kata sandi baru; Anda juga memerlukan kode OTP dari aplikasi autentikator di ponsel Anda.</p>
<p>Ponsel autentikator juga hilang? <a href="${web.path('/otp-device')}">Minta perangkat OTP baru</a> terlebih dahulu.</p>`,
  }, state);

  const otpDeviceForm = (web: Web, state: FormState) => emailForm(web, {
    title: 'Minta perangkat OTP baru',
    action: web.path('/otp-device'),
    intro: html`<p>Ponsel dengan aplikasi autentikator hilang atau rusak, atau akun Anda dinonaktifkan? Masukkan e-mail akun Anda.</p>
<ol>
<li>Kami mengirim e-mail "Permintaan Perangkat OTP" berisi tautan untuk mengambil foto selfie.</li>
<li>Verifikator instansi Anda mencocokkan foto itu dengan foto saat pendaftaran.</li>
<li>Bila disetujui, Anda menerima tautan untuk mendaftarkan aplikasi autentikator di ponsel baru.</li>
</ol>`,
  }, state);

  /** Sends the address on; only a malformed one is refused (the API answers the same for every real one). */
  const askByEmail = async (web: Web, form: Readonly<Record<string, string | undefined>>, operation: 'requestPasswordReset' | 'requestOtpDevice', done: string, again: (web: Web, state: FormState) => Reply) => {
    const email = form.email?.trim() ?? '';
    const asked = await web.api.call(accountsRoutes, operation, { body: { email: filled(email) } });
    if (asked.ok) return web.seeOther(web.path(done));
    return again(web, formStateOf({ email }, asked.problem));
  };

  const checkMail = (web: Web, what: Html) => web.page({
    title: 'Periksa e-mail Anda',
    heading: 'Periksa e-mail Anda',
    body: html`<p class="lead">Permintaan Anda sudah kami terima.</p>
${what}
<p>Periksa juga folder spam bila e-mail belum tiba dalam beberapa menit. Tidak menerima apa pun? Pastikan alamatnya benar, atau hubungi verifikator instansi Anda.</p>
<p><a href="${web.path('/login')}">Kembali ke halaman masuk</a></p>`,
  }, { cacheable: true });

  const passwordResetPage = (web: Web, token: string, state: FormState) => web.page({
    title: 'Atur ulang kata sandi',
    heading: 'Atur ulang kata sandi',
    body: html`${errorSummary(state, labels)}
<p>Buat kata sandi baru untuk akun TTE Anda. Untuk membuktikan bahwa ini Anda, masukkan juga kode OTP terbaru dari aplikasi autentikator di ponsel Anda.</p>
${postForm(linkPath(web, 'reset-password', token), [
  newSecretFields({ name: 'password', confirmationName: 'passwordConfirmation', label: labels.password, confirmationLabel: labels.passwordConfirmation, state, autocomplete: 'new-password' }),
  otpField(state, labels.otp),
  submitButton('Simpan'),
], { className: 'stacked-form' })}
<p>Ponsel autentikator hilang? <a href="${web.path('/otp-device')}">Minta perangkat OTP baru</a>.</p>`,
  }, { status: hasErrors(state) ? 422 : 200 });

  const passphraseChangePage = (web: Web, token: string, change: PassphraseChange, state: FormState) => web.page({
    title: 'Ubah passphrase',
    heading: 'Ubah passphrase',
    body: html`${errorSummary(state, labels)}
<dl class="summary">
<dt>Nama</dt><dd>${change.fullName}</dd>
<dt>Sertifikat</dt><dd class="serial">${formatSerial(change.serialNumber)}</dd>
</dl>
${change.keyLocked
  ? html`<div class="warning-text"><p><strong>Kunci tanda tangan Anda terkunci</strong> karena passphrase salah 5 kali berturut-turut. Passphrase tidak dapat diubah lagi; lakukan reset passphrase dari halaman akun Anda (dengan foto selfie baru).</p></div>
<p><a class="button" href="${web.path('/me')}">Ke halaman akun</a></p>`
  : html`<p>Passphrase membuka kunci tanda tangan Anda. Masukkan passphrase saat ini, lalu passphrase baru; sertifikat dan kuncinya tetap sama.</p>
${postForm(linkPath(web, 'change-passphrase', token), [
  textField({ name: 'currentPassphrase', label: labels.currentPassphrase, type: 'password', autocomplete: 'current-password', state }),
  newSecretFields({ name: 'newPassphrase', confirmationName: 'newPassphraseConfirmation', label: labels.newPassphrase, confirmationLabel: labels.newPassphraseConfirmation, state, autocomplete: 'new-password' }),
  submitButton('Simpan'),
], { className: 'stacked-form' })}
<p class="hint">Lupa passphrase saat ini? Lakukan reset passphrase dari <a href="${web.path('/me')}">halaman akun Anda</a>. Setelah 5 kali salah berturut-turut, kunci tanda tangan Anda terkunci.</p>`}
<p class="hint">Tautan ini berlaku sampai ${formatDateTime(change.expiresAt)}.</p>`,
  }, { status: hasErrors(state) ? 422 : 200 });

  const otpDevicePage = (web: Web, token: string, link: OtpDeviceLink, state: FormState) => {
    const restoring = link.kind === 'RESET_AUTHENTICATOR';
    if (link.step === 'SELFIE' || !link.otp) {
      return web.page({
        title: restoring ? 'Pulihkan akun' : 'Minta perangkat OTP baru',
        heading: restoring ? 'Pulihkan akun' : 'Minta perangkat OTP baru',
        body: html`<p>Halo, <strong>${link.fullName}</strong>. ${restoring
          ? 'Untuk memulihkan akun Anda yang dinonaktifkan, ambil foto selfie sekarang.'
          : 'Untuk mendaftarkan aplikasi autentikator di ponsel baru, ambil foto selfie sekarang.'} Verifikator instansi Anda mencocokkannya dengan foto saat pendaftaran.</p>
${photoStep({
  kind: 'SELFIE',
  uploadBase: web.apiPath(`/v1/otp-device/${encodeURIComponent(token)}`),
  done: false,
  next: `${web.path('/otp-device-submitted')}?jenis=${restoring ? 'pemulihan' : 'perangkat'}`,
})}`,
      }, { photos: true });
    }
    return web.page({
      title: 'Daftarkan perangkat OTP baru',
      heading: 'Daftarkan perangkat OTP baru',
      body: html`${errorSummary(state, labels)}
<p class="account-line">Permintaan Anda sudah disetujui. Akun: <strong>${link.email}</strong> (${link.fullName})</p>
<h2>1. Pindai kode QR</h2>
<p>Pasang aplikasi autentikator di ponsel baru (misalnya Google Authenticator, Microsoft Authenticator atau FreeOTP), lalu pindai kode QR ini.</p>
<img class="qr" src="${link.otp.qrPngDataUrl}" alt="Kode QR untuk aplikasi autentikator" width="200" height="200">
<p>Tidak dapat memindai? Ketik kunci rahasia ini di aplikasi (jenis: berbasis waktu):</p>
<p class="secret" data-otp-secret>${grouped(link.otp.secret)}</p>
<h2>2. Kata sandi dan kode pertama</h2>
${postForm(linkPath(web, 'otp-device', token), [
  textField({ name: 'password', label: labels.password, type: 'password', autocomplete: 'current-password', state }),
  textField({ name: 'deviceName', label: labels.deviceName, state, maxlength: 50, hint: 'Nama untuk mengenali ponsel ini, misalnya "Ponsel baru".' }),
  otpField(state, labels.otp),
  submitButton('Simpan'),
], { className: 'stacked-form' })}
<p class="hint">Bila Anda sudah memiliki 3 perangkat, perangkat yang paling lama diganti dengan yang baru.</p>`,
    }, { status: hasErrors(state) ? 422 : 200 });
  };

  const loadPassphraseChange = async (web: Web, token: string) => web.expect(await web.api.call(certificatesRoutes, 'getPassphraseChange', { params: { token } }));
  const loadOtpDevice = async (web: Web, token: string) => web.expect(await web.api.call(accountsRoutes, 'getOtpDeviceLink', { params: { token } }));

  const done = (web: Web, view: { title: string; body: Html }) => web.page({ title: view.title, heading: view.title, body: view.body }, { cacheable: true });

  return {
    passwordResetRequestPage: async (request) => passwordResetForm(new Web(deps, request), emptyForm()),
    passwordResetRequest: async (request) => askByEmail(new Web(deps, request), request.body, 'requestPasswordReset', '/password-reset-sent', passwordResetForm),
    passwordResetRequested: async (request) => {
      const web = new Web(deps, request);
      return checkMail(web, html`<p>Bila alamat itu terdaftar pada akun yang aktif, kami telah mengirim e-mail <strong>"Atur Ulang Kata Sandi"</strong> berisi tautan untuk membuat kata sandi baru. Tautan berlaku 1 jam dan hanya dapat dipakai sekali.</p>
<p>Siapkan juga ponsel dengan aplikasi autentikator: kode OTP-nya diminta saat membuat kata sandi baru.</p>`);
    },

    passwordResetPage: async (request) => {
      const web = new Web(deps, request);
      wellFormed(request.params.token);
      return passwordResetPage(web, request.params.token, emptyForm());
    },
    passwordReset: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      wellFormed(token);
      const { otp = '', password = '', passwordConfirmation = '' } = request.body;
      if (password !== passwordConfirmation) {
        return passwordResetPage(web, token, { values: {}, errors: { passwordConfirmation: 'Kata sandi dan ulangannya tidak sama.' } });
      }
      const reset = await web.api.call(accountsRoutes, 'resetPassword', { params: { token }, body: { otp: otp.trim(), newPassword: filled(password) } });
      if (reset.ok) return web.seeOther(web.path('/password-changed'));
      if (isLinkProblem(reset.problem)) web.fail(reset.problem);
      // The API names the new password newPassword; the form calls it password.
      const problem = { ...reset.problem, errors: reset.problem.errors.map((error) => ({ ...error, field: error.field === 'newPassword' ? 'password' : error.field })) };
      return passwordResetPage(web, token, formStateOf({}, problem, { INVALID_OTP: 'otp', OTP_ALREADY_USED: 'otp' }));
    },
    passwordChanged: async (request) => {
      const web = new Web(deps, request);
      return done(web, {
        title: 'Kata sandi diperbarui',
        body: html`<p class="lead">Kata sandi akun TTE Anda sudah diganti.</p>
<p>Demi keamanan, semua sesi yang masih masuk telah diakhiri, dan kami mengirim e-mail pemberitahuan. Masuk sekarang dengan kata sandi baru dan kode OTP dari aplikasi autentikator Anda.</p>
<p><a class="button" href="${web.path('/login')}">Masuk</a></p>`,
      });
    },

    passphraseChangePage: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      return passphraseChangePage(web, token, await loadPassphraseChange(web, token), emptyForm());
    },
    passphraseChange: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      const { currentPassphrase, newPassphrase, newPassphraseConfirmation = '' } = request.body;
      const changed = await web.api.call(certificatesRoutes, 'changePassphrase', {
        params: { token },
        body: { currentPassphrase: filled(currentPassphrase), newPassphrase: filled(newPassphrase), newPassphraseConfirmation },
      });
      if (changed.ok) return web.seeOther(web.path('/passphrase-changed'));
      const { problem } = changed;
      if (isLinkProblem(problem) || problem.code === 'CERTIFICATE_NOT_ACTIVE') web.fail(problem);
      // A wrong passphrase counts toward the lock: say how many tries are left.
      const attemptsLeft = typeof problem.attemptsLeft === 'number' ? problem.attemptsLeft : undefined;
      const state = problem.code === 'PASSPHRASE_INVALID'
        ? { values: {}, errors: { currentPassphrase: `${problem.detail}${attemptsLeft !== undefined ? ` Sisa percobaan: ${attemptsLeft} kali.` : ''}` } }
        : formStateOf({}, problem);
      return passphraseChangePage(web, token, await loadPassphraseChange(web, token), state);
    },
    passphraseChanged: async (request) => {
      const web = new Web(deps, request);
      return done(web, {
        title: 'Passphrase diubah',
        body: html`<p class="lead">Passphrase sertifikat elektronik Anda sudah diganti.</p>
<p>Mulai sekarang gunakan passphrase baru setiap kali menandatangani; passphrase lama tidak berlaku lagi. Sertifikat Anda tetap sama, dan kami mengirim e-mail pemberitahuan.</p>
<p><a class="button" href="${web.path('/me')}">Ke halaman akun</a></p>`,
      });
    },

    otpDeviceRequestPage: async (request) => otpDeviceForm(new Web(deps, request), emptyForm()),
    otpDeviceRequest: async (request) => askByEmail(new Web(deps, request), request.body, 'requestOtpDevice', '/otp-device-requested', otpDeviceForm),
    otpDeviceRequested: async (request) => {
      const web = new Web(deps, request);
      return checkMail(web, html`<p>Bila alamat itu terdaftar pada akun yang aktif atau dinonaktifkan, kami telah mengirim e-mail <strong>"Permintaan Perangkat OTP"</strong> berisi tautan untuk mengambil foto selfie. Tautan berlaku 24 jam.</p>`);
    },

    otpDevicePage: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      return otpDevicePage(web, token, await loadOtpDevice(web, token), emptyForm({ deviceName: 'Ponsel baru' }));
    },
    otpDeviceRegister: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      const { password, deviceName, otp = '' } = request.body;
      const registered = await web.api.call(accountsRoutes, 'registerRequestedDevice', {
        params: { token },
        body: { password: filled(password), deviceName: filled(deviceName), otp: otp.trim() },
      });
      if (registered.ok) return web.seeOther(web.path('/otp-device-registered'));
      if (isLinkProblem(registered.problem)) web.fail(registered.problem);
      // The e-mail is not asked here: a wrong password is only that.
      const state = registered.problem.code === 'INVALID_CREDENTIALS'
        ? { values: { deviceName: deviceName ?? '' }, errors: { password: 'Kata sandi salah. Masukkan kata sandi akun Anda saat ini.' } }
        : formStateOf({ deviceName: deviceName ?? '' }, registered.problem, { INVALID_OTP: 'otp', OTP_ALREADY_USED: 'otp' });
      return otpDevicePage(web, token, await loadOtpDevice(web, token), state);
    },
    otpDeviceSubmitted: async (request) => {
      const web = new Web(deps, request);
      const restoring = request.query.jenis === 'pemulihan';
      return done(web, {
        title: 'Permintaan terkirim',
        body: html`<p class="lead">Foto selfie Anda sudah kami terima.</p>
<h2>Selanjutnya</h2>
<ol>
<li>Verifikator instansi Anda mencocokkan foto itu dengan foto saat pendaftaran.</li>
${restoring
  ? html`<li>Bila disetujui, Anda menerima e-mail <strong>"Pemulihan Akun"</strong> berisi tautan untuk membuat kata sandi baru dan mendaftarkan aplikasi autentikator.</li>`
  : html`<li>Bila disetujui, Anda menerima e-mail <strong>"Pendaftaran Perangkat OTP"</strong> berisi tautan untuk mendaftarkan aplikasi autentikator di ponsel baru.</li>`}
<li>Bila ditolak, e-mail pemberitahuan menyebutkan alasannya.</li>
</ol>
<p>Halaman ini boleh ditutup.</p>`,
      });
    },
    otpDeviceRegistered: async (request) => {
      const web = new Web(deps, request);
      return done(web, {
        title: 'Perangkat OTP terdaftar',
        body: html`<p class="lead">Aplikasi autentikator di ponsel baru Anda sudah terdaftar.</p>
<p>Masuk dengan e-mail dan kata sandi Anda, lalu kode OTP dari ponsel baru. Kami juga mengirim e-mail pemberitahuan; bila Anda tidak merasa mendaftarkan perangkat, segera hubungi verifikator instansi Anda.</p>
<p><a class="button" href="${web.path('/login')}">Masuk</a></p>`,
      });
    },
  };
}

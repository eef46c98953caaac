import * as z from 'zod';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { emptyForm, errorSummary, formStateOf, hiddenField, otpField, postForm, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';

export const loginRoutes = {
  loginPage: {
    method: 'GET', path: '/web/login', summary: 'Login, step 1: e-mail and password', access: 'public',
    query: z.strictObject({ lanjut: z.string().max(500).optional() }),
    responses: { 200: page('The login form') },
  },
  login: {
    method: 'POST', path: '/web/login', summary: 'Login, step 1 posted: the OTP step, or the form with its errors', access: 'public',
    ...formPost, responses: { 200: page('The OTP form, or the login form with errors') },
  },
  loginOtp: {
    method: 'POST', path: '/web/login/otp', summary: 'Login, step 2 posted: signed in (session cookie) and on to the page asked for', access: 'public',
    ...formPost, responses: { 303: page('Signed in'), 200: page('The OTP form with its error') },
  },
  logout: {
    method: 'POST', path: '/web/logout', summary: 'Sign out (the session ends, the cookie is cleared)', access: 'public',
    ...formPost, responses: { 303: page('Signed out') },
  },
} as const satisfies Record<string, RouteSpec>;

const labels = { email: 'Email', password: 'Kata sandi', otp: 'Kode OTP' };

export function loginActions(deps: WebDeps): RouteActions<typeof loginRoutes> {
  /** Only a page of this service: never an open redirect to elsewhere. */
  const safeNext = (next: string | undefined) => (next && next.startsWith(`${deps.basePath}/`) && !next.startsWith('//') && !/[\\\s]/.test(next) ? next : undefined);

  const loginForm = (web: Web, state: FormState, next: string | undefined, notice?: string) => web.page({
    title: 'Masuk',
    heading: 'Masuk',
    body: html`${errorSummary(state, labels)}
${notice ? html`<p class="notice">${notice}</p>` : ''}
${postForm(web.path('/login'), [
  next ? hiddenField('lanjut', next) : html``,
  textField({ name: 'email', label: labels.email, type: 'email', autocomplete: 'username', inputmode: 'email', state }),
  textField({ name: 'password', label: labels.password, type: 'password', autocomplete: 'current-password', state }),
  submitButton('Lanjut'),
])}
<p><a href="${web.path('/password-reset')}">Lupa kata sandi?</a> · <a href="${web.path('/otp-device')}">Ponsel autentikator hilang?</a></p>`,
  }, { status: Object.keys(state.errors).length > 0 || state.message ? 422 : 200 });

  const otpForm = (web: Web, ticket: string, next: string | undefined, state: FormState) => web.page({
    title: 'Kode OTP',
    heading: 'Masukkan kode OTP',
    body: html`${errorSummary(state, labels)}
<p>Buka aplikasi autentikator di ponsel Anda dan masukkan kode enam angka untuk Layanan TTE.</p>
${postForm(web.path('/login/otp'), [
  hiddenField('loginTicket', ticket),
  next ? hiddenField('lanjut', next) : html``,
  otpField(state),
  submitButton('Masuk'),
])}`,
  }, { status: Object.keys(state.errors).length > 0 ? 422 : 200 });

  return {
    loginPage: async (request) => {
      const web = new Web(deps, request);
      return loginForm(web, emptyForm(), safeNext(request.query.lanjut), request.query.lanjut ? 'Silakan masuk untuk melanjutkan.' : undefined);
    },
    login: async (request) => {
      const web = new Web(deps, request);
      const { email = '', password = '', lanjut } = request.body;
      const next = safeNext(lanjut);
      const result = await web.api.call(accountsRoutes, 'login', { body: { email: email.trim(), password } });
      if (!result.ok) {
        return loginForm(web, formStateOf({ email }, result.problem, { INVALID_CREDENTIALS: 'password' }), next);
      }
      return otpForm(web, result.body.loginTicket, next, emptyForm());
    },
    loginOtp: async (request) => {
      const web = new Web(deps, request);
      const { loginTicket = '', otp = '', lanjut } = request.body;
      const next = safeNext(lanjut);
      const result = await web.api.call(accountsRoutes, 'loginWithOtp', { body: { loginTicket, otp: otp.trim() } });
      if (result.ok) return web.seeOther(next ?? web.path(result.body.user.role === 'USER' ? '/me' : '/console'));
      if (result.problem.code === 'LOGIN_TICKET_EXPIRED') return loginForm(web, { values: {}, errors: {}, message: result.problem.detail }, next);
      return otpForm(web, loginTicket, next, formStateOf({}, result.problem, { INVALID_OTP: 'otp', OTP_ALREADY_USED: 'otp' }));
    },
    logout: async (request) => {
      const web = new Web(deps, request);
      const { csrfToken } = request.body;
      // Whatever the answer (an expired session is signed out already), the person lands signed out.
      await web.api.call(accountsRoutes, 'logout', { body: csrfToken ? { csrfToken } : {} });
      return web.seeOther(web.path('/login'));
    },
  };
}

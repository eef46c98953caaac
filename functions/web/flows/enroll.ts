import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html } from '../../../shared/web/html.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import type { SuccessBody } from '../api.js';
import { formatDate, formatDateTime, formatSerial } from '../format.js';
import { checkboxField, emptyForm, errorSummary, formStateOf, postForm, submitButton, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { photoStep } from '../photo-step.js';
import { newSecretFields } from '../policy-field.js';
import { formPost, linkPageResponses, linkToken } from '../route-parts.js';

export const enrollRoutes = {
  enrollPage: {
    method: 'GET', path: '/web/enroll/{token}', summary: 'Set passphrase (the "[TTE] Set Passphrase" link): profile check, fresh selfie, passphrase, agreement', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  enroll: {
    method: 'POST', path: '/web/enroll/{token}', summary: 'Set passphrase posted: the certificate issued (a retry shows the same certificate)', access: 'public',
    params: linkToken, ...formPost, responses: { ...linkPageResponses, 201: { description: 'Sertifikat terbit', contentType: 'text/html' } },
  },
  passphraseResetPage: {
    method: 'GET', path: '/web/reset-passphrase/{token}', summary: 'Reset passphrase (a new key): fresh selfie, new passphrase, agreement', access: 'public',
    params: linkToken, responses: linkPageResponses,
  },
  passphraseReset: {
    method: 'POST', path: '/web/reset-passphrase/{token}', summary: 'Reset passphrase posted: a new certificate; the old one is revoked', access: 'public',
    params: linkToken, ...formPost, responses: { ...linkPageResponses, 201: { description: 'Sertifikat terbit', contentType: 'text/html' } },
  },
} as const satisfies Record<string, RouteSpec>;

type Issuance = SuccessBody<typeof certificatesRoutes.routes.getEnrollment>;
type Certificate = SuccessBody<typeof certificatesRoutes.routes.enroll>['certificate'];

const labels = { passphrase: 'Passphrase', passphraseConfirmation: 'Ulangi passphrase', acceptAgreement: 'Perjanjian' };

/** The two links that issue a certificate: the same page, two API routes. */
const links = {
  enroll: { path: 'enroll', api: 'enrollment', get: 'getEnrollment', post: 'enroll', heading: 'Buat passphrase dan terbitkan sertifikat' },
  reset: { path: 'reset-passphrase', api: 'reset-passphrase', get: 'getPassphraseReset', post: 'resetPassphrase', heading: 'Reset passphrase' },
} as const;
type Link = (typeof links)[keyof typeof links];

const kindIntro: Record<Issuance['kind'], string> = {
  FIRST: 'Akun Anda sudah disetujui. Langkah terakhir: buat passphrase untuk kunci tanda tangan Anda; sertifikat elektronik terbit seketika.',
  RENEWAL: 'Sertifikat Anda akan berakhir. Buat passphrase untuk kunci baru; sertifikat pengganti terbit seketika dan yang lama tetap berlaku sampai diganti.',
  NEW_REQUEST: 'Anda tidak lagi memiliki sertifikat yang berlaku. Buat passphrase untuk kunci baru; sertifikat baru terbit seketika.',
  RESET: 'Passphrase lama tidak dapat dipulihkan: Anda membuat passphrase dan kunci baru, sertifikat baru terbit, dan sertifikat lama dicabut.',
};

export function enrollActions(deps: WebDeps): RouteActions<typeof enrollRoutes> {
  const render = (web: Web, link: Link, token: string, issuance: Issuance, state: FormState) => {
    const self = web.path(`/${link.path}/${encodeURIComponent(token)}`);
    const profile = issuance.profile;
    return web.page({
      title: link.heading,
      heading: link.heading,
      body: html`${errorSummary(state, labels)}
<p>${kindIntro[issuance.kind]}</p>
<h2>1. Periksa data sertifikat</h2>
<dl class="summary">
<dt>Nama</dt><dd>${profile.fullName}</dd>
<dt>Email</dt><dd>${profile.email}</dd>
<dt>Instansi</dt><dd>${profile.organizationName}</dd>
${profile.unitName ? html`<dt>Unit kerja</dt><dd>${profile.unitName}</dd>` : ''}
${profile.position ? html`<dt>Jabatan</dt><dd>${profile.position}</dd>` : ''}
</dl>
<p class="hint">Bila ada yang keliru, jangan lanjutkan: hubungi verifikator instansi Anda.</p>
<h2>2. Foto selfie terbaru</h2>
${issuance.selfieConfirmed
  ? html`<p class="notice">Foto selfie sudah tersimpan.</p>`
  : html`<p>Ambil foto selfie sekarang untuk memastikan Anda sendiri yang membuat passphrase.</p>
${photoStep({ kind: 'SELFIE', uploadBase: web.apiPath(`/v1/${link.api}/${encodeURIComponent(token)}`), done: false, next: self })}`}
<h2>3. Passphrase dan perjanjian</h2>
${issuance.selfieConfirmed ? html`<p>Passphrase membuka kunci tanda tangan Anda setiap kali menandatangani. Passphrase tidak disimpan oleh layanan dan tidak dapat dipulihkan: simpan baik-baik.</p>
${postForm(self, [
  newSecretFields({ name: 'passphrase', confirmationName: 'passphraseConfirmation', label: labels.passphrase, confirmationLabel: labels.passphraseConfirmation, state, autocomplete: 'new-password' }),
  html`<section class="policy" aria-labelledby="agreement-title" tabindex="0"><h3 id="agreement-title">Perjanjian Pemilik Sertifikat (versi ${issuance.agreement.version})</h3>${issuance.agreement.text.split('\n').filter((line) => line.trim() !== '').map((line) => html`<p>${line}</p>`)}</section>`,
  checkboxField({ name: 'acceptAgreement', label: 'Saya telah membaca dan menyetujui Perjanjian Pemilik Sertifikat.', state }),
  submitButton('Simpan'),
])}` : html`<p>Formulir passphrase muncul setelah foto selfie tersimpan.</p>`}
<p class="hint">Tautan ini berlaku sampai ${formatDateTime(issuance.expiresAt)}.</p>`,
    }, { photos: !issuance.selfieConfirmed, status: Object.keys(state.errors).length > 0 || state.message ? 422 : 200 });
  };

  const issued = (web: Web, certificate: Certificate) => web.page({
    title: 'Sertifikat terbit',
    heading: 'Sertifikat terbit',
    body: html`<p class="lead">Sertifikat elektronik Anda sudah terbit dan siap dipakai untuk menandatangani.</p>
<dl class="summary">
<dt>Nomor seri</dt><dd class="serial">${formatSerial(certificate.serialNumber)}</dd>
<dt>Pemilik</dt><dd>${certificate.subject}</dd>
<dt>Berlaku</dt><dd>${formatDate(certificate.notBefore)} sampai ${formatDate(certificate.notAfter)}</dd>
</dl>
<p>Kami juga mengirim e-mail pemberitahuan penerbitan. Anda dapat melihat dan mengunduh sertifikat di halaman akun Anda.</p>
<p><a class="button" href="${web.path('/me')}">Ke halaman akun</a></p>`,
  }, { status: 201 });

  const load = async (web: Web, link: Link, token: string) => {
    const page = await web.api.call(certificatesRoutes, link.get, { params: { token } });
    if (!page.ok) web.fail(page.problem);
    return page.body;
  };

  const show = async (web: Web, link: Link, token: string): Promise<Reply> => render(web, link, token, await load(web, link, token), emptyForm());

  const issue = async (web: Web, link: Link, token: string, form: Readonly<Record<string, string | undefined>>): Promise<Reply> => {
    const { passphrase = '', passphraseConfirmation = '', acceptAgreement } = form;
    const accepted = acceptAgreement !== undefined;
    const body = link === links.enroll
      ? { passphrase, passphraseConfirmation, acceptAgreement: accepted }
      : { newPassphrase: passphrase, newPassphraseConfirmation: passphraseConfirmation, acceptAgreement: accepted };
    const result = await web.api.call(certificatesRoutes, link.post, { params: { token }, body });
    if (result.ok) return issued(web, result.body.certificate);
    if (result.problem.status === 404 || result.problem.status === 410) web.fail(result.problem);
    // The reset route names its fields newPassphrase…; the page shows them as one form.
    const problem = { ...result.problem, errors: result.problem.errors.map((error) => ({ ...error, field: error.field.replace(/^newPassphrase/, 'passphrase') })) };
    return render(web, link, token, await load(web, link, token), formStateOf(accepted ? { acceptAgreement: 'ya' } : {}, problem));
  };

  return {
    enrollPage: async (request) => show(new Web(deps, request), links.enroll, request.params.token),
    enroll: async (request) => issue(new Web(deps, request), links.enroll, request.params.token, request.body),
    passphraseResetPage: async (request) => show(new Web(deps, request), links.reset, request.params.token),
    passphraseReset: async (request) => issue(new Web(deps, request), links.reset, request.params.token, request.body),
  };
}

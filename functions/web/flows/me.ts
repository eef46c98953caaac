import * as z from 'zod';
import { hasEnded, RENEWAL_WINDOW_DAYS, renewalCheck, revocationReasons, serialNumberPattern, type RevocationReason } from '../../../shared/domain/certificates.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html, type Html } from '../../../shared/web/html.js';
import { accountsRoutes } from '../../accounts/routes.js';
import { certificatesRoutes } from '../../certificates/routes.js';
import type { ApiResult, Problem, SuccessBody } from '../api.js';
import { formatDate, formatDateTime, formatSerial, grouped } from '../format.js';
import { emptyForm, errorSummary, formStateOf, hiddenField, otpField, postForm, selectField, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { certificateStatusLabels, revocableStatuses } from '../labels.js';
import { formPost, page } from '../route-parts.js';
import { dataChangeOnMe } from './data-change.js';
import { consentStatementLabel, myConsentStatementPath } from './consent-statement.js';

/** What a finished action says on /web/me (`?selesai=`): what happened and what comes next. */
const notices = {
  'sertifikat-dicabut': 'Sertifikat telah dicabut dan tidak dapat dipakai lagi untuk menandatangani. Anda dapat mengajukan sertifikat baru di bawah ini.',
  'pembaruan-dikirim': 'Tautan telah dikirim ke e-mail Anda. Buka tautan "Set Passphrase" itu untuk membuat passphrase baru; sertifikat pengganti terbit seketika.',
  'ubah-passphrase-dikirim': 'Tautan telah dikirim ke e-mail Anda. Buka tautan "Ubah Passphrase" itu dalam 1 jam untuk mengubah passphrase.',
  'reset-passphrase-dikirim': 'Tautan telah dikirim ke e-mail Anda. Buka tautan "Reset Passphrase" itu dalam 1 jam; Anda akan mengambil foto selfie baru dan membuat passphrase baru.',
  'permintaan-dikirim': 'Tautan telah dikirim ke e-mail Anda. Buka tautan "Set Passphrase" itu untuk membuat passphrase; sertifikat baru terbit seketika.',
  'perangkat-ditambah': 'Perangkat OTP baru telah didaftarkan. Mulai sekarang Anda dapat masuk dengan kode dari perangkat itu.',
  'perangkat-dihapus': 'Perangkat OTP telah dihapus. Kodenya tidak dapat dipakai lagi untuk masuk.',
} as const;
type Notice = keyof typeof notices;

const serialParams = z.strictObject({ serial: z.string().regex(serialNumberPattern) });
const deviceParams = z.strictObject({ deviceId: z.string().min(1).max(100) });
/** An action on /web/me: done (to /web/me with its notice), refused (/web/me with the reason), or signed out (to login). */
const actionResponses = { 303: page('Done, or not signed in: to /web/me or the login page'), 422: page('Akun saya with the reason the action was refused') } as const;

export const meRoutes = {
  mePage: {
    method: 'GET', path: '/web/me', summary: "The signed-in person's page: profile, certificates and their actions, OTP devices", access: 'public',
    query: z.strictObject({ selesai: z.enum(Object.keys(notices) as [Notice, ...Notice[]]).optional() }),
    responses: { 200: page('Akun saya'), 303: page('Not signed in: to the login page') },
  },
  meCertificatePem: {
    method: 'GET', path: '/web/me/certificates/{serial}/pem', summary: 'Download one of my certificates as a PEM file', access: 'public',
    params: serialParams,
    responses: { 200: { description: 'The certificate (PEM)', contentType: 'application/x-pem-file' }, 303: page('Not signed in: to the login page'), 404: page('Not my certificate') },
  },
  mePersonalData: {
    method: 'GET', path: '/web/me/personal-data', summary: 'Download everything the service holds about me (UU PDP right of access) as a JSON file', access: 'public',
    responses: { 200: { description: 'The personal data (JSON)', contentType: 'application/json' }, 303: page('Not signed in: to the login page') },
  },
  meRenewal: {
    method: 'POST', path: '/web/me/certificates/{serial}/renewal', summary: 'Renew a certificate in its last 30 days: a set-passphrase link by e-mail', access: 'public',
    params: serialParams, ...formPost, responses: actionResponses,
  },
  meRevocationPage: {
    method: 'GET', path: '/web/me/certificates/{serial}/revocation', summary: 'Revoke a certificate: what it means, the reason, the confirmation', access: 'public',
    params: serialParams,
    responses: { 200: page('Cabut sertifikat'), 303: page('Not signed in: to the login page'), 404: page('Not my certificate'), 409: page('No longer valid') },
  },
  meRevocation: {
    method: 'POST', path: '/web/me/certificates/{serial}/revocation', summary: 'Revocation confirmed with a reason: the certificate is revoked', access: 'public',
    params: serialParams, ...formPost, responses: { ...actionResponses, 422: page('The confirmation with its errors') },
  },
  mePassphraseChange: {
    method: 'POST', path: '/web/me/certificates/{serial}/passphrase-change', summary: 'Change the passphrase: a change-passphrase link by e-mail', access: 'public',
    params: serialParams, ...formPost, responses: actionResponses,
  },
  mePassphraseReset: {
    method: 'POST', path: '/web/me/certificates/{serial}/passphrase-reset', summary: 'Reset a forgotten passphrase: a reset-passphrase link by e-mail', access: 'public',
    params: serialParams, ...formPost, responses: actionResponses,
  },
  meCertificateRequest: {
    method: 'POST', path: '/web/me/certificate-requests', summary: 'A new certificate when none is valid: a set-passphrase link by e-mail', access: 'public',
    ...formPost, responses: actionResponses,
  },
  meDeviceSetupPage: {
    method: 'GET', path: '/web/me/devices/new', summary: 'Add an OTP device: a new secret as QR code and text, the device name and its first code', access: 'public',
    responses: { 200: page('Tambah perangkat OTP'), 303: page('Not signed in: to the login page') },
  },
  meDeviceAdd: {
    method: 'POST', path: '/web/me/devices/new', summary: 'Add an OTP device posted: registered (a fourth replaces the oldest)', access: 'public',
    ...formPost, responses: { 303: page('Added, or not signed in'), 422: page('The form with its errors') },
  },
  meDeviceRemove: {
    method: 'POST', path: '/web/me/devices/{deviceId}/remove', summary: 'Remove one of my OTP devices (never the last one)', access: 'public',
    params: deviceParams, ...formPost, responses: actionResponses,
  },
} as const satisfies Record<string, RouteSpec>;

type Certificate = SuccessBody<typeof certificatesRoutes.routes.listMyCertificates>['items'][number];
type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;

// Every signed-in USER consented before approval (activation asks for it), so the statement exists.
const consentStatementSection = (web: Web) => html`<h2>Surat pernyataan penggunaan data pribadi</h2>
<p>Surat pernyataan yang dibuat dari persetujuan kebijakan privasi yang Anda berikan saat aktivasi, disegel secara elektronik oleh layanan. Lampirkan bila instansi Anda memintanya; keasliannya dapat diperiksa di halaman <a href="${web.path('/verify')}">Periksa tanda tangan</a>.</p>
<p><a class="button button--secondary" href="${myConsentStatementPath(web)}" download>${consentStatementLabel}</a></p>`;

/** The RFC 5280 reasons as a holder reads them (in the first person; the console has the verifier's). */
const reasonLabels: Record<RevocationReason, string> = {
  keyCompromise: 'Kunci atau passphrase diduga diketahui orang lain',
  affiliationChanged: 'Pindah instansi atau data saya berubah',
  superseded: 'Digantikan oleh sertifikat baru',
  cessationOfOperation: 'Tidak lagi memerlukan sertifikat',
  unspecified: 'Tidak ingin menyebutkan alasan',
};

const labels = { reason: 'Alasan', deviceName: 'Nama perangkat', otp: 'Kode OTP' };

/** The CSRF field of a posted form, passed on to the API (its kernel checks it). */
const csrfOf = (form: Readonly<Record<string, string | undefined>>) => (form.csrfToken ? { csrfToken: form.csrfToken } : {});

/** An empty field left out, so the API answers "Wajib diisi." rather than "Nilai tidak valid.". */
const filled = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

export function meActions(deps: WebDeps): RouteActions<typeof meRoutes> {
  const mePath = (web: Web, notice?: Notice) => `${web.path('/me')}${notice ? `?selesai=${notice}` : ''}`;
  const certificatePath = (web: Web, serial: string, suffix: string) => web.path(`/me/certificates/${encodeURIComponent(serial)}/${suffix}`);

  /** A small form with one button (and the CSRF token): an action on /web/me. */
  const actionForm = (action: string, me: Me, button: Html) => postForm(action, button, { csrfToken: me.csrfToken, className: 'inline-form' });
  /** A button whose accessible name also says which certificate or device it acts on. */
  const actionButton = (label: string, context: string | undefined, variant: 'primary' | 'secondary' | 'warning' = 'secondary') =>
    html`<button type="submit" class="button${variant === 'primary' ? '' : ` button--${variant}`}">${label}${context ? html`<span class="visually-hidden"> ${context}</span>` : ''}</button>`;

  /** The actions the rules allow on one certificate now; the API decides again when one is used. */
  const certificateActions = (web: Web, me: Me, certificate: Certificate, now: Date): Html | '' => {
    const serial = certificate.serialNumber;
    const ended = hasEnded(certificate.notAfter, now);
    if (ended || !revocableStatuses.has(certificate.status)) return '';
    const which = `nomor seri ${formatSerial(serial)}`;
    const current = certificate.status === 'ISSUED';
    const renewal = renewalCheck(certificate.notAfter, now);
    const renewalOpens = new Date(new Date(certificate.notAfter).getTime() - RENEWAL_WINDOW_DAYS * 86_400_000).toISOString();
    return html`${current && renewal === 'NOT_OPEN' ? html`<p class="hint">Pembaruan dapat diajukan mulai ${formatDate(renewalOpens)} (${RENEWAL_WINDOW_DAYS} hari terakhir masa berlaku).</p>` : ''}
<div class="actions">
${current && renewal === 'OPEN' ? actionForm(certificatePath(web, serial, 'renewal'), me, actionButton('Perbarui sertifikat', which, 'primary')) : ''}
${current ? actionForm(certificatePath(web, serial, 'passphrase-change'), me, actionButton('Ubah passphrase', which)) : ''}
${current ? actionForm(certificatePath(web, serial, 'passphrase-reset'), me, actionButton('Reset passphrase', which)) : ''}
<a class="button button--warning" href="${certificatePath(web, serial, 'revocation')}">Cabut sertifikat<span class="visually-hidden"> ${which}</span></a>
</div>
${current ? html`<p class="hint">Ubah passphrase bila Anda masih mengingat passphrase saat ini. Reset passphrase bila Anda lupa atau kunci Anda terkunci: Anda mengambil foto selfie baru, lalu kunci dan sertifikat baru terbit.</p>` : ''}`;
  };

  const certificateCard = (web: Web, me: Me, certificate: Certificate, now: Date) => {
    const ended = hasEnded(certificate.notAfter, now) && certificate.status !== 'REVOKED';
    const status = ended ? certificateStatusLabels.EXPIRED : certificateStatusLabels[certificate.status];
    const valid = !ended && certificate.status === 'ISSUED';
    return html`<li class="card">
<p><strong class="status${valid ? ' status--valid' : ''}">${status}</strong></p>
<dl class="summary">
<dt>Nomor seri</dt><dd class="serial">${formatSerial(certificate.serialNumber)}</dd>
<dt>Berlaku</dt><dd>${formatDate(certificate.notBefore)} sampai ${formatDate(certificate.notAfter)}</dd>
${certificate.revocation ? html`<dt>Dicabut</dt><dd>${formatDateTime(certificate.revocation.at)}<br>Alasan: ${reasonLabels[certificate.revocation.reason]}</dd>` : ''}
</dl>
<p><a href="${certificatePath(web, certificate.serialNumber, 'pem')}" download="sertifikat-${certificate.serialNumber}.pem">Unduh sertifikat (PEM)<span class="visually-hidden"> nomor seri ${formatSerial(certificate.serialNumber)}</span></a></p>
${certificateActions(web, me, certificate, now)}
</li>`;
  };

  /** /web/me: the profile, the certificates with what may be done to each, the devices; a notice or a refusal on top. */
  const renderMe = async (web: Web, view: { notice?: Notice; problem?: Problem } = {}): Promise<Reply> => {
    // The three reads at once: a person not signed in is sent to log in, whatever the others said.
    const [signedIn, certificateList, deviceList] = await Promise.all([
      web.signedIn(web.path('/me')),
      web.api.call(certificatesRoutes, 'listMyCertificates'),
      web.api.call(accountsRoutes, 'listDevices'),
    ]);
    if ('redirect' in signedIn) return signedIn.redirect;
    const { me } = signedIn;
    const certificates = web.expect(certificateList);
    const devices = web.expect(deviceList);
    const now = new Date();
    // A new certificate may be asked for only when none is valid (the API checks it again).
    const hasValid = certificates.items.some((certificate) => (certificate.status === 'ISSUED' || certificate.status === 'SUSPENDED') && !hasEnded(certificate.notAfter, now));
    // Signing takes an ISSUED certificate (a suspended one is held while a data change is pending).
    const hasUsable = certificates.items.some((certificate) => certificate.status === 'ISSUED' && !hasEnded(certificate.notAfter, now));
    return web.page({
      title: 'Akun saya',
      heading: 'Akun saya',
      nav: web.nav(me),
      body: html`${view.problem ? errorSummary({ values: {}, errors: {}, message: view.problem.detail }) : ''}
${view.notice ? html`<p class="notice notice--success" role="status">${notices[view.notice]}</p>` : ''}
<h2>Profil</h2>
<dl class="summary">
<dt>Nama</dt><dd>${me.fullName}</dd>
<dt>Email</dt><dd>${me.email}</dd>
${me.tenantName ? html`<dt>Instansi</dt><dd>${me.tenantName}</dd>` : ''}
</dl>
${await dataChangeOnMe(web, me)}
<h2>Sertifikat elektronik</h2>
${hasUsable ? html`<p><a class="button" href="${web.path('/sign')}">Tanda tangani dokumen</a></p>` : ''}
${certificates.items.length === 0
  ? html`<p>Anda belum memiliki sertifikat. Gunakan tautan pada e-mail "Set Passphrase", atau minta tautan baru di bawah ini.</p>`
  : html`<ul class="cards">${certificates.items.map((certificate) => certificateCard(web, me, certificate, now))}</ul>`}
${hasValid ? '' : html`${certificates.items.length > 0 ? html`<p>Anda tidak memiliki sertifikat yang berlaku.</p>` : ''}
<p>Ajukan sertifikat baru: kami mengirim tautan ke e-mail Anda untuk mengambil foto selfie dan membuat passphrase, lalu sertifikat terbit seketika.</p>
${actionForm(web.path('/me/certificate-requests'), me, actionButton('Ajukan sertifikat baru', undefined, 'primary'))}`}
<h2>Perangkat OTP</h2>
<p>Kode dari salah satu perangkat ini diminta setiap kali Anda masuk. Anda dapat mendaftarkan paling banyak 3 perangkat; perangkat terakhir tidak dapat dihapus.</p>
<ul class="cards">${devices.items.map((device) => html`<li class="card">
<p><strong>${device.name}</strong><br>Didaftarkan ${formatDateTime(device.createdAt)}${device.lastUsedAt ? html`<br>Terakhir dipakai ${formatDateTime(device.lastUsedAt)}` : ''}</p>
${actionForm(web.path(`/me/devices/${encodeURIComponent(device.deviceId)}/remove`), me, actionButton('Hapus', `perangkat ${device.name}`))}
</li>`)}</ul>
<p><a class="button button--secondary" href="${web.path('/me/devices/new')}">Tambah perangkat</a></p>
<h2>Data pribadi Anda</h2>
<p>Unduh semua data tentang Anda yang disimpan layanan ini: profil, data KTP dan kepegawaian, persetujuan yang Anda berikan, perangkat, sertifikat, dokumen yang Anda tandatangani, dan jejak audit (hak akses menurut UU Pelindungan Data Pribadi). Kata sandi, kunci, dan rahasia OTP tidak ikut diunduh. Setiap unduhan dicatat.</p>
<p><a class="button button--secondary" href="${web.path('/me/personal-data')}" download="data-pribadi.json">Unduh data pribadi (JSON)</a></p>
${me.role === 'USER' ? consentStatementSection(web) : ''}`,
    }, { status: view.problem ? 422 : 200 });
  };

  /**
   * Runs one action of /web/me through the API: done → /web/me with its notice; the session gone
   * → the login page, back to `back` afterwards; refused → /web/me saying why.
   */
  const act = async (web: Web, result: Promise<ApiResult<unknown>>, notice: Notice, back = web.path('/me')): Promise<Reply> => {
    const answer = await result;
    if (answer.ok) return web.seeOther(mePath(web, notice));
    if (answer.problem.code === 'UNAUTHENTICATED') return web.toLogin(back);
    return renderMe(web, { problem: answer.problem });
  };

  /** One of my certificates, for the pages about it (anyone else's is unknown). */
  const myCertificate = async (web: Web, serial: string): Promise<Certificate> => {
    const certificates = web.expect(await web.api.call(certificatesRoutes, 'listMyCertificates'));
    const certificate = certificates.items.find((candidate) => candidate.serialNumber === serial);
    if (!certificate) throw new AppError('CERTIFICATE_NOT_FOUND');
    return certificate;
  };

  const revocationPage = (web: Web, me: Me, certificate: Certificate, state: FormState) => web.page({
    title: 'Cabut sertifikat',
    heading: 'Cabut sertifikat',
    nav: web.nav(me),
    body: html`${errorSummary(state, labels)}
<dl class="summary">
<dt>Nomor seri</dt><dd class="serial">${formatSerial(certificate.serialNumber)}</dd>
<dt>Berlaku</dt><dd>${formatDate(certificate.notBefore)} sampai ${formatDate(certificate.notAfter)}</dd>
</dl>
<div class="warning-text">
<p><strong>Pencabutan tidak dapat dibatalkan.</strong></p>
<p>Setelah dicabut, sertifikat ini tidak dapat dipakai lagi untuk menandatangani, dan daftar pencabutan (CRL dan OCSP) langsung menyatakannya dicabut. Tanda tangan yang dibuat sebelumnya tetap dapat diperiksa. Untuk menandatangani lagi, Anda perlu mengajukan sertifikat baru.</p>
</div>
${postForm(certificatePath(web, certificate.serialNumber, 'revocation'), [
  selectField({
    name: 'reason', label: labels.reason, state, placeholder: 'Pilih alasan pencabutan',
    choices: revocationReasons.map((reason) => ({ value: reason, label: reasonLabels[reason] })),
  }),
  submitButton('Cabut sertifikat', 'warning'),
], { csrfToken: me.csrfToken, className: 'stacked-form' })}
<p><a href="${web.path('/me')}">Batal, kembali ke Akun saya</a></p>`,
  }, { status: Object.keys(state.errors).length > 0 || state.message ? 422 : 200 });

  type DeviceSetup = { setupId: string; otp?: SuccessBody<typeof accountsRoutes.routes.startDeviceSetup>['otp'] };
  const deviceSetupPage = (web: Web, me: Me, setup: DeviceSetup, state: FormState) => web.page({
    title: 'Tambah perangkat OTP',
    heading: 'Tambah perangkat OTP',
    nav: web.nav(me),
    body: html`${errorSummary(state, labels)}
${setup.otp ? html`<h2>1. Pindai kode QR</h2>
<p>Buka aplikasi autentikator di ponsel baru (misalnya Google Authenticator, Microsoft Authenticator atau FreeOTP), lalu pindai kode QR ini.</p>
<img class="qr" src="${setup.otp.qrPngDataUrl}" alt="Kode QR untuk aplikasi autentikator" width="200" height="200">
<p>Tidak dapat memindai? Ketik kunci rahasia ini di aplikasi (jenis: berbasis waktu):</p>
<p class="secret" data-otp-secret>${grouped(setup.otp.secret)}</p>
<h2>2. Beri nama dan masukkan kode pertama</h2>` : html`<p>Masukkan kode terbaru dari aplikasi autentikator yang baru saja Anda pindai. Belum memindai kode QR? <a href="${web.path('/me/devices/new')}">Mulai lagi dengan kode QR baru</a>.</p>`}
${postForm(web.path('/me/devices/new'), [
  hiddenField('setupId', setup.setupId),
  textField({ name: 'deviceName', label: labels.deviceName, state, maxlength: 50, hint: 'Nama untuk mengenali ponsel ini, misalnya "Ponsel pribadi".' }),
  otpField(state, labels.otp),
  submitButton('Simpan'),
], { csrfToken: me.csrfToken, className: 'stacked-form' })}
<p class="hint">Kode QR ini berlaku 10 menit. Bila Anda sudah memiliki 3 perangkat, perangkat yang paling lama diganti dengan yang baru.</p>
<p><a href="${web.path('/me')}">Batal, kembali ke Akun saya</a></p>`,
  }, { status: Object.keys(state.errors).length > 0 || state.message ? 422 : 200 });

  return {
    mePage: async (request) => renderMe(new Web(deps, request), request.query.selesai ? { notice: request.query.selesai } : {}),

    meCertificatePem: async (request) => {
      const web = new Web(deps, request);
      const { serial } = request.params;
      const signedIn = await web.signedIn(web.path('/me'));
      if ('redirect' in signedIn) return signedIn.redirect;
      const certificate = await myCertificate(web, serial);
      return {
        status: 200,
        body: certificate.pem,
        headers: {
          'content-type': 'application/x-pem-file',
          'content-disposition': `attachment; filename="sertifikat-${serial}.pem"`,
          'cache-control': 'no-store',
        },
      };
    },

    mePersonalData: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(web.path('/me'));
      if ('redirect' in signedIn) return signedIn.redirect;
      const data = web.expect(await web.api.call(accountsRoutes, 'getPersonalData'));
      return {
        status: 200,
        body: `${JSON.stringify(data, null, 2)}\n`,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="data-pribadi-${new Date().toISOString().slice(0, 10)}.json"`,
          'cache-control': 'no-store',
        },
      };
    },

    meRenewal: async (request) => {
      const web = new Web(deps, request);
      return act(web, web.api.call(certificatesRoutes, 'requestRenewal', { params: request.params, body: csrfOf(request.body) }), 'pembaruan-dikirim');
    },

    meRevocationPage: async (request) => {
      const web = new Web(deps, request);
      const back = certificatePath(web, request.params.serial, 'revocation');
      const signedIn = await web.signedIn(back);
      if ('redirect' in signedIn) return signedIn.redirect;
      const certificate = await myCertificate(web, request.params.serial);
      if (!revocableStatuses.has(certificate.status)) throw new AppError('CERTIFICATE_NOT_ACTIVE');
      return revocationPage(web, signedIn.me, certificate, emptyForm());
    },

    meRevocation: async (request) => {
      const web = new Web(deps, request);
      const { serial } = request.params;
      const back = certificatePath(web, serial, 'revocation');
      const reason = filled(request.body.reason);
      const again = async (state: FormState) => {
        const signedIn = await web.signedIn(back);
        if ('redirect' in signedIn) return signedIn.redirect;
        return revocationPage(web, signedIn.me, await myCertificate(web, serial), state);
      };
      // A choice left empty is the page's own question; the reason itself is checked by the API.
      if (!reason) return again({ values: {}, errors: { reason: 'Pilih alasan pencabutan.' } });
      const result = await web.api.call(certificatesRoutes, 'revokeMyCertificate', { params: { serial }, body: { reason, ...csrfOf(request.body) } });
      if (result.ok) return web.seeOther(mePath(web, 'sertifikat-dicabut'));
      if (result.problem.code === 'UNAUTHENTICATED') return web.toLogin(back);
      if (result.problem.code !== 'VALIDATION_FAILED') return renderMe(web, { problem: result.problem });
      return again(formStateOf({ reason }, result.problem));
    },

    mePassphraseChange: async (request) => {
      const web = new Web(deps, request);
      return act(web, web.api.call(certificatesRoutes, 'requestPassphraseChange', { params: request.params, body: csrfOf(request.body) }), 'ubah-passphrase-dikirim');
    },

    mePassphraseReset: async (request) => {
      const web = new Web(deps, request);
      return act(web, web.api.call(certificatesRoutes, 'requestPassphraseReset', { params: request.params, body: csrfOf(request.body) }), 'reset-passphrase-dikirim');
    },

    meCertificateRequest: async (request) => {
      const web = new Web(deps, request);
      return act(web, web.api.call(certificatesRoutes, 'requestNewCertificate', { body: csrfOf(request.body) }), 'permintaan-dikirim');
    },

    meDeviceSetupPage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(web.path('/me/devices/new'));
      if ('redirect' in signedIn) return signedIn.redirect;
      const { me } = signedIn;
      // Each visit offers a fresh secret; an unused one lapses after 10 minutes.
      const setup = await web.api.call(accountsRoutes, 'startDeviceSetup', { body: me.csrfToken ? { csrfToken: me.csrfToken } : {} });
      if (!setup.ok && setup.problem.code === 'UNAUTHENTICATED') return web.toLogin(web.path('/me/devices/new'));
      const offer = web.expect(setup);
      return deviceSetupPage(web, me, { setupId: offer.setupId, otp: offer.otp }, emptyForm({ deviceName: 'Ponsel baru' }));
    },

    meDeviceAdd: async (request) => {
      const web = new Web(deps, request);
      const back = web.path('/me/devices/new');
      const { setupId = '', deviceName, otp = '' } = request.body;
      const added = await web.api.call(accountsRoutes, 'addDevice', {
        body: { setupId, deviceName: filled(deviceName), otp: otp.trim(), ...csrfOf(request.body) },
      });
      if (added.ok) return web.seeOther(mePath(web, 'perangkat-ditambah'));
      if (added.problem.code === 'UNAUTHENTICATED') return web.toLogin(back);
      const signedIn = await web.signedIn(back);
      if ('redirect' in signedIn) return signedIn.redirect;
      // The secret is shown only once (the API keeps it sealed): a retry asks for the code again, or starts over.
      const state = formStateOf({ deviceName: deviceName ?? '' }, added.problem, { INVALID_OTP: 'otp', OTP_ALREADY_USED: 'otp' });
      if (added.problem.code === 'DEVICE_SETUP_NOT_FOUND') {
        const fresh = web.expect(await web.api.call(accountsRoutes, 'startDeviceSetup', { body: signedIn.me.csrfToken ? { csrfToken: signedIn.me.csrfToken } : {} }));
        return deviceSetupPage(web, signedIn.me, { setupId: fresh.setupId, otp: fresh.otp }, state);
      }
      return deviceSetupPage(web, signedIn.me, { setupId }, state);
    },

    meDeviceRemove: async (request) => {
      const web = new Web(deps, request);
      return act(web, web.api.call(accountsRoutes, 'removeDevice', { params: request.params, body: csrfOf(request.body) }), 'perangkat-dihapus');
    },
  };
}


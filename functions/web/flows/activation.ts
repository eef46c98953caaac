import * as z from 'zod';
import { regionList } from '../../../shared/domain/identity.js';
import type { RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { html, type Html } from '../../../shared/web/html.js';
import { enrollmentRoutes } from '../../enrollment/routes.js';
import type { SuccessBody } from '../api.js';
import { checkboxField, emptyForm, errorSummary, formStateOf, postForm, radioField, selectField, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { photoStep } from '../photo-step.js';
import { formPost, linkPageResponses, linkToken, page } from '../route-parts.js';

/** The activation steps in order, by the names the page's address uses. */
const steps = [
  { id: 'identitas', title: 'Data diri', done: 'identity' },
  { id: 'kepegawaian', title: 'Data kepegawaian', done: 'employment' },
  { id: 'ktp', title: 'Foto KTP', done: 'ktpPhoto' },
  { id: 'swafoto', title: 'Foto selfie', done: 'selfie' },
  { id: 'kebijakan', title: 'Kebijakan privasi dan pengiriman', done: 'privacyPolicy' },
] as const;
type StepId = (typeof steps)[number]['id'];
type Activation = SuccessBody<typeof enrollmentRoutes.routes.getActivation>;

export const activationRoutes = {
  activationPage: {
    method: 'GET', path: '/web/activate/{token}', summary: 'Activation (the "[TTE] Aktivasi Akun" link): the next step, or the one asked for', access: 'public',
    params: linkToken, query: z.strictObject({ langkah: z.enum(steps.map((step) => step.id) as [StepId, ...StepId[]]).optional() }),
    responses: linkPageResponses,
  },
  activationIdentity: {
    method: 'POST', path: '/web/activate/{token}/identity', summary: 'Activation: identity posted', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Saved: the next step'), 422: page('The form with its errors'), ...linkPageResponses },
  },
  activationEmployment: {
    method: 'POST', path: '/web/activate/{token}/employment', summary: 'Activation: employment posted', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Saved: the next step'), 422: page('The form with its errors'), ...linkPageResponses },
  },
  activationSubmit: {
    method: 'POST', path: '/web/activate/{token}/submit', summary: 'Activation: consent and submission', access: 'public',
    params: linkToken, ...formPost, responses: { 303: page('Submitted'), 422: page('The form with its errors'), ...linkPageResponses },
  },
  activationSent: {
    method: 'GET', path: '/web/activation-sent', summary: 'Activation submitted: what happens next', access: 'public',
    responses: { 200: page('Pendaftaran terkirim') },
  },
} as const satisfies Record<string, RouteSpec>;

const labels = {
  fullName: 'Nama lengkap', nik: 'NIK', employmentType: 'Jenis pegawai', nip: 'NIP', nrp: 'NRP', position: 'Jabatan',
  unitName: 'Unit kerja', province: 'Provinsi', city: 'Kabupaten/Kota', acceptPrivacyPolicy: 'Persetujuan',
};

const regions = regionList();

export function activationActions(deps: WebDeps): RouteActions<typeof activationRoutes> {
  const stepUrl = (web: Web, token: string, step?: StepId) => `${web.path(`/activate/${encodeURIComponent(token)}`)}${step ? `?langkah=${step}` : ''}`;

  /** The step to show: the one asked for if everything before it is done, else the first not done. */
  const currentStep = (activation: Activation, asked: StepId | undefined): StepId => {
    const firstOpen = steps.find((step) => step.id !== 'kebijakan' && !activation.steps[step.done])?.id ?? 'kebijakan';
    if (!asked) return firstOpen;
    return steps.findIndex((step) => step.id === asked) <= steps.findIndex((step) => step.id === firstOpen) ? asked : firstOpen;
  };

  const progress = (activation: Activation, current: StepId, web: Web, token: string): Html => html`<ol class="steps" aria-label="Langkah aktivasi">
${steps.map((step) => {
    const done = activation.steps[step.done];
    const label = html`${step.title}${done ? html` <span class="step-done">(selesai)</span>` : ''}`;
    return step.id === current
      ? html`<li aria-current="step"><strong>${label}</strong></li>`
      : html`<li>${done ? html`<a href="${stepUrl(web, token, step.id)}">${label}</a>` : label}</li>`;
  })}
</ol>`;

  const render = async (web: Web, token: string, activation: Activation, step: StepId, state: FormState) => {
    const position = steps.findIndex((entry) => entry.id === step);
    const title = steps[position]!.title;
    const action = (suffix: string) => web.path(`/activate/${encodeURIComponent(token)}/${suffix}`);
    const intro = html`<p>Halo, <strong>${activation.fullName}</strong>. Lengkapi aktivasi akun Anda di ${activation.tenantName}.</p>
${progress(activation, step, web, token)}
<h2>Langkah ${position + 1} dari ${steps.length}: ${title}</h2>`;
    const errorStatus = Object.keys(state.errors).length > 0 || state.message ? 422 : 200;
    switch (step) {
      case 'identitas':
        return web.page({
          title: `Aktivasi: ${title}`, heading: 'Aktivasi akun',
          body: html`${errorSummary(state, labels)}${intro}
${postForm(action('identity'), [
  textField({ name: 'fullName', label: labels.fullName, state, autocomplete: 'name', hint: 'Tulis sesuai KTP, tanpa gelar.' }),
  textField({ name: 'nik', label: labels.nik, state, inputmode: 'numeric', maxlength: 16, autocomplete: 'off', hint: '16 angka, tertera di KTP Anda.' }),
  submitButton('Lanjut'),
])}`,
        }, { status: errorStatus });
      case 'kepegawaian':
        return web.page({
          title: `Aktivasi: ${title}`, heading: 'Aktivasi akun',
          body: html`${errorSummary(state, labels)}${intro}
${activation.prefill && !activation.steps.employment ? html`<p class="notice prefill-note">Sebagian isian di bawah sudah diisi dari daftar pegawai yang dikirim instansi Anda. Periksa setiap isian dan betulkan bila ada yang keliru sebelum melanjutkan.</p>` : ''}
${postForm(action('employment'), [
  radioField({ name: 'employmentType', label: labels.employmentType, state, choices: [{ value: 'ASN', label: 'ASN' }, { value: 'POLRI', label: 'POLRI' }, { value: 'OTHER', label: 'Lainnya' }] }),
  textField({ name: 'nip', label: labels.nip, state, inputmode: 'numeric', maxlength: 18, hint: 'Bagi ASN: 18 angka.' }),
  textField({ name: 'nrp', label: labels.nrp, state, inputmode: 'numeric', maxlength: 8, hint: 'Bagi anggota POLRI: 8 angka.' }),
  textField({ name: 'position', label: labels.position, state, autocomplete: 'organization-title' }),
  textField({ name: 'unitName', label: labels.unitName, state }),
  selectField({ name: 'province', label: labels.province, state, placeholder: 'Pilih provinsi', data: { 'region-province': '' }, choices: regions.map((province) => ({ value: province.code, label: province.name })) }),
  selectField({
    name: 'city', label: labels.city, state, placeholder: 'Pilih kabupaten/kota', data: { 'region-city': '' },
    choices: regions.map((province) => ({ group: province.name, choices: province.cities.map((city) => ({ value: city.code, label: city.name })) })),
  }),
  submitButton('Lanjut'),
])}`,
        }, { status: errorStatus });
      case 'ktp':
      case 'swafoto': {
        const isKtp = step === 'ktp';
        const next = stepUrl(web, token, isKtp ? 'swafoto' : 'kebijakan');
        return web.page({
          title: `Aktivasi: ${title}`, heading: 'Aktivasi akun',
          body: html`${intro}
${photoStep({
  kind: isKtp ? 'KTP' : 'SELFIE',
  uploadBase: web.apiPath(`/v1/activation/${encodeURIComponent(token)}`),
  done: activation.steps[isKtp ? 'ktpPhoto' : 'selfie'],
  next,
})}`,
        }, { photos: true });
      }
      case 'kebijakan': {
        const policy = await web.api.call(enrollmentRoutes, 'viewPrivacyPolicy', { params: { token } });
        if (!policy.ok) web.fail(policy.problem);
        const readSoFar = (Date.now() - new Date(policy.body.viewedAt).getTime()) / 1000;
        const wait = Math.max(0, Math.ceil(policy.body.minReadSeconds - readSoFar));
        const [heading, ...paragraphs] = policy.body.text.split('\n').filter((line) => line.trim() !== '');
        return web.page({
          title: `Aktivasi: ${title}`, heading: 'Aktivasi akun',
          body: html`${errorSummary(state, labels)}${intro}
<section class="policy" aria-labelledby="policy-title" tabindex="0">
<h3 id="policy-title">${heading}</h3>
${paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}
<p class="hint">Versi ${policy.body.version}.</p>
</section>
${wait > 0 ? html`<p class="notice" data-countdown="${wait}" data-done-text="Anda sudah dapat mengirim pendaftaran." role="status">Silakan baca dengan saksama. Anda dapat mengirim setelah ${wait} detik.</p>` : ''}
${postForm(action('submit'), [
  checkboxField({ name: 'acceptPrivacyPolicy', label: 'Saya telah membaca dan menyetujui Kebijakan Privasi di atas.', state }),
  submitButton('Kirim'),
])}`,
        }, { status: errorStatus });
      }
    }
  };

  /** What the agency's list said of the job, until the employee saves their own answer (a NIP means ASN). */
  const prefilled = (activation: Activation): Record<string, string> => {
    if (!activation.prefill || activation.steps.employment) return {};
    const { nip, position, unitName } = activation.prefill;
    return { ...(nip ? { employmentType: 'ASN', nip } : {}), ...(position ? { position } : {}), ...(unitName ? { unitName } : {}) };
  };

  const load = async (web: Web, token: string) => {
    const activation = await web.api.call(enrollmentRoutes, 'getActivation', { params: { token } });
    if (!activation.ok) web.fail(activation.problem);
    return activation.body;
  };

  return {
    activationPage: async (request) => {
      const web = new Web(deps, request);
      const activation = await load(web, request.params.token);
      return render(web, request.params.token, activation, currentStep(activation, request.query.langkah), emptyForm({ fullName: activation.fullName, ...prefilled(activation) }));
    },
    activationIdentity: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      const values = { fullName: request.body.fullName ?? '', nik: (request.body.nik ?? '').replace(/\s/g, '') };
      const saved = await web.api.call(enrollmentRoutes, 'saveIdentity', { params: { token }, body: values });
      if (saved.ok) return web.seeOther(stepUrl(web, token));
      if (saved.problem.status === 404 || saved.problem.status === 410) web.fail(saved.problem);
      return render(web, token, await load(web, token), 'identitas', formStateOf(values, saved.problem, { NIK_ALREADY_REGISTERED: 'nik' }));
    },
    activationEmployment: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      const form = request.body;
      const values = {
        employmentType: form.employmentType ?? '', nip: form.nip?.replace(/\s/g, '') ?? '', nrp: form.nrp?.replace(/\s/g, '') ?? '',
        position: form.position ?? '', unitName: form.unitName ?? '', province: form.province ?? '', city: form.city ?? '',
      };
      // Only the number that goes with the chosen kind of employee is sent.
      const { nip, nrp, ...common } = values;
      const body = { ...common, ...(values.employmentType === 'ASN' ? { nip } : {}), ...(values.employmentType === 'POLRI' ? { nrp } : {}) };
      const saved = await web.api.call(enrollmentRoutes, 'saveEmployment', { params: { token }, body });
      if (saved.ok) return web.seeOther(stepUrl(web, token));
      if (saved.problem.status === 404 || saved.problem.status === 410) web.fail(saved.problem);
      return render(web, token, await load(web, token), 'kepegawaian', formStateOf(values, saved.problem));
    },
    activationSubmit: async (request) => {
      const web = new Web(deps, request);
      const { token } = request.params;
      if (request.body.acceptPrivacyPolicy === undefined) {
        const activation = await load(web, token);
        return render(web, token, activation, 'kebijakan', { values: {}, errors: { acceptPrivacyPolicy: 'Centang persetujuan Kebijakan Privasi untuk mengirim pendaftaran.' } });
      }
      const submitted = await web.api.call(enrollmentRoutes, 'submitActivation', { params: { token }, body: { acceptPrivacyPolicy: true } });
      if (submitted.ok) return web.seeOther(web.path('/activation-sent'));
      if (submitted.problem.status === 404 || submitted.problem.status === 410) web.fail(submitted.problem);
      const activation = await load(web, token);
      const missing = submitted.problem.errors.map((error) => steps.find((step) => step.done === error.field)?.title).filter(Boolean);
      const message = missing.length > 0 ? `${submitted.problem.detail} Belum lengkap: ${missing.join(', ')}.` : submitted.problem.detail;
      return render(web, token, activation, 'kebijakan', { values: { acceptPrivacyPolicy: 'ya' }, errors: {}, message });
    },
    activationSent: async (request) => new Web(deps, request).page({
      title: 'Pendaftaran terkirim',
      heading: 'Pendaftaran terkirim',
      body: html`<p class="lead">Terima kasih. Data aktivasi Anda sudah kami terima.</p>
<h2>Selanjutnya</h2>
<ol>
<li>Data Anda diperiksa ke data kepegawaian nasional, atau oleh verifikator instansi Anda.</li>
<li>Bila disetujui, Anda menerima e-mail <strong>"Informasi Akun"</strong> berisi tautan untuk membuat kata sandi dan mendaftarkan aplikasi autentikator (OTP).</li>
<li>Bila ada data yang perlu diperbaiki, verifikator akan memberi tahu Anda melalui e-mail beserta alasannya.</li>
</ol>
<p>Periksa juga folder spam bila e-mail belum tiba. Halaman ini boleh ditutup.</p>`,
    }, { cacheable: true }),
  };
}

import { html } from '../../shared/web/html.js';

const copy = {
  KTP: {
    label: 'Foto KTP',
    hint: 'Foto KTP asli Anda dari depan, seluruh kartu terlihat, tulisan terbaca, tanpa pantulan cahaya.',
    capture: 'environment',
  },
  SELFIE: {
    label: 'Foto selfie',
    hint: 'Foto wajah Anda sendiri, menghadap kamera, tanpa masker, kacamata gelap atau topi, di tempat yang terang.',
    capture: 'user',
  },
} as const;

/**
 * A photo taken or chosen on the phone, re-encoded and uploaded by the page script to the link's
 * presigned upload (`uploadBase` is the link's API path, e.g. /v1/activation/{token}). Without
 * the script the page says so: a browser has to send the photo.
 */
export function photoStep(options: { kind: 'KTP' | 'SELFIE'; uploadBase: string; done: boolean; next: string }) {
  const text = copy[options.kind];
  const id = `f-photo-${options.kind.toLowerCase()}`;
  return html`<div class="photo" data-photo data-kind="${options.kind}" data-upload-base="${options.uploadBase}">
${options.done ? html`<p class="notice">${text.label} sudah tersimpan. Anda dapat melanjutkan, atau memilih foto lain untuk menggantinya.</p>` : ''}
<div class="field">
<label for="${id}">${text.label}</label>
<p class="hint" id="${id}-hint">${text.hint} Foto diperkecil di ponsel Anda sebelum dikirim.</p>
<input type="file" id="${id}" accept="image/jpeg,image/png" capture="${text.capture}" aria-describedby="${id}-hint">
</div>
<div class="camera" data-camera></div>
<img class="photo-preview" data-preview alt="Pratinjau ${text.label}" hidden>
<p class="photo-status" data-status role="status" aria-live="polite"></p>
<noscript><p class="notice">Untuk mengirim foto, aktifkan JavaScript pada peramban Anda.</p></noscript>
<p data-next${options.done ? '' : ' hidden'}><a class="button" href="${options.next}">Lanjut</a></p>
</div>`;
}

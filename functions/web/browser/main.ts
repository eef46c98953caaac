/**
 * The pages' one script: progressive enhancement only. Every behaviour starts from a data-*
 * attribute the server rendered, and every form still posts without it; only the photo steps
 * need it (a browser must re-encode and upload the file).
 */
import { enhanceCountdowns } from './countdown.js';
import { enhancePolicyChecklists } from './policy-checklist.js';
import { enhancePhotoUploads } from './photo-upload.js';
import { enhanceRegionChoice } from './regions.js';
import { enhancePdfPreviews } from './pdf-preview.js';
import { enhanceSignForms } from './sign-form.js';

function enhanceOtpFields(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[autocomplete="one-time-code"]')) {
    input.addEventListener('input', () => {
      const digits = input.value.replace(/\D/g, '').slice(0, 6);
      if (digits !== input.value) input.value = digits;
    });
  }
}

function focusErrorSummary(): void {
  document.querySelector<HTMLElement>('[data-focus]')?.focus();
}

focusErrorSummary();
enhanceOtpFields();
enhanceCountdowns();
enhancePolicyChecklists();
enhanceRegionChoice();
enhancePhotoUploads();
// The stamp options are shown before the preview measures its width.
enhanceSignForms();
enhancePdfPreviews();

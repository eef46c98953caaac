/**
 * The sign and verify forms, where script runs: the documents checked (PDF, total size) as soon as
 * they are chosen rather than after an upload, a word while the server works, and on the sign
 * form the visible-stamp options only when a visible signature is chosen. The server checks
 * everything again.
 */
import { fileSize } from '../file-size.js';

const isPdf = (file: File) => file.type === 'application/pdf' || /\.pdf$/i.test(file.name);

/** What is wrong with the chosen documents, or undefined. */
function documentsProblem(input: HTMLInputElement): string | undefined {
  const files = [...(input.files ?? [])];
  const limit = Number(input.dataset.maxBytes);
  const notPdf = files.find((file) => !isPdf(file));
  if (notPdf) return `Berkas "${notPdf.name}" bukan dokumen PDF. Pilih berkas PDF (.pdf); dokumen Word atau gambar simpan dahulu sebagai PDF.`;
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (limit && total > limit) return `Ukuran dokumen ${files.length > 1 ? 'seluruhnya ' : ''}${fileSize(total)}, lebih dari batas ${fileSize(limit)} sekali kirim.${files.length > 1 ? ' Kirim dalam beberapa kali.' : ''}`;
  return undefined;
}

function enhanceUpload(form: HTMLFormElement, input: HTMLInputElement): void {
  const note = document.createElement('p');
  note.setAttribute('aria-live', 'polite');
  note.className = 'hint';
  input.after(note);
  const check = (): boolean => {
    const problem = documentsProblem(input);
    const files = [...(input.files ?? [])];
    note.className = problem ? 'field-error' : 'hint';
    note.textContent = problem ?? (files.length > 1
      ? `${files.length} dokumen dipilih, seluruhnya ${fileSize(files.reduce((sum, file) => sum + file.size, 0))}.`
      : files.length === 1 ? `${files[0]!.name}, ${fileSize(files[0]!.size)}.` : '');
    return problem === undefined;
  };
  input.addEventListener('change', check);

  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const working = document.createElement('p');
  working.setAttribute('role', 'status');
  working.className = 'hint';
  button?.after(working);
  form.addEventListener('submit', (event) => {
    if (!check()) {
      event.preventDefault();
      input.focus();
      return;
    }
    // The button stays usable (a second press posts the same form, which signs once).
    working.textContent = form.classList.contains('sign-form') ? 'Sedang menandatangani, mohon tunggu…' : 'Sedang memeriksa, mohon tunggu…';
  });
}

/** Shows `target` only while the radio named `name` has `value` checked (the rest stays in the form). */
function revealWith(form: HTMLFormElement, name: string, value: string, target: HTMLElement | null): void {
  if (!target) return;
  const radios = [...form.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${name}"]`)];
  const update = () => {
    target.hidden = !radios.some((radio) => radio.checked && radio.value === value);
  };
  radios.forEach((radio) => radio.addEventListener('change', update));
  update();
}

export function enhanceSignForms(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('form input[data-documents]')) enhanceUpload(input.form!, input);
  for (const form of document.querySelectorAll<HTMLFormElement>('form.sign-form')) {
    revealWith(form, 'tampilan', 'visible', form.querySelector<HTMLElement>('[data-visible-options]'));
    // An error on the page number keeps its field in view whatever is checked.
    const pageNumber = form.querySelector<HTMLInputElement>('input[name="nomorHalaman"]')?.closest<HTMLElement>('.field');
    if (pageNumber && !pageNumber.classList.contains('field--error')) revealWith(form, 'halaman', 'nomor', pageNumber);
  }
}

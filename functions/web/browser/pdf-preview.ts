/**
 * The sign page's preview: the chosen page of the first document, drawn here by PDF.js (our own
 * copy, loaded only on this page, its worker from us too), with the stamp where it will go. A
 * click or tap puts the stamp's centre there: the point becomes PDF points (origin bottom left,
 * what the signing API takes) in the form's x/y fields and the position becomes "titik", so the
 * form posts exactly what it would without script, only with a point the person chose.
 */
import type * as PdfJs from 'pdfjs-dist';
import { centredPlacement, presetPlacement, stampPositions, type PageBox, type Placement, type StampPosition } from '../stamp.js';

type Library = typeof PdfJs;
type LoadedDocument = Awaited<ReturnType<Library['getDocument']>['promise']>;
type LoadedPage = Awaited<ReturnType<LoadedDocument['getPage']>>;
type Viewport = ReturnType<LoadedPage['getViewport']>;

const CLICKED = 'titik';

let library: Promise<Library> | undefined;

/** PDF.js is large: fetched only when a document is chosen for a visible stamp, then kept. */
function loadLibrary(url: string, worker: string): Promise<Library> {
  library ??= (import(url) as Promise<Library>).then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = worker;
    return pdfjs;
  });
  return library;
}

const isPreset = (value: string): value is StampPosition => (stampPositions as readonly string[]).includes(value);

function enhance(widget: HTMLElement): void {
  const form = widget.closest('form');
  if (!form) return;
  const field = <T extends Element>(selector: string) => form.querySelector<T>(selector);
  const documents = field<HTMLInputElement>('input[data-documents]');
  const position = field<HTMLSelectElement>('select[name="posisi"]');
  const xField = field<HTMLInputElement>('input[name="x"]');
  const yField = field<HTMLInputElement>('input[name="y"]');
  const pageNumber = field<HTMLInputElement>('input[name="nomorHalaman"]');
  const password = field<HTMLInputElement>('input[name="pdfPassword"]');
  const status = widget.querySelector<HTMLElement>('[data-preview-status]');
  const holder = widget.querySelector<HTMLElement>('[data-preview-page]');
  if (!documents || !position || !xField || !yField || !status || !holder) return;
  const stampWidth = Number(widget.dataset.stampWidth);
  const stampHeight = Number(widget.dataset.stampHeight);

  // The point chosen on the preview is one more position (the server takes it with x and y).
  const clickedOption = new Option('Titik pilihan pada pratinjau', CLICKED);
  position.append(clickedOption);
  if (xField.value && yField.value) position.value = CLICKED;

  const canvas = document.createElement('canvas');
  canvas.className = 'pdf-preview__canvas';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Pratinjau halaman dokumen dengan letak cap tanda tangan');
  const stamp = document.createElement('div');
  stamp.className = 'pdf-preview__stamp';
  stamp.textContent = 'Cap tanda tangan';
  stamp.setAttribute('aria-hidden', 'true');
  holder.append(canvas, stamp);

  let loaded: { file: File; password: string; document: Promise<LoadedDocument> } | undefined;
  let shown: { viewport: Viewport; box: PageBox } | undefined;
  let generation = 0;
  let rendering: { cancel(): void } | undefined;

  const say = (text: string, isError = false) => {
    status.textContent = text;
    status.className = isError ? 'field-error' : 'hint';
  };

  const pageChoice = (): 'first' | 'last' | number => {
    const chosen = form.querySelector<HTMLInputElement>('input[name="halaman"]:checked')?.value;
    if (chosen === 'first') return 'first';
    if (chosen === 'nomor') {
      const number = Number(pageNumber?.value.trim());
      return Number.isInteger(number) && number >= 1 ? number : 'last';
    }
    return 'last';
  };

  /** Where the stamp goes now: the clicked point, else the named position. */
  const placement = (box: PageBox): Placement | undefined => {
    if (position.value === CLICKED) {
      const x = Number(xField.value);
      const y = Number(yField.value);
      return xField.value && yField.value ? { x, y } : undefined;
    }
    return isPreset(position.value) ? presetPlacement(position.value, box) : undefined;
  };

  const drawStamp = () => {
    const place = shown && placement(shown.box);
    stamp.hidden = !place;
    if (!shown || !place) return;
    // The stamp's top-left corner in the canvas: PDF y grows upwards, the page's rows downwards.
    // (No array destructuring here: esbuild cannot lower it for the oldest browsers the script targets.)
    const corner = shown.viewport.convertToViewportPoint(place.x, place.y + stampHeight) as number[];
    const scale = shown.viewport.scale;
    Object.assign(stamp.style, { left: `${corner[0]}px`, top: `${corner[1]}px`, width: `${stampWidth * scale}px`, height: `${stampHeight * scale}px` });
  };

  const render = async () => {
    const file = documents.files?.[0];
    const visible = form.querySelector<HTMLInputElement>('input[name="tampilan"]:checked')?.value === 'visible';
    widget.hidden = !file || !visible || !(file.type === 'application/pdf' || /\.pdf$/i.test(file.name));
    if (!file || widget.hidden || holder.clientWidth === 0) return;
    const current = ++generation;
    const passwordValue = password?.value ?? '';
    if (!loaded || loaded.file !== file || loaded.password !== passwordValue) {
      void loaded?.document.then((old) => old.destroy()).catch(() => undefined);
      say('Menyiapkan pratinjau…');
      const pdfjs = loadLibrary(widget.dataset.pdfjs!, widget.dataset.pdfjsWorker!);
      const bytes = file.arrayBuffer();
      loaded = {
        file,
        password: passwordValue,
        // isEvalSupported: false — the page's CSP allows no eval, and PDF.js would otherwise try it for fonts.
        document: Promise.all([pdfjs, bytes]).then((ready) => ready[0].getDocument({
          data: new Uint8Array(ready[1]), isEvalSupported: false, verbosity: 0, ...(passwordValue ? { password: passwordValue } : {}),
        }).promise),
      };
    }
    try {
      const pdf = await loaded.document;
      if (current !== generation) return;
      const choice = pageChoice();
      const number = choice === 'first' ? 1 : choice === 'last' ? pdf.numPages : choice;
      if (number > pdf.numPages) {
        shown = undefined;
        canvas.hidden = true;
        stamp.hidden = true;
        return say(`Dokumen ini hanya ${pdf.numPages} halaman. Pilih nomor halaman 1 sampai ${pdf.numPages}.`, true);
      }
      const page = await pdf.getPage(number);
      // Unrotated, in the page's own user space: the stamp is drawn there, so the preview shows it as signed.
      const natural = page.getViewport({ scale: 1, rotation: 0 });
      const viewport = page.getViewport({ scale: holder.clientWidth / natural.width, rotation: 0 });
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${viewport.width}px`;
      canvas.style.height = `${viewport.height}px`;
      rendering?.cancel();
      const task = page.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport, ...(ratio !== 1 ? { transform: [ratio, 0, 0, ratio, 0, 0] } : {}) });
      rendering = task;
      await task.promise;
      if (current !== generation) return;
      const view = page.view as number[];
      shown = { viewport, box: { x: view[0]!, y: view[1]!, width: view[2]! - view[0]!, height: view[3]! - view[1]! } };
      canvas.hidden = false;
      drawStamp();
      const which = (documents.files?.length ?? 0) > 1 ? `dokumen pertama (${file.name})` : file.name;
      say(`Pratinjau ${which}, halaman ${number} dari ${pdf.numPages}. Klik atau ketuk halaman untuk meletakkan cap di titik itu.`);
    } catch (error) {
      if ((error as Error).name === 'RenderingCancelledException' || current !== generation) return;
      shown = undefined;
      canvas.hidden = true;
      stamp.hidden = true;
      say((error as Error).name === 'PasswordException'
        ? 'Dokumen ini dilindungi kata sandi: isi "Kata sandi PDF" untuk melihat pratinjau, atau pilih posisi dari daftar.'
        : 'Pratinjau tidak dapat ditampilkan untuk dokumen ini. Pilih posisi dari daftar; letak cap tetap dihitung dari halaman dokumen.', true);
    }
  };

  canvas.addEventListener('click', (event) => {
    if (!shown) return;
    const bounds = canvas.getBoundingClientRect();
    const viewX = (event.clientX - bounds.left) * (shown.viewport.width / bounds.width);
    const viewY = (event.clientY - bounds.top) * (shown.viewport.height / bounds.height);
    const point = shown.viewport.convertToPdfPoint(viewX, viewY) as number[];
    const place = centredPlacement(point[0]!, point[1]!, shown.box);
    xField.value = String(place.x);
    yField.value = String(place.y);
    position.value = CLICKED;
    drawStamp();
    say(`Cap diletakkan di titik yang Anda pilih (${Math.round(place.x)}, ${Math.round(place.y)} poin dari kiri bawah halaman). Klik lagi untuk memindahkannya.`);
  });
  position.addEventListener('change', () => {
    // A named position again: the clicked point no longer counts.
    if (position.value !== CLICKED) {
      xField.value = '';
      yField.value = '';
    }
    drawStamp();
  });
  const rerender = () => void render();
  documents.addEventListener('change', rerender);
  password?.addEventListener('change', rerender);
  pageNumber?.addEventListener('change', rerender);
  form.querySelectorAll('input[name="halaman"], input[name="tampilan"]').forEach((input) => input.addEventListener('change', rerender));
  let width = holder.clientWidth;
  window.addEventListener('resize', () => {
    if (holder.clientWidth !== width) {
      width = holder.clientWidth;
      rerender();
    }
  });
  rerender();
}

export function enhancePdfPreviews(): void {
  document.querySelectorAll<HTMLElement>('[data-pdf-preview]').forEach(enhance);
}

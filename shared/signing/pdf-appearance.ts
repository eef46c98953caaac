import { measureText, PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfStream, type PDF, type PDFImage, type PDFPage } from '@libpdf/core';
import QRCode from 'qrcode';
import { AppError } from '../domain/errors.js';

/**
 * A visible signature: where it goes and what it shows. Coordinates are PDF points in the page's
 * user space, origin at the bottom left (as BSrE's xAxis/yAxis, originX/originY).
 *
 * Placed by coordinates, the rectangle is [x, y, x + width, y + height] on `page`. Placed at an
 * anchor (`anchorText`, BSrE's tag_koordinat) it is centred on the anchor, moved by x/y: see
 * `anchorText`.
 */
export interface SignatureAppearance {
  /**
   * 1-based page number, or the first or last page. Without an anchor, the page of the rectangle
   * (the last when absent); with one, the only page searched (every page when absent).
   */
  page?: number | 'first' | 'last';
  /** Without an anchor: the lower-left corner. With one: an offset from the centred placement (0 for none). */
  x: number;
  y: number;
  width: number;
  height: number;
  /**
   * Text typed in the document where the stamp goes (e.g. "#", "$" or "${ttd}" in a letter
   * template). Matched exactly (case and spaces) in the page's text, on `page` or, without one,
   * on every page; the last occurrence wins (searched from the last page back), as a signature
   * block closes a letter and a short tag such as "#" may also appear earlier in its body. The
   * rectangle is centred on the anchor (so it covers it, as BSrE templates expect: the tag sits in
   * the middle of the space left for the stamp), moved by x/y, and pulled back inside the page if
   * it would stick out. The anchor's own box is painted white under the stamp. Not found:
   * SIGNATURE_ANCHOR_NOT_FOUND. Only text in the page's own content is searched (@libpdf/core's
   * extraction does not enter form XObjects), which is where word processors put a letter's text.
   */
  anchorText?: string;
  /** A PNG or JPEG (sniffed by its magic bytes), scaled into the left part of the rectangle. */
  imageBytes?: Uint8Array;
  /** Content of a QR code drawn beside the image (e.g. the public verify link of the document). */
  qr?: string;
  /** Text lines (name, time in WIB, reason, location), Helvetica, sized to fit. */
  lines?: readonly string[];
}

/** A rectangle in PDF points: lower-left corner and size. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const FONT_NAME = 'Helvetica';
const PADDING = 2;
const LINE_SPACING = 1.2;
const MAX_FONT_SIZE = 10;

/**
 * Creates an unsigned signature field with a visible widget (/Rect on the page, /F print, an /AP /N
 * form XObject: image, QR code, text lines, a thin border) on the loaded document. Sign it with
 * `document.sign({ fieldName })`: the field, its widget and appearance are then written in the same
 * incremental update as the signature.
 *
 * @libpdf/core 0.4.2 turns the field it signs into its "invisible widget" (it sets /Rect [0 0 0 0]
 * and /P to the first page): the field's /Rect and /P are pinned here so sign() cannot reset them.
 */
export function applyAppearance(document: PDF, appearance: SignatureAppearance): { fieldName: string } {
  const { page, rectangle, cover } = appearance.anchorText ? placeAtAnchor(document, appearance, appearance.anchorText) : placeByCoordinates(document, appearance);
  checkRectangle(page, rectangle);
  const image = appearance.imageBytes ? embedImage(document, appearance.imageBytes) : undefined;

  const { width, height } = rectangle;
  const font = document.register(PdfDict.of({
    Type: PdfName.of('Font'),
    Subtype: PdfName.of('Type1'),
    BaseFont: PdfName.of(FONT_NAME),
    Encoding: PdfName.of('WinAnsiEncoding'),
  }));
  const xObjects = image ? PdfDict.of({ Im1: image.ref }) : undefined;
  const content = appearanceContent(width, height, image, appearance.qr, (appearance.lines ?? []).map(toWinAnsi), cover);
  const stream = new PdfStream(PdfDict.of({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Form'),
    BBox: numbers([0, 0, width, height]),
    Resources: PdfDict.of({ Font: PdfDict.of({ F1: font }), ...(xObjects ? { XObject: xObjects } : {}) }),
  }), Buffer.from(content, 'latin1'));
  const appearanceRef = document.register(stream);

  const form = document.getOrCreateForm();
  const fieldName = uniqueName(new Set(form.getFieldNames()));
  const field = form.createSignatureField(fieldName);
  const fieldDict = field.getDict();
  // One object as field and widget (the library signs that model; it would drop widget kids).
  fieldDict.delete('Kids');
  fieldDict.set('Type', PdfName.of('Annot'));
  fieldDict.set('Subtype', PdfName.of('Widget'));
  fieldDict.set('F', PdfNumber.of(132)); // Print | Locked, as the library sets it
  fieldDict.set('P', page.ref);
  fieldDict.set('Rect', numbers([rectangle.x, rectangle.y, rectangle.x + width, rectangle.y + height]));
  fieldDict.set('AP', PdfDict.of({ N: appearanceRef }));
  pin(fieldDict, ['Rect', 'P']);
  addAnnotation(document, page, fieldRefOf(field));
  return { fieldName };
}

function placeByCoordinates(document: PDF, appearance: SignatureAppearance): { page: PDFPage; rectangle: Box; cover?: Box } {
  const { x, y, width, height } = appearance;
  return { page: pageOf(document, appearance.page ?? 'last'), rectangle: { x, y, width, height } };
}

/**
 * The rectangle centred on the last occurrence of the anchor (see SignatureAppearance.anchorText),
 * found with the library's own text extraction. Pages are searched from the last one back and the
 * search stops at the first page holding the anchor: a long document is read only as far as needed.
 */
function placeAtAnchor(document: PDF, appearance: SignatureAppearance, anchor: string): { page: PDFPage; rectangle: Box; cover: Box } {
  const pages = appearance.page === undefined ? document.getPages().reverse() : [pageOf(document, appearance.page)];
  for (const page of pages) {
    const match = page.findText(anchor, { caseSensitive: true }).at(-1);
    if (!match) continue;
    const { width, height } = appearance;
    const box = page.getCropBox();
    const centred = {
      x: match.bbox.x + match.bbox.width / 2 - width / 2 + appearance.x,
      y: match.bbox.y + match.bbox.height / 2 - height / 2 + appearance.y,
    };
    // Pulled inside the visible box when it fits there at all; otherwise checkRectangle refuses it.
    const inside = (value: number, low: number, size: number, span: number) => (size <= span ? Math.min(Math.max(value, low), low + span - size) : value);
    const rectangle = { x: inside(centred.x, box.x, width, box.width), y: inside(centred.y, box.y, height, box.height), width, height };
    // The anchor's box in the form's own space (its origin is the rectangle's lower-left corner).
    const cover = { x: match.bbox.x - rectangle.x, y: match.bbox.y - rectangle.y, width: match.bbox.width, height: match.bbox.height };
    return { page, rectangle, cover };
  }
  const where = appearance.page === undefined ? 'any page' : `page ${String(appearance.page)}`;
  throw new AppError('SIGNATURE_ANCHOR_NOT_FOUND', [], { internal: `"${anchor}" not on ${where}` });
}

function pageOf(document: PDF, requested: number | 'first' | 'last'): PDFPage {
  const count = document.getPageCount();
  const number = requested === 'first' ? 1 : requested === 'last' ? count : requested;
  const page = Number.isInteger(number) && number >= 1 && number <= count ? document.getPage(number - 1) : null;
  if (!page) throw new AppError('SIGNATURE_PAGE_INVALID', [], { internal: `page ${String(requested)} of ${count}` });
  return page;
}

/** Inside the page's visible box (CropBox, else MediaBox), with a positive size. */
function checkRectangle(page: PDFPage, { x, y, width, height }: Box): void {
  const box = page.getCropBox();
  const valid = [x, y, width, height].every(Number.isFinite) && width > 0 && height > 0
    && x >= box.x && y >= box.y && x + width <= box.x + box.width && y + height <= box.y + box.height;
  if (!valid) throw new AppError('SIGNATURE_RECTANGLE_INVALID', [], { internal: `[${x} ${y} ${width} ${height}] in [${box.x} ${box.y} ${box.width} ${box.height}]` });
}

function embedImage(document: PDF, bytes: Uint8Array): PDFImage {
  const isPng = bytes.length > 8 && Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw new AppError('SIGNATURE_IMAGE_INVALID', [], { internal: 'neither PNG nor JPEG' });
  try {
    const image = isPng ? document.embedPng(bytes) : document.embedJpeg(bytes);
    if (!(image.width > 0 && image.height > 0)) throw new Error('empty image');
    return image;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('SIGNATURE_IMAGE_INVALID', [], { internal: (error as Error).message });
  }
}

/** The content stream of the appearance, in the form's space [0 0 width height]. */
function appearanceContent(width: number, height: number, image: PDFImage | undefined, qr: string | undefined, lines: string[], cover: Box | undefined): string {
  const out: string[] = ['q', `0 0 ${n(width)} ${n(height)} re W n`];
  // The anchor a template left for the stamp does not show through it (a point more on each side
  // for the glyphs' overshoot).
  if (cover) out.push('q', '1 g', `${n(cover.x - 1)} ${n(cover.y - 1)} ${n(cover.width + 2)} ${n(cover.height + 2)} re f`, 'Q');
  const inner = height - 2 * PADDING;
  const hasText = lines.some((line) => line.trim() !== '');
  // Image and QR code share the left part: each at most a square of the inner height, and
  // together at most half the width when there is text (all of it otherwise).
  const slots = (image ? 1 : 0) + (qr ? 1 : 0);
  const slot = slots ? Math.max(0, Math.min(inner, ((hasText ? width / 2 : width) - PADDING * (slots + 1)) / slots)) : 0;
  let left = PADDING;
  if (image && slot > 0) {
    const scale = Math.min(slot / image.width, inner / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    out.push('q', `${n(w)} 0 0 ${n(h)} ${n(left + (slot - w) / 2)} ${n(PADDING + (inner - h) / 2)} cm`, '/Im1 Do', 'Q');
    left += slot + PADDING;
  }
  if (qr && slot > 0) {
    out.push(qrCode(qr, left, PADDING + (inner - slot) / 2, slot));
    left += slot + PADDING;
  }
  if (hasText) out.push(textBlock(lines, left, width - PADDING - left, inner));
  // A thin border, inside the rectangle.
  out.push('0.4 G', '0.5 w', `0.25 0.25 ${n(width - 0.5)} ${n(height - 0.5)} re S`, 'Q');
  return `${out.join('\n')}\n`;
}

/** The QR modules as filled squares (merged along rows), with a one-module quiet zone, on white. */
function qrCode(text: string, x: number, y: number, side: number): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const unit = side / (size + 2);
  const out = ['q', '1 g', `${n(x)} ${n(y)} ${n(side)} ${n(side)} re f`, '0 g'];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!modules.get(row, col)) continue;
      const start = col;
      while (col + 1 < size && modules.get(row, col + 1)) col++;
      // Row 0 is the top of the symbol; PDF y grows upwards.
      out.push(`${n(x + (start + 1) * unit)} ${n(y + side - (row + 2) * unit)} ${n((col - start + 1) * unit)} ${n(unit)} re`);
    }
  }
  out.push('f', 'Q');
  return out.join('\n');
}

/** Left-aligned lines, vertically centred, the size the largest that fits (10 pt at most). */
function textBlock(lines: string[], x: number, width: number, height: number): string {
  if (width <= 0) return '';
  let size = Math.min(MAX_FONT_SIZE, height / (lines.length * LINE_SPACING));
  for (const line of lines) {
    const unit = measureText(line, FONT_NAME, 1);
    if (unit > 0) size = Math.min(size, width / unit);
  }
  const leading = size * LINE_SPACING;
  const top = PADDING + (height + lines.length * leading) / 2;
  const out = ['BT', '0 g', `/F1 ${n(size)} Tf`, `${n(leading)} TL`, `${n(x)} ${n(top - size)} Td`];
  lines.forEach((line, index) => out.push(`${index ? 'T* ' : ''}(${escapeString(line)}) Tj`));
  out.push('ET');
  return out.join('\n');
}

/**
 * Text for Helvetica with WinAnsiEncoding: ASCII and Latin-1 kept (they encode as themselves), other
 * letters without their accents when that gives ASCII, the rest as "?"; controls become spaces.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) out += char;
    else if (code < 0x20 || code === 0x7f) out += ' ';
    else {
      const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(base) ? base : '?';
    }
  }
  return out;
}

function escapeString(text: string): string {
  return text.replace(/[\\()]/g, (char) => `\\${char}`);
}

/** A number as content-stream text: no exponent, at most 3 decimals. */
function n(value: number): string {
  return (Math.round(value * 1000) / 1000).toString();
}

function numbers(values: number[]): PdfArray {
  return new PdfArray(values.map((value) => PdfNumber.of(value)));
}

function uniqueName(existing: Set<string>): string {
  let index = 1;
  while (existing.has(`Signature_${index}`)) index++;
  return `Signature_${index}`;
}

/** Keeps the given entries of a dictionary as they are now: later writes to them are ignored. */
function pin(dict: PdfDict, keys: string[]): void {
  const pinned = new Set(keys);
  const set = dict.set.bind(dict);
  dict.set = (key: string | PdfName, value) => {
    if (pinned.has(typeof key === 'string' ? key : key.value)) return;
    set(key, value);
  };
}

/** The field's indirect reference (a protected member of the library's field: read, never written). */
function fieldRefOf(field: object): PdfRef {
  const ref = (field as { ref?: unknown }).ref;
  if (!(ref instanceof PdfRef)) throw new Error('the new signature field has no indirect reference');
  return ref;
}

/** Adds the widget to the page's /Annots, which may be a direct or an indirect array. */
function addAnnotation(document: PDF, page: PDFPage, ref: PdfRef): void {
  const annots = page.dict.get('Annots');
  if (annots instanceof PdfRef) {
    const array = document.getObject(annots);
    if (array instanceof PdfArray) {
      array.push(ref);
      return;
    }
  } else if (annots instanceof PdfArray) {
    annots.push(ref);
    return;
  }
  page.dict.set('Annots', new PdfArray([ref]));
}

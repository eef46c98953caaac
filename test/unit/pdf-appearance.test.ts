import { measureText, PDF } from '@libpdf/core';
import { execFile } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateRequest } from '../../shared/pki/certificate-authority.js';
import { applyAppearance, toWinAnsi, type SignatureAppearance } from '../../shared/signing/pdf-appearance.js';
import { signingKeyFromPkcs8, signPdf } from '../../shared/signing/pdf-signature.js';
import { newTestCa, NOW, SUBJECT } from './pki-support.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'tte-appearance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const selfie = new Uint8Array(readFileSync(new URL('../fixtures/sample-selfie.jpg', import.meta.url)));
// A letter page is 612 x 792 points; the box sits in the lower right, clear of the letter's text.
const BOX = { x: 300, y: 80, width: 260, height: 90 };

async function signer() {
  const { authority, ca } = await newTestCa();
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await createCertificateRequest(keys, SUBJECT);
  const issued = await authority.issue({ csrDer: csr.der, subject: SUBJECT, now: NOW });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certificateDer: issued.der, chainDer: [ca.der], privateKey: await signingKeyFromPkcs8(pkcs8) };
}

async function letter(): Promise<Uint8Array> {
  const document = PDF.create();
  document.addPage({ width: 612, height: 792 }).drawText('Surat Keputusan', { x: 72, y: 720, size: 16 });
  return document.save();
}

/** poppler-utils provides pdfsig and pdftoppm (.ci/run installs it); without them those checks skip. */
async function missingTool(tool: string): Promise<string | undefined> {
  try {
    await run('which', [tool]);
    return undefined;
  } catch {
    return `${tool} is missing: install poppler-utils (apt-get install poppler-utils) to run this check`;
  }
}

const count = (bytes: Uint8Array, marker: string) => Buffer.from(bytes).toString('latin1').split(marker).length - 1;

/** A page (1-based) at 72 dpi: one pixel per point, row 0 at the top of the page. */
async function render(pdf: Uint8Array, name: string, page = 1): Promise<PNG> {
  const file = join(work, `${name}.pdf`);
  writeFileSync(file, pdf);
  await run('pdftoppm', ['-png', '-r', '72', '-f', String(page), '-l', String(page), '-singlefile', file, join(work, name)]);
  return PNG.sync.read(readFileSync(join(work, `${name}.png`)));
}

/** Whether every pixel of a page region (in points, origin bottom left) is white. */
function allWhite(png: PNG, region: { x: number; y: number; width: number; height: number }): boolean {
  for (let row = png.height - (region.y + region.height); row < png.height - region.y; row++) {
    for (let col = region.x; col < region.x + region.width; col++) {
      const at = (row * png.width + col) * 4;
      if (png.data[at]! < 250 || png.data[at + 1]! < 250 || png.data[at + 2]! < 250) return false;
    }
  }
  return true;
}

const visible: SignatureAppearance = {
  page: 'last',
  ...BOX,
  imageBytes: selfie,
  qr: 'https://tte.contoh.go.id/verifikasi/dokumen/0123456789abcdef',
  lines: ['Ditandatangani secara elektronik oleh Budi Santoso', '05-12-2026 08:00 WIB'],
};

describe('a visible PAdES signature', () => {
  it('carries its appearance (image, QR code, text) in the signature\'s own incremental update, and pdfsig finds it valid', async (context) => {
    const party = await signer();
    const original = await letter();
    const signed = await signPdf({ pdf: original, party, level: 'B-B', signingTime: new Date('2026-12-05T01:00:00Z'), reason: 'Disetujui', appearance: visible });

    expect(Buffer.from(signed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    // Exactly one update after the original: the widget and its appearance are in the signed revision.
    expect(count(signed, '%%EOF')).toBe(count(original, '%%EOF') + 1);
    expect(count(signed, 'startxref')).toBe(count(original, 'startxref') + 1);

    const reopened = await PDF.load(signed);
    const widget = reopened.getForm()!.getFields().find((field) => field.type === 'signature')!.getDict();
    const rect = widget.getArray('Rect')!;
    expect([0, 1, 2, 3].map((index) => (rect.at(index) as { value: number }).value)).toEqual([300, 80, 560, 170]);
    expect(widget.getDict('AP')?.has('N')).toBe(true);
    expect(reopened.getPage(0)!.dict.getArray('Annots')?.length).toBe(1);

    const absent = (await missingTool('pdfsig')) ?? (await missingTool('pdftoppm'));
    if (absent) context.skip(absent);
    const file = join(work, 'visible.pdf');
    writeFileSync(file, signed);
    const { stdout } = await run('pdfsig', [file]);
    expect(stdout).toContain('Signature Validation: Signature is Valid.');
    expect(stdout).toContain('Total document signed');

    const before = await render(original, 'before');
    const after = await render(signed, 'after');
    expect(allWhite(before, BOX)).toBe(true);
    expect(allWhite(after, BOX)).toBe(false);
    // The QR code's dark modules are inside the box, beside the image; the rest of the page is unchanged.
    expect(allWhite(after, { x: 300, y: 200, width: 260, height: 300 })).toBe(true);
    expect(allWhite(after, { x: 20, y: 20, width: 260, height: 150 })).toBe(true);
  });

  it('places the box on a numbered page of a longer document', async () => {
    const document = PDF.create();
    document.addPage({ width: 612, height: 792 });
    document.addPage({ width: 612, height: 792 });
    const loaded = await PDF.load(await document.save());
    applyAppearance(loaded, { page: 2, ...BOX, lines: ['Budi Santoso'] });
    expect(loaded.getPage(1)!.dict.getArray('Annots')?.length).toBe(1);
    expect(loaded.getPage(0)!.dict.getArray('Annots')).toBeUndefined();
  });

  it('refuses a page that is not in the document', async () => {
    const party = await signer();
    const pdf = await letter();
    for (const page of [0, 5, 1.5]) {
      await expect(signPdf({ pdf, party, level: 'B-B', signingTime: new Date(), appearance: { ...visible, page } }))
        .rejects.toMatchObject({ code: 'SIGNATURE_PAGE_INVALID', status: 422 });
    }
  });

  it('refuses a box partly outside the page, or without a positive size', async () => {
    const party = await signer();
    const pdf = await letter();
    for (const box of [{ x: 500, y: 80, width: 200, height: 90 }, { x: 300, y: -10, width: 100, height: 50 }, { x: 300, y: 80, width: 0, height: 90 }]) {
      await expect(signPdf({ pdf, party, level: 'B-B', signingTime: new Date(), appearance: { ...visible, ...box } }))
        .rejects.toMatchObject({ code: 'SIGNATURE_RECTANGLE_INVALID', status: 422 });
    }
  });

  it('refuses an image that is not a PNG or JPEG, such as a PDF', async () => {
    const party = await signer();
    const pdf = await letter();
    await expect(signPdf({ pdf, party, level: 'B-B', signingTime: new Date(), appearance: { ...visible, imageBytes: pdf } }))
      .rejects.toMatchObject({ code: 'SIGNATURE_IMAGE_INVALID', status: 422 });
    // A JPEG header with nothing behind it is no image either.
    await expect(signPdf({ pdf, party, level: 'B-B', signingTime: new Date(), appearance: { ...visible, imageBytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]) } }))
      .rejects.toMatchObject({ code: 'SIGNATURE_IMAGE_INVALID', status: 422 });
  });

  it('writes text outside Latin-1 safely for Helvetica', () => {
    expect(toWinAnsi('Budi Santoso, Manado')).toBe('Budi Santoso, Manado');
    expect(toWinAnsi('Dinas Pekerjaan Umum – Bidang Cipta Karya ✓ 東京')).toBe('Dinas Pekerjaan Umum ? Bidang Cipta Karya ? ??');
    expect(toWinAnsi('Ngọc\tĐức')).toBe('Ngoc ?uc');
    expect(toWinAnsi('José Müller')).toBe('José Müller');
  });
});

describe('a visible PAdES signature placed at an anchor text (BSrE tag_koordinat)', () => {
  const ANCHOR = '${ttd}';
  const SIZE = 10;
  /** Pages of a letter (612 x 792); `anchors` are [page, x, y] of the anchor text, drawn at 10 pt. */
  async function template(pages: number, anchors: [number, number, number][]): Promise<Uint8Array> {
    const document = PDF.create();
    for (let index = 1; index <= pages; index++) {
      document.addPage({ width: 612, height: 792 }).drawText(`Surat Keputusan, halaman ${index}`, { x: 72, y: 720, size: 16 });
    }
    for (const [page, x, y] of anchors) document.getPage(page - 1)!.drawText(ANCHOR, { x, y, size: SIZE });
    return document.save();
  }
  const rectOf = async (signed: Uint8Array) => {
    const reopened = await PDF.load(signed);
    const widget = reopened.getForm()!.getFields().find((field) => field.type === 'signature')!.getDict();
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((index) => (widget.getArray('Rect')!.at(index) as { value: number }).value) as [number, number, number, number];
    const pageIndex = reopened.getPages().findIndex((page) => (page.dict.getArray('Annots')?.length ?? 0) > 0);
    return { x1, y1, x2, y2, page: pageIndex + 1 };
  };
  const anchorWidth = measureText(ANCHOR, 'Helvetica', SIZE);
  // Only a border: whatever else is dark in the box after signing was there before.
  const stamp = { x: 0, y: 0, width: 160, height: 70 };

  it('finds the anchor on page 2 of 3 when no page is given, centres the stamp on it and covers it', async (context) => {
    const party = await signer();
    const original = await template(3, [[2, 350, 300]]);
    const signed = await signPdf({ pdf: original, party, level: 'B-B', signingTime: new Date(), appearance: { ...stamp, anchorText: ANCHOR } });

    const rect = await rectOf(signed);
    expect(rect.page).toBe(2);
    expect(rect.x2 - rect.x1).toBe(160);
    expect(rect.y2 - rect.y1).toBe(70);
    // Centred on the anchor: horizontally on its width, vertically on its glyphs (about 0.35 em above the baseline).
    expect(Math.abs((rect.x1 + rect.x2) / 2 - (350 + anchorWidth / 2))).toBeLessThan(1);
    expect(Math.abs((rect.y1 + rect.y2) / 2 - (300 + SIZE * 0.35))).toBeLessThan(SIZE / 2);

    const absent = await missingTool('pdftoppm');
    if (absent) context.skip(absent);
    const anchorBox = { x: 350, y: 298, width: Math.ceil(anchorWidth), height: 12 };
    const before = await render(original, 'anchor-before', 2);
    const after = await render(signed, 'anchor-after', 2);
    expect(allWhite(before, anchorBox)).toBe(false);
    expect(allWhite(after, anchorBox)).toBe(true);
    // The stamp's border is drawn where the rectangle is, on page 2 and nowhere else.
    const box = { x: Math.round(rect.x1), y: Math.round(rect.y1), width: Math.round(rect.x2 - rect.x1), height: Math.round(rect.y2 - rect.y1) };
    expect(allWhite(after, box)).toBe(false);
    expect(allWhite(await render(signed, 'anchor-after-3', 3), box)).toBe(true);
  });

  it('takes the last occurrence: from the last page back, and the lowest on its page', async () => {
    const pdf = await template(3, [[1, 100, 600], [2, 100, 500], [2, 300, 200]]);
    const loaded = await PDF.load(pdf);
    applyAppearance(loaded, { ...stamp, anchorText: ANCHOR });
    const signed = await loaded.save({ incremental: true });
    const rect = await rectOf(signed);
    expect(rect.page).toBe(2);
    expect(Math.abs((rect.x1 + rect.x2) / 2 - (300 + anchorWidth / 2))).toBeLessThan(1);
  });

  it('searches only the page given, and moves the stamp by x/y from the centred place', async () => {
    const pdf = await template(2, [[1, 100, 600], [2, 300, 200]]);
    const loaded = await PDF.load(pdf);
    applyAppearance(loaded, { ...stamp, x: 10, y: -50, page: 'first', anchorText: ANCHOR });
    const rect = await rectOf(await loaded.save({ incremental: true }));
    expect(rect.page).toBe(1);
    expect(Math.abs((rect.x1 + rect.x2) / 2 - (100 + anchorWidth / 2 + 10))).toBeLessThan(1);
    expect(Math.abs((rect.y1 + rect.y2) / 2 - (600 + SIZE * 0.35 - 50))).toBeLessThan(SIZE / 2);
  });

  it('pulls a stamp that would stick out of the page back inside it', async () => {
    const pdf = await template(1, [[1, 590, 10]]);
    const loaded = await PDF.load(pdf);
    applyAppearance(loaded, { ...stamp, anchorText: ANCHOR });
    const rect = await rectOf(await loaded.save({ incremental: true }));
    expect([rect.x1, rect.y1, rect.x2, rect.y2]).toEqual([612 - 160, 0, 612, 70]);
  });

  it('refuses an anchor that is not in the document, or not on the page given (SIGNATURE_ANCHOR_NOT_FOUND, 422), and signs nothing', async () => {
    const party = await signer();
    const pdf = await template(2, [[2, 300, 200]]);
    for (const appearance of [{ ...stamp, anchorText: '#ttd#' }, { ...stamp, anchorText: ANCHOR, page: 1 }, { ...stamp, anchorText: '${TTD}' }]) {
      await expect(signPdf({ pdf, party, level: 'B-B', signingTime: new Date(), appearance }))
        .rejects.toMatchObject({ code: 'SIGNATURE_ANCHOR_NOT_FOUND', status: 422 });
    }
  });
});

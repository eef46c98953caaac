import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PDF } from '@libpdf/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetPlacement, STAMP_HEIGHT, STAMP_WIDTH, type Placement } from '../../functions/web/stamp.js';
import { launchBrowser } from '../browser.js';
import { accountsClient, ahmadFauzi, sitiAminah } from './accounts-flow.js';
import { certificatesClient } from './certificates-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { usageCount, nssTrustingCa, pdfsig, requireTools, run, samplePdf } from './signing-tools.js';
import { lookAt, newTab, phone, screenshots, type PhonePage } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let nss: string;
/** Siti's session (from the API login), handed to each browser as its cookie. */
let session: string;
const passphrase = 'Tanda#Tangan2026';
const work = mkdtempSync(join(tmpdir(), 'tte-web-signing-'));
/** A file signed in the first test, kept for the verify page under the name a person's download has. */
const signedHere = join(work, 'surat-undangan-ttd.pdf');
/** Public verification per client in this runtime: enough for the tests before the last one, which spends the rest. */
const verificationLimit = 8;

/** The sample documents, on disk as a person would pick them. */
const files = {
  undangan: join(work, 'surat-undangan.pdf'),
  notaDinas: join(work, 'nota-dinas.pdf'),
  keputusan: join(work, 'surat-keputusan.pdf'),
  unsigned: join(work, 'belum-ditandatangani.pdf'),
  notPdf: join(work, 'laporan.docx'),
};

beforeAll(async () => {
  await requireTools();
  [runtime, browser] = await Promise.all([
    bootLocalRuntime({ privacyMinReadSeconds: 1, publicRequestFloorMs: 0, verificationRateLimit: { limit: verificationLimit, windowSeconds: 300 } }),
    launchBrowser(),
  ]);
  const people = accountsClient(runtime);
  const email = 'siti.halaman.ttd@contoh.go.id';
  const held = await certificatesClient(people).holder(people.approvedCivilServant({ ...sitiAminah, email }), email, 'Kantor#Palu2026', passphrase);
  session = held.auth.bearer!;
  nss = await nssTrustingCa(runtime.api, work);
  writeFileSync(files.undangan, await samplePdf('Surat Undangan Rapat'));
  writeFileSync(files.notaDinas, await samplePdf('Nota Dinas'));
  writeFileSync(files.keputusan, await samplePdf('Surat Keputusan Nomor 7'));
  writeFileSync(files.unsigned, await samplePdf('Belum ditandatangani'));
  writeFileSync(files.notPdf, Buffer.from('PK\x03\x04 bukan pdf, dokumen Word'));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
  rmSync(work, { recursive: true, force: true });
});

const web = (path = '') => `${runtime.api}/web${path}`;
/** The page's text as rendered (a term and its description apart). */
const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

/** A browser signed in as Siti: a phone by default, or a desktop, with or without script (then lookAt cannot check it: its checks run script). */
async function signedInContext(options: { desktop?: boolean; script?: boolean } = {}): Promise<BrowserContext> {
  const context = options.desktop
    ? await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: options.script ?? true })
    : options.script === false
      ? await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false })
      : await phone(browser);
  await context.addCookies([{ name: 'tte_session', value: session, url: runtime.api }]);
  return context;
}

/** Clicks a download link and keeps the file under `work`. */
async function download(page: Page, name: string | RegExp): Promise<{ file: string; suggested: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  const path = join(work, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return { file: path, suggested: file.suggestedFilename() };
}

/** pdfsig on a signed file: valid, trusted, signed by Siti. */
async function expectSignedBySiti(file: string): Promise<string> {
  const report = await pdfsig(file, nss);
  expect(report, file).toContain('Signature Validation: Signature is Valid.');
  expect(report).toContain('Certificate Validation: Certificate is Trusted.');
  expect(report).toContain('Signer Certificate Common Name: Siti Aminah');
  return report;
}

/** Dark pixels in a rectangle given in PDF points on the first page of `file`, rendered at 72 dpi (a pixel a point). */
async function darkPixelsIn(file: string, rectangle: Placement): Promise<number> {
  const prefix = join(work, `render-${Date.now()}`);
  await run('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', file, prefix]);
  const page = PNG.sync.read(readFileSync(`${prefix}-1.png`));
  // PDF y grows upwards; the PNG's rows downwards.
  const top = page.height - Math.round(rectangle.y + STAMP_HEIGHT);
  let dark = 0;
  for (let y = Math.max(0, top); y < Math.min(page.height, top + STAMP_HEIGHT); y += 1) {
    for (let x = Math.round(rectangle.x); x < Math.min(page.width, rectangle.x + STAMP_WIDTH); x += 1) if (page.data[(y * page.width + x) * 4]! < 200) dark += 1;
  }
  return dark;
}

/** The first page's box of a sample PDF, as the server and the preview place a named position in it. */
async function pageBoxOf(file: string) {
  const { stdout } = await run('pdfinfo', [file]);
  const [, width, height] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(stdout)!;
  return { x: 0, y: 0, width: Number(width), height: Number(height) };
}

describe('signing in the browser', () => {
  it('without script: two PDFs signed invisibly, each downloaded and the ZIP; a visible stamp at a named position', async () => {
    const context = await signedInContext({ script: false });
    const tab = await newTab(context);
    const { page } = tab;
    // The way there: from the account page.
    await page.goto(web('/me'));
    await page.getByRole('link', { name: 'Tanda tangani dokumen', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/web/sign');
    expect(await page.locator('h1').textContent()).toBe('Tanda tangani dokumen');
    const answer = await page.request.get(web('/sign'));
    expect(answer.headers()['cache-control']).toBe('no-store');
    expect(await page.getByLabel('Passphrase', { exact: true }).getAttribute('autocomplete')).toBe('off');
    expect(await page.getByLabel('Dokumen PDF').getAttribute('accept')).toContain('application/pdf');

    await page.getByLabel('Dokumen PDF').setInputFiles([files.undangan, files.notaDinas]);
    await page.getByLabel(/^Tidak terlihat/).check();
    await page.getByLabel('Alasan', { exact: true }).fill('Menyetujui');
    await page.getByLabel('Lokasi', { exact: true }).fill('Palu');
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    expect(await page.locator('h1').textContent()).toBe('Dokumen berhasil ditandatangani');
    const text = await mainText(page);
    expect(text).toContain('2 dokumen ditandatangani');
    expect(text).toContain('disimpan 24 jam');
    expect(text).toContain('dapat divalidasi jangka panjang (LTV)');

    const one = await download(page, 'Unduh surat-undangan-ttd.pdf (PDF)');
    expect(one.suggested).toBe('surat-undangan-ttd.pdf');
    const report = await expectSignedBySiti(one.file);
    // Invisible: no stamp drawn where a visible one would go.
    expect(await darkPixelsIn(one.file, presetPlacement('kanan-bawah', await pageBoxOf(one.file)))).toBe(0);
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    // The original is the signed file's first bytes (an incremental update).
    expect(readFileSync(one.file).subarray(0, readFileSync(files.undangan).length).equals(readFileSync(files.undangan))).toBe(true);

    const zip = await download(page, 'Unduh semua (ZIP)');
    expect(zip.suggested).toBe('dokumen-ttd.zip');
    const entries = unzipSync(readFileSync(zip.file));
    expect(Object.keys(entries).sort()).toEqual(['nota-dinas-ttd.pdf', 'surat-undangan-ttd.pdf']);
    for (const [name, bytes] of Object.entries(entries)) {
      const file = join(work, `zip-${name}`);
      writeFileSync(file, bytes);
      await expectSignedBySiti(file);
    }
    writeFileSync(signedHere, readFileSync(one.file));

    // A visible stamp at "Kiri bawah", placed by the server in the page it reads.
    await page.goto(web('/sign'));
    await page.getByLabel('Dokumen PDF').setInputFiles(files.keputusan);
    await page.getByLabel(/^Terlihat/).check();
    await page.getByLabel('Halaman pertama').check();
    await page.getByLabel('Posisi cap').selectOption({ label: 'Kiri bawah' });
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    expect(await page.locator('h1').textContent()).toBe('Dokumen berhasil ditandatangani');
    // One document: no ZIP offered.
    expect(await page.getByRole('link', { name: 'Unduh semua (ZIP)' }).count()).toBe(0);
    const stamped = await download(page, 'Unduh surat-keputusan-ttd.pdf (PDF)');
    await expectSignedBySiti(stamped.file);
    const box = await pageBoxOf(stamped.file);
    expect(await darkPixelsIn(stamped.file, presetPlacement('kiri-bawah', box))).toBeGreaterThan(500);
    expect(await darkPixelsIn(stamped.file, presetPlacement('kanan-bawah', box))).toBe(0);
    await context.close();
  });

  it('with script on a phone and a desktop: the preview shows the page, a click places the stamp, and it is signed there', async () => {
    const placements: Placement[] = [];
    for (const desktop of [false, true]) {
      const context = await signedInContext({ desktop });
      const tab = await newTab(context);
      const { page } = tab;
      await page.goto(web('/sign'));
      if (!desktop) await lookAt(tab, 'sign');
      // Without a visible stamp chosen, its options stay out of the way.
      expect(await page.locator('[data-visible-options]').isHidden()).toBe(true);
      await page.getByLabel('Dokumen PDF').setInputFiles(files.keputusan);
      await page.getByLabel(/^Terlihat/).check();
      await page.getByLabel('Halaman terakhir').check();
      await page.locator('[data-preview-status]', { hasText: /^Pratinjau surat-keputusan\.pdf, halaman 1 dari 1\./ }).waitFor();
      // The named position is drawn first (bottom right); a click moves the stamp's centre there.
      const canvas = page.locator('.pdf-preview__canvas');
      const bounds = (await canvas.boundingBox())!;
      const stampBefore = (await page.locator('.pdf-preview__stamp').boundingBox())!;
      expect(stampBefore.x + stampBefore.width).toBeGreaterThan(bounds.x + bounds.width * 0.8);
      expect(stampBefore.y + stampBefore.height).toBeGreaterThan(bounds.y + bounds.height * 0.8);
      const click = { x: bounds.width * 0.45, y: bounds.height * 0.55 };
      await canvas.click({ position: click });
      // (Measured again: the click scrolled the canvas into view, and boxes are relative to the viewport.)
      const clicked = (await canvas.boundingBox())!;
      const stamp = (await page.locator('.pdf-preview__stamp').boundingBox())!;
      expect(Math.abs(stamp.x + stamp.width / 2 - (clicked.x + click.x))).toBeLessThan(2);
      expect(Math.abs(stamp.y + stamp.height / 2 - (clicked.y + click.y))).toBeLessThan(2);
      expect(await page.getByLabel('Posisi cap').inputValue()).toBe('titik');
      const placement = { x: Number(await page.locator('input[name="x"]').inputValue()), y: Number(await page.locator('input[name="y"]').inputValue()) };
      // The point in PDF points, origin bottom left: the stamp's centre is where the click was, in the page's proportions.
      const box = await pageBoxOf(files.keputusan);
      expect(Math.abs(placement.x + STAMP_WIDTH / 2 - box.width * 0.45)).toBeLessThan(2);
      expect(Math.abs(placement.y + STAMP_HEIGHT / 2 - box.height * 0.45)).toBeLessThan(2);
      placements.push(placement);
      await lookAt(tab, desktop ? 'sign-preview-desktop' : 'sign-preview');
      await context.close();
    }

    // Signed from the phone's form as the click left it.
    const context = await signedInContext();
    const tab = await newTab(context);
    const { page } = tab;
    await page.goto(web('/sign'));
    await page.getByLabel('Dokumen PDF').setInputFiles(files.keputusan);
    await page.getByLabel(/^Terlihat/).check();
    await page.locator('[data-preview-status]', { hasText: /^Pratinjau / }).waitFor();
    const bounds = (await page.locator('.pdf-preview__canvas').boundingBox())!;
    await page.locator('.pdf-preview__canvas').click({ position: { x: bounds.width * 0.45, y: bounds.height * 0.55 } });
    // With a signature image and the QR code to the verify page.
    await page.getByLabel('Gambar tanda tangan (opsional)').setInputFiles(new URL('../fixtures/sample-ktp.png', import.meta.url).pathname);
    await page.getByLabel(/kode QR/).check();
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    expect(await page.locator('h1').textContent()).toBe('Dokumen berhasil ditandatangani');
    await lookAt(tab, 'sign-done');
    const signed = await download(page, 'Unduh surat-keputusan-ttd.pdf (PDF)');
    await expectSignedBySiti(signed.file);
    expect(await darkPixelsIn(signed.file, placements[0]!)).toBeGreaterThan(500);
    // The image and the QR code went into the stamp: an image XObject in the signature's appearance.
    expect(readFileSync(signed.file).toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
    expect(await darkPixelsIn(signed.file, presetPlacement('kanan-bawah', await pageBoxOf(signed.file)))).toBe(0);
    await context.close();
  });

  it('a wrong passphrase: the error beside the passphrase field with the attempts left, nothing signed or counted', async () => {
    const context = await signedInContext();
    const tab = await newTab(context);
    const { page } = tab;
    const before = await usageCount(runtime);
    await page.goto(web('/sign'));
    await page.getByLabel('Dokumen PDF').setInputFiles(files.undangan);
    await page.getByLabel('Alasan', { exact: true }).fill('Mengetahui');
    await page.getByLabel('Passphrase', { exact: true }).fill('Salah#Sekali2026');
    const [response] = await Promise.all([page.waitForResponse((answer) => answer.request().method() === 'POST'), page.getByRole('button', { name: 'Tanda tangani' }).click()]);
    expect(response.status()).toBe(422);
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Tanda tangani dokumen');
    const field = page.locator('.field--error', { has: page.getByLabel('Passphrase', { exact: true }) });
    expect(await field.locator('.field-error').textContent()).toMatch(/Passphrase salah\. Sisa 4 kali percobaan lagi/);
    expect(await page.locator('.error-summary a[href="#f-passphrase"]').textContent()).toContain('Passphrase');
    // What was typed stays, but never the passphrase; the file is asked for again.
    expect(await page.getByLabel('Alasan', { exact: true }).inputValue()).toBe('Mengetahui');
    expect(await page.getByLabel('Passphrase', { exact: true }).inputValue()).toBe('');
    expect(await mainText(page)).toContain('Pilih ulang berkasnya');
    await lookAt(tab, 'sign-wrong-passphrase');
    expect(await usageCount(runtime)).toBe(before);
    await context.close();
  });

  it('a file that is not a PDF is refused with a clear message, in the browser and by the server', async () => {
    const context = await signedInContext();
    const tab = await newTab(context);
    await tab.page.goto(web('/sign'));
    await tab.page.getByLabel('Dokumen PDF').setInputFiles(files.notPdf);
    expect(await tab.page.locator('input[data-documents] + .field-error').textContent()).toContain('Berkas "laporan.docx" bukan dokumen PDF');
    await tab.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await tab.page.getByRole('button', { name: 'Tanda tangani' }).click();
    // Stopped in the browser: still the form, the file field focused.
    expect(await tab.page.locator('h1').textContent()).toBe('Tanda tangani dokumen');
    expect(await tab.page.evaluate<string | undefined>('document.activeElement?.name')).toBe('documents');
    await context.close();

    const before = await usageCount(runtime);
    const plain = await signedInContext({ script: false });
    const plainTab = await newTab(plain);
    const { page } = plainTab;
    await page.goto(web('/sign'));
    await page.getByLabel('Dokumen PDF').setInputFiles(files.notPdf);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    const field = page.locator('.field--error', { has: page.getByLabel('Dokumen PDF') });
    expect(await field.locator('.field-error').textContent()).toContain('Berkas "laporan.docx" bukan dokumen PDF');
    expect(await page.locator('.error-summary a[href="#f-documents"]').count()).toBe(1);
    // (No lookAt: its checks run script in the page, and this browser runs none.)
    await page.screenshot({ path: `${screenshots}/sign-not-pdf.png`, fullPage: true });

    // More than the page says it takes (3 MB) is refused before the signing API is asked.
    const large = join(work, 'lampiran-besar.pdf');
    writeFileSync(large, Buffer.concat([Buffer.from('%PDF-1.7\n%'), Buffer.alloc(3 * 1024 * 1024 + 200 * 1024, 0x41)]));
    await page.getByLabel('Dokumen PDF').setInputFiles(large);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    expect(await page.locator('.field--error .field-error').first().textContent()).toContain('Ukuran dokumen seluruhnya 3,2 MB, lebih dari batas 3 MB sekali kirim.');
    expect(await usageCount(runtime)).toBe(before);
    await plain.close();
  });

  it('a PDF with a password asks for it beside its own field, then signs with it', async () => {
    const encrypted = join(work, 'rahasia.pdf');
    await run('qpdf', ['--encrypt', 'rahasia', 'pemilik', '256', '--', files.notaDinas, encrypted]);
    const context = await signedInContext({ script: false });
    const page = await context.newPage();
    await page.goto(web('/sign'));
    await page.getByLabel('Dokumen PDF').setInputFiles(encrypted);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    const field = page.locator('.field--error', { has: page.getByLabel('Kata sandi PDF') });
    expect(await field.locator('.field-error').textContent()).toContain('Dokumen ini dilindungi kata sandi');
    // Its field is in a part that opens by itself when it holds the error.
    expect(await page.locator('details.details').getAttribute('open')).not.toBeNull();
    await page.getByLabel('Dokumen PDF').setInputFiles(encrypted);
    await page.getByLabel('Kata sandi PDF').fill('rahasia');
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    expect(await page.locator('h1').textContent()).toBe('Dokumen berhasil ditandatangani');
    const signed = await download(page, 'Unduh rahasia-ttd.pdf (PDF)');
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, '-opw', 'pemilik', '-upw', 'rahasia', signed.file]);
    expect(stdout).toContain('Signature Validation: Signature is Valid.');
    await context.close();
  });

  it('someone without a valid certificate is told so on the page, and why signing is refused', async () => {
    const people = accountsClient(runtime);
    const email = 'ahmad.tanpa.sertifikat@contoh.go.id';
    const held = await certificatesClient(people).holder(people.approvedCivilServant({ ...ahmadFauzi, email }), email, 'Kantor#Palu2027');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await context.addCookies([{ name: 'tte_session', value: held.auth.bearer!, url: runtime.api }]);
    const tab = await newTab(context);
    const { page } = tab;
    await page.goto(web('/sign'));
    expect(await mainText(page)).toContain('Anda belum memiliki sertifikat elektronik yang berlaku');
    await page.getByLabel('Dokumen PDF').setInputFiles(files.undangan);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Tanda tangani' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary').textContent()).toContain('Anda belum dapat menandatangani. Anda belum memiliki sertifikat elektronik.');
    expect(await page.getByRole('link', { name: 'Ke halaman Akun saya' }).getAttribute('href')).toBe('/web/me');
    await lookAt(tab, 'sign-not-eligible');
    await context.close();
  });

  it('is for signed-in people only: without a session, the login page (and back here afterwards)', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(web('/sign'));
    expect(new URL(page.url()).pathname).toBe('/web/login');
    expect(new URL(page.url()).searchParams.get('lanjut')).toBe('/web/sign');
    await context.close();
  });
});

describe('checking a signed PDF', () => {
  /** Uploads a file on /web/verify and waits for the verdict. */
  async function verify(tab: PhonePage, file: string): Promise<void> {
    await tab.page.goto(web('/verify'));
    await tab.page.getByLabel('Dokumen PDF').setInputFiles(file);
    await tab.page.getByRole('button', { name: 'Periksa' }).click();
    await tab.page.locator('h1', { hasText: 'Hasil pemeriksaan tanda tangan' }).waitFor();
  }

  it('shows the verdict for a file signed here in plain Indonesian, on a phone and a desktop', async () => {
    const context = await phone(browser);
    const tab = await newTab(context);
    const answer = await tab.page.request.get(web('/verify'));
    expect(answer.headers()['cache-control']).toMatch(/^public, max-age=\d+$/);
    await tab.page.goto(web('/verify'));
    await lookAt(tab, 'verify');
    await verify(tab, signedHere);
    expect(await tab.page.locator('.panel__title').textContent()).toBe('Tanda tangan sah');
    const text = await mainText(tab.page);
    for (const expected of [
      'Ditandatangani oleh Siti Aminah', 'Alasan Menyetujui', 'Lokasi Palu', 'WIB', 'Dokumen tidak berubah sejak ditandatangani',
      'Diterbitkan oleh CA layanan ini (tepercaya)', 'Sertifikat belum dicabut pada waktu penandatanganan', 'TTE Lokal Timestamp Authority',
      'PAdES B-LT: dapat divalidasi jangka panjang (LTV)',
      // B-LT: the DSS revision after the signature is told apart from a change of the document.
      'Mencakup dokumen seperti saat ditandatangani; sesudahnya hanya ditambahkan data validasi jangka panjang atau cap waktu',
    ]) expect(text).toContain(expected);
    expect(text).not.toContain('diubah setelah ditandatangani');
    await lookAt(tab, 'verify-valid');
    // The README's picture of the verify page: the phone's first screen of a valid verdict.
    await tab.page.screenshot({ path: 'test/readme-screenshots/verify.png' });
    await context.close();

    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const desktopTab = await newTab(desktop);
    await verify(desktopTab, signedHere);
    expect(await desktopTab.page.locator('.panel__title').textContent()).toBe('Tanda tangan sah');
    await lookAt(desktopTab, 'verify-valid-desktop');
    await desktop.close();
  });

  it('warns when the document was changed after signing: the signed version intact, the verdict not "sah"', async () => {
    const document = await PDF.load(readFileSync(signedHere));
    document.getPage(0)!.drawText('Dibatalkan', { x: 72, y: 600, size: 24 });
    const edited = join(work, 'surat-undangan-ttd-diubah.pdf');
    writeFileSync(edited, await document.save({ incremental: true }));
    const context = await phone(browser);
    const tab = await newTab(context);
    await verify(tab, edited);
    expect(await tab.page.locator('.panel__title').textContent()).toBe('Keabsahan belum dapat dipastikan');
    const text = await mainText(tab.page);
    for (const expected of [
      'Belum dapat dipastikan', 'Versi dokumen yang ditandatangani masih utuh di dalam berkas',
      'Perhatian: sesudahnya dokumen diubah, bukan hanya dengan tanda tangan lain atau data validasi. Yang tampil sekarang bisa berbeda dari yang ditandatangani.',
      // The note, in the panel and on the card.
      'Versi yang ditandatangani tetap utuh, tetapi tampilan dokumen sekarang dapat berbeda dari yang ditandatangani.',
    ]) expect(text).toContain(expected);
    expect(text).not.toContain('Dokumen tidak berubah sejak ditandatangani');
    await lookAt(tab, 'verify-modified');
    await context.close();
  });

  it('says "tidak ada tanda tangan" for an unsigned PDF, and refuses a file that is not a PDF', async () => {
    const context = await phone(browser);
    const tab = await newTab(context);
    await verify(tab, files.unsigned);
    expect(await tab.page.locator('.panel__title').textContent()).toBe('Tidak ada tanda tangan elektronik');
    expect((await mainText(tab.page)).toLowerCase()).toContain('tidak ada tanda tangan');
    await lookAt(tab, 'verify-none');

    await tab.page.goto(web('/verify'));
    await tab.page.getByLabel('Dokumen PDF').setInputFiles(files.notPdf);
    expect(await tab.page.locator('input[data-documents] + .field-error').textContent()).toContain('bukan dokumen PDF');
    await context.close();

    // Without script the server says the same, beside the field.
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const page = await plain.newPage();
    await page.goto(web('/verify'));
    await page.getByLabel('Dokumen PDF').setInputFiles(files.notPdf);
    await page.getByRole('button', { name: 'Periksa' }).click();
    expect(await page.locator('.field--error .field-error').textContent()).toContain('Berkas "laporan.docx" bukan dokumen PDF');
    await plain.close();
  });

  it('once the client has checked too many, says when to try again (429 with Retry-After)', async () => {
    // The rest of this client's window, spent straight on the API (the page and the API count the same client).
    const pdf = readFileSync(files.unsigned);
    let status = 200;
    for (let attempt = 0; attempt <= verificationLimit && status !== 429; attempt += 1) {
      status = (await fetch(`${runtime.api}/v1/verifications/pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf })).status;
    }
    expect(status).toBe(429);
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(web('/verify'));
    await page.getByLabel('Dokumen PDF').setInputFiles(files.unsigned);
    const [response] = await Promise.all([page.waitForResponse((answer) => answer.request().method() === 'POST'), page.getByRole('button', { name: 'Periksa' }).click()]);
    expect(response.status()).toBe(429);
    expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Periksa tanda tangan dokumen');
    expect(await page.locator('[role="alert"]').textContent()).toMatch(/Terlalu banyak pemeriksaan dari jaringan Anda dalam waktu singkat\. Silakan coba lagi dalam \d+ (detik|menit)\./);
    await page.screenshot({ path: `${screenshots}/verify-too-many.png`, fullPage: true });
    await context.close();
  });
});

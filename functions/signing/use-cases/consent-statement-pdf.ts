import { createHash } from 'node:crypto';
import { layoutText, PDF, rgb, type PDFPage, type Standard14FontName } from '@libpdf/core';
import { formatJakartaTime } from '../../../shared/domain/jakarta-time.js';
import { toWinAnsi } from '../../../shared/signing/pdf-appearance.js';

/** What the statement says: the recorded consent and whom it is about, as of that consent. */
export interface ConsentStatementContent {
  serviceName: string;
  /** The name as on the KTP (the registered name before activation read it). */
  fullName: string;
  /** NIP, or NRP for police and military staff; absent when the person has neither. */
  employeeNumber?: { label: 'NIP' | 'NRP'; value: string };
  position?: string;
  unitName?: string;
  agencyName: string;
  email: string;
  policyVersion: string;
  /** SHA-256 (hex) of the policy text of that version; absent when that text is no longer known. */
  policySha256?: string;
  acceptedAt: string;
  sourceIp: string;
  /** Where anyone can check the seal: `<webBaseUrl>/verify`. */
  verifyUrl: string;
}

export const STATEMENT_TITLE = 'Surat Pernyataan Penggunaan Data Pribadi';

// A4 in points, with 2.5 cm margins as Indonesian official letters use.
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 70.87;
const TEXT_WIDTH = PAGE.width - 2 * MARGIN;
const BODY_SIZE = 11;
const LINE = BODY_SIZE * 1.45;
const LABEL_WIDTH = 150;
const REGULAR: Standard14FontName = 'Helvetica';
const BOLD: Standard14FontName = 'Helvetica-Bold';
const MONO: Standard14FontName = 'Courier';

/**
 * The statement as an unsigned one-page A4 PDF, in Indonesian. Everything on it comes from the
 * consent record and the profile, and the document's dates are the consent's own, so the same
 * consent always gives the same content (the seal added later carries the time it was made).
 */
export async function consentStatementPdf(content: ConsentStatementContent): Promise<Uint8Array> {
  const document = PDF.create();
  const at = new Date(content.acceptedAt);
  document.setTitle(STATEMENT_TITLE);
  document.setAuthor(toWinAnsi(content.serviceName));
  document.setProducer(toWinAnsi(content.serviceName));
  document.setCreationDate(at);
  document.setModificationDate(at);
  const page = document.addPage({ size: 'a4' });
  const writer = new PageWriter(page);

  writer.centred(STATEMENT_TITLE.toUpperCase(), BOLD, 13);
  writer.centred(`Layanan Tanda Tangan Elektronik ${content.serviceName}`, REGULAR, 10);
  writer.gap(LINE);
  writer.paragraph(`Layanan ${content.serviceName} menerangkan bahwa pengguna berikut telah memberikan persetujuan atas pemrosesan data pribadinya secara elektronik:`);
  writer.gap(LINE / 2);
  writer.field('Nama (sesuai KTP)', content.fullName);
  writer.field(content.employeeNumber?.label ?? 'NIP', content.employeeNumber?.value ?? '-');
  writer.field('Jabatan', content.position ?? '-');
  writer.field('Unit kerja', content.unitName ?? '-');
  writer.field('Instansi', content.agencyName);
  writer.field('E-mail dinas', content.email);
  writer.gap(LINE / 2);
  writer.paragraph(
    `Pengguna tersebut telah membaca Kebijakan Privasi Layanan ${content.serviceName} versi ${content.policyVersion} dan menyetujui bahwa data pribadinya `
    + '(nama lengkap sesuai KTP, NIK, data kepegawaian, alamat e-mail dinas, nomor ponsel, foto KTP dan swafoto) diproses hanya untuk memverifikasi '
    + 'identitasnya, menerbitkan dan mengelola sertifikat elektronik, serta melaksanakan penandatanganan elektronik atas permintaannya, sesuai '
    + 'Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.',
  );
  writer.gap(LINE / 2);
  writer.field('Versi kebijakan privasi', content.policyVersion);
  writer.label('SHA-256 kebijakan privasi');
  writer.mono(content.policySha256 ?? 'tidak tersedia untuk versi ini');
  writer.field('Waktu persetujuan', formatJakartaTime(content.acceptedAt));
  writer.field('Alamat IP', content.sourceIp);
  writer.gap(LINE);
  writer.paragraph(
    `Surat pernyataan ini dibuat dari catatan persetujuan yang tersimpan pada layanan dan disegel secara elektronik oleh ${content.serviceName}. `
    + `Keaslian dan keutuhannya dapat diperiksa di ${content.verifyUrl}.`,
    10,
    // Left-aligned: a long address at a line's end would stretch the justified line before it.
    'left',
  );
  return withContentId(await document.save({ useXRefStream: false }));
}

/**
 * The library gives a new document a random file identifier (trailer /ID). PDF 32000 §14.4 lets it
 * be a hash of the content, so it is made one here: a hash of the file with the identifier blanked,
 * written over the random one in place (same length, so no offset moves). The same consent then
 * gives the same file, byte for byte.
 */
function withContentId(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const found = [...text.matchAll(/\/ID \[<([0-9A-Fa-f]{32})> <\1>\]/g)].at(-1);
  if (found?.index === undefined) throw new Error('The statement PDF has no file identifier to replace');
  const blank = '0'.repeat(32);
  const start = found.index + '/ID [<'.length;
  const blanked = `${text.slice(0, start)}${blank}> <${blank}${text.slice(start + 32 + 3 + 32)}`;
  const id = createHash('sha256').update(blanked, 'latin1').digest('hex').slice(0, 32).toUpperCase();
  return new Uint8Array(Buffer.from(`${text.slice(0, start)}${id}> <${id}${text.slice(start + 32 + 3 + 32)}`, 'latin1'));
}

/** Lays text down the page from the top margin: one call a line, paragraph or field. */
class PageWriter {
  private y = PAGE.height - MARGIN;

  constructor(private readonly page: PDFPage) {}

  gap(points: number): void {
    this.y -= points;
  }

  centred(text: string, font: Standard14FontName, size: number): void {
    this.page.drawText(toWinAnsi(text), { x: MARGIN, y: this.y, font, size, maxWidth: TEXT_WIDTH, alignment: 'center' });
    this.y -= size * 1.6;
  }

  paragraph(text: string, size = BODY_SIZE, alignment: 'justify' | 'left' = 'justify'): void {
    const lineHeight = size * 1.45;
    const clean = toWinAnsi(text);
    this.page.drawText(clean, { x: MARGIN, y: this.y, font: REGULAR, size, maxWidth: TEXT_WIDTH, lineHeight, alignment });
    this.y -= lineHeight * layoutText(clean, REGULAR, size, TEXT_WIDTH, lineHeight).lines.length;
  }

  field(label: string, value: string): void {
    this.label(label);
    this.page.drawText(toWinAnsi(`: ${value}`), { x: MARGIN + LABEL_WIDTH, y: this.y, font: REGULAR, size: BODY_SIZE, maxWidth: TEXT_WIDTH - LABEL_WIDTH });
    this.y -= LINE;
  }

  label(label: string): void {
    this.page.drawText(toWinAnsi(label), { x: MARGIN, y: this.y, font: BOLD, size: BODY_SIZE, color: rgb(0.15, 0.15, 0.15) });
  }

  /** A value in Courier (a hash), small enough that 64 hex digits fit beside the label. */
  mono(value: string): void {
    this.page.drawText(':', { x: MARGIN + LABEL_WIDTH, y: this.y, font: REGULAR, size: BODY_SIZE });
    this.page.drawText(toWinAnsi(value), { x: MARGIN + LABEL_WIDTH + 7, y: this.y, font: MONO, size: 7.5 });
    this.y -= LINE;
  }
}

import { describe, expect, it } from 'vitest';
import { statementCsv, type StatementLine } from '../../shared/domain/billing.js';

// Every CSV the service exports (today: the tenant statement) is opened in a spreadsheet: a cell
// starting with = + - @ (or a tab or CR) must arrive as text, never as a formula to evaluate.
describe('CSV exports defuse formula cells', () => {
  it.each([
    ['=HYPERLINK("http://jahat.example","Klik")', `"'=HYPERLINK(""http://jahat.example"",""Klik"")"`],
    ['+62812', "'+62812"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\tcmd', "'\tcmd"],
    ['2026-11-01', '2026-11-01'],
  ])('writes the cell %j as %j', (cell, written) => {
    const lines: StatementLine[] = [{ event: 'DOCUMENT_SIGNED', quantity: 1, unitPrice: 1000, amount: 1000, from: cell, to: '2026-11-30' }];
    const row = statementCsv({ lines, total: 1000 }).slice(1).split('\r\n')[1]!;
    expect(row).toBe(`Dokumen ditandatangani;DOCUMENT_SIGNED;${written};2026-11-30;1;1000;1000`);
  });

  it('keeps amounts, even negative ones, as numbers', () => {
    const lines: StatementLine[] = [{ event: 'DOCUMENT_SIGNED', quantity: 1, unitPrice: -500, amount: -500, from: '2026-11-01', to: '2026-11-30' }];
    expect(statementCsv({ lines, total: -500 }).slice(1).split('\r\n')[1]).toBe('Dokumen ditandatangani;DOCUMENT_SIGNED;2026-11-01;2026-11-30;1;-500;-500');
  });
});

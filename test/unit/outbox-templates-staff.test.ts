import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../functions/outbox/templates.js';

/** The staff wording of "Akun Dinonaktifkan" and "Pemulihan Akun" (security review F3). */

const TO = 'ratna.verifikator@contoh.go.id';
const AT = '2026-11-22T03:00:00.000Z';
const LINK = 'https://tte.uji.go.id/web/account-setup/abc';

describe('staff account e-mails', () => {
  it('a disabled verifier is told an operator did it and only an operator restores it, not the selfie request', () => {
    const { subject, text } = renderMessage('accountDisabled', TO, { fullName: 'Ratna Sari', reason: 'Pindah tugas', disabledAt: AT, staffRole: 'VERIFIER' }, {}, '[TTE]');
    expect(subject).toBe('[TTE] Akun Dinonaktifkan');
    expect(text).toContain('dinonaktifkan oleh operator layanan');
    expect(text).toContain('"Pindah tugas"');
    expect(text).toContain('Hanya operator yang dapat memulihkan akun ini');
    expect(text).not.toContain('swafoto');
    // An employee keeps the selfie way back.
    expect(renderMessage('accountDisabled', TO, { fullName: 'Siti Aminah', reason: 'x', disabledAt: AT }, {}, '[TTE]').text).toContain('swafoto');
  });

  it('a restored staff account is told the operator restored it, with the setup link', () => {
    const { text } = renderMessage('accountReactivation', TO, { fullName: 'Ratna Sari', username: TO, expiresAt: AT, staffRole: 'OPERATOR' }, { link: LINK }, '[TTE]');
    expect(text).toContain('Operator layanan TTE telah memulihkan akun Anda.');
    expect(text).not.toContain('disetujui oleh verifikator');
    expect(text).toContain(LINK);
  });
});

import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../functions/outbox/templates.js';

const ACCOUNT_LINK = 'https://tte.sultengprov.go.id/account-setup/QWNjb3VudFNldHVwVG9rZW5Gb3JUZXN0c09ubHkxMjM';
const PASSPHRASE_LINK = 'https://tte.sultengprov.go.id/enroll/RW5yb2xsVG9rZW5Gb3JUZXN0c09ubHlBQkNERUZHSElK';
const REVIEW_URL = 'https://tte.sultengprov.go.id/review/users/01J9ZQ4V6Y8K2M3N4P5Q6R7S8T';
const EXPIRES = '2026-11-23T15:00:00.000Z'; // 22.00 WIB

const messages = {
  accountInfo: renderMessage(
    'accountInfo', 'siti@sultengprov.go.id',
    { fullName: 'Siti Aminah', username: 'siti@sultengprov.go.id', expiresAt: EXPIRES },
    { link: ACCOUNT_LINK }, '[TTE]',
  ),
  setPassphrase: renderMessage(
    'setPassphrase', 'siti@sultengprov.go.id',
    { fullName: 'Siti Aminah', expiresAt: EXPIRES, kind: 'FIRST' },
    { link: PASSPHRASE_LINK }, '[TTE]',
  ),
  applicationRejected: renderMessage(
    'applicationRejected', 'budi@sultengprov.go.id',
    { fullName: 'Budi Santoso', tenantName: 'Dinas Kominfo Sulteng', reason: 'Foto KTP buram' },
    {}, '[TTE]',
  ),
  applicationExpired: renderMessage(
    'applicationExpired', 'budi@sultengprov.go.id',
    { fullName: 'Budi Santoso', tenantName: 'Dinas Kominfo Sulteng' },
    {}, '[TTE]',
  ),
  reviewRequested: renderMessage(
    'reviewRequested', 'verifikator@sultengprov.go.id',
    { applicantName: 'Ahmad Fauzi', tenantName: 'Dinas Kominfo Sulteng', employmentType: 'ASN', screening: 'Data tidak cocok', reviewUrl: REVIEW_URL },
    {}, '[TTE]',
  ),
  selfApplicationHeld: renderMessage(
    'selfApplicationHeld', 'verifikator@sultengprov.go.id',
    { applicantName: 'Ahmad Fauzi', applicantEmail: 'ahmad@sultengprov.go.id', tenantName: 'Dinas Kominfo Sulteng', reviewUrl: REVIEW_URL },
    {}, '[TTE]',
  ),
};

describe('enrollment e-mails', () => {
  it.each([
    ['accountInfo', '[TTE] Informasi Akun', 'siti@sultengprov.go.id'],
    ['setPassphrase', '[TTE] Set Passphrase', 'siti@sultengprov.go.id'],
    ['applicationRejected', '[TTE] Pendaftaran Ditolak', 'budi@sultengprov.go.id'],
    ['applicationExpired', '[TTE] Pendaftaran Kedaluwarsa', 'budi@sultengprov.go.id'],
    ['reviewRequested', '[TTE] Permintaan Verifikasi Pendaftaran', 'verifikator@sultengprov.go.id'],
    ['selfApplicationHeld', '[TTE] Pengajuan Mandiri Menunggu Persetujuan', 'verifikator@sultengprov.go.id'],
  ] as const)('%s has the subject %j and goes to %s', (template, subject, to) => {
    expect(messages[template].subject).toBe(subject);
    expect(messages[template].to).toBe(to);
  });

  it.each([
    ['[TTE Sulteng]', '[TTE Sulteng] Pendaftaran Ditolak'],
    ['', 'Pendaftaran Ditolak'],
  ])('uses the configured prefix %j', (prefix, subject) => {
    const message = renderMessage('applicationRejected', 'a@b.go.id', { fullName: 'Ani', tenantName: 'Dinas', reason: 'x' }, {}, prefix);
    expect(message.subject).toBe(subject);
  });

  it.each([
    ['accountInfo', ACCOUNT_LINK],
    ['setPassphrase', PASSPHRASE_LINK],
    ['reviewRequested', REVIEW_URL],
    ['selfApplicationHeld', REVIEW_URL],
  ] as const)('%s carries its link in the text and as a button in the HTML', (template, link) => {
    const { text, html } = messages[template];
    expect(text).toContain(link);
    expect(html).toContain(`href="${link}"`);
  });

  it.each([['applicationRejected'], ['applicationExpired']] as const)('%s has no link at all', (template) => {
    const { text, html } = messages[template];
    expect(html).not.toContain('<a ');
    expect(text).not.toContain('https://');
  });

  it.each([['accountInfo'], ['setPassphrase']] as const)('%s tells until when the link works, in WIB', (template) => {
    const { text, html } = messages[template];
    expect(text).toContain('berlaku sampai 23 November 2026 pukul 22.00 WIB');
    expect(html).toContain('23 November 2026 pukul 22.00 WIB');
    expect(text).not.toContain('15.00');
  });

  it.each([
    ['accountInfo', 'Yth. Siti Aminah,'],
    ['setPassphrase', 'Yth. Siti Aminah,'],
    ['applicationRejected', 'Yth. Budi Santoso,'],
    ['applicationExpired', 'Yth. Budi Santoso,'],
    ['reviewRequested', 'Yth. Verifikator Dinas Kominfo Sulteng,'],
    ['selfApplicationHeld', 'Yth. Verifikator Dinas Kominfo Sulteng,'],
  ] as const)('%s greets with %j', (template, greeting) => {
    expect(messages[template].text.startsWith(greeting)).toBe(true);
    expect(messages[template].html).toContain(`<p>${greeting}</p>`);
  });

  it('gives the username in the account e-mail', () => {
    expect(messages.accountInfo.text).toContain('Nama pengguna (username) Anda: siti@sultengprov.go.id');
  });

  it('states the passphrase rules, with the forbidden characters [ ] ^ \\', () => {
    const { text, html } = messages.setPassphrase;
    expect(text).toContain('minimal 8 karakter');
    expect(text).toContain('karakter [ ] ^ \\ tidak diperbolehkan');
    expect(html).toContain('karakter [ ] ^ \\ tidak diperbolehkan');
  });

  it('gives the rejection reason and the agency', () => {
    const { text, html } = messages.applicationRejected;
    expect(text).toContain('"Foto KTP buram"');
    expect(text).toContain('untuk Dinas Kominfo Sulteng');
    expect(html).toContain('&quot;Foto KTP buram&quot;');
  });

  it('escapes markup in the rejection reason in the HTML part only', () => {
    const message = renderMessage(
      'applicationRejected', 'budi@sultengprov.go.id',
      { fullName: 'Budi Santoso', tenantName: 'Dinas', reason: 'Nama <b>tidak</b> sama & "buram"' },
      {}, '[TTE]',
    );
    expect(message.html).not.toContain('<b>');
    expect(message.html).toContain('Nama &lt;b&gt;tidak&lt;/b&gt; sama &amp; &quot;buram&quot;');
    expect(message.text).toContain('"Nama <b>tidak</b> sama & "buram""');
  });

  it('says the application expired and to ask the verifier again', () => {
    const { text } = messages.applicationExpired;
    expect(text).toContain('untuk Dinas Kominfo Sulteng');
    expect(text).toContain('kedaluwarsa');
    expect(text).toContain('Hubungi verifikator');
  });

  it('names the applicant, employment type and screening outcome to the verifier', () => {
    const { text } = messages.reviewRequested;
    expect(text).toContain('Ahmad Fauzi (ASN)');
    expect(text).toContain('Hasil pemeriksaan data kepegawaian: Data tidak cocok.');
  });

  it('escapes the applicant name in the verifier e-mail', () => {
    const message = renderMessage(
      'reviewRequested', 'v@b.go.id',
      { applicantName: '<img src=x onerror=alert(1)>', tenantName: 'Dinas', employmentType: 'OTHER', screening: 'NOT_APPLICABLE', reviewUrl: REVIEW_URL },
      {}, '[TTE]',
    );
    expect(message.html).not.toContain('<img');
    expect(message.html).toContain('&lt;img src=x onerror=alert(1)&gt; (OTHER)');
  });
});

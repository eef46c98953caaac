import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../functions/outbox/templates.js';
import type { MessageTemplates } from '../../shared/domain/messages.js';

const TO = 'siti@sultengprov.go.id';
const SERIAL = '7f00112233445566778899aabbccddee';
const CHANGE_LINK = 'https://tte.sultengprov.go.id/change-passphrase/Q2hhbmdlUGFzc3BocmFzZVRva2VuRm9yVGVzdHMxMjM';
const RESET_LINK = 'https://tte.sultengprov.go.id/reset-passphrase/UmVzZXRQYXNzcGhyYXNlVG9rZW5Gb3JUZXN0czEyMw';
const ENROLL_LINK = 'https://tte.sultengprov.go.id/enroll/RW5yb2xsVG9rZW5Gb3JUZXN0c09ubHlBQkNERUZHSElK';
// 18.30 UTC is 01.30 the next day in WIB (UTC+7): the e-mail must say the 22nd, not the 21st.
const NOT_AFTER = '2028-11-21T18:30:00.000Z';
const NOT_AFTER_WIB = '22 November 2028 pukul 01.30 WIB';
const AT = '2026-11-23T15:00:00.000Z';
const AT_WIB = '23 November 2026 pukul 22.00 WIB';

const issued = (data: Partial<MessageTemplates['certificateIssued']['data']> = {}) => renderMessage('certificateIssued', TO, {
  fullName: 'Siti Aminah', commonName: 'Siti Aminah', organization: 'Dinas Komunikasi dan Informatika Provinsi Sulawesi Tengah', country: 'ID',
  serialNumber: SERIAL, notAfter: NOT_AFTER, ...data,
}, {}, '[TTE]');
const revoked = (by: MessageTemplates['certificateRevoked']['data']['by'], reason = 'kunci atau passphrase diduga bocor (keyCompromise)') =>
  renderMessage('certificateRevoked', TO, { fullName: 'Siti Aminah', serialNumber: SERIAL, reason, revokedAt: AT, by }, {}, '[TTE]');
const changeLink = (link = CHANGE_LINK) =>
  renderMessage('passphraseChangeLink', TO, { fullName: 'Siti Aminah', serialNumber: SERIAL, expiresAt: AT }, { link }, '[TTE]');
const resetLink = (link = RESET_LINK) =>
  renderMessage('passphraseResetLink', TO, { fullName: 'Siti Aminah', serialNumber: SERIAL, expiresAt: AT }, { link }, '[TTE]');
const changed = (change: MessageTemplates['passphraseChanged']['data']['change']) =>
  renderMessage('passphraseChanged', TO, { fullName: 'Siti Aminah', change, serialNumber: SERIAL, changedAt: AT }, {}, '[TTE]');
const locked = () => renderMessage('signingKeyLocked', TO, { fullName: 'Siti Aminah', lockedAt: AT }, {}, '[TTE]');
const setPassphrase = (kind: MessageTemplates['setPassphrase']['data']['kind']) =>
  renderMessage('setPassphrase', TO, { fullName: 'Siti Aminah', expiresAt: AT, kind }, { link: ENROLL_LINK }, '[TTE]');

const messages = {
  certificateIssued: issued(),
  certificateRevoked: revoked('HOLDER'),
  passphraseChangeLink: changeLink(),
  passphraseResetLink: resetLink(),
  passphraseChanged: changed('CHANGED'),
  signingKeyLocked: locked(),
  setPassphrase: setPassphrase('FIRST'),
};

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('certificate e-mails', () => {
  it.each([
    ['certificateIssued', '[TTE] Sertifikat Elektronik Terbit'],
    ['certificateRevoked', '[TTE] Sertifikat Elektronik Dicabut'],
    ['passphraseChangeLink', '[TTE] Ubah Passphrase'],
    ['passphraseResetLink', '[TTE] Reset Passphrase'],
    ['passphraseChanged', '[TTE] Pembaruan Passphrase'],
    ['signingKeyLocked', '[TTE] Kunci Tanda Tangan Terkunci'],
    ['setPassphrase', '[TTE] Set Passphrase'],
  ] as const)('%s has the subject %j', (template, subject) => {
    expect(messages[template].subject).toBe(subject);
    expect(messages[template].to).toBe(TO);
  });

  it.each(Object.keys(messages) as (keyof typeof messages)[])('%s greets the holder by name, in Indonesian, in both parts', (template) => {
    const { text, html } = messages[template];
    expect(text.startsWith('Yth. Siti Aminah,')).toBe(true);
    expect(html).toContain('<p>Yth. Siti Aminah,</p>');
    expect(html).toContain('<html lang="id">');
  });

  it.each([['certificateIssued'], ['certificateRevoked'], ['passphraseChanged'], ['signingKeyLocked']] as const)('%s has no link at all', (template) => {
    const { text, html } = messages[template];
    expect(html).not.toContain('<a ');
    expect(text).not.toContain('https://');
  });
});

describe('certificate issued', () => {
  it('shows CN, O, C, the serial and the end of validity in WIB, as the agencies\' e-mail does', () => {
    const { text } = messages.certificateIssued;
    expect(text).toContain('Sertifikat elektronik Anda telah terbit');
    expect(text).toContain('Nama (CN): Siti Aminah');
    expect(text).toContain('Organisasi (O): Dinas Komunikasi dan Informatika Provinsi Sulawesi Tengah');
    expect(text).toContain('Negara (C): ID');
    expect(text).toContain(`Nomor seri: ${SERIAL}`);
    expect(text).toContain(`Berlaku sampai: ${NOT_AFTER_WIB}`);
    expect(text).not.toContain('21 November 2028');
  });

  it('says what to do if the holder did not ask for it', () => {
    expect(messages.certificateIssued.text).toContain('Jika Anda tidak merasa mengajukan sertifikat ini, segera hubungi verifikator instansi Anda.');
  });

  it('escapes markup in the subject names in the HTML part only', () => {
    const message = issued({ commonName: 'Siti <img src=x onerror=alert(1)>', organization: 'Dinas "A" & B' });
    expect(message.html).not.toContain('<img');
    expect(message.html).toContain('Nama (CN): Siti &lt;img src=x onerror=alert(1)&gt;');
    expect(message.html).toContain('Organisasi (O): Dinas &quot;A&quot; &amp; B');
    expect(message.text).toContain('Nama (CN): Siti <img src=x onerror=alert(1)>');
  });
});

describe('certificate revoked', () => {
  it.each([
    ['HOLDER', 'atas permintaan Anda'],
    ['VERIFIER', 'oleh verifikator instansi Anda'],
    ['SYSTEM', 'oleh sistem'],
  ] as const)('by %s: the serial, when and who', (by, who) => {
    const { text } = revoked(by);
    expect(text).toContain(`Sertifikat elektronik Anda dengan nomor seri ${SERIAL} telah dicabut pada ${AT_WIB} ${who}.`);
  });

  it('gives the reason as the holder reads it', () => {
    expect(revoked('VERIFIER', 'perubahan data atau instansi (affiliationChanged)').text).toContain('Alasan pencabutan: perubahan data atau instansi (affiliationChanged).');
  });

  it('says the certificate can no longer sign, and how to get a new one', () => {
    const { text } = messages.certificateRevoked;
    expect(text).toContain('tidak dapat dipakai lagi untuk menandatangani');
    expect(text).toContain('ajukan permintaan sertifikat baru');
  });

  it('escapes markup in the reason in the HTML part', () => {
    const { html } = revoked('VERIFIER', '<b>bocor</b> & "dicuri"');
    expect(html).toContain('Alasan pencabutan: &lt;b&gt;bocor&lt;/b&gt; &amp; &quot;dicuri&quot;.');
    expect(html).not.toContain('<b>');
  });
});

describe('passphrase links', () => {
  it.each([
    ['passphraseChangeLink', CHANGE_LINK, 'Ubah Passphrase'],
    ['passphraseResetLink', RESET_LINK, 'Reset Passphrase'],
    ['setPassphrase', ENROLL_LINK, 'Set Passphrase'],
  ] as const)('%s carries its link in the text and as the %3$j button in HTML', (template, link, label) => {
    const { text, html } = messages[template];
    expect(count(text, link)).toBe(1);
    expect(text).toContain(`${label}: ${link}`);
    expect(count(html, `href="${link}"`)).toBe(1);
    expect(count(html, '<a ')).toBe(1);
    expect(html).toContain(`>${label}</a>`);
  });

  it.each([['passphraseChangeLink'], ['passphraseResetLink']] as const)('%s names the certificate, until when the link works, and not to forward it', (template) => {
    const { text } = messages[template];
    expect(text).toContain(`(nomor seri ${SERIAL})`);
    expect(text).toContain(`Tautan ini berlaku sampai ${AT_WIB}.`);
    expect(text).toContain('Jangan teruskan e-mail ini kepada siapa pun.');
  });

  it('the change link keeps the key and certificate, asking for the current passphrase', () => {
    const { text } = messages.passphraseChangeLink;
    expect(text).toContain('masukkan passphrase saat ini, lalu passphrase baru');
    expect(text).toContain('Kunci dan sertifikat Anda tetap sama.');
    expect(text).toContain('Jika Anda tidak memintanya, abaikan e-mail ini; passphrase Anda tidak berubah.');
  });

  it('the reset link asks for a fresh selfie and says the old certificate will be revoked as superseded', () => {
    const { text } = messages.passphraseResetLink;
    expect(text).toContain('ambil swafoto terbaru, lalu buat passphrase baru');
    expect(text).toContain('sertifikat lama dicabut dengan alasan digantikan (superseded)');
    expect(text).not.toContain('Kunci dan sertifikat Anda tetap sama.');
  });

  it.each([
    ['passphraseChangeLink', changeLink],
    ['passphraseResetLink', resetLink],
  ] as const)('%s escapes the link in the HTML (attribute and text)', (_template, render) => {
    const { text, html } = render('https://tte.go.id/p/a"onmouseover="alert(1)&b=<2>');
    expect(html).toContain('href="https://tte.go.id/p/a&quot;onmouseover=&quot;alert(1)&amp;b=&lt;2&gt;"');
    expect(html).toContain('salin tautan ini ke peramban: https://tte.go.id/p/a&quot;onmouseover=&quot;alert(1)&amp;b=&lt;2&gt;');
    expect(html).not.toContain('"onmouseover="');
    // The text part is not HTML: the link stays as it is.
    expect(text).toContain('https://tte.go.id/p/a"onmouseover="alert(1)&b=<2>');
  });
});

describe('passphrase changed', () => {
  it('CHANGED: the same key and certificate, with the time in WIB', () => {
    const { text } = changed('CHANGED');
    expect(text).toContain(`Passphrase sertifikat elektronik Anda (nomor seri ${SERIAL}) telah diubah pada ${AT_WIB}. Kunci dan sertifikat Anda tetap sama.`);
    expect(text).not.toContain('direset');
  });

  it('RESET: a new certificate with its serial, the old one revoked as superseded', () => {
    const { text } = changed('RESET');
    expect(text).toContain(`Passphrase Anda telah direset pada ${AT_WIB}: sertifikat baru dengan nomor seri ${SERIAL} telah terbit`);
    expect(text).toContain('sertifikat lama dicabut dengan alasan digantikan (superseded)');
    expect(text).not.toContain('tetap sama');
  });

  it.each([['CHANGED'], ['RESET']] as const)('%s tells what to do if it was not the holder: revoke for keyCompromise and call the verifier', (change) => {
    expect(changed(change).text).toContain('Jika bukan Anda yang melakukannya, segera cabut sertifikat Anda dengan alasan kunci bocor (keyCompromise) dan hubungi verifikator instansi Anda.');
  });
});

describe('signing key locked', () => {
  it('says when, why (five wrong passphrases in a row), and that only a passphrase reset unlocks it', () => {
    const { text } = messages.signingKeyLocked;
    expect(text).toContain(`Kunci tanda tangan Anda dikunci pada ${AT_WIB} karena passphrase salah dimasukkan lima kali berturut-turut.`);
    expect(text).toContain('lakukan reset passphrase melalui menu Sertifikat');
    expect(text).toContain('hubungi verifikator instansi Anda');
  });
});

describe('set passphrase: the sentence depends on why the link was sent', () => {
  it.each([
    ['FIRST', 'Untuk menerbitkan sertifikat elektronik Anda, buka tautan di bawah ini'],
    ['RENEWAL', 'Anda mengajukan pembaruan sertifikat elektronik.'],
    ['NEW_REQUEST', 'Anda mengajukan sertifikat elektronik baru.'],
  ] as const)('%s says %j', (kind, sentence) => {
    expect(setPassphrase(kind).text).toContain(sentence);
  });

  it('each kind reads differently, and only a renewal speaks of the old certificate', () => {
    const texts = (['FIRST', 'RENEWAL', 'NEW_REQUEST'] as const).map((kind) => setPassphrase(kind).text);
    expect(new Set(texts).size).toBe(3);
    expect(texts[1]).toContain('Sertifikat lama berstatus diperbarui setelah sertifikat baru terbit.');
    expect(texts[0]).not.toContain('Sertifikat lama');
    expect(texts[2]).not.toContain('Sertifikat lama');
  });

  it.each([['FIRST'], ['RENEWAL'], ['NEW_REQUEST']] as const)('%s states the passphrase policy and when the link ends', (kind) => {
    const { text, html } = setPassphrase(kind);
    expect(text).toContain('Passphrase minimal 8 karakter dengan huruf besar, huruf kecil, angka dan karakter khusus; karakter [ ] ^ \\ tidak diperbolehkan.');
    expect(text).toContain('tidak dapat dipulihkan oleh siapa pun, termasuk petugas');
    expect(text).toContain(`Tautan ini berlaku sampai ${AT_WIB}.`);
    expect(html).toContain(AT_WIB);
  });
});

import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../functions/outbox/templates.js';
import type { MessageTemplates } from '../../shared/domain/messages.js';

const RESET_LINK = 'https://tte.sultengprov.go.id/reset-password/UmVzZXRQYXNzd29yZFRva2VuRm9yVGVzdHNPbmx5MTIz';
const DEVICE_LINK = 'https://tte.sultengprov.go.id/otp-device/T3RwRGV2aWNlVG9rZW5Gb3JUZXN0c09ubHlBQkNERUZH';
const SETUP_LINK = 'https://tte.sultengprov.go.id/account-setup/QWNjb3VudFNldHVwVG9rZW5Gb3JUZXN0c09ubHkxMjM';
const REVIEW_URL = 'https://tte.sultengprov.go.id/review/otp-devices/01J9ZQ4V6Y8K2M3N4P5Q6R7S8T';
const AT = '2026-11-23T15:00:00.000Z'; // 22.00 WIB
const AT_WIB = '23 November 2026 pukul 22.00 WIB';
const TO = 'siti@sultengprov.go.id';

const passwordChanged = (change: MessageTemplates['passwordChanged']['data']['change']) =>
  renderMessage('passwordChanged', TO, { fullName: 'Siti Aminah', change, changedAt: AT }, {}, '[TTE]');
const otpDeviceChanged = (change: MessageTemplates['otpDeviceChanged']['data']['change'], removedDeviceName = '') =>
  renderMessage('otpDeviceChanged', TO, { fullName: 'Siti Aminah', change, deviceName: 'Pixel 8', removedDeviceName, changedAt: AT }, {}, '[TTE]');
const accountLocked = (cause: MessageTemplates['accountLocked']['data']['cause']) =>
  renderMessage('accountLocked', TO, { fullName: 'Siti Aminah', cause, lockedUntil: AT }, {}, '[TTE]');
type Kind = MessageTemplates['otpDeviceRequestLink']['data']['kind'];
const otpDeviceRequestLink = (kind: Kind) =>
  renderMessage('otpDeviceRequestLink', TO, { fullName: 'Siti Aminah', kind, expiresAt: AT }, { link: DEVICE_LINK }, '[TTE]');
const otpDeviceReviewRequested = (kind: Kind, applicantName = 'Siti Aminah') =>
  renderMessage('otpDeviceReviewRequested', 'verifikator@sultengprov.go.id', { applicantName, tenantName: 'Dinas Kominfo Sulteng', kind, reviewUrl: REVIEW_URL }, {}, '[TTE]');
const otpDeviceRequestRejected = (kind: Kind, reason = 'Swafoto buram') =>
  renderMessage('otpDeviceRequestRejected', TO, { fullName: 'Siti Aminah', kind, reason }, {}, '[TTE]');

const messages = {
  passwordResetLink: renderMessage('passwordResetLink', TO, { fullName: 'Siti Aminah', expiresAt: AT }, { link: RESET_LINK }, '[TTE]'),
  passwordChanged: passwordChanged('RESET'),
  otpDeviceChanged: otpDeviceChanged('ADDED'),
  accountLocked: accountLocked('PASSWORD'),
  otpDeviceRequestLink: otpDeviceRequestLink('ADD_DEVICE'),
  otpDeviceReviewRequested: otpDeviceReviewRequested('ADD_DEVICE'),
  otpDeviceApproved: renderMessage('otpDeviceApproved', TO, { fullName: 'Siti Aminah', expiresAt: AT }, { link: DEVICE_LINK }, '[TTE]'),
  otpDeviceRequestRejected: otpDeviceRequestRejected('ADD_DEVICE'),
  accountDisabled: renderMessage('accountDisabled', TO, { fullName: 'Siti Aminah', reason: 'Login dari lokasi tidak dikenal', disabledAt: AT }, {}, '[TTE]'),
  accountReactivation: renderMessage('accountReactivation', TO, { fullName: 'Siti Aminah', username: TO, expiresAt: AT }, { link: SETUP_LINK }, '[TTE]'),
};

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('account e-mails', () => {
  it.each([
    ['passwordResetLink', '[TTE] Atur Ulang Kata Sandi'],
    ['passwordChanged', '[TTE] Pembaruan Kata Sandi'],
    ['otpDeviceChanged', '[TTE] Pembaruan Perangkat OTP'],
    ['accountLocked', '[TTE] Akun Terkunci Sementara'],
    ['otpDeviceRequestLink', '[TTE] Permintaan Perangkat OTP'],
    ['otpDeviceReviewRequested', '[TTE] Permintaan Verifikasi Perangkat OTP'],
    ['otpDeviceApproved', '[TTE] Pendaftaran Perangkat OTP'],
    ['otpDeviceRequestRejected', '[TTE] Permintaan Perangkat OTP Ditolak'],
    ['accountDisabled', '[TTE] Akun Dinonaktifkan'],
    ['accountReactivation', '[TTE] Pemulihan Akun'],
  ] as const)('%s has the subject %j', (template, subject) => {
    expect(messages[template].subject).toBe(subject);
  });

  it.each(Object.keys(messages).filter((name) => name !== 'otpDeviceReviewRequested') as (keyof typeof messages)[])(
    '%s greets the account holder by name',
    (template) => {
      expect(messages[template].text.startsWith('Yth. Siti Aminah,')).toBe(true);
      expect(messages[template].html).toContain('<p>Yth. Siti Aminah,</p>');
    },
  );

  it('greets the verifiers of the agency in the review request', () => {
    const { text, html } = messages.otpDeviceReviewRequested;
    expect(text.startsWith('Yth. Verifikator Dinas Kominfo Sulteng,')).toBe(true);
    expect(html).toContain('<p>Yth. Verifikator Dinas Kominfo Sulteng,</p>');
  });

  it.each([
    ['passwordResetLink', RESET_LINK, 'Atur Ulang Kata Sandi'],
    ['otpDeviceRequestLink', DEVICE_LINK, 'Ambil Swafoto'],
    ['otpDeviceReviewRequested', REVIEW_URL, 'Periksa Permintaan'],
    ['otpDeviceApproved', DEVICE_LINK, 'Daftarkan Perangkat OTP'],
    ['accountReactivation', SETUP_LINK, 'Atur Kata Sandi dan OTP'],
  ] as const)('%s carries its link once, as the %3$j button', (template, link, label) => {
    const { text, html } = messages[template];
    expect(count(text, link)).toBe(1);
    expect(text).toContain(`${label}: ${link}`);
    expect(count(html, `href="${link}"`)).toBe(1);
    expect(count(html, '<a ')).toBe(1);
    expect(html).toContain(`>${label}</a>`);
  });

  it.each([['passwordChanged'], ['otpDeviceChanged'], ['accountLocked'], ['otpDeviceRequestRejected'], ['accountDisabled']] as const)(
    '%s has no link at all',
    (template) => {
      const { text, html } = messages[template];
      expect(html).not.toContain('<a ');
      expect(text).not.toContain('https://');
    },
  );

  it.each([['passwordResetLink'], ['otpDeviceRequestLink'], ['otpDeviceApproved'], ['accountReactivation']] as const)(
    '%s tells until when the link works, in WIB, and not to forward the e-mail',
    (template) => {
      const { text, html } = messages[template];
      expect(text).toContain(`Tautan ini berlaku sampai ${AT_WIB}.`);
      expect(html).toContain(AT_WIB);
      expect(text).not.toContain('15.00');
      expect(text).toContain('Jangan teruskan e-mail ini kepada siapa pun.');
    },
  );

  describe('password reset link', () => {
    it('says what to do when the user did not ask for it', () => {
      expect(messages.passwordResetLink.text).toContain('Jika Anda tidak meminta pengaturan ulang kata sandi, abaikan e-mail ini');
    });
  });

  describe('password changed', () => {
    it.each([
      ['SETUP', 'telah dibuat saat pengaturan akun'],
      ['RESET', 'telah diubah melalui atur ulang kata sandi'],
      ['REACTIVATION', 'telah diatur kembali saat pemulihan akun'],
    ] as const)('%s says how the password was set, and when', (change, wording) => {
      const { text } = passwordChanged(change);
      expect(text).toContain(`Kata sandi akun TTE Anda ${wording} pada ${AT_WIB}.`);
    });

    it('says what to do if it was not the user: reset the password and call the verifier', () => {
      const { text } = messages.passwordChanged;
      expect(text).toContain('Jika bukan Anda yang melakukannya, segera atur ulang kata sandi melalui "Lupa kata sandi"');
      expect(text).toContain('hubungi verifikator instansi Anda');
    });
  });

  describe('OTP device changed', () => {
    it('names the added device and the time', () => {
      const { text } = otpDeviceChanged('ADDED');
      expect(text).toContain(`Perangkat OTP "Pixel 8" telah ditambahkan ke akun TTE Anda pada ${AT_WIB}.`);
      expect(text).not.toContain('dihapus secara otomatis');
    });

    it('names the oldest device removed to stay within three devices', () => {
      const { text } = otpDeviceChanged('ADDED', 'Samsung A14');
      expect(text).toContain('Perangkat OTP "Pixel 8" telah ditambahkan');
      expect(text).toContain('paling banyak memiliki 3 perangkat OTP, perangkat terlama "Samsung A14" dihapus secara otomatis');
    });

    it('names the removed device', () => {
      const { text } = otpDeviceChanged('REMOVED');
      expect(text).toContain(`Perangkat OTP "Pixel 8" telah dihapus dari akun TTE Anda pada ${AT_WIB}.`);
      expect(text).not.toContain('ditambahkan');
    });

    it('says every earlier device was replaced by the new one', () => {
      const { text } = otpDeviceChanged('REPLACED');
      expect(text).toContain(`Semua perangkat OTP sebelumnya pada akun TTE Anda telah diganti dengan perangkat "Pixel 8" pada ${AT_WIB}.`);
    });

    it.each([['ADDED'], ['REMOVED'], ['REPLACED']] as const)('%s says to call the verifier if it was not the user', (change) => {
      expect(otpDeviceChanged(change).text).toContain('Jika bukan Anda yang melakukannya, segera hubungi verifikator instansi Anda.');
    });

    it('escapes markup in device names in the HTML part only', () => {
      const message = renderMessage(
        'otpDeviceChanged', TO,
        { fullName: 'Siti Aminah', change: 'ADDED', deviceName: '<script>alert(1)</script>', removedDeviceName: 'HP <b>lama</b> & "kantor"', changedAt: AT },
        {}, '[TTE]',
      );
      expect(message.html).not.toContain('<script>');
      expect(message.html).not.toContain('<b>');
      expect(message.html).toContain('&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
      expect(message.html).toContain('&quot;HP &lt;b&gt;lama&lt;/b&gt; &amp; &quot;kantor&quot;&quot;');
      expect(message.text).toContain('"<script>alert(1)</script>"');
    });
  });

  describe('account locked', () => {
    it.each([
      ['PASSWORD', 'kata sandi salah 5 kali dalam 15 menit'],
      ['OTP', 'kode OTP salah 5 kali dalam 15 menit'],
    ] as const)('%s gives the cause, when it opens again and the reset option', (cause, wording) => {
      const { text } = accountLocked(cause);
      expect(text).toContain(`dikunci sementara karena ${wording}.`);
      expect(text).toContain(`dapat digunakan kembali mulai ${AT_WIB}.`);
      expect(text).toContain('Jika Anda lupa kata sandi, aturlah ulang melalui "Lupa kata sandi"');
      expect(text).toContain('Jika bukan Anda yang mencoba masuk');
      expect(text).toContain('hubungi verifikator instansi Anda');
    });

    it('warns after wrong OTP codes that the password may be known to someone else', () => {
      expect(accountLocked('OTP').text).toContain('kata sandi Anda kemungkinan telah diketahui orang lain');
      expect(accountLocked('PASSWORD').text).not.toContain('diketahui orang lain');
    });
  });

  describe('OTP device request link', () => {
    it('ADD_DEVICE asks for a fresh selfie to register a new phone', () => {
      const { text } = otpDeviceRequestLink('ADD_DEVICE');
      expect(text).toContain('mendaftarkan ponsel baru sebagai perangkat autentikator (OTP)');
      expect(text).toContain('ambil swafoto terbaru');
      expect(text).toContain('Verifikator instansi Anda akan mencocokkan swafoto');
      expect(text).not.toContain('dinonaktifkan');
    });

    it('RESET_AUTHENTICATOR asks for a fresh selfie to restore the account, then a new password and authenticator', () => {
      const { text } = otpDeviceRequestLink('RESET_AUTHENTICATOR');
      expect(text).toContain('memulihkan akun TTE Anda yang dinonaktifkan');
      expect(text).toContain('ambil swafoto terbaru');
      expect(text).toContain('tautan untuk membuat kata sandi baru dan mendaftarkan aplikasi autentikator');
    });

    it.each([['ADD_DEVICE'], ['RESET_AUTHENTICATOR']] as const)('%s says to ignore it if the user did not ask', (kind) => {
      expect(otpDeviceRequestLink(kind).text).toContain('Jika Anda tidak mengajukan permintaan ini, abaikan e-mail ini.');
    });
  });

  describe('OTP device review request', () => {
    it.each([
      ['ADD_DEVICE', 'Siti Aminah mengajukan pendaftaran perangkat OTP baru'],
      ['RESET_AUTHENTICATOR', 'Siti Aminah mengajukan pemulihan akun yang dinonaktifkan'],
    ] as const)('%s names the applicant and what they ask', (kind, wording) => {
      const { text } = otpDeviceReviewRequested(kind);
      expect(text).toContain(wording);
      expect(text).toContain('Bandingkan swafoto terbaru pemohon dengan foto saat pendaftaran');
    });

    it('escapes the applicant name', () => {
      const { html } = otpDeviceReviewRequested('ADD_DEVICE', '<img src=x onerror=alert(1)>');
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; mengajukan');
    });
  });

  describe('OTP device request rejected', () => {
    it.each([
      ['ADD_DEVICE', 'permintaan pendaftaran perangkat OTP baru Anda belum dapat disetujui', 'Perangkat OTP yang sudah terdaftar tidak berubah.'],
      ['RESET_AUTHENTICATOR', 'permintaan pemulihan akun Anda belum dapat disetujui', 'Akun Anda tetap dinonaktifkan.'],
    ] as const)('%s gives the reason and what still stands', (kind, wording, standing) => {
      const { text } = otpDeviceRequestRejected(kind);
      expect(text).toContain(wording);
      expect(text).toContain('"Swafoto buram"');
      expect(text).toContain(standing);
      expect(text).toContain('ajukan permintaan baru melalui halaman "Perangkat OTP hilang / pemulihan akun"');
    });

    it('escapes markup in the reason in the HTML part only', () => {
      const message = otpDeviceRequestRejected('ADD_DEVICE', 'Wajah <i>tertutup</i> & "gelap"');
      expect(message.html).not.toContain('<i>');
      expect(message.html).toContain('&quot;Wajah &lt;i&gt;tertutup&lt;/i&gt; &amp; &quot;gelap&quot;&quot;');
      expect(message.text).toContain('"Wajah <i>tertutup</i> & "gelap""');
    });
  });

  describe('account disabled', () => {
    it('says when and why, what was ended, and how to restore the account', () => {
      const { text } = messages.accountDisabled;
      expect(text).toContain(`dinonaktifkan pada ${AT_WIB} karena diduga`);
      expect(text).toContain('"Login dari lokasi tidak dikenal"');
      expect(text).toContain('semua sesi masuk dan tautan yang masih berlaku telah diakhiri');
      expect(text).toContain('tidak dapat menandatangani dokumen');
      expect(text).toContain('ajukan "Pemulihan akun" melalui halaman "Perangkat OTP hilang / pemulihan akun"');
      expect(text).toContain('verifikator instansi Anda akan memeriksanya');
    });

    it('escapes the reason', () => {
      const { html } = renderMessage('accountDisabled', TO, { fullName: 'Siti Aminah', reason: '<script>x</script>', disabledAt: AT }, {}, '[TTE]');
      expect(html).not.toContain('<script>');
      expect(html).toContain('&quot;&lt;script&gt;x&lt;/script&gt;&quot;');
    });
  });

  describe('account reactivation', () => {
    it('gives the username and says the password and every device are replaced', () => {
      const { text } = messages.accountReactivation;
      expect(text).toContain(`Nama pengguna (username) Anda: ${TO}`);
      expect(text).toContain('membuat kata sandi baru dan mendaftarkan aplikasi autentikator (OTP)');
      expect(text).toContain('Kata sandi lama dan semua perangkat OTP sebelumnya akan diganti');
    });
  });

  it('escapes the recipient name in every e-mail', () => {
    const { text, html } = renderMessage('passwordResetLink', TO, { fullName: 'Siti <b>Aminah</b>', expiresAt: AT }, { link: RESET_LINK }, '[TTE]');
    expect(html).toContain('<p>Yth. Siti &lt;b&gt;Aminah&lt;/b&gt;,</p>');
    expect(text.startsWith('Yth. Siti <b>Aminah</b>,')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { formatJakartaTime, isTemplateName, renderMessage } from '../../functions/outbox/templates.js';

const LINK = 'https://tte.sultengprov.go.id/activate/Q2xhdWRlIHdyb3RlIHRoaXMgdG9rZW4gZm9yIHRlc3Rz';
const activation = (fullName = 'Siti Aminah', prefix = '[TTE]') => renderMessage(
  'activation',
  'siti@sultengprov.go.id',
  { fullName, tenantName: 'Dinas Kominfo Sulteng', expiresAt: '2026-11-23T15:00:00.000Z' },
  { link: LINK },
  prefix,
);

describe('formatJakartaTime', () => {
  it.each([
    ['2026-11-23T15:00:00.000Z', '23 November 2026 pukul 22.00 WIB'],
    // Past 17:00 UTC the date in Jakarta is already the next day.
    ['2026-11-23T17:30:00.000Z', '24 November 2026 pukul 00.30 WIB'],
    ['2026-01-01T00:00:00.000Z', '1 Januari 2026 pukul 07.00 WIB'],
    ['2026-08-16T23:59:00.000Z', '17 Agustus 2026 pukul 06.59 WIB'],
  ])('shows %s as %j', (iso, expected) => {
    expect(formatJakartaTime(iso)).toBe(expected);
  });
});

describe('the activation e-mail', () => {
  it('has the subject "Aktivasi Akun" after the configured prefix', () => {
    expect(activation().subject).toBe('[TTE] Aktivasi Akun');
    expect(activation('Siti Aminah', '[TTE Sulteng]').subject).toBe('[TTE Sulteng] Aktivasi Akun');
    expect(activation('Siti Aminah', '').subject).toBe('Aktivasi Akun');
  });

  it('is addressed to the recipient', () => {
    expect(activation().to).toBe('siti@sultengprov.go.id');
  });

  it('tells the user, in Indonesian, who registered them, the link and until when it works (WIB)', () => {
    const { text } = activation();
    expect(text).toContain('Yth. Siti Aminah,');
    expect(text).toContain('Verifikator Dinas Kominfo Sulteng');
    expect(text).toContain(LINK);
    expect(text).toContain('berlaku sampai 23 November 2026 pukul 22.00 WIB');
  });

  it('carries the link as a button and as copyable text in the HTML part', () => {
    const { html } = activation();
    expect(html).toContain(`href="${LINK}"`);
    expect(html.split(LINK)).toHaveLength(3);
    expect(html).toContain('22.00 WIB');
    expect(html).toContain('lang="id"');
  });

  it('escapes markup in names in the HTML part, but not in the text part', () => {
    const message = activation('<script>alert(1)</script> & "Ani"');
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Ani&quot;');
    expect(message.text).toContain('Yth. <script>alert(1)</script> & "Ani",');
  });

  it('escapes the link inside the href attribute', () => {
    const message = renderMessage(
      'activation', 'a@b.go.id', { fullName: 'Ani', tenantName: 'Dinas', expiresAt: '2026-11-23T15:00:00.000Z' },
      { link: 'https://x.go.id/activate/a"onmouseover="alert(1)&b=2' }, '[TTE]',
    );
    expect(message.html).toContain('href="https://x.go.id/activate/a&quot;onmouseover=&quot;alert(1)&amp;b=2"');
  });
});

describe('the certificate expiry e-mail', () => {
  const message = renderMessage(
    'certificateExpiring',
    'budi@sultengprov.go.id',
    { fullName: 'Budi Santoso', serialNumber: '4F2A99', notAfter: '2026-12-01T16:59:59.000Z', daysLeft: '7' },
    {},
    '[TTE]',
  );

  it('has the subject "Sertifikat Elektronik Akan Berakhir"', () => {
    expect(message.subject).toBe('[TTE] Sertifikat Elektronik Akan Berakhir');
  });

  it('names the certificate, the days left and the end in WIB, without an action link', () => {
    expect(message.text).toContain('nomor seri 4F2A99');
    expect(message.text).toContain('dalam 7 hari');
    expect(message.text).toContain('pada 1 Desember 2026 pukul 23.59 WIB');
    expect(message.html).not.toContain('<a ');
  });
});

describe('isTemplateName', () => {
  it.each([
    ['activation', true],
    ['certificateExpiring', true],
    ['unknown', false],
    ['', false],
  ])('%j → %s', (name, expected) => {
    expect(isTemplateName(name)).toBe(expected);
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('rejects the inherited name %s', (name) => {
    expect(isTemplateName(name)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/domain/errors.js';
import { errorPage, PersonPageError } from '../../shared/web/error-page.js';
import { helpEntries, helpHref } from '../../shared/web/help.js';

const anchors = new Set(helpEntries.map((entry) => entry.anchor));

describe('the help map', () => {
  it('sends each code it knows to an entry that exists, and others nowhere', () => {
    for (const code of ['TOKEN_EXPIRED', 'TOKEN_USED', 'NIK_ALREADY_REGISTERED', 'NIK_INVALID', 'NIP_INVALID', 'PHOTO_INVALID', 'KEY_LOCKED', 'INVALID_OTP', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED']) {
      const href = helpHref('/web', code);
      expect(href, code).toMatch(/^\/web\/help#/);
      expect(anchors.has(href!.split('#')[1]!), code).toBe(true);
    }
    expect(helpHref('/web', 'ROUTE_NOT_FOUND')).toBeUndefined();
    expect(helpHref('/web', 'toString')).toBeUndefined();
    expect(helpHref('/prod/web/', 'TOKEN_USED')).toBe('/prod/web/help#tautan-terpakai');
  });

  it('has one entry per anchor', () => {
    expect(anchors.size).toBe(helpEntries.length);
  });
});

describe('the error page', () => {
  it('offers a new link on an expired link page of a step that can be sent again, with its help entry', () => {
    const page = errorPage('/prod/web', new AppError('TOKEN_EXPIRED'), '/prod/web/enroll/abc');
    expect(page).toContain('action="/prod/web/links/enroll/renewal"');
    expect(page).toContain('href="/prod/web/help#tautan-kedaluwarsa"');
  });

  it('offers none for other links, other statuses, or a path outside the pages', () => {
    expect(errorPage('/web', new AppError('TOKEN_EXPIRED'), '/web/reset-password/abc')).not.toContain('Kirim tautan baru');
    expect(errorPage('/web', new AppError('TOKEN_NOT_FOUND'), '/web/activate/abc')).not.toContain('Kirim tautan baru');
    expect(errorPage('/web', new AppError('TOKEN_EXPIRED'))).not.toContain('Kirim tautan baru');
  });

  it("names a known person's verifiers, escaped", () => {
    const page = errorPage('/web', new PersonPageError('USER_NOT_FOUND', { id: 'Tidak ada.', en: 'None.' }, [{ name: 'Rina <b>', email: 'rina@contoh.go.id' }]));
    expect(page).toContain('Hubungi verifikator instansi Anda:');
    expect(page).toContain('Rina &lt;b&gt;');
    expect(page).toContain('href="mailto:rina@contoh.go.id"');
    expect(errorPage('/web', new AppError('USER_NOT_FOUND'))).not.toContain('Hubungi verifikator instansi Anda:');
  });
});

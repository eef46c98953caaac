import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/domain/errors.js';
import { html } from '../../shared/web/html.js';
import { errorPage } from '../../shared/web/error-page.js';
import { renderPage } from '../../shared/web/layout.js';
import { pageHeaders } from '../../shared/web/headers.js';

describe('html, escaped by construction', () => {
  it('renders a name with a script tag as text', () => {
    const name = '<script>alert("x")</script> & \'Siti\'';
    expect(html`<p>${name}</p>`.markup).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Siti&#39;</p>');
  });

  it('escapes inside attributes, so a value cannot close the attribute', () => {
    expect(html`<a href="${'x" onclick="steal()'}">a</a>`.markup).toBe('<a href="x&quot; onclick=&quot;steal()">a</a>');
  });

  it('keeps markup made by the tag, lists, numbers, and drops empty values', () => {
    const items = ['<b>', 'b'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${3}`.markup).toBe('<ul><li>&lt;b&gt;</li><li>b</li></ul>3');
  });
});

describe('a page', () => {
  const page = renderPage('/web', { title: 'Uji <1>', heading: 'Judul <b>', body: html`<p>${'isi <i>'}</p>` });

  it('is Indonesian, titled, with one h1 and the viewport for phones, and escapes its title and heading', () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="id">/);
    expect(page).toContain('<title>Uji &lt;1&gt; — Layanan TTE</title>');
    expect(page.match(/<h1>/g)).toHaveLength(1);
    expect(page).toContain('<h1>Judul &lt;b&gt;</h1>');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toMatch(/<link rel="stylesheet" href="\/web\/assets\/site\.[0-9a-f]{12}\.css">/);
    expect(page).not.toMatch(/<script/);
  });

  it('an error page says in Indonesian what went wrong, with its code, and links home', () => {
    const gone = errorPage('/web', new AppError('TOKEN_EXPIRED'));
    expect(gone).toContain('<h1>Tautan sudah tidak berlaku</h1>');
    expect(gone).toContain('Tautan sudah tidak berlaku. Mintalah verifikator instansi Anda mengirim tautan baru.');
    expect(gone).toContain('TOKEN_EXPIRED');
    expect(gone).toContain('<a href="/web">Kembali ke halaman utama</a>');
  });
});

describe('the HTML header set', () => {
  it('forbids inline script and framing, sends no referrer, and allows the camera only when asked', () => {
    const headers = pageHeaders();
    expect(headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['permissions-policy']).toContain('camera=()');
    expect(pageHeaders({ camera: true })['permissions-policy']).toContain('camera=(self)');
  });

  it('adds the photo bucket to connect-src and img-src only', () => {
    const csp = pageHeaders({ extraOrigins: ['http://127.0.0.1:4569'] })['content-security-policy']!;
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4569");
    expect(csp).toContain("img-src 'self' data: blob: http://127.0.0.1:4569");
    expect(csp).toContain("script-src 'self';");
  });
});

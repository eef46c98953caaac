import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { expectAGoodPage, newTab, phone, screenshots } from './web-pages.js';
import { localPhotoBucket } from '../../infra/local/runtime.js';
import { bootLocalRuntime } from './runtime.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([bootLocalRuntime({ publicRequestFloorMs: 0 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

/** Opens a path on a 360 px wide phone, collecting console errors and CSP violations. */
async function onPhone(path: string): Promise<{ page: Page; status: number; headers: Record<string, string>; consoleErrors: string[] }> {
  const { page, consoleErrors } = await newTab(await phone(browser));
  const response = await page.goto(`${runtime.api}${path}`);
  return { page, status: response!.status(), headers: response!.headers(), consoleErrors };
}

describe('the pages, in a real browser on a phone-sized screen', () => {
  it('the home page says what the service is, in Indonesian, with the HTML header set', async () => {
    const { page, status, headers, consoleErrors } = await onPhone('/web');
    expect(status).toBe(200);
    await expectAGoodPage(page, consoleErrors);
    expect(await page.locator('h1').textContent()).toBe('Layanan Tanda Tangan Elektronik');
    expect(await page.getByRole('link', { name: 'Periksa tanda tangan' }).getAttribute('href')).toBe('/web/verify');
    expect(await page.getByRole('link', { name: 'Masuk' }).getAttribute('href')).toBe('/web/login');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = headers['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['permissions-policy']).toContain('camera=()');
    await page.screenshot({ path: `${screenshots}/home.png`, fullPage: true });
    await page.close();
  });

  it.each(['/web/assets/tidak-ada.css', '/web/halaman-tidak-ada'])('an unknown page or file (%s) answers with an Indonesian page, not JSON', async (path) => {
    const { page, status, headers, consoleErrors } = await onPhone(path);
    expect(status).toBe(404);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    // Chromium logs the page's own 404 as a failed load; nothing else may fail.
    await expectAGoodPage(page, consoleErrors.filter((error) => !/status of 404/.test(error)));
    expect(await page.locator('h1').textContent()).toBe('Halaman tidak ditemukan');
    await expect(page.getByRole('link', { name: 'Kembali ke halaman utama' }).getAttribute('href')).resolves.toBe('/web');
    await page.screenshot({ path: `${screenshots}/not-found.png`, fullPage: true });
    await page.close();
  });

  it('serves the stylesheet under its content hash, cacheable for a year', async () => {
    const { page } = await onPhone('/web');
    const href = await page.locator('link[rel="stylesheet"]').getAttribute('href');
    expect(href).toMatch(/^\/web\/assets\/site\.[0-9a-f]{12}\.css$/);
    const response = await fetch(`${runtime.api}${href}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    await page.close();
  });

  it('the photo bucket lets the pages (and no other origin) upload and read photos from a browser', async () => {
    const preflight = (origin: string, method: string) => fetch(`${runtime.endpoints.s3}/${localPhotoBucket}/kyc/uji/foto.jpg`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
    });
    const webOrigin = new URL(runtime.api).origin;
    for (const method of ['PUT', 'GET']) {
      const allowed = await preflight(webOrigin, method);
      expect(allowed.status, method).toBe(200);
      // S3 echoes the origin; s3rver answers a matched preflight with '*'. Either way, only after a rule matched.
      expect([webOrigin, '*']).toContain(allowed.headers.get('access-control-allow-origin'));
    }
    expect((await preflight('http://jahat.example', 'PUT')).status).toBe(403);
    expect((await preflight(webOrigin, 'DELETE')).status).toBe(403);
  });
});

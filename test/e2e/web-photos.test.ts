import { PNG } from 'pngjs';
import { imageSize } from 'image-size';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import { client, otherEmployment } from './enrollment-flow.js';
import { bootLocalRuntime } from './runtime.js';
import { lookAt, newTab, phone } from './web-pages.js';

let runtime: Awaited<ReturnType<typeof bootLocalRuntime>>;
let browser: Browser;
let http: ReturnType<typeof client>;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 1 }),
    // Chromium's own test camera (a moving pattern), allowed without a prompt.
    launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  http = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.shutdown();
});

/** A registered employee past identity and employment: the activation page opens on the KTP photo. */
async function atPhotoStep(fullName: string, email: string, nik: string) {
  const { userId, token } = await http.register(fullName, email);
  expect((await http.call('PUT', `/v1/activation/${token}/identity`, { body: { fullName, nik } })).status).toBe(200);
  expect((await http.call('PUT', `/v1/activation/${token}/employment`, { body: otherEmployment })).status).toBe(200);
  return { userId, token };
}

/** The KTP photo as the service stored it, read through the verifier's 5-minute link. */
async function storedKtpPhoto(userId: string): Promise<Buffer> {
  const user = await http.call('GET', `/v1/users/${userId}`, { key: runtime.seed.verifier.apiKey });
  const ktp = (user.body.photos as { kind: string; url: string }[]).find((photo) => photo.kind === 'KTP')!;
  return Buffer.from(await (await fetch(ktp.url)).arrayBuffer());
}

describe('photos from a phone', () => {
  it('a large photo is re-encoded in the page to a JPEG of at most 1600 px before it is uploaded', async () => {
    const { userId, token } = await atPhotoStep('Rudi Hartono', 'rudi.hartono@contoh.go.id', '7271011206890007');
    // 3200 × 2000, as a phone camera would give (a gradient, so the PNG stays small on disk).
    const original = new PNG({ width: 3200, height: 2000 });
    for (let y = 0; y < original.height; y += 1) {
      for (let x = 0; x < original.width; x += 1) {
        const offset = (y * original.width + x) * 4;
        original.data[offset] = x % 256;
        original.data[offset + 1] = y % 256;
        original.data[offset + 2] = 160;
        original.data[offset + 3] = 255;
      }
    }
    const tab = await newTab(await phone(browser));
    await tab.page.goto(`${runtime.api}/web/activate/${token}`);
    await tab.page.getByLabel('Foto KTP').setInputFiles({ name: 'ktp-besar.png', mimeType: 'image/png', buffer: PNG.sync.write(original) });
    await tab.page.getByText('Foto tersimpan').waitFor();

    const stored = await storedKtpPhoto(userId);
    expect(imageSize(stored)).toMatchObject({ type: 'jpg', width: 1600, height: 1000 });
    await tab.page.close();
  });

  it('the camera in the page takes the photo where the browser allows it', async () => {
    const { userId, token } = await atPhotoStep('Maya Sari', 'maya.sari@contoh.go.id', '7271015708930008');
    const tab = await newTab(await phone(browser));
    const opened = await tab.page.goto(`${runtime.api}/web/activate/${token}`);
    // The camera is allowed on this page only (Permissions-Policy), and the bucket in the CSP.
    expect(opened!.headers()['permissions-policy']).toContain('camera=(self)');
    await tab.page.getByRole('button', { name: 'Gunakan kamera' }).click();
    await tab.page.locator('video.camera-view').waitFor();
    await lookAt(tab, 'activation-camera');
    await tab.page.getByRole('button', { name: 'Ambil foto' }).click();
    await tab.page.getByText('Foto tersimpan').waitFor();
    expect(imageSize(await storedKtpPhoto(userId)).type).toBe('jpg');
    await tab.page.close();
  });
});

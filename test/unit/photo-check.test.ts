import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { inspectPhoto, MAX_PHOTO_BYTES } from '../../shared/domain/photo-check.js';

/** A PNG of the given size with a simple gradient, as a phone camera would never produce. */
function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < image.data.length; i += 4) {
    image.data[i] = (i / 4) % 256;
    image.data[i + 1] = 128;
    image.data[i + 2] = 64;
    image.data[i + 3] = 255;
  }
  return PNG.sync.write(image);
}

function jpg(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = (i / 4) % 256;
    data[i + 1] = 100;
    data[i + 2] = 200;
    data[i + 3] = 255;
  }
  return jpeg.encode({ data, width, height }, 80).data;
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

describe('inspectPhoto accepts genuine photos', () => {
  it.each([
    ['an 800x500 PNG', () => png(800, 500), 'image/png', 800, 500],
    ['a 480x640 JPEG', () => jpg(480, 640), 'image/jpeg', 480, 640],
    ['a 200x200 JPEG (the smallest side allowed)', () => jpg(200, 200), 'image/jpeg', 200, 200],
    ['an 800x200 PNG (aspect ratio exactly 4)', () => png(800, 200), 'image/png', 800, 200],
    ['a 200x800 JPEG (portrait, aspect ratio exactly 4)', () => jpg(200, 800), 'image/jpeg', 200, 800],
    ['the shipped KTP sample', () => fixture('sample-ktp.png'), 'image/png', 856, 540],
    ['the shipped selfie sample', () => fixture('sample-selfie.jpg'), 'image/jpeg', 480, 640],
  ])('%s', (_label, bytes, type, width, height) => {
    expect(inspectPhoto(bytes(), type)).toEqual({ ok: true, width, height });
  });

  it('takes a Uint8Array as well as a Buffer', () => {
    const bytes = new Uint8Array(jpg(480, 640));
    expect(inspectPhoto(bytes, 'image/jpeg')).toEqual({ ok: true, width: 480, height: 640 });
  });

  it('accepts exactly 5 MB', () => {
    const photo = jpg(480, 640);
    const padded = Buffer.concat([photo, Buffer.alloc(MAX_PHOTO_BYTES - photo.length)]);
    expect(padded.length).toBe(5 * 1024 * 1024);
    expect(inspectPhoto(padded, 'image/jpeg')).toEqual({ ok: true, width: 480, height: 640 });
  });
});

describe('inspectPhoto refuses', () => {
  const validJpeg = jpg(480, 640);
  const validPng = png(800, 500);

  it.each([
    ['empty bytes', () => new Uint8Array(0), 'image/jpeg'],
    ['a PDF declared as image/jpeg', () => pdf, 'image/jpeg'],
    ['a PDF declared as image/png', () => pdf, 'image/png'],
    ['PNG bytes declared as image/jpeg', () => validPng, 'image/jpeg'],
    ['JPEG bytes declared as image/png', () => validJpeg, 'image/png'],
    ['a truncated JPEG (its first half)', () => validJpeg.subarray(0, Math.floor(validJpeg.length / 2)), 'image/jpeg'],
    ['a truncated PNG (its first half)', () => validPng.subarray(0, Math.floor(validPng.length / 2)), 'image/png'],
    ['only a JPEG signature', () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]), 'image/jpeg'],
    ['only a PNG signature', () => validPng.subarray(0, 8), 'image/png'],
    ['a 100x100 image (too small)', () => png(100, 100), 'image/png'],
    ['a 199x400 image (one side too small)', () => jpg(199, 400), 'image/jpeg'],
    ['a 900x100 image (aspect ratio 9)', () => png(900, 100), 'image/png'],
    ['a 900x200 image (aspect ratio 4.5)', () => png(900, 200), 'image/png'],
    ['a 200x900 image (portrait, aspect ratio 4.5)', () => jpg(200, 900), 'image/jpeg'],
    ['a valid JPEG declared as image/gif', () => validJpeg, 'image/gif'],
    ['a valid JPEG with no declared type', () => validJpeg, undefined],
    ['a valid JPEG declared as an empty type', () => validJpeg, ''],
    ['a valid PNG declared as application/octet-stream', () => validPng, 'application/octet-stream'],
    ['a valid JPEG padded to 5 MB + 1 byte', () => Buffer.concat([validJpeg, Buffer.alloc(MAX_PHOTO_BYTES + 1 - validJpeg.length)]), 'image/jpeg'],
    ['6 MB of bytes behind a JPEG signature', () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(6 * 1024 * 1024)]), 'image/jpeg'],
  ])('%s', (_label, bytes, type) => {
    const verdict = inspectPhoto(bytes(), type);
    expect(verdict.ok).toBe(false);
    expect(verdict).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe('inspectPhoto against decompression bombs', () => {
  /** A small real PNG whose header claims other dimensions (the pixel data stays tiny). */
  const pngClaiming = (width: number, height: number) => {
    const bytes = Buffer.from(fixture('sample-ktp.png'));
    bytes.writeUInt32BE(width, 16); // IHDR width
    bytes.writeUInt32BE(height, 20); // IHDR height
    return bytes;
  };

  it.each([
    ['12000x12000 (a side over 10,000 px)', 12_000, 12_000, /dimensions/],
    ['6000x6000 (36 MP, over 30)', 6_000, 6_000, /too many pixels/],
  ])('refuses a few-KB PNG that declares %s from its header, before decoding', (_label, width, height, reason) => {
    const verdict = inspectPhoto(pngClaiming(width, height), 'image/png');
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
  });
});

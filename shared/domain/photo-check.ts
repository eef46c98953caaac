import { imageSize } from 'image-size';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { PhotoContentType } from '../ports/photos.js';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
// A readable KTP or face needs a few hundred pixels; more than 10,000 is not a phone photo.
const MIN_SIDE = 200;
const MAX_SIDE = 10_000;
const MAX_ASPECT = 4;
// Decoding holds 4 bytes a pixel: 30 megapixels is ~120 MB, within the function's memory. A file
// of a few KB can declare far more (a decompression bomb), so the header is read first.
const MAX_MEGAPIXELS = 30;

const signatures: Record<PhotoContentType, number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

export type PhotoVerdict = { ok: true; width: number; height: number } | { ok: false; reason: string };

/**
 * Whether uploaded bytes are really the photo they claim to be: the declared type's magic bytes,
 * a full decode (a renamed PDF or a truncated file fails here), and sane dimensions.
 */
export function inspectPhoto(bytes: Uint8Array, declaredType: string | undefined): PhotoVerdict {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, reason: 'too large' };
  const type = declaredType === 'image/jpeg' || declaredType === 'image/png' ? declaredType : undefined;
  if (!type) return { ok: false, reason: `type ${declaredType ?? 'missing'}` };
  if (!signatures[type].every((byte, index) => bytes[index] === byte)) return { ok: false, reason: 'content does not match its type' };
  let declared: { width?: number; height?: number; type?: string };
  try {
    declared = imageSize(bytes);
  } catch {
    return { ok: false, reason: 'no readable image header' };
  }
  if (declared.type !== (type === 'image/png' ? 'png' : 'jpg') || !declared.width || !declared.height) {
    return { ok: false, reason: 'header does not match its type' };
  }
  const sides = checkSides(declared.width, declared.height);
  if (sides) return sides;
  if (declared.width * declared.height > MAX_MEGAPIXELS * 1_000_000) return { ok: false, reason: `${declared.width}x${declared.height} is too many pixels` };
  let width: number;
  let height: number;
  try {
    if (type === 'image/png') {
      ({ width, height } = PNG.sync.read(Buffer.from(bytes)));
    } else {
      ({ width, height } = jpeg.decode(bytes, { useTArray: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 160 }));
    }
  } catch {
    return { ok: false, reason: 'does not decode' };
  }
  return checkSides(width, height) ?? { ok: true, width, height };
}

function checkSides(width: number, height: number): PhotoVerdict | undefined {
  const [short, long] = width < height ? [width, height] : [height, width];
  if (short < MIN_SIDE || long > MAX_SIDE || long / short > MAX_ASPECT) return { ok: false, reason: `dimensions ${width}x${height}` };
  return undefined;
}

import { describe, expect, it } from 'vitest';
import { centredPlacement, commonBox, presetPlacement, STAMP_HEIGHT, STAMP_WIDTH, stampPositions, type PageBox } from '../../functions/web/stamp.js';
import { fileSize } from '../../functions/web/file-size.js';

const a4: PageBox = { x: 0, y: 0, width: 595.28, height: 841.89 };
/** A page whose visible box does not start at the origin (a CropBox inside a larger MediaBox). */
const cropped: PageBox = { x: 50, y: 100, width: 400, height: 300 };
const inside = (placement: { x: number; y: number }, box: PageBox) =>
  placement.x >= box.x && placement.y >= box.y && placement.x + STAMP_WIDTH <= box.x + box.width && placement.y + STAMP_HEIGHT <= box.y + box.height;

describe('where the sign page puts the stamp (PDF points, origin bottom left)', () => {
  it.each(stampPositions)('%s lies inside the page, on an A4 page and on a cropped one', (position) => {
    expect(inside(presetPlacement(position, a4), a4)).toBe(true);
    expect(inside(presetPlacement(position, cropped), cropped)).toBe(true);
  });

  it('names the corners as a reader sees them: half an inch from the edges', () => {
    expect(presetPlacement('kiri-bawah', a4)).toEqual({ x: 36, y: 36 });
    expect(presetPlacement('kanan-bawah', a4)).toEqual({ x: 319.28, y: 36 });
    expect(presetPlacement('kanan-atas', a4)).toEqual({ x: 319.28, y: 725.89 });
    expect(presetPlacement('kiri-atas', cropped)).toEqual({ x: 86, y: 284 });
    expect(presetPlacement('tengah-bawah', a4).x).toBeCloseTo((595.28 - STAMP_WIDTH) / 2, 2);
  });

  it('centres the stamp on a clicked point, moved inward where it would overhang', () => {
    expect(centredPlacement(300, 400, a4)).toEqual({ x: 300 - STAMP_WIDTH / 2, y: 400 - STAMP_HEIGHT / 2 });
    expect(centredPlacement(590, 5, a4)).toEqual({ x: 595.28 - STAMP_WIDTH, y: 0 });
    expect(centredPlacement(0, 900, cropped)).toEqual({ x: 50, y: 400 - STAMP_HEIGHT });
  });

  it('for documents of several sizes, the box they share; none when it cannot hold the stamp', () => {
    const letter: PageBox = { x: 0, y: 0, width: 612, height: 792 };
    expect(commonBox([a4, letter])).toEqual({ x: 0, y: 0, width: 595.28, height: 792 });
    expect(commonBox([a4, { x: 500, y: 0, width: 300, height: 300 }])).toBeUndefined();
    expect(commonBox([])).toBeUndefined();
  });
});

describe('file sizes as the pages say them', () => {
  it('in KB under a megabyte (never 0), in MB with a decimal comma above', () => {
    expect(fileSize(10)).toBe('1 KB');
    expect(fileSize(500 * 1024)).toBe('500 KB');
    expect(fileSize(3 * 1024 * 1024)).toBe('3 MB');
    expect(fileSize(2.45 * 1024 * 1024)).toBe('2,5 MB');
  });
});

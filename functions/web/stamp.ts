/**
 * Where a visible signature stamp goes on a page, in PDF points of the page's user space with
 * the origin at the bottom left (what the signing API takes). Shared by the sign page's server
 * side (the form without script: a named position) and its page script (a click on the preview),
 * so both put the stamp in the same place.
 */

/** The stamp's size: five text lines (who, when, why, where) beside an optional image or QR code. */
export const STAMP_WIDTH = 240;
export const STAMP_HEIGHT = 80;
/** Half an inch from the page's edges, as printers leave it. */
const MARGIN = 36;

export const stampPositions = ['kanan-bawah', 'tengah-bawah', 'kiri-bawah', 'kanan-atas', 'kiri-atas'] as const;
export type StampPosition = (typeof stampPositions)[number];

export const stampPositionLabels: Record<StampPosition, string> = {
  'kanan-bawah': 'Kanan bawah',
  'tengah-bawah': 'Tengah bawah',
  'kiri-bawah': 'Kiri bawah',
  'kanan-atas': 'Kanan atas',
  'kiri-atas': 'Kiri atas',
};

/** A page's visible box (CropBox, else MediaBox) in user space. */
export interface PageBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placement {
  x: number;
  y: number;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Keeps the stamp wholly inside the box (the signing API refuses a rectangle that leaves the page). */
function clamp(x: number, y: number, box: PageBox): Placement {
  const maxX = box.x + Math.max(0, box.width - STAMP_WIDTH);
  const maxY = box.y + Math.max(0, box.height - STAMP_HEIGHT);
  return { x: round(Math.min(Math.max(x, box.x), maxX)), y: round(Math.min(Math.max(y, box.y), maxY)) };
}

/** A named position: a margin in from the named edges (less on a page too small for it). */
export function presetPlacement(position: StampPosition, box: PageBox): Placement {
  const marginX = Math.min(MARGIN, Math.max(0, (box.width - STAMP_WIDTH) / 2));
  const marginY = Math.min(MARGIN, Math.max(0, (box.height - STAMP_HEIGHT) / 2));
  const horizontal = position.slice(0, position.indexOf('-'));
  const vertical = position.slice(position.indexOf('-') + 1);
  const x = horizontal === 'kiri' ? box.x + marginX
    : horizontal === 'kanan' ? box.x + box.width - STAMP_WIDTH - marginX
      : box.x + (box.width - STAMP_WIDTH) / 2;
  const y = vertical === 'bawah' ? box.y + marginY : box.y + box.height - STAMP_HEIGHT - marginY;
  return clamp(x, y, box);
}

/** A point clicked on the page becomes the stamp's centre, moved inward where it would overhang. */
export function centredPlacement(centreX: number, centreY: number, box: PageBox): Placement {
  return clamp(centreX - STAMP_WIDTH / 2, centreY - STAMP_HEIGHT / 2, box);
}

/**
 * The part every page shares (documents of several sizes signed at once): a named position in it
 * lies inside each of them. Undefined when they do not overlap enough to hold the stamp.
 */
export function commonBox(boxes: readonly PageBox[]): PageBox | undefined {
  if (boxes.length === 0) return undefined;
  const left = Math.max(...boxes.map((box) => box.x));
  const bottom = Math.max(...boxes.map((box) => box.y));
  const right = Math.min(...boxes.map((box) => box.x + box.width));
  const top = Math.min(...boxes.map((box) => box.y + box.height));
  if (right - left < STAMP_WIDTH || top - bottom < STAMP_HEIGHT) return undefined;
  return { x: left, y: bottom, width: right - left, height: top - bottom };
}

// Reads a generated shapes clip: which palette colour the object is, which shape, and which way its centroid moves.
import { median } from './args.js';

export const PALETTE = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  white: [255, 255, 255],
} as const;
export type Colour = keyof typeof PALETTE;
export type Direction = 'left' | 'right' | 'up' | 'down';
export type Shape = 'circle' | 'square' | 'triangle';

/**
 * Fill ratio (object pixels / their bounding box) cuts: drawn, a square fills 1, a circle pi/4, a triangle 1/2; the
 * embedded model's VAE rounds corners (round trip of rendered clips: triangles 0.64-0.76, circles 0.74-0.85, squares
 * 0.85-0.93), so the cuts lie between those ranges (train/sample.py uses the same).
 */
const SHAPE_CUTS: readonly [number, Shape][] = [
  [0.71, 'triangle'],
  [0.88, 'circle'],
  [Infinity, 'square'],
];
/** Frames with fewer object pixels than this say nothing about the shape. */
const SHAPE_MIN_PIXELS = 12;

export interface ClipReading {
  readonly colour: Colour | null;
  readonly direction: Direction | null;
  /** From the median fill ratio of the frames' object pixels in their bounding box; null when no frame has enough. */
  readonly shape: Shape | null;
  /** Centroid displacement from the first to the last frame, in pixels (y grows downwards). */
  readonly dx: number;
  readonly dy: number;
}

function dist2(a: readonly number[], b: readonly number[]): number {
  return (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2;
}

/** The background is the median colour of the border pixels of the first frame. */
function background(rgb: Uint8Array, width: number, height: number): number[] {
  const border: number[][] = [];
  for (let x = 0; x < width; x++) for (const y of [0, height - 1]) border.push([...rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)]);
  for (let y = 0; y < height; y++) for (const x of [0, width - 1]) border.push([...rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)]);
  return [0, 1, 2].map((c) => border.map((p) => p[c]!).sort((a, b) => a - b)[border.length >> 1]!);
}

/** Object pixels: farther than `threshold` from the background colour. */
export function readClip(rgb: Uint8Array, frames: number, width: number, height: number, threshold = 80): ClipReading {
  const bg = background(rgb, width, height);
  let r = 0,
    g = 0,
    b = 0;
  let count = 0;
  const centroids: ([number, number] | null)[] = [];
  const fills: number[] = [];
  for (let f = 0; f < frames; f++) {
    let cx = 0,
      cy = 0,
      n = 0;
    let x0 = width,
      x1 = -1,
      y0 = height,
      y1 = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = ((f * height + y) * width + x) * 3;
        const p = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
        if (dist2(p, bg) < threshold * threshold) continue;
        r += p[0]!;
        g += p[1]!;
        b += p[2]!;
        count++;
        cx += x;
        cy += y;
        n++;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    centroids.push(n > 0 ? [cx / n, cy / n] : null);
    if (n >= SHAPE_MIN_PIXELS) fills.push(n / ((x1 - x0 + 1) * (y1 - y0 + 1)));
  }
  if (count === 0) return { colour: null, direction: null, shape: null, dx: 0, dy: 0 };
  const shape = fills.length > 0 ? SHAPE_CUTS.find(([cut]) => median(fills) < cut)![1] : null;
  const mean = [r / count, g / count, b / count];
  const colour = (Object.keys(PALETTE) as Colour[]).reduce((best, c) => (dist2(mean, PALETTE[c]) < dist2(mean, PALETTE[best]) ? c : best), 'red');
  const seen = centroids.filter((c): c is [number, number] => c !== null);
  if (seen.length < 2) return { colour, direction: null, shape, dx: 0, dy: 0 };
  const dx = seen[seen.length - 1]![0] - seen[0]![0];
  const dy = seen[seen.length - 1]![1] - seen[0]![1];
  const direction: Direction = Math.abs(dx) >= Math.abs(dy) ? (dx < 0 ? 'left' : 'right') : dy < 0 ? 'up' : 'down';
  return { colour, direction, shape, dx, dy };
}

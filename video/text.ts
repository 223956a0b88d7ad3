// Draws text with the 5x7 font into an RGB image, scaled by an integer factor.
import { ADVANCE, GLYPH_HEIGHT, glyph } from './font5x7.js';

/** One RGB image (not a clip): the canvas labels are drawn on. */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

/** Width in pixels of `text` at `scale` (no trailing gap). */
export function textWidth(text: string, scale: number): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * ADVANCE - 1) * scale;
}

/** `text`, shortened with ".." when needed so it fits in `maxWidth` pixels. */
export function fitText(text: string, maxWidth: number, scale: number): string {
  const chars = [...text];
  if (textWidth(text, scale) <= maxWidth) return text;
  for (let n = chars.length - 1; n > 0; n--) {
    const short = `${chars.slice(0, n).join('')}..`;
    if (textWidth(short, scale) <= maxWidth) return short;
  }
  return '';
}

/** `text` broken at spaces into at most `maxLines` lines of `maxWidth` pixels, or undefined when it does not fit. */
export function wrapText(text: string, maxWidth: number, scale: number, maxLines: number): string[] | undefined {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, scale) <= maxWidth) line = next;
    else if (line && textWidth(word, scale) <= maxWidth) {
      lines.push(line);
      line = word;
    } else return undefined;
  }
  if (line) lines.push(line);
  return lines.length <= maxLines ? lines : undefined;
}

/** Draws `text` with its top-left corner at (x, y); pixels outside the image are skipped. */
export function drawText(img: Image, x: number, y: number, text: string, scale: number, color: Rgb): void {
  let cx = x;
  for (const ch of text) {
    const cols = glyph(ch);
    for (let gx = 0; gx < cols.length; gx++) {
      const bits = cols[gx]!;
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        if (bits & (1 << gy)) fillRect(img, cx + gx * scale, y + gy * scale, scale, scale, color);
      }
    }
    cx += ADVANCE * scale;
  }
}

/** Fills a rectangle, clipped to the image. */
export function fillRect(img: Image, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x),
    y0 = Math.max(0, y);
  const x1 = Math.min(img.width, x + w),
    y1 = Math.min(img.height, y + h);
  for (let py = y0; py < y1; py++) {
    for (let px = x0; px < x1; px++) img.data.set(color, (py * img.width + px) * 3);
  }
}

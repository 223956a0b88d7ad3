// The preview as terminal text: one row of frames, two pixels per character cell ('▀', top in the foreground colour).
import type { PreviewFrames } from '../../core/pipeline/preview.js';

export interface Strip {
  /** Which frames are shown and at what size (pixels; height is even). */
  readonly frames: readonly number[];
  readonly width: number;
  readonly height: number;
}

/** Up to `maxFrames` evenly spaced frames, as large as fits `columns` (a 1-column gap), at most 2x and 16 pixels tall. */
export function stripLayout(p: Pick<PreviewFrames, 'count' | 'width' | 'height'>, columns: number, maxFrames = 8): Strip | undefined {
  for (let n = Math.min(p.count, maxFrames); n >= 1; n--) {
    const fit = Math.min(Math.floor((columns - (n - 1)) / n), Math.floor((16 * p.width) / p.height));
    // whole multiples of the latent size when it fits (nearest-neighbour stays even), else scaled down
    const width = fit >= p.width ? p.width * Math.min(2, Math.floor(fit / p.width)) : fit;
    if (width < Math.min(4, p.width)) continue;
    const height = Math.max(2, 2 * Math.round((width * p.height) / p.width / 2));
    const frames = Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * (p.count - 1)) / (n - 1))));
    return { frames, width, height };
  }
  return undefined;
}

function pixel(p: PreviewFrames, frame: number, x: number, y: number, s: Strip): [number, number, number] {
  const sx = Math.min(p.width - 1, Math.floor((x * p.width) / s.width));
  const sy = Math.min(p.height - 1, Math.floor((y * p.height) / s.height));
  const at = ((frame * p.height + sy) * p.width + sx) * 3;
  return [p.rgb[at]!, p.rgb[at + 1]!, p.rgb[at + 2]!];
}

/** Lines of 24-bit-colour half blocks; empty when the terminal is too narrow for even one frame. */
export function halfBlockLines(p: PreviewFrames, columns: number): string[] {
  const s = stripLayout(p, columns);
  if (!s) return [];
  const lines: string[] = [];
  for (let y = 0; y < s.height; y += 2) {
    const cells = s.frames.map((f) => {
      let row = '';
      for (let x = 0; x < s.width; x++) {
        const [r, g, b] = pixel(p, f, x, y, s);
        const [r2, g2, b2] = pixel(p, f, x, y + 1, s);
        row += `\u001b[38;2;${r};${g};${b}m\u001b[48;2;${r2};${g2};${b2}m▀`;
      }
      return `${row}\u001b[0m`;
    });
    lines.push(cells.join(' '));
  }
  return lines;
}

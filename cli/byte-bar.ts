// A text progress bar for byte counts: redrawn in place on a terminal, a line per 10% otherwise.
import type { Stream } from './context.js';
import { formatBytes } from './fs-size.js';

export function renderBar(done: number, total: number, width = 24): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(frac * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${formatBytes(done)} / ${formatBytes(total)}`;
}

export function byteBar(sink: Stream, now: () => number = () => performance.now()): { update(done: number, total: number, file: string): void; finish(): void } {
  const start = now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done, total, file) {
      const rate = done / Math.max(1e-3, (now() - start) / 1000);
      const line = `${renderBar(done, total)}  ${formatBytes(Math.round(rate))}/s  ${file}`;
      if (sink.isTTY) {
        if (now() - lastDraw < 100 && done < total) return;
        lastDraw = now();
        sink.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else {
        const decile = total > 0 ? Math.floor((10 * done) / total) : 0;
        if (decile === lastDecile) return;
        lastDecile = decile;
        sink.write(`${line}\n`);
      }
    },
    finish() {
      if (drawn) sink.write('\n');
    },
  };
}

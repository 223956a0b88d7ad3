// Side-by-side and grid layouts with labels that fit (two lines, or keys and a legend), built on raw frames before encoding.
import { T2vError } from '../core/errors.js';
import { frameAt, frameBytes, makeFrames, type Frames } from './frames.js';
import { LINE_GAP, lineHeight, planLabels, type LabelPlan } from './labels.js';
import { drawText, fillRect, textWidth, type Image, type Rgb } from './text.js';

const BACKGROUND: Rgb = [24, 24, 24];
const INK: Rgb = [235, 235, 235];
/** Pixels between cells. */
export const GAP = 2;

/** Label scale: 1 up to 255 px cells, 2 at 256, 3 at 384 ... so labels stay readable on bigger clips. */
export function labelScale(cellWidth: number, cellHeight: number): number {
  return Math.max(1, Math.floor(Math.min(cellWidth, cellHeight) / 128));
}

/** Where the cells of a grid go. */
export interface GridLayout {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  /** Height of the column-label strip (0 without column labels). */
  readonly top: number;
  /** Width of the row-label strip (0 without row labels). */
  readonly left: number;
  /** Height of the legend strip under the cells (0 when every label fits in place). */
  readonly bottom: number;
  readonly labels: LabelPlan;
  readonly cellX: (col: number) => number;
  readonly cellY: (row: number) => number;
}

export function gridLayout(rows: number, cols: number, cellW: number, cellH: number, rowLabels: readonly string[], colLabels: readonly string[]): GridLayout {
  const scale = labelScale(cellW, cellH);
  const pad = 3 * scale;
  const labels = planLabels(rowLabels, colLabels, cellW, cellH, cols * cellW + (cols - 1) * GAP, scale);
  const strip = (lines: number) => (lines === 0 ? 0 : lines * lineHeight(scale) - LINE_GAP * scale + 2 * pad);
  const top = colLabels.some((l) => l !== '') ? strip(Math.max(1, ...labels.columns.map((l) => l.length))) : 0;
  const widest = Math.max(0, ...labels.rows.flat().map((l) => textWidth(l, scale)));
  const left = rowLabels.some((l) => l !== '') ? Math.min(widest, cellW) + 2 * pad : 0;
  const bottom = strip(labels.legend.length);
  return {
    width: left + cols * cellW + (cols - 1) * GAP,
    height: top + rows * cellH + (rows - 1) * GAP + bottom,
    scale,
    top,
    left,
    bottom,
    labels,
    cellX: (c) => left + c * (cellW + GAP),
    cellY: (r) => top + r * (cellH + GAP),
  };
}

/** The background, strips and labels: identical in every output frame, so drawn once. */
function backdrop(l: GridLayout, cellW: number, cellH: number): Image {
  const img: Image = { width: l.width, height: l.height, data: new Uint8Array(l.width * l.height * 3) };
  fillRect(img, 0, 0, l.width, l.height, BACKGROUND);
  const pad = 3 * l.scale;
  const lh = lineHeight(l.scale);
  l.labels.columns.forEach((lines, c) =>
    lines.forEach((text, i) => {
      drawText(img, l.cellX(c) + Math.floor((cellW - textWidth(text, l.scale)) / 2), pad + i * lh, text, l.scale, INK);
    }),
  );
  l.labels.rows.forEach((lines, r) => {
    const y0 = l.cellY(r) + Math.floor((cellH - (lines.length * lh - LINE_GAP * l.scale)) / 2);
    lines.forEach((text, i) => drawText(img, pad, y0 + i * lh, text, l.scale, INK));
  });
  const legendTop = l.height - l.bottom + pad;
  l.labels.legend.forEach((text, i) => drawText(img, pad, legendTop + i * lh, text, l.scale, INK));
  return img;
}

/**
 * An rows x cols grid of clips with column labels above and row labels on the left (pass [] or '' for none).
 * All clips must have the same size and frame count.
 */
export function grid(cells: readonly (readonly Frames[])[], rowLabels: readonly string[], colLabels: readonly string[]): Frames {
  const first = cells[0]?.[0];
  if (!first) throw new T2vError('grid: needs at least one clip');
  const rows = cells.length,
    cols = cells[0]!.length;
  if (cells.some((row) => row.length !== cols)) throw new T2vError('grid: every row needs the same number of clips');
  if (rowLabels.length !== 0 && rowLabels.length !== rows) throw new T2vError(`grid: ${rows} rows but ${rowLabels.length} row labels`);
  if (colLabels.length !== 0 && colLabels.length !== cols) throw new T2vError(`grid: ${cols} columns but ${colLabels.length} column labels`);
  for (const clip of cells.flat()) {
    if (clip.width !== first.width || clip.height !== first.height || clip.count !== first.count) {
      throw new T2vError(`grid: clips differ (${clip.width}x${clip.height}x${clip.count} vs ${first.width}x${first.height}x${first.count})`);
    }
  }
  const { width: cw, height: ch } = first;
  const layout = gridLayout(rows, cols, cw, ch, rowLabels, colLabels);
  const base = backdrop(layout, cw, ch);
  const out = makeFrames(layout.width, layout.height, first.count);
  const outBytes = frameBytes(out),
    rowBytes = cw * 3;
  for (let f = 0; f < first.count; f++) {
    const dest = out.data.subarray(f * outBytes, (f + 1) * outBytes);
    dest.set(base.data);
    cells.forEach((row, r) =>
      row.forEach((clip, c) => {
        const src = frameAt(clip, f);
        for (let y = 0; y < ch; y++) {
          dest.set(src.subarray(y * rowBytes, (y + 1) * rowBytes), ((layout.cellY(r) + y) * layout.width + layout.cellX(c)) * 3);
        }
      }),
    );
  }
  return out;
}

/** Two clips next to each other with a label above each, e.g. ["FreeU off", "FreeU on"] at the same seed. */
export function sideBySide(clips: readonly [Frames, Frames], labels: readonly [string, string]): Frames {
  return grid([clips], [], labels);
}

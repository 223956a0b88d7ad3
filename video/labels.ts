// Labels that always fit a grid: up to two lines per label in its strip, else short keys with a legend strip below.
import { GLYPH_HEIGHT } from './font5x7.js';
import { textWidth, wrapText } from './text.js';

/** Pixels between two text lines (at scale 1). */
export const LINE_GAP = 2;

export interface LabelPlan {
  /** Lines drawn above each column ([] for none). */
  readonly columns: readonly (readonly string[])[];
  /** Lines drawn left of each row ([] for none). */
  readonly rows: readonly (readonly string[])[];
  /** `A: full label` lines under the grid when a label did not fit where it goes. */
  readonly legend: readonly string[];
}

export function lineHeight(scale: number): number {
  return (GLYPH_HEIGHT + LINE_GAP) * scale;
}

/** Column keys A, B, ...; row keys 1, 2, ... */
function key(kind: 'column' | 'row', i: number): string {
  return kind === 'column' ? String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : '') : String(i + 1);
}

/** The legend's lines: each `key  label`, wrapped to the grid's width (as many lines as it takes). */
function legendLines(entries: readonly [string, string][], width: number, scale: number): string[] {
  const out: string[] = [];
  for (const [k, label] of entries) {
    const words = `${k}: ${label}`;
    const lines = wrapText(words, width, scale, Number.MAX_SAFE_INTEGER) ?? [words];
    out.push(...lines);
  }
  return out;
}

export function planLabels(rowLabels: readonly string[], colLabels: readonly string[], cellW: number, cellH: number, gridWidth: number, scale: number): LabelPlan {
  const pad = 3 * scale;
  const rowLines = Math.max(1, Math.min(2, Math.floor((cellH + LINE_GAP * scale) / lineHeight(scale))));
  const fitCols = colLabels.map((l) => wrapText(l, cellW - 2 * pad, scale, 2));
  const fitRows = rowLabels.map((l) => wrapText(l, cellW, scale, rowLines));
  const colsFit = fitCols.every((l) => l !== undefined);
  const rowsFit = fitRows.every((l) => l !== undefined);
  const legend: [string, string][] = [];
  const columns = colsFit ? (fitCols as string[][]) : colLabels.map((l, i) => (legend.push([key('column', i), l]), [key('column', i)]));
  const rows = rowsFit ? (fitRows as string[][]) : rowLabels.map((l, i) => (legend.push([key('row', i), l]), [key('row', i)]));
  return { columns, rows, legend: legendLines(legend, Math.max(gridWidth - 2 * pad, textWidth('W', scale)), scale) };
}

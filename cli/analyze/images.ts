// The picture figures: x0 over the steps split into low and high frequencies (Fig. 2), channel-mean feature maps (Fig. 14).
import { radialSplit } from '../../core/freeu/radial-split.js';
import { grid } from '../../video/compose.js';
import { makeFrames, type Frames } from '../../video/frames.js';

/** A decoded image, (H, W, 3) floats in [0, 1]. */
export interface Image01 {
  readonly width: number;
  readonly height: number;
  readonly rgb: Float32Array;
}

/** Nearest-neighbour resampling of `at(x, y)` (RGB bytes) to a cellW x cellH frame. */
function cell(cellW: number, cellH: number, w: number, h: number, at: (x: number, y: number) => readonly [number, number, number]): Frames {
  const f = makeFrames(cellW, cellH, 1);
  for (let y = 0; y < cellH; y++) {
    for (let x = 0; x < cellW; x++) f.data.set(at(Math.floor((x * w) / cellW), Math.floor((y * h) / cellH)), (y * cellW + x) * 3);
  }
  return f;
}

const byte = (v: number): number => Math.round(255 * Math.min(1, Math.max(0, v)));

function imageCell(img: Image01, scale: number, offset = 0): Frames {
  return cell(img.width * scale, img.height * scale, img.width, img.height, (x, y) => {
    const p = (y * img.width + x) * 3;
    return [byte(img.rgb[p]! + offset), byte(img.rgb[p + 1]! + offset), byte(img.rgb[p + 2]! + offset)];
  });
}

/** The image's low and high parts per colour plane (ideal radial low-pass at `cutoff` x pi). */
export function splitImage(img: Image01, cutoff: number): { low: Image01; high: Image01 } {
  const { width: w, height: h } = img;
  const planes = new Float32Array(3 * w * h);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) planes[c * w * h + i] = img.rgb[i * 3 + c]!;
  const { low, high } = radialSplit(planes, 3, h, w, cutoff);
  const back = (p: Float32Array): Image01 => {
    const rgb = new Float32Array(3 * w * h);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = p[c * w * h + i]!;
    return { width: w, height: h, rgb };
  };
  return { low: back(low), high: back(high) };
}

/** Fig. 2: one column per shown step; rows x0, its low part, its high part (shown as 0.5 + high), for each run. */
export function denoisingFigure(runs: readonly { readonly label: string; readonly x0: readonly Image01[] }[], columns: readonly string[], cutoff: number, scale: number): Frames {
  const rows: Frames[][] = [];
  const labels: string[] = [];
  for (const run of runs) {
    const parts = run.x0.map((img) => ({ img, ...splitImage(img, cutoff) }));
    rows.push(
      parts.map((p) => imageCell(p.img, scale)),
      parts.map((p) => imageCell(p.low, scale)),
      parts.map((p) => imageCell(p.high, scale, 0.5)),
    );
    labels.push(`${run.label}: x0`, `${run.label}: low`, `${run.label}: high`);
  }
  return grid(rows, labels, columns);
}

/** Viridis at a few stops, linearly interpolated: a perceptual map for feature intensity. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export interface MapRow {
  readonly label: string;
  readonly height: number;
  readonly width: number;
  /** Per frame, height * width values. */
  readonly frames: readonly (readonly number[])[];
  /** Rows with the same group share one colour range (off and on of one stage). */
  readonly group: number;
}

/** Fig. 14: channel-mean maps as viridis heat maps, one row per (stage, run), one column per frame, cells `cellW` x `cellH`. */
export function featureMapFigure(rows: readonly MapRow[], cellW: number, cellH: number): Frames {
  const range = new Map<number, [number, number]>();
  for (const r of rows) {
    const [lo, hi] = range.get(r.group) ?? [Infinity, -Infinity];
    const vals = r.frames.flat();
    range.set(r.group, [Math.min(lo, ...vals), Math.max(hi, ...vals)]);
  }
  const cells = rows.map((r) => {
    const [lo, hi] = range.get(r.group)!;
    return r.frames.map((m) => cell(cellW, cellH, r.width, r.height, (x, y) => viridis((m[y * r.width + x]! - lo) / (hi - lo))));
  });
  return grid(
    cells,
    rows.map((r) => r.label),
    rows[0]!.frames.map((_, i) => `frame ${i + 1}`),
  );
}

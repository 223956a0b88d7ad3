// Error measures of the golden README: relative L2 error, max abs error, exact equality.
import type { Metric, VerifyRun } from './types.js';

type Numeric = ArrayLike<number>;

/** ||out - ref|| / ||ref|| over the whole tensor (computed in float64). */
export function relativeError(out: Numeric, ref: Numeric): number {
  if (out.length !== ref.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = out[i]! - ref[i]!;
    num += d * d;
    den += ref[i]! * ref[i]!;
  }
  if (Number.isNaN(num)) return Infinity;
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

export function maxAbsError(out: Numeric, ref: Numeric): number {
  if (out.length !== ref.length) return Infinity;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(out[i]! - ref[i]!);
    if (Number.isNaN(d)) return NaN; // a NaN output is the worst error, never a pass
    if (d > m) m = d;
  }
  return m;
}

/** Number of differing elements (0 means equal); lengths that differ count as all different. */
export function mismatchCount(out: ArrayLike<number | bigint>, ref: ArrayLike<number | bigint>): number {
  if (out.length !== ref.length) return Math.max(out.length, ref.length);
  let n = 0;
  for (let i = 0; i < ref.length; i++) if (out[i] !== ref[i]) n++;
  return n;
}

export function measure(metric: Metric, out: Numeric, ref: Numeric): number {
  return metric === 'relative' ? relativeError(out, ref) : metric === 'max-abs' ? maxAbsError(out, ref) : mismatchCount(out, ref);
}

/** A run record for `name`, passing when error <= bound (exact: no mismatch). */
export function compare(name: string, metric: Metric, out: Numeric, ref: Numeric, bound: number): VerifyRun {
  const error = measure(metric, out, ref);
  return { name, metric, error, bound, pass: error <= bound };
}

/** Golden README bounds, in one place. */
export const BOUNDS = {
  rng: 1e-5,
  freeu: 1e-5,
  schedulerStep: 1e-5,
  network: 1e-4,
  pipelineLatents: 1e-4,
  pipelineFrames: 2e-3,
} as const;

export type Bounds = { readonly [K in keyof typeof BOUNDS]: number };

/**
 * fp16 graphs against the same float32 references. fp16 keeps 11 significant bits (unit roundoff 2^-11 = 4.9e-4); every
 * layer rounds its output once, so tens of layers put a network around 1e-3 relative: 5e-3 leaves room for the full-size
 * model's depth. Latents compound over the steps, and frames are 8-bit video (1/255 = 3.9e-3 per level): 1e-2 is under
 * three levels. The rest (the seeded latents, the host-side FreeU and scheduler math) does not change with precision.
 */
export const FP16_BOUNDS: Bounds = { ...BOUNDS, network: 5e-3, pipelineLatents: 5e-3, pipelineFrames: 1e-2 };

export function boundsFor(precision: 'fp32' | 'fp16'): Bounds {
  return precision === 'fp16' ? FP16_BOUNDS : BOUNDS;
}

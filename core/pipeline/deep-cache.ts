// DeepCache (Ma et al., CVPR 2024) in the sampling loop: which steps run the whole U-Net, and the cached feature between them.
import { settingRef, UsageError } from '../errors.js';
import type { DeepCacheUnet3dRunner, DeepFeature, ResidentUnet, Unet3dInputs } from '../runtime/index.js';
import { residentDeepCacheStep } from './resident-deep-cache.js';

/** DeepCache's step schedules: evenly spaced full steps, or denser early (the paper's non-uniform). */
export const DEEP_CACHE_SCHEDULES = ['uniform', 'non-uniform'] as const;
export type DeepCacheSchedule = (typeof DEEP_CACHE_SCHEDULES)[number];

export interface DeepCacheSettings {
  /** A full U-Net step every `interval` steps (1 = off). */
  readonly interval: number;
  /** Which skip of up_blocks[-1] the shallow steps keep: 0 = conv_in's (shallowest), k = down_blocks[0] layer k-1's. */
  readonly branch: number;
  readonly schedule: DeepCacheSchedule;
  /** The last `lastFull` steps run the whole U-Net too (the count of full steps stays the interval's); absent: 0. */
  readonly lastFull?: number;
}

/** DeepCache leaves the non-uniform centre and power to the user; ours, as fractions of the steps. */
export const NON_UNIFORM = { centerFraction: 0.3, pow: 1.4 } as const;

/** Python's principal `(-c) ** e` for c > 0, as [re, im]. */
function negPow(c: number, e: number): [number, number] {
  const r = c ** e;
  return [r * Math.cos(Math.PI * e), r * Math.sin(Math.PI * e)];
}

/**
 * DeepCache's `sample_from_quad_center` (sd/pipeline_stable_diffusion.py): `n` full steps out of `total`, packed around
 * `center` by a power law; Python's complex result of `(-center) ** (1 / pow)` and numpy's int32 cast of the real part
 * are kept, so the indices match the reference. The power drops by 0.02 until exactly `n` distinct indices come out.
 */
export function sampleFromQuadCenter(total: number, n: number, center: number, pow: number): number[] {
  for (let p = pow; p > 1; p -= 0.02) {
    const [sr, si] = center === 0 ? [0, 0] : negPow(center, 1 / p);
    const end = (total - center) ** (1 / p);
    const values = new Set<number>();
    const [stepRe, stepIm] = [(end - sr) / n, (0 - si) / n];
    for (let k = 0; k <= n; k++) {
      // numpy linspace: k * step + start, the last point exactly `end`; then numpy's complex power exp(p * log x)
      const re = k === n ? end : k * stepRe + sr;
      const im = k === n ? 0 : k * stepIm + si;
      const mod = Math.hypot(re, im);
      const v = center === 0 ? re ** p : mod === 0 ? 0 : Math.exp(p * Math.log(mod)) * Math.cos(p * Math.atan2(im, re));
      values.add(Math.trunc(v));
    }
    const sorted = [...values].sort((a, b) => a - b);
    const indices = [0, ...sorted.slice(1, -1).map((x) => x + center)];
    if (indices.length === n) return indices;
  }
  throw new UsageError(`${settingRef('deepCache.schedule')} non-uniform cannot place ${n} full steps in ${total} steps; use ${settingRef('deepCache.schedule')} uniform`);
}

/** `n` full steps out of `total` by the schedule (step 0 first). */
function scheduled(total: number, n: number, s: DeepCacheSettings, spread: boolean): number[] {
  // spread: evenly over `total` (room left for the final full steps); else DeepCache's every-`interval`
  if (s.schedule === 'uniform') return Array.from({ length: n }, (_, k) => (spread ? Math.round((k * total) / n) : k * s.interval));
  return sampleFromQuadCenter(total, n, Math.round(total * NON_UNIFORM.centerFraction), NON_UNIFORM.pow);
}

/**
 * The step indices that run the whole U-Net (DeepCache's `interval_seq`). With `lastFull` = k the final k steps are full
 * as well and the other full steps are placed over the steps before them, so the count (the cost) stays ceil(steps / interval):
 * the last steps set the fine detail that a cached deep feature blurs (measured on the embedded model, README).
 */
export function fullSteps(steps: number, s: DeepCacheSettings): number[] {
  if (s.interval <= 1) return Array.from({ length: steps }, (_, i) => i);
  const n = Math.ceil(steps / s.interval);
  const k = s.lastFull ?? 0;
  if (k === 0) return scheduled(steps, n, s, false);
  if (k >= n)
    throw new UsageError(
      `${settingRef('deepCache.lastFull')} ${k}: ${steps} steps at ${settingRef('deepCache.interval')} ${s.interval} have ${n} full steps, and the first must come before the last ${k}; use at most ${n - 1}`,
    );
  return [...scheduled(steps - k, n - k, s, true), ...Array.from({ length: k }, (_, i) => steps - k + i)];
}

export interface DeepCacheCounts {
  full: number;
  shallow: number;
}

/**
 * What a step does with a cached feature of `cachedRows` rows (null: none) for a sample of `rows` rows (batch x
 * frames): 'whole' feeds it to the shallow graph, 'half' its conditional (last) half, as when a conditional-only step
 * follows a guidance batch; 'full' runs the whole U-Net (a scheduled step, no cache, or a batch the cache cannot serve).
 */
export function cacheUse(cachedRows: number | null, rows: number, scheduled: boolean): 'full' | 'whole' | 'half' {
  if (cachedRows === null || scheduled) return 'full';
  return cachedRows === rows ? 'whole' : cachedRows === 2 * rows ? 'half' : 'full';
}

/** The feature's last `rows` rows (the conditional half of a guidance batch's). */
function lastRows(f: DeepFeature, rows: number): DeepFeature {
  const per = f.data.length / f.dims[0]!;
  return { data: f.data.subarray((f.dims[0]! - rows) * per), dims: [rows, ...f.dims.slice(1)] };
}

/**
 * A U-Net call per step with DeepCache: the whole U-Net on the schedule's steps (its deep feature cached), the shallow
 * branch on the others. A step whose batch the cached feature cannot serve (batch 1 cached, guidance batch 2 asked)
 * runs the whole U-Net and refreshes the cache. On webgpu `resident` runs the same rule on device tensors (resident-deep-cache.ts).
 */
export function deepCacheStepper(
  unet: DeepCacheUnet3dRunner,
  full: readonly number[],
): { run(x: Unet3dInputs, step: number): Promise<Float32Array>; readonly counts: DeepCacheCounts; readonly resident?: ResidentUnet } {
  const schedule = new Set(full);
  const counts: DeepCacheCounts = { full: 0, shallow: 0 };
  let cached: DeepFeature | null = null;
  return {
    counts,
    ...(unet.resident ? { resident: residentDeepCacheStep(unet.resident, schedule, counts) } : {}),
    async run(x, step) {
      const [batch, , frames] = x.sampleDims;
      const rows = batch * frames;
      const use = cacheUse(cached?.dims[0] ?? null, rows, schedule.has(step));
      if (cached && use !== 'full') {
        counts.shallow++;
        return unet.shallow(x, use === 'whole' ? cached : lastRows(cached, rows));
      }
      counts.full++;
      const r = await unet.full(x);
      cached = r.feature;
      return r.out;
    },
  };
}

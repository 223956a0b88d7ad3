// DeepCache and the guidance interval: schedules against DeepCache's code, the cached path against full runs of the golden U-Net.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheUse, deepCacheStepper, fullSteps, sampleFromQuadCenter } from '../../../core/pipeline/deep-cache.js';
import { guidedStep, sampleLatents, type UnetStep } from '../../../core/pipeline/sampler.js';
import { loadDeepCacheUnet3dFrom, loadUnet3dFrom, type DeepCacheUnet3dRunner, type Unet3dInputs, type Unet3dRunner } from '../../../core/runtime/index.js';
import { createScheduler } from '../../../core/schedulers/index.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { parseUnet3dConfig, type Unet3dConfig } from '../../../models/configs/unet3d.js';
import { readJsonFile } from '../../../models/json.js';
import { deepCacheEntry } from '../../../models/networks/unet3d.js';
import { golden, withTempDir } from '../../helpers.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xorshiftValues } from '../../../core/rng/xorshift.js';

// [total, n, center, pow, indices]: DeepCache's sample_from_quad_center run in Python 3 / numpy 2.4
const QUAD: [number, number, number, number, number[]][] = [
  [9, 5, 3, 1.4, [0, 2, 3, 4, 6]],
  [9, 5, 4, 1.2, [0, 2, 4, 5, 7]],
  [9, 3, 3, 1.4, [0, 3, 5]],
  [9, 3, 4, 1.2, [0, 4, 5]],
  [9, 2, 3, 1.4, [0, 3]],
  [20, 10, 6, 1.4, [0, 2, 4, 6, 7, 8, 10, 12, 15, 17]],
  [20, 10, 10, 1.2, [0, 3, 5, 7, 9, 10, 11, 13, 15, 17]],
  [20, 7, 6, 1.4, [0, 3, 5, 7, 10, 13, 16]],
  [20, 4, 10, 1.2, [0, 6, 10, 14]],
  [25, 13, 8, 1.4, [0, 2, 4, 6, 7, 8, 10, 11, 13, 15, 17, 20, 22]],
  [25, 13, 8, 1.2, [0, 2, 4, 6, 8, 9, 10, 12, 14, 16, 18, 20, 22]],
  [25, 9, 8, 1.4, [0, 3, 5, 8, 9, 12, 15, 18, 21]],
  [25, 5, 12, 1.2, [0, 6, 11, 14, 19]],
  [50, 25, 15, 1.4, [0, 2, 4, 6, 7, 9, 11, 12, 14, 15, 17, 18, 20, 22, 24, 26, 28, 30, 32, 35, 37, 39, 42, 44, 47]],
  [50, 17, 25, 1.2, [0, 4, 7, 10, 13, 16, 19, 22, 24, 26, 28, 31, 34, 37, 40, 43, 46]],
  [50, 10, 15, 1.4, [0, 5, 9, 13, 17, 21, 26, 31, 37, 43]],
];

describe('DeepCache schedules', () => {
  it.each(QUAD)('non-uniform (%i steps, %i full, centre %i, pow %f) matches DeepCache', (total, n, center, pow, want) => {
    expect(sampleFromQuadCenter(total, n, center, pow)).toEqual(want);
  });
  it.each([
    [9, 3, [0, 3, 6]],
    [10, 3, [0, 3, 6, 9]],
    [25, 5, [0, 5, 10, 15, 20]],
    [4, 1, [0, 1, 2, 3]],
  ] as const)('uniform, %i steps every %i', (steps, interval, want) => {
    expect(fullSteps(steps, { interval, branch: 0, schedule: 'uniform' })).toEqual(want);
  });
  it('non-uniform holds as many full steps as uniform', () => {
    expect(fullSteps(25, { interval: 3, branch: 0, schedule: 'non-uniform' })).toHaveLength(9);
  });
  // the first n - k full steps at round(j * (steps - k) / (n - k)), then the last k: round(22 / 6 * j) = 0, 4, 7, 11, 15, 18
  it.each([
    [25, 3, 3, [0, 4, 7, 11, 15, 18, 22, 23, 24]],
    [15, 2, 2, [0, 2, 4, 7, 9, 11, 13, 14]],
    [4, 2, 1, [0, 3]],
    [9, 3, 0, [0, 3, 6]],
  ] as const)('uniform, %i steps every %i, the last %i full', (steps, interval, lastFull, want) => {
    expect(fullSteps(steps, { interval, branch: 0, schedule: 'uniform', lastFull })).toEqual(want);
  });
  it('the last steps full keep the count of full steps, non-uniform too', () => {
    for (const schedule of ['uniform', 'non-uniform'] as const)
      for (const lastFull of [1, 2, 3, 4]) {
        const full = fullSteps(25, { interval: 3, branch: 0, schedule, lastFull });
        expect(full).toHaveLength(9);
        expect(full.slice(-lastFull)).toEqual(Array.from({ length: lastFull }, (_, i) => 25 - lastFull + i));
        expect(new Set(full).size).toBe(9);
        expect(full[0]).toBe(0);
      }
  });
  it('refuses more last full steps than leave step 0 its own, naming the setting', () => {
    expect(() => fullSteps(25, { interval: 3, branch: 0, schedule: 'uniform', lastFull: 9 })).toThrow(/^deepCache\.lastFull 9: 25 steps at deepCache\.interval 3 have 9 full steps.*use at most 8$/);
  });
});

describe('cache use per step (the host and the device steppers share it)', () => {
  it.each([
    [null, 16, false, 'full'],
    [16, 16, true, 'full'],
    [16, 16, false, 'whole'],
    [32, 16, false, 'half'],
    [16, 32, false, 'full'],
    [48, 16, false, 'full'],
  ] as const)('cached %s rows, sample %i rows, scheduled %s: %s', (cached, rows, scheduled, want) => {
    expect(cacheUse(cached, rows, scheduled)).toBe(want);
  });
});

describe('guidance interval', () => {
  it.each([
    [null, [true, true, true, true]],
    [
      [0, 1],
      [true, true, true, true],
    ],
    [
      [0.5, 1],
      [false, false, true, true],
    ],
    [
      [0, 0.5],
      [true, true, false, false],
    ],
    [
      [0.25, 0.75],
      [false, true, true, false],
    ],
  ] as const)('%o over 4 steps', (interval, want) => {
    expect([0, 1, 2, 3].map((i) => guidedStep(i, 4, interval))).toEqual(want);
  });
});

const UNET = golden('unet3d-small', 'unet');
const FREEU = { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, version: 1 as const };
let cacheDir: string;
let config: Unet3dConfig;
let plain: Unet3dRunner;
let cached: DeepCacheUnet3dRunner;

const noise = (n: number, seed: number): Float32Array => xorshiftValues(n, seed);
const DIMS = [1, 4, 3, 8, 8] as const;
function inputs(batch: number, seed: number, t = 500, freeu = FREEU): Unet3dInputs {
  const n = DIMS.slice(1).reduce<number>((a, b) => a * b, 1);
  return { sample: noise(batch * n, seed), sampleDims: [batch, 4, 3, 8, 8], timestep: t, encoderHiddenStates: noise(batch * 5 * 32, seed + 1), ehsDims: [batch, 5, 32], freeu };
}

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 't2v-deepcache-'));
  config = parseUnet3dConfig((await readJsonFile(join(UNET, 'config.json'))) as Record<string, unknown>);
  const opts = { device: 'cpu' as const, threads: 2, cacheDir };
  plain = await loadUnet3dFrom(config, { dir: UNET }, opts);
  cached = await loadDeepCacheUnet3dFrom(config, { dir: UNET }, opts, 0);
}, 300_000); // three graphs to build: seconds on an idle machine, minutes on a shared one
afterAll(async () => {
  await plain?.release();
  await cached?.release();
  await rm(cacheDir, { recursive: true, force: true });
});

async function sample(unet: UnetStep, steps: number, guidanceInterval: readonly [number, number] | null = null): Promise<Float32Array> {
  const scheduler = createScheduler('ddim', { num_train_timesteps: 1000, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
  scheduler.setTimesteps(steps);
  return sampleLatents({
    unet,
    scheduler,
    latents: noise(4 * 3 * 64, 3),
    dims: DIMS,
    cond: noise(5 * 32, 4),
    uncond: noise(5 * 32, 5),
    embedDims: [5, 32],
    guidanceScale: 7,
    freeu: { ...FREEU, start: 0, end: 1 },
    guidanceInterval,
  });
}

describe('DeepCache on the golden U-Net (unet3d-small, FreeU on)', () => {
  it('interval 1 (every step full, feature output on) is bit-identical to the plain U-Net', async () => {
    const stepper = deepCacheStepper(cached, fullSteps(4, { interval: 1, branch: 0, schedule: 'uniform' }));
    expect(Array.from(await sample(stepper, 4))).toEqual(Array.from(await sample(plain, 4)));
    expect(stepper.counts).toEqual({ full: 4, shallow: 0 });
  });

  it("the shallow graph fed the feature of a full run at the same input gives that run's output", async () => {
    const x = inputs(2, 11);
    const full = await cached.full(x);
    expect(Array.from(full.out)).toEqual(Array.from(await plain.run(x)));
    expect(full.feature.dims).toEqual([6, 16, 8, 8]);
    expect(relativeError(await cached.shallow(x, full.feature), full.out)).toBeLessThanOrEqual(1e-6);
  });

  it('a cached step of the loop equals a shallow run fed the feature of the previous full step', async () => {
    const seen: { x: Unet3dInputs; out: Float32Array }[] = [];
    const stepper = deepCacheStepper(cached, fullSteps(4, { interval: 2, branch: 0, schedule: 'uniform' }));
    await sample(
      {
        run: async (x, i) => {
          const out = await stepper.run(x, i);
          seen.push({ x, out });
          return out;
        },
      },
      4,
    );
    expect(stepper.counts).toEqual({ full: 2, shallow: 2 });
    const feature = (await cached.full(seen[0]!.x)).feature;
    expect(Array.from(await cached.shallow(seen[1]!.x, feature))).toEqual(Array.from(seen[1]!.out));
    // and it is not the full U-Net's answer (the deep part really was skipped)
    expect(relativeError(seen[1]!.out, await plain.run(seen[1]!.x))).toBeGreaterThan(1e-4);
  });

  it('FreeU on a cached step: its stages are in the deep part, so the step keeps the factors of the full step that filled the cache', async () => {
    const x = inputs(1, 21);
    const feature = (await cached.full(x)).feature;
    const off = { b1: 1, b2: 1, s1: 1, s2: 1, version: 1 as const };
    expect(Array.from(await cached.shallow({ ...x, freeu: off }, feature))).toEqual(Array.from(await cached.shallow(x, feature)));
    expect(relativeError((await cached.full({ ...x, freeu: off })).feature.data, feature.data)).toBeGreaterThan(1e-3);
  });

  it("a guidance batch's feature serves a conditional-only step with its second half; batch 1 cannot serve batch 2", async () => {
    const x2 = inputs(2, 31);
    const f2 = (await cached.full(x2)).feature;
    const per = x2.sample.length / 2;
    const x1: Unet3dInputs = { ...x2, sample: x2.sample.slice(per), sampleDims: [1, 4, 3, 8, 8], encoderHiddenStates: x2.encoderHiddenStates.slice(5 * 32), ehsDims: [1, 5, 32] };
    const both = await cached.shallow(x2, f2);
    const half = { data: f2.data.slice(f2.data.length / 2), dims: [3, ...f2.dims.slice(1)] };
    expect(relativeError(await cached.shallow(x1, half), both.subarray(per))).toBeLessThanOrEqual(1e-6);
    await expect(cached.shallow(x2, half)).rejects.toThrow(/feature has dims \[3, 16, 8, 8\] but this step needs 6 x 16/);
  });

  it('guidance interval [0.5, 1) with DeepCache: conditional-only steps first, then the guidance batch forces a full step', async () => {
    const batches: number[] = [];
    const stepper = deepCacheStepper(cached, fullSteps(4, { interval: 4, branch: 0, schedule: 'uniform' }));
    await sample(
      {
        run: (x, i) => {
          batches.push(x.sampleDims[0]);
          return stepper.run(x, i);
        },
      },
      4,
      [0.5, 1],
    );
    expect(batches).toEqual([1, 1, 2, 2]);
    // step 0 full (batch 1), 1 cached, 2 full again (a batch-1 feature cannot serve batch 2), 3 cached
    expect(stepper.counts).toEqual({ full: 2, shallow: 2 });
  });

  it('guidance interval [0, 1) is the same run as no interval, bit for bit', async () => {
    expect(Array.from(await sample(plain, 3, [0, 1]))).toEqual(Array.from(await sample(plain, 3)));
  });

  it.each([[-1], [3], [0.5]])('branch %d is refused in one line', (branch) => {
    expect(() => deepCacheEntry(config, branch)).toThrow(new RegExp(`^deepCache.branch ${branch}: this U-Net's up_blocks\\[-1\\] has 3 skips; expected 0..2 \\(0 = the shallowest\\)$`));
  });

  it.each([
    [1, [3, 16, 8, 8]],
    [2, [3, 32, 8, 8]],
  ])('branch %i (deeper skips) also reproduces the full output from its feature', async (branch, dims) => {
    await withTempDir(async (dir) => {
      const b1 = await loadDeepCacheUnet3dFrom(config, { dir: UNET }, { device: 'cpu', threads: 2, cacheDir: dir }, branch);
      try {
        const x = inputs(1, 41);
        const full = await b1.full(x);
        expect(full.feature.dims).toEqual(dims);
        expect(relativeError(await b1.shallow(x, full.feature), full.out)).toBeLessThanOrEqual(1e-6);
      } finally {
        await b1.release();
      }
    });
  });
});

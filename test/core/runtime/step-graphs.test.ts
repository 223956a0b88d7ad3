// The sampler's step graph on webgpu (GPU buffers in and out) against the host guidance + scheduler step, whole schedules.
// Runs on SwiftShader where there is no GPU (see test/core/verify/webgpu.test.ts).
import { existsSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyGuidance, duplicateBatch } from '../../../core/pipeline/guidance.js';
import { webgpuUnavailableReason } from '../../../core/runtime/device.js';
import { DeviceSteps } from '../../../core/runtime/step-graphs.js';
import { createSchedulerFromClass, type SchedulerClass } from '../../../core/schedulers/index.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { xorshiftValues } from '../../../core/rng/xorshift.js';

const skip = process.env.T2V_SKIP_WEBGPU === '1';
const SWIFTSHADER = process.env.T2V_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const BASE = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', set_alpha_to_one: false, steps_offset: 1, num_train_timesteps: 1000 };
const DIMS = [1, 4, 2, 3, 5] as const;
const N = DIMS.reduce((a: number, b: number) => a * b, 1);
let dev: DeviceSteps;

beforeAll(async () => {
  if (skip) return;
  const why = await webgpuUnavailableReason();
  if (why) throw new Error(`no WebGPU adapter (${why}): install chromium and libvulkan1 (see test/core/verify/webgpu.test.ts), or set T2V_SKIP_WEBGPU=1 to skip these tests`);
  dev = await DeviceSteps.create();
}, 300_000);
afterAll(async () => {
  await dev?.release();
});

const values = xorshiftValues;

describe.skipIf(skip)('device step graph = host guidance + scheduler step', () => {
  it.each<{ cls: SchedulerClass; config?: Record<string, unknown>; eta?: number; guidance: number; steps: number }>([
    { cls: 'DDIMScheduler', config: { clip_sample: true, clip_sample_range: 1.5 }, guidance: 7.5, steps: 4 },
    { cls: 'DDIMScheduler', config: { clip_sample: false }, eta: 0.7, guidance: 1, steps: 3 },
    { cls: 'DPMSolverMultistepScheduler', guidance: 9, steps: 5 },
    { cls: 'EulerDiscreteScheduler', config: { prediction_type: 'v_prediction' }, guidance: 7.5, steps: 4 },
  ])(
    '$cls $config eta $eta guidance $guidance x$steps',
    async ({ cls, config, eta, guidance, steps }) => {
      const host = createSchedulerFromClass(cls, { ...BASE, ...config });
      const device = createSchedulerFromClass(cls, { ...BASE, ...config });
      host.setTimesteps(steps);
      device.setTimesteps(steps);
      const batch = guidance > 1 ? 2 : 1;
      let x = values(N, 1, host.initNoiseSigma);
      const held: ort.Tensor[] = [];
      try {
        const first = await dev.prepare(x, DIMS, { divisor: device.inputDivisor(host.timesteps[0]!), batch });
        held.push(first.latents, first.next);
        let [xd, yPrev, input] = [first.latents, first.latents, first.next];
        for (const [i, t] of host.timesteps.entries()) {
          const hostInput = host.scaleModelInput(batch === 2 ? duplicateBatch(x) : x, t);
          const inputD = await dev.download(input);
          // the first input is the host's latents, bit for bit; later ones follow the device's own samples
          if (i === 0) expect(inputD).toEqual(hostInput);
          else expect(relativeError(inputD, hostInput), `U-Net input ${i}`).toBeLessThanOrEqual(2e-6);
          // the model output is fed to both; the device's sample is its own, so errors may accumulate over the schedule
          const out = values(N * batch, 10 + i, 1);
          const noise = values(N, 50 + i, 1);
          const m = batch === 2 ? applyGuidance(out, guidance) : out;
          x = host.step(m, t, x, eta ? { eta, varianceNoise: noise } : {});
          const outD = await dev.upload(out, [batch, ...DIMS.slice(1)]);
          const noiseD = await dev.upload(noise, DIMS);
          held.push(outD, noiseD);
          const nextT = host.timesteps[i + 1];
          const r = await dev.run({
            sample: xd,
            modelOutput: outD,
            yPrev,
            noise: noiseD,
            guidanceScale: guidance,
            step: device.affineStep(t, eta ? { eta } : {}),
            next: { divisor: nextT === undefined ? 1 : device.inputDivisor(nextT), batch },
          });
          held.push(r.prev, r.y, r.guided, r.next);
          expect(relativeError(await dev.download(r.guided), m), `guidance ${i}`).toBeLessThanOrEqual(1e-7);
          expect(relativeError(await dev.download(r.prev), x), `step ${i} (t=${t})`).toBeLessThanOrEqual(2e-6);
          [xd, yPrev, input] = [r.prev, r.y, r.next];
        }
      } finally {
        for (const t of held) t.dispose();
      }
    },
    120_000,
  );
});

describe.skipIf(skip)('device slice of a guidance batch', () => {
  it.each([
    [6, 3],
    [4, 4],
  ])('of %i rows, the last %i are copied exactly', async (total, rows) => {
    const x = values(total * 2 * 3, 7, 1);
    const t = await dev.upload(x, [total, 2, 3]);
    const half = await dev.lastRows(t, rows);
    try {
      expect(half.dims).toEqual([rows, 2, 3]);
      expect(await dev.download(half)).toEqual(x.subarray((total - rows) * 6));
    } finally {
      t.dispose();
      half.dispose();
    }
  });
});

// Each scheduler's affineStep (the device step's coefficients) against its float32 host step over whole schedules.
import { describe, expect, it } from 'vitest';
import { createSchedulerFromClass, type SchedulerClass } from '../../../core/schedulers/index.js';
import type { AffineStep } from '../../../core/schedulers/types.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { xorshiftValues } from '../../../core/rng/xorshift.js';

const BASE = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', set_alpha_to_one: false, steps_offset: 1, num_train_timesteps: 1000 };

const values = xorshiftValues;

/** The device graph's formula (core/runtime/step-graphs.ts), in double precision. */
function applyAffine(a: AffineStep, x: Float32Array, m: Float32Array, yPrev: Float32Array, noise: Float32Array): { prev: Float32Array; y: Float32Array } {
  const y = x.map((v, i) => a.kx * v + a.km * m[i]!);
  const prev = x.map((v, i) => a.ox * v + a.om * m[i]! + a.oy * Math.min(a.clip, Math.max(-a.clip, y[i]!)) + a.op * yPrev[i]! + a.on * noise[i]!);
  return { prev, y };
}

describe('affineStep reproduces step', () => {
  it.each<{ cls: SchedulerClass; config?: Record<string, unknown>; eta?: number; steps: number }>([
    { cls: 'DDIMScheduler', config: { clip_sample: false }, steps: 6 },
    { cls: 'DDIMScheduler', config: { clip_sample: true, clip_sample_range: 1.5 }, steps: 6 },
    { cls: 'DDIMScheduler', config: { clip_sample: false }, eta: 0.7, steps: 5 },
    { cls: 'DDIMScheduler', config: { clip_sample: false, prediction_type: 'sample' }, steps: 5 },
    { cls: 'DDIMScheduler', config: { clip_sample: false, prediction_type: 'v_prediction', timestep_spacing: 'trailing' }, steps: 5 },
    { cls: 'DPMSolverMultistepScheduler', steps: 6 },
    { cls: 'DPMSolverMultistepScheduler', config: { lower_order_final: false }, steps: 20 },
    { cls: 'DPMSolverMultistepScheduler', config: { solver_type: 'heun', prediction_type: 'v_prediction' }, steps: 5 },
    { cls: 'DPMSolverMultistepScheduler', config: { algorithm_type: 'dpmsolver', prediction_type: 'sample', final_sigmas_type: 'sigma_min' }, steps: 5 },
    { cls: 'DPMSolverMultistepScheduler', config: { algorithm_type: 'dpmsolver', solver_type: 'heun', final_sigmas_type: 'sigma_min' }, steps: 5 },
    { cls: 'EulerDiscreteScheduler', steps: 6 },
    { cls: 'EulerDiscreteScheduler', config: { prediction_type: 'v_prediction' }, steps: 5 },
    { cls: 'EulerDiscreteScheduler', config: { prediction_type: 'sample', timestep_spacing: 'leading' }, steps: 5 },
  ])('$cls $config eta $eta x$steps', ({ cls, config, eta, steps }) => {
    const host = createSchedulerFromClass(cls, { ...BASE, ...config });
    const device = createSchedulerFromClass(cls, { ...BASE, ...config });
    host.setTimesteps(steps);
    device.setTimesteps(steps);
    const n = 256;
    let x = values(n, 1, host.initNoiseSigma);
    let xd = x;
    let yPrev = x;
    for (const [i, t] of host.timesteps.entries()) {
      // one model output for both paths, fed the host's sample so that each step is compared on its own
      const m = values(n, 10 + i, 1);
      const noise = values(n, 50 + i, 1);
      const d = device.inputDivisor(t);
      expect(host.scaleModelInput(x, t)).toEqual(x.map((v) => v / d));
      const options = eta ? { eta, varianceNoise: noise } : {};
      const want = host.step(m, t, x, options);
      const got = applyAffine(device.affineStep(t, eta ? { eta } : {}), xd, m, yPrev, noise);
      expect(relativeError(got.prev, want), `step ${i} (t=${t})`).toBeLessThanOrEqual(2e-6);
      yPrev = got.y;
      x = want;
      xd = want;
    }
  });
});

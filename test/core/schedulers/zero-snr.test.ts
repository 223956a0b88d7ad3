// DDIM with zero terminal SNR, trailing spacing and v-prediction against diffusers' own scheduling_ddim.py chains.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../core/schedulers/index.js';

interface Run {
  steps: number;
  timesteps: number[];
  x0: number[];
  out: number[][];
  x: number[][];
}
const CASE = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/scheduler-zero-snr/ddim.json'), 'utf8')) as {
  config: Record<string, unknown>;
  runs: Run[];
};

/** ||a - b|| / ||b||: the golden README's measure for scheduler steps (bound 1e-5). */
function relError(a: Float32Array, b: readonly number[]): number {
  let num = 0,
    den = 0;
  b.forEach((v, i) => {
    num += (a[i]! - v) ** 2;
    den += v * v;
  });
  return Math.sqrt(num / den);
}

describe('DDIM, rescale_betas_zero_snr + trailing + v_prediction (diffusers v0.40.0)', () => {
  it.each(CASE.runs.map((r) => [r.steps, r] as const))('%i steps: the same timesteps and every step within 1e-5', (_steps, run) => {
    const s = createScheduler('ddim', CASE.config);
    s.setTimesteps(run.steps);
    expect(s.timesteps).toEqual(run.timesteps);
    run.timesteps.forEach((t, i) => {
      // each step from the reference's own input, so one step's error is measured, not the chain's
      const x = s.step(Float32Array.from(run.out[i]!), t, i === 0 ? Float32Array.from(run.x0) : Float32Array.from(run.x[i - 1]!));
      expect(relError(x, run.x[i]!)).toBeLessThan(1e-5);
    });
  });
});

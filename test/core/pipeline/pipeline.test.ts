import { describe, expect, it } from 'vitest';
import { frames01ToRgb, framesIntoBatch, imagesToFrames01 } from '../../../core/pipeline/frames.js';
import { validateRequest } from '../../../core/pipeline/validate.js';
import { applyGuidance } from '../../../core/pipeline/guidance.js';
import type { GenerateRequest } from '../../../core/pipeline/types.js';
import { verifyCase } from '../../../core/verify/run.js';
import { golden } from '../../helpers.js';

describe('pipeline parity with diffusers (golden pipeline-tiny: DDIM with and without FreeU, DPM-Solver++ with FreeU and a negative prompt, Euler)', () => {
  it('every embedding, step and frame is within its bound', async () => {
    const report = await verifyCase(golden('pipeline-tiny'));
    const failed = report.runs.filter((r) => !r.pass).map((r) => `${r.name}: ${r.error} > ${r.bound}`);
    expect(failed).toEqual([]);
    expect(report.pass).toBe(true);
    // 4 runs x (2 embeds + latents + frames) + 3 + 3 + 4 + 4 steps
    expect(report.runs.length).toBe(4 * 4 + 14);
  });
});

describe('pipeline pieces', () => {
  it('guidance: uncond + g * (cond - uncond)', () => {
    expect(Array.from(applyGuidance(new Float32Array([1, 2, 3, 6]), 2))).toEqual([5, 10]);
  });

  it('frames: [-1, 1] images to clamped [0, 1], channels last, rounded half to even', () => {
    const images = new Float32Array([-1, 1, 3, -3, 0, 0.5, /* frame 2 */ 0, 0, 0, 0, 0, 0]);
    const f = imagesToFrames01(images, 2, 1, 2);
    expect(Array.from(f.subarray(0, 6))).toEqual([0, 1, 0.5, 1, 0, 0.75]);
    expect(Array.from(frames01ToRgb(new Float32Array([0.5 / 255, 1.5 / 255, 2.5 / 255, 1])))).toEqual([0, 2, 2, 255]);
  });

  it('folds (1, C, F, h, w) into (F, C, h, w)', () => {
    const x = new Float32Array([0, 1, 2, 10, 11, 12]); // C=2, F=3, plane 1
    expect(Array.from(framesIntoBatch(x, 2, 3, 1))).toEqual([0, 10, 1, 11, 2, 12]);
  });

  const base: GenerateRequest = { prompt: 'p', steps: 3, guidanceScale: 6, frames: 4, width: 32, height: 32, scheduler: 'ddim' };
  it.each([
    [{ width: 33 }, /^width 33: must be a multiple of 2/],
    [{ height: 30 }, null],
    [{ frames: 0 }, /^frames 0: expected a whole number >= 1/],
    [{ frames: -1 }, /^frames -1/],
    [{ steps: 0 }, /^steps 0/],
    [{ guidanceScale: 0.5 }, /^guidanceScale 0.5: expected a number >= 1/],
    [{ seed: -1n }, /^seed -1/],
    [{ seed: 1n << 64n }, /^seed/],
  ] as const)('validate %o', (change, pattern) => {
    const run = () => validateRequest({ ...base, ...change } as GenerateRequest, 2);
    if (pattern) expect(run).toThrow(pattern);
    else expect(run).not.toThrow();
  });
});

// The pipeline's recording hook: the same video with it on, one record per step with both FreeU stages, and x0 as diffusers computes it.
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../../core/pipeline/pipeline.js';
import { recordingHooks, type StepRecord } from '../../../core/pipeline/record.js';
import type { GenerateRequest } from '../../../core/pipeline/types.js';
import { alphasCumprod } from '../../../core/schedulers/betas.js';
import { parseSchedulerConfig } from '../../../core/schedulers/config.js';
import { golden, useTempCache } from '../../helpers.js';

useTempCache();
const MODEL = golden('pipeline-tiny', 'model');
const FREEU = { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2, version: 1 as const, start: 0, end: 1 };
const REQUEST: GenerateRequest = { prompt: 'a red circle', seed: 7n, steps: 3, guidanceScale: 6, frames: 2, width: 32, height: 32, scheduler: 'ddim', freeu: FREEU };

describe('generate with onRecord', () => {
  it('makes the same frames bit for bit, and hands over every step: x0 and both stages of the guidance batch', async () => {
    const pipe = await loadPipeline(MODEL, { device: 'cpu', threads: 2, sessions: 'keep' });
    try {
      const plain = await pipe.generate(REQUEST);
      const records: StepRecord[] = [];
      const recorded = await pipe.generate(REQUEST, {
        onRecord: (r) => {
          records.push(r);
        },
      });
      expect(recorded.frames01).toEqual(plain.frames01);
      expect(pipe.stats.sessionsCreated.unet).toBe(2); // the recording graph is its own session, beside the plain one
      expect(records.map((r) => r.step)).toEqual([0, 1, 2]);
      const layers = pipe.configs.unetConfig.layersPerBlock + 1;
      for (const r of records) {
        expect(r.total).toBe(3);
        expect(r.guided).toBe(true);
        expect(r.dims).toEqual([1, 4, 2, 16, 16]); // 32 px through a 2x VAE
        expect(r.x0.length).toBe(4 * 2 * 16 * 16);
        expect(r.recorded.length).toBe(2 * (layers * 4 + 1));
        expect(new Set(r.recorded.map((t) => t.stage))).toEqual(new Set([0, 1]));
        for (const t of r.recorded) expect(t.dims[0]).toBe(2 * 2); // (uncond, cond) x frames
      }
      // FreeU on: the backbone's first half is b times what it was, at stage 0 of every step
      const before = records[1]!.recorded.find((t) => t.stage === 0 && t.layer === 0 && t.kind === 'backbone_before')!;
      const after = records[1]!.recorded.find((t) => t.stage === 0 && t.layer === 0 && t.kind === 'backbone_after')!;
      expect(after.data[0]).toBe(Math.fround(before.data[0]! * Math.fround(1.3)));
    } finally {
      await pipe.release();
    }
  });
});

describe('recordingHooks', () => {
  it("x0 is DDIM's pred_original_sample (x - sqrt(1 - a) eps) / sqrt(a) at the step's timestep", async () => {
    const config = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', prediction_type: 'epsilon' };
    const ac = alphasCumprod(parseSchedulerConfig('DDIMScheduler', config), false);
    const got: StepRecord[] = [];
    const hooks = recordingHooks(config, 'ddim', [1, 1, 1, 1, 2], 5, (r) => {
      got.push(r);
    });
    hooks.onRecorded(2, [], true);
    await hooks.onOutput(2, new Float32Array([0.5, -1]), new Float32Array([0.25, 0.75]), 601);
    const a = ac[601]!;
    const want = [0.5, -1].map((x, i) => (x - Math.sqrt(1 - a) * [0.25, 0.75][i]!) / Math.sqrt(a));
    expect(got).toHaveLength(1);
    expect(got[0]!.step).toBe(2);
    expect(got[0]!.guided).toBe(true);
    got[0]!.x0.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });
});

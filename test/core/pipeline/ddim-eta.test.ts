import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPipeline } from '../../../core/pipeline/pipeline.js';
import { fillNormal } from '../../../core/rng/index.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { verifyCase } from '../../../core/verify/run.js';
import { SafetensorsFile } from '../../../models/safetensors.js';
import { golden } from '../../helpers.js';

const CASE = fileURLToPath(new URL('../../fixtures/ddim-eta/', import.meta.url));

describe('DDIM eta > 0 against diffusers (test/fixtures/ddim-eta: TextToVideoSDPipeline with a seeded generator)', () => {
  it('embeddings, latents, every step and the frames are within their bounds', async () => {
    const report = await verifyCase(CASE);
    const failed = report.runs.filter((r) => !r.pass).map((r) => `${r.name}: ${r.error} > ${r.bound}`);
    expect(failed).toEqual([]);
    // 2 runs x (2 embeds + latents + frames) + 4 + 3 steps
    expect(report.runs.length).toBe(2 * 4 + 7);
    for (const r of report.runs) console.log(`${r.name.padEnd(34)} ${r.metric.padEnd(9)} ${r.error.toExponential(2)} <= ${r.bound}`);
  });
});

describe('the eta reference can fail', () => {
  // what the case pins down: the noise comes from the latents' generator, drawn per step in diffusers' (F, C, h, w) order
  it.each([
    ['eta 0 instead of 0.5', { eta: 0, layout: 'diffusers' }],
    ['noise drawn in (C, F, h, w) order', { eta: 0.5, layout: 'ours' }],
  ] as const)('%s misses step0 by far', async (_name, variant) => {
    const caseJson = JSON.parse(await readFile(join(CASE, 'case.json'), 'utf8')) as { runs: { key: string; prompt: string; steps: number; guidance_scale: number; latents_seed: number }[] };
    const run = caseJson.runs[0]!;
    const tensors = await SafetensorsFile.open(join(CASE, 'tensors.safetensors'));
    const pipe = await loadPipeline(golden('pipeline-tiny', 'model'), { device: 'cpu', sessions: 'keep' });
    try {
      const embeds = await pipe.encodePrompt(run.prompt, undefined, true);
      const scheduler = pipe.scheduler('ddim', run.steps);
      const { latents, dims, generator } = pipe.prepareLatents({ frames: 4, height: 32, width: 32 }, BigInt(run.latents_seed), scheduler);
      // 'ours': a scheduler that draws the noise itself, in our (1, C, F, h, w) layout
      const wrapped =
        variant.layout === 'ours'
          ? {
              ...scheduler,
              timesteps: scheduler.timesteps,
              initNoiseSigma: 1,
              scaleModelInput: (x: Float32Array) => x,
              setTimesteps: () => undefined,
              step: (m: Float32Array, t: number, x: Float32Array) => scheduler.step(m, t, x, { eta: variant.eta, varianceNoise: fillNormal(new Float32Array(x.length), generator) }),
            }
          : scheduler;
      const steps: Float32Array[] = [];
      await pipe.denoise(
        { scheduler: wrapped, latents, dims, embeds, guidanceScale: run.guidance_scale, freeu: null, eta: variant.layout === 'ours' ? 0 : variant.eta, generator },
        { onLatents: (_i, x) => steps.push(x) },
      );
      expect(relativeError(steps[0]!, await tensors.readFloat32(`${run.key}_step0`))).toBeGreaterThan(1e-2);
    } finally {
      await pipe.release();
      await tensors.close();
    }
  });
});

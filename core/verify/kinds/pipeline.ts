// Verify kind `pipeline`: whole TextToVideoSDPipeline runs (embeds, per-step latents, frames) against diffusers.
import { join } from 'node:path';
import { T2vError } from '../../errors.js';
import { loadPipeline } from '../../pipeline/pipeline.js';
import type { FreeUFactors, FreeUSettings, SchedulerName } from '../../common/types.js';
import { openModelFolder } from '../../../models/folder.js';
import { compare } from '../metrics.js';
import type { VerifyContext, VerifyRun } from '../types.js';

interface PipelineRun {
  readonly key: string;
  readonly prompt: string;
  readonly negative_prompt: string | null;
  readonly scheduler: SchedulerName;
  readonly steps: number;
  readonly guidance_scale: number;
  readonly freeu: FreeUFactors | null;
  /** Seeds the generator: it draws the initial latents, then (eta > 0) each step's variance noise. */
  readonly latents_seed: number;
  /** DDIM's eta (absent: 0). */
  readonly eta?: number;
  readonly num_frames: number;
  readonly height: number;
  readonly width: number;
  readonly scheduler_config: Record<string, unknown>;
}

export async function verifyPipeline(ctx: VerifyContext): Promise<VerifyRun[]> {
  const runs = ctx.caseJson.runs as PipelineRun[] | undefined;
  if (!Array.isArray(runs)) throw new T2vError(`${ctx.dir}/case.json has no runs`);
  // one pipeline for every run, sessions kept: each network loads once, as in diffusers' from_pretrained
  // the model folder: `model` in case.json (relative to the case), else model/ inside it
  const modelDir = join(ctx.dir, typeof ctx.caseJson.model === 'string' ? ctx.caseJson.model : 'model');
  const pipe = await loadPipeline(await openModelFolder(modelDir, 'golden'), { device: ctx.device, precision: ctx.precision, sessions: 'keep' });
  const results: VerifyRun[] = [];
  try {
    for (const run of runs) {
      const ref = (name: string) => ctx.tensors.readFloat32(`${run.key}_${name}`);
      const embeds = await pipe.encodePrompt(run.prompt, run.negative_prompt ?? undefined, run.guidance_scale > 1);
      results.push(compare(`${run.key} prompt_embeds`, 'relative', embeds.cond, await ref('prompt_embeds'), ctx.bounds.pipelineLatents));
      if (embeds.uncond) results.push(compare(`${run.key} negative_prompt_embeds`, 'relative', embeds.uncond, await ref('negative_prompt_embeds'), ctx.bounds.pipelineLatents));

      const scheduler = pipe.scheduler(run.scheduler, run.steps, run.scheduler_config);
      const { noise, latents, dims, generator } = pipe.prepareLatents({ frames: run.num_frames, height: run.height, width: run.width }, BigInt(run.latents_seed), scheduler);
      results.push(compare(`${run.key} latents (seed ${run.latents_seed})`, 'max-abs', noise, await ref('latents'), ctx.bounds.rng));
      const steps: Float32Array[] = [];
      const freeu: FreeUSettings | null = run.freeu ? { ...run.freeu, version: 1, start: 0, end: 1 } : null;
      const input = { scheduler, latents, dims, embeds, guidanceScale: run.guidance_scale, freeu, eta: run.eta ?? 0, generator };
      const final = await pipe.denoise(input, { onLatents: (_i, x) => steps.push(x) });
      for (let i = 0; i < steps.length; i++) {
        results.push(compare(`${run.key} step${i}`, 'relative', steps[i]!, await ref(`step${i}`), ctx.bounds.pipelineLatents));
      }
      const { frames01 } = await pipe.decode(final, dims);
      results.push(compare(`${run.key} frames`, 'max-abs', frames01, await ref('frames'), ctx.bounds.pipelineFrames));
    }
  } finally {
    await pipe.release();
  }
  return results;
}

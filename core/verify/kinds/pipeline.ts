// Verify kind `pipeline`: whole TextToVideoSDPipeline runs (embeds, per-step latents, frames) against diffusers.
import { join } from 'node:path';
import { T2vError } from '../../errors.js';
import { decodeLatents } from '../../pipeline/decode.js';
import { encodePrompts } from '../../pipeline/prompt.js';
import { sampleLatents, scaleInitialNoise } from '../../pipeline/sampler.js';
import type { FreeUSettings, SchedulerName } from '../../pipeline/types.js';
import { randn } from '../../rng/index.js';
import { createScheduler } from '../../schedulers/index.js';
import { loadTokenizer } from '../../tokenizer/index.js';
import { openModelFolder } from '../../../models/folder.js';
import { partsFromFolder } from '../../pipeline/parts.js';
import { BOUNDS, compare } from '../metrics.js';
import type { VerifyContext, VerifyRun } from '../types.js';

interface PipelineRun {
  readonly key: string;
  readonly prompt: string;
  readonly negative_prompt: string | null;
  readonly scheduler: SchedulerName;
  readonly steps: number;
  readonly guidance_scale: number;
  readonly freeu: { b1: number; b2: number; s1: number; s2: number } | null;
  readonly latents_seed: number;
  readonly num_frames: number;
  readonly height: number;
  readonly width: number;
  readonly scheduler_config: Record<string, unknown>;
}

export async function verifyPipeline(ctx: VerifyContext): Promise<VerifyRun[]> {
  const runs = ctx.caseJson.runs as PipelineRun[] | undefined;
  if (!Array.isArray(runs)) throw new T2vError(`${ctx.dir}/case.json has no runs`);
  const parts = await partsFromFolder(await openModelFolder(join(ctx.dir, 'model'), 'golden'));
  const scale = parts.vaeConfig.scaleFactor;
  const opts = { device: ctx.device };
  const tokenizer = await loadTokenizer(parts.tokenizerDir);
  const encoder = await parts.loadTextEncoder(opts);
  const unet = await parts.loadUnet(opts);
  const vae = await parts.loadVae(opts);
  const results: VerifyRun[] = [];
  try {
    for (const run of runs) {
      const ref = (name: string) => ctx.tensors.readFloat32(`${run.key}_${name}`);
      const guided = run.guidance_scale > 1;
      const embeds = await encodePrompts(tokenizer, encoder, run.prompt, run.negative_prompt ?? undefined, guided);
      results.push(compare(`${run.key} prompt_embeds`, 'relative', embeds.cond, await ref('prompt_embeds'), BOUNDS.pipelineLatents));
      if (embeds.uncond) results.push(compare(`${run.key} negative_prompt_embeds`, 'relative', embeds.uncond, await ref('negative_prompt_embeds'), BOUNDS.pipelineLatents));

      const dims = [1, parts.unetConfig.inChannels, run.num_frames, run.height / scale, run.width / scale] as const;
      const noise = randn(dims, BigInt(run.latents_seed));
      results.push(compare(`${run.key} latents (seed ${run.latents_seed})`, 'max-abs', noise, await ref('latents'), BOUNDS.rng));
      const scheduler = createScheduler(run.scheduler, run.scheduler_config);
      scheduler.setTimesteps(run.steps);
      const start = scaleInitialNoise(noise, scheduler.initNoiseSigma);
      const steps: Float32Array[] = [];
      const freeu: FreeUSettings | null = run.freeu ? { ...run.freeu, version: 1, start: 0, end: 1 } : null;
      const final = await sampleLatents({
        unet, scheduler, latents: start, dims, cond: embeds.cond, uncond: embeds.uncond, embedDims: embeds.dims,
        guidanceScale: run.guidance_scale, freeu, onStep: (_i, x) => steps.push(x),
      });
      for (let i = 0; i < steps.length; i++) {
        results.push(compare(`${run.key} step${i}`, 'relative', steps[i]!, await ref(`step${i}`), BOUNDS.pipelineLatents));
      }
      const { frames01 } = await decodeLatents(final, dims, { vae, scalingFactor: parts.vaeConfig.scalingFactor });
      results.push(compare(`${run.key} frames`, 'max-abs', frames01, await ref('frames'), BOUNDS.pipelineFrames));
    }
  } finally {
    await Promise.all([encoder.release(), unet.release(), vae.release()]);
  }
  return results;
}

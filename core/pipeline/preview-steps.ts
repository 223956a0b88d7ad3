// Which steps a run previews and what it emits there: the x0 estimate of that step through a latent->RGB map fitted at that step.
import type { LoadOptions, VaeDecoderRunner } from '../runtime/index.js';
import { alphasCumprod } from '../schedulers/betas.js';
import { parseSchedulerConfig } from '../schedulers/config.js';
import { SCHEDULER_CLASSES } from '../schedulers/index.js';
import type { PipelineParts } from './parts.js';
import { cleanEstimate, fitOnFrame, projectFrames, type LatentRgb } from './preview.js';
import type { GenerateRequest, ProgressEvent, SchedulerName } from './types.js';

export interface PreviewProjector {
  /** Whether step i is previewed. */
  readonly previews: (i: number) => boolean;
  readonly onOutput: (i: number, sampleVp: Float32Array, output: Float32Array, t: number) => Promise<void>;
  /** Frees the VAE (after sampling, or an interrupted run). */
  readonly release: () => Promise<void>;
}

type Dims = readonly [number, number, number, number, number];

/** x0 (diffusers' pred_original_sample) at timestep t from the U-Net's variance-preserving input and guided output; exact at integer timesteps. */
export function cleanEstimator(schedulerConfig: Readonly<Record<string, unknown>>, scheduler: SchedulerName): (sampleVp: Float32Array, output: Float32Array, t: number) => Float32Array {
  const cfg = parseSchedulerConfig(SCHEDULER_CLASSES[scheduler], schedulerConfig);
  const ac = alphasCumprod(cfg, false);
  return (sampleVp, output, t) => cleanEstimate(sampleVp, output, ac[Math.min(ac.length - 1, Math.max(0, Math.round(t)))]!, cfg.predictionType);
}

/** The VAE stays loaded through sampling: each previewed step decodes one frame of x0 to fit the map for all frames. */
export async function previewProjector(parts: PipelineParts, req: GenerateRequest, opts: LoadOptions, dims: Dims, emit: (e: ProgressEvent) => void): Promise<PreviewProjector> {
  let vae: VaeDecoderRunner | undefined = await parts.loadVae(opts);
  let map: LatentRgb | undefined;
  const estimate = cleanEstimator(parts.schedulerConfig, req.scheduler);
  const every = Math.max(1, req.previewEvery ?? 1);
  const release = async () => {
    const v = vae;
    vae = undefined;
    await v?.release();
  };
  const previews = (i: number): boolean => i === req.steps - 1 || (i + 1) % every === 0;
  return {
    release,
    previews,
    onOutput: async (i, sampleVp, output, t) => {
      if (!previews(i)) return;
      const x0 = estimate(sampleVp, output, t);
      // refitted at every previewed step: the VAE is not linear, and a map fitted on an early, faint x0 dims later ones
      if (vae) map = await fitOnFrame(vae, x0, dims, parts.vaeConfig.scalingFactor);
      if (map) emit({ phase: 'preview', step: i + 1, total: req.steps, frames: projectFrames(x0, dims, map) });
    },
  };
}

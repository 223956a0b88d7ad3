// The analysis's generations: one per FreeU setting at the same seed, recorded and reduced step by step, x0 decoded at the shown steps.
import type { FreeUSettings } from '../../core/pipeline/types.js';
import type { GenerationPipeline } from '../deps.js';
import { toRequest } from '../run-generation.js';
import type { Settings } from '../settings.js';
import type { Image01 } from './images.js';
import { runRecorder, type RunReduction } from './reduce.js';

export interface Variant {
  readonly label: string;
  readonly freeu: FreeUSettings | null;
}

export interface AnalyzedRun extends Variant {
  readonly reduction: RunReduction;
  /** The decoded middle frame of x0 at each of the x0 steps. */
  readonly x0: Map<number, Image01>;
  readonly seconds: number;
}

export interface RunPlan {
  /** Steps whose channel-mean maps are kept. */
  readonly mapSteps: readonly number[];
  /** Steps whose x0 is decoded (Fig. 2). */
  readonly x0Steps: readonly number[];
  /** Only the spectra of these runs are needed (the b1 sweep): no x0 is decoded for them. */
  readonly spectraOnly?: boolean;
}

/** Runs `variant` on the settings' prompt and seed; DeepCache off (recording needs the whole U-Net every step). */
export async function analyzeRun(pipeline: GenerationPipeline, settings: Settings, variant: Variant, plan: RunPlan, signal?: AbortSignal): Promise<AnalyzedRun> {
  const t0 = performance.now();
  const { run, onRecord } = runRecorder(plan.mapSteps, plan.spectraOnly ? [] : plan.x0Steps);
  await pipeline.generate({ ...toRequest({ ...settings, freeu: variant.freeu }), deepCache: null }, { onRecord, ...(signal ? { signal } : {}) });
  const x0 = new Map<number, Image01>();
  for (const [step, z] of run.x0) {
    const decoded = await pipeline.decode(z, run.latentDims!, signal ? { signal } : {});
    x0.set(step, { width: decoded.width, height: decoded.height, rgb: decoded.frames01 });
  }
  return { ...variant, reduction: run, x0, seconds: (performance.now() - t0) / 1000 };
}

// FreeU lab recording: per step, the tensors at both FreeU stages and the clean-image estimate x0, handed to the caller.
import { UsageError } from '../errors.js';
import type { LoadOptions, RecordedTensor, Unet3dRunner } from '../runtime/index.js';
import type { PipelineParts } from './parts.js';
import type { UnetStep } from './sampler.js';
import { cleanEstimator } from './preview-steps.js';
import type { SchedulerName } from './types.js';

export type { RecordedTensor };

/** What one denoising step recorded; the caller reduces it (nothing here is kept after the call). */
export interface StepRecord {
  /** 0-based step index, of `total`. */
  readonly step: number;
  readonly total: number;
  readonly timestep: number;
  /**
   * x0 in latent space (1, C, F, h, w), as the scheduler's pred_original_sample (before 1 / scaling_factor): tiny
   * beside the decoded frames, so a caller keeps the steps it wants and decodes those after sampling.
   */
  readonly x0: Float32Array;
  readonly dims: readonly [number, number, number, number, number];
  /** Both FreeU stages' tensors; their batch is (uncond, cond) x frames when `guided`, cond x frames otherwise. */
  readonly recorded: readonly RecordedTensor[];
  readonly guided: boolean;
}

export type OnRecord = (r: StepRecord) => Promise<void> | void;

/** The generate hook (pipeline.ts GenerateHooks extends it). */
export interface RecordHook {
  /** FreeU lab: runs the recording U-Net graph (DeepCache off) and hands over each step's record. */
  readonly onRecord?: OnRecord;
}

/** The denoise hook (pipeline.ts DenoiseHooks extends it). */
export interface RecordedHook {
  /** Runs the recording U-Net graph: after each U-Net call, the tensors at both FreeU stages. */
  readonly onRecorded?: (index: number, recorded: readonly RecordedTensor[], guided: boolean) => void;
}

/** The recording U-Net, refused with DeepCache on before anything loads (recording needs the whole U-Net every step). */
export function loadRecordingUnet(parts: Pick<PipelineParts, 'loadRecordingUnet'>, opts: LoadOptions, deepCache: unknown): Promise<Unet3dRunner> {
  if (deepCache) return Promise.reject(new UsageError('recording the FreeU stages needs the whole U-Net at every step; turn DeepCache off'));
  return parts.loadRecordingUnet(opts);
}

/** The two denoise hooks that make StepRecords: the U-Net's recording (first), then the guided output (x0). */
export interface RecordingHooks {
  readonly onRecorded: (step: number, recorded: readonly RecordedTensor[], guided: boolean) => void;
  readonly onOutput: (step: number, sampleVp: Float32Array, output: Float32Array, timestep: number) => Promise<void>;
}

export function recordingHooks(
  schedulerConfig: Readonly<Record<string, unknown>>,
  scheduler: SchedulerName,
  dims: StepRecord['dims'],
  total: number,
  onRecord: OnRecord,
  after?: (step: number, sampleVp: Float32Array, output: Float32Array, timestep: number) => Promise<void> | void,
): RecordingHooks {
  const estimate = cleanEstimator(schedulerConfig, scheduler);
  let pending: { step: number; recorded: readonly RecordedTensor[]; guided: boolean } | undefined;
  return {
    onRecorded: (step, recorded, guided) => {
      pending = { step, recorded, guided };
    },
    onOutput: async (step, sampleVp, output, timestep) => {
      await after?.(step, sampleVp, output, timestep);
      const p = pending?.step === step ? pending : { recorded: [], guided: false };
      pending = undefined;
      await onRecord({ step, total, timestep, x0: estimate(sampleVp, output, timestep), dims, recorded: p.recorded, guided: p.guided });
    },
  };
}

/** The sampler's U-Net call on the recording graph: the output goes on, the recorded tensors to `onRecorded` (batch 2: guided). */
export function recordingStep(unet: Unet3dRunner, onRecorded: RecordingHooks['onRecorded']): UnetStep {
  return {
    run: async (x, i) => {
      const r = await unet.runRecorded(x);
      onRecorded(i, r.recorded, x.sampleDims[0] === 2);
      return r.out;
    },
  };
}

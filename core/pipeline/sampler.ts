// The denoising loop of TextToVideoSDPipeline: one U-Net call on the guidance batch per step, then a scheduler step.
import { T2vError } from '../errors.js';
import { freeuFactorsForStep } from '../freeu/schedule.js';
import type { Scheduler } from '../schedulers/index.js';
import type { ResidentUnet, Unet3dInputs } from '../runtime/index.js';
import type { TorchGenerator } from '../rng/index.js';
import { applyGuidance, concatBatch, duplicateBatch } from './guidance.js';
import { sampleResident } from './resident-sampler.js';
import { checkFinite, guidedStep, throwIfAborted, varianceNoise } from './step-helpers.js';

export { checkFinite, guidedStep, throwIfAborted, varianceNoise } from './step-helpers.js';
import type { FreeUSettings } from './types.js';

/** One U-Net call per step: a plain runner, or DeepCache's stepper (deep-cache.ts) that picks its graph by step. */
export interface UnetStep {
  run(x: Unet3dInputs, step: number): Promise<Float32Array>;
  /** Present on webgpu: the loop then runs on the device (resident-sampler.ts). */
  readonly resident?: ResidentUnet;
}

export interface SampleOptions {
  readonly unet: UnetStep;
  readonly scheduler: Scheduler;
  /** Initial latents (1, C, F, h, w), already times init_noise_sigma. */
  readonly latents: Float32Array;
  readonly dims: readonly [number, number, number, number, number];
  /** (1, L, D) conditional embeddings. */
  readonly cond: Float32Array;
  /** (1, L, D) unconditional embeddings; null when guidance is off (scale <= 1). */
  readonly uncond: Float32Array | null;
  readonly embedDims: readonly [number, number];
  readonly guidanceScale: number;
  readonly freeu?: FreeUSettings | null;
  /** DDIM's eta (default 0); eta > 0 draws each step's variance noise from `generator`. */
  readonly eta?: number;
  /** The generator that drew the initial latents, continued (diffusers passes the same one to the scheduler). */
  readonly generator?: TorchGenerator;
  /** Guidance only on steps with start <= i / steps < end; the others run the conditional half alone. Absent: every step. */
  readonly guidanceInterval?: readonly [number, number] | null;
  readonly signal?: AbortSignal;
  /** Called at each step with the U-Net's (variance-preserving) input sample and the guided output, for previews. */
  readonly onOutput?: (index: number, sampleVp: Float32Array, output: Float32Array, timestep: number) => Promise<void> | void;
  /** The steps whose onOutput is used (on the device only those are read back); absent: every step. */
  readonly outputSteps?: (index: number) => boolean;
  /** Called after each step with its index and how long it took. */
  readonly onStep?: (index: number, seconds: number) => void;
  /** Called after each step with the new latents (on the device: read back for this listener only). */
  readonly onLatents?: (index: number, latents: Float32Array) => void;
  /** False: the host loop even where the U-Net offers a device-resident one (default true). */
  readonly resident?: boolean;
}

/** The seed's noise times the scheduler's init_noise_sigma, in float32 as torch multiplies it. */
export function scaleInitialNoise(noise: Float32Array, initNoiseSigma: number): Float32Array {
  const sigma = Math.fround(initNoiseSigma);
  return sigma === 1 ? noise : noise.map((v) => Math.fround(v * sigma));
}

/** The loop on the device when the U-Net runs there (webgpu), else on the host. */
export async function sampleLatents(o: SampleOptions): Promise<Float32Array> {
  if (o.unet.resident && o.resident !== false) return sampleResident(o, o.unet.resident);
  return sampleOnHost(o);
}

/** Every tensor on the host between U-Net calls; guidance and the scheduler step in float32 as torch computes them. */
export async function sampleOnHost(o: SampleOptions): Promise<Float32Array> {
  const [, c, f, h, w] = o.dims;
  const [len, dim] = o.embedDims;
  const both = o.uncond ? concatBatch(o.uncond, o.cond) : o.cond;
  let latents = o.latents;
  const timesteps = o.scheduler.timesteps;
  for (let i = 0; i < timesteps.length; i++) {
    throwIfAborted(o.signal);
    const started = performance.now();
    const t = timesteps[i]!;
    const guided = o.uncond !== null && guidedStep(i, timesteps.length, o.guidanceInterval);
    const batch = guided ? 2 : 1;
    const input = o.scheduler.scaleModelInput(guided ? duplicateBatch(latents) : latents, t);
    const out = await o.unet.run(
      {
        sample: input,
        sampleDims: [batch, c, f, h, w],
        timestep: t,
        encoderHiddenStates: guided ? both : o.cond,
        ehsDims: [batch, len, dim],
        freeu: freeuFactorsForStep(o.freeu, i, timesteps.length),
      },
      i,
    );
    const noise = guided ? applyGuidance(out, o.guidanceScale) : out;
    await o.onOutput?.(i, guided ? input.subarray(0, latents.length) : input, noise, t);
    const eta = o.eta ?? 0;
    if (eta > 0 && !o.generator) throw new T2vError('sampling with eta > 0 needs the generator of the initial latents');
    latents = o.scheduler.step(noise, t, latents, eta > 0 ? { eta, varianceNoise: varianceNoise(o.generator!, o.dims) } : {});
    checkFinite(latents, i, timesteps.length, o.guidanceScale);
    o.onLatents?.(i, latents);
    o.onStep?.(i, (performance.now() - started) / 1000);
  }
  return latents;
}

// The denoising loop of TextToVideoSDPipeline: one U-Net call on the guidance batch per step, then a scheduler step.
import { InterruptedError, settingRef, T2vError } from '../errors.js';
import { freeuFactorsForStep } from '../freeu/schedule.js';
import type { Scheduler } from '../schedulers/index.js';
import type { Unet3dInputs } from '../runtime/index.js';
import { fillNormal, type TorchGenerator } from '../rng/index.js';
import { batchIntoFrames } from './frames.js';
import { applyGuidance, concatBatch, duplicateBatch } from './guidance.js';
import type { FreeUSettings } from './types.js';

/** One U-Net call per step: a plain runner, or DeepCache's stepper (deep-cache.ts) that picks its graph by step. */
export interface UnetStep {
  run(x: Unet3dInputs, step: number): Promise<Float32Array>;
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
  /** Called before each scheduler step with the U-Net's (variance-preserving) input sample and the guided output, for previews. */
  readonly onOutput?: (index: number, sampleVp: Float32Array, output: Float32Array, timestep: number) => Promise<void> | void;
  /** Called after each step with its index and the new latents. */
  readonly onStep?: (index: number, latents: Float32Array, seconds: number) => void;
}

/** The seed's noise times the scheduler's init_noise_sigma, in float32 as torch multiplies it. */
export function scaleInitialNoise(noise: Float32Array, initNoiseSigma: number): Float32Array {
  const sigma = Math.fround(initNoiseSigma);
  return sigma === 1 ? noise : noise.map((v) => Math.fround(v * sigma));
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new InterruptedError();
}

/**
 * diffusers' DDIMScheduler.step draws randn_tensor(model_output.shape, generator) per step, and the pipeline has reshaped
 * the latents to (F, C, h, w) first: the draw is in that order, moved back to (1, C, F, h, w) here.
 */
export function varianceNoise(generator: TorchGenerator, dims: readonly [number, number, number, number, number]): Float32Array {
  const [, c, f, h, w] = dims;
  return batchIntoFrames(fillNormal(new Float32Array(c * f * h * w), generator), c, f, h * w);
}

/** One NaN or infinity spreads to every later step and decodes to a black or noise video: stop at the first. */
export function checkFinite(latents: Float32Array, step: number, total: number, guidanceScale: number): void {
  for (let j = 0; j < latents.length; j++) {
    if (!Number.isFinite(latents[j]!)) {
      throw new T2vError(`the latents hold ${Number.isNaN(latents[j]!) ? 'NaN' : 'an infinity'} after step ${step + 1} of ${total} (guidance ${guidanceScale}); the model's weights may be damaged, or try a lower ${settingRef('guidanceScale')} or ${settingRef('device')} cpu`);
    }
  }
}

/** Whether step `i` of `steps` is inside the guidance interval (the same [start, end) fractions as FreeU's). */
export function guidedStep(i: number, steps: number, interval: readonly [number, number] | null | undefined): boolean {
  return !interval || (i / steps >= interval[0] && i / steps < interval[1]);
}

export async function sampleLatents(o: SampleOptions): Promise<Float32Array> {
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
    const out = await o.unet.run({
      sample: input,
      sampleDims: [batch, c, f, h, w],
      timestep: t,
      encoderHiddenStates: guided ? both : o.cond,
      ehsDims: [batch, len, dim],
      freeu: freeuFactorsForStep(o.freeu, i, timesteps.length),
    }, i);
    const noise = guided ? applyGuidance(out, o.guidanceScale) : out;
    await o.onOutput?.(i, guided ? input.subarray(0, latents.length) : input, noise, t);
    const eta = o.eta ?? 0;
    if (eta > 0 && !o.generator) throw new T2vError('sampling with eta > 0 needs the generator of the initial latents');
    latents = o.scheduler.step(noise, t, latents, eta > 0 ? { eta, varianceNoise: varianceNoise(o.generator!, o.dims) } : {});
    checkFinite(latents, i, timesteps.length, o.guidanceScale);
    o.onStep?.(i, latents, (performance.now() - started) / 1000);
  }
  return latents;
}

// Per-step pieces every sampling loop shares: the abort check, the guidance interval, DDIM's variance noise, the NaN stop.
import { InterruptedError, settingRef, T2vError } from '../errors.js';
import { fillNormal, type TorchGenerator } from '../rng/index.js';
import { batchIntoFrames } from './frames.js';

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
      throw new T2vError(
        `the latents hold ${Number.isNaN(latents[j]!) ? 'NaN' : 'an infinity'} after step ${step + 1} of ${total} (guidance ${guidanceScale}); the model's weights may be damaged, or try a lower ${settingRef('guidanceScale')} or ${settingRef('device')} cpu`,
      );
    }
  }
}

/** Whether step `i` of `steps` is inside the guidance interval (the same [start, end) fractions as FreeU's). */
export function guidedStep(i: number, steps: number, interval: readonly [number, number] | null | undefined): boolean {
  return !interval || (i / steps >= interval[0] && i / steps < interval[1]);
}

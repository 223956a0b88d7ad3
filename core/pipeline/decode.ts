// Latents to frames through the VAE decoder, a few frames at a time so memory stays bounded.
import type { VaeDecoderRunner } from '../runtime/index.js';
import { framesIntoBatch, imagesToFrames01 } from './frames.js';
import { throwIfAborted } from './sampler.js';

export interface DecodeOptions {
  readonly vae: VaeDecoderRunner;
  readonly scalingFactor: number;
  /** How many frames go through the decoder at once. */
  readonly chunk?: number;
  readonly signal?: AbortSignal;
  readonly onChunk?: (done: number, total: number) => void;
}

/** (1, C, F, h, w) latents -> the VAE's input (F, C, h, w), times 1 / scaling_factor in float32 as diffusers does. */
export function vaeBatch(latents: Float32Array, dims: readonly [number, number, number, number, number], scalingFactor: number): Float32Array {
  const [, c, f, h, w] = dims;
  const scaled = new Float32Array(latents.length);
  const inv = Math.fround(1 / scalingFactor);
  for (let i = 0; i < latents.length; i++) scaled[i] = Math.fround(inv * latents[i]!);
  return framesIntoBatch(scaled, c, f, h * w);
}

/** (1, C, F, h, w) latents -> (F, H, W, 3) frames in [0, 1]. */
export async function decodeLatents(
  latents: Float32Array,
  dims: readonly [number, number, number, number, number],
  o: DecodeOptions,
): Promise<{ frames01: Float32Array; height: number; width: number }> {
  const [, c, f, h, w] = dims;
  const plane = h * w;
  const perFrame = vaeBatch(latents, dims, o.scalingFactor);
  const chunk = Math.max(1, o.chunk ?? 4);
  const parts: Float32Array[] = [];
  let height = 0;
  let width = 0;
  for (let start = 0; start < f; start += chunk) {
    throwIfAborted(o.signal);
    const n = Math.min(chunk, f - start);
    const { data, dims: out } = await o.vae.decode(perFrame.subarray(start * c * plane, (start + n) * c * plane), [n, c, h, w]);
    height = out[2]!;
    width = out[3]!;
    parts.push(imagesToFrames01(data, n, height, width));
    o.onChunk?.(start + n, f);
  }
  const frames01 = new Float32Array(f * height * width * 3);
  let at = 0;
  for (const p of parts) {
    frames01.set(p, at);
    at += p.length;
  }
  return { frames01, height, width };
}

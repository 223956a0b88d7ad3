// VAE images to video frames: (N, 3, H, W) in [-1, 1] -> (N, H, W, 3) in [0, 1] -> RGB bytes.

/** diffusers' postprocess: (x / 2 + 0.5).clamp(0, 1), channels moved last. */
export function imagesToFrames01(images: Float32Array, n: number, height: number, width: number): Float32Array {
  const out = new Float32Array(n * height * width * 3);
  const plane = height * width;
  for (let f = 0; f < n; f++) {
    for (let c = 0; c < 3; c++) {
      const src = (f * 3 + c) * plane;
      for (let p = 0; p < plane; p++) {
        const v = Math.fround(Math.fround(images[src + p]! / 2) + 0.5);
        out[(f * plane + p) * 3 + c] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}

/** (x * 255).round() in float32 with numpy's round-half-to-even, as diffusers' numpy_to_pil does. */
export function frames01ToRgb(frames: Float32Array): Uint8Array {
  const out = new Uint8Array(frames.length);
  for (let i = 0; i < frames.length; i++) {
    const v = Math.fround(frames[i]! * 255);
    const r = Math.round(v);
    out[i] = r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }
  return out;
}

/** (1, C, F, h, w) latents -> (F, C, h, w): frames folded into the batch, as the pipeline does for the VAE. */
export function framesIntoBatch(x: Float32Array, channels: number, frames: number, plane: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let c = 0; c < channels; c++) {
    for (let f = 0; f < frames; f++) {
      out.set(x.subarray((c * frames + f) * plane, (c * frames + f + 1) * plane), (f * channels + c) * plane);
    }
  }
  return out;
}

/** (F, C, h, w) -> (1, C, F, h, w): the inverse of framesIntoBatch (diffusers' reshape back after a scheduler step). */
export function batchIntoFrames(x: Float32Array, channels: number, frames: number, plane: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      out.set(x.subarray((f * channels + c) * plane, (f * channels + c + 1) * plane), (c * frames + f) * plane);
    }
  }
  return out;
}

// Classifier-free guidance on the stacked [uncond, cond] U-Net output, as TextToVideoSDPipeline does.

/** noise = uncond + g * (cond - uncond), computed in float32 like torch. */
export function applyGuidance(stacked: Float32Array, guidanceScale: number): Float32Array {
  const half = stacked.length / 2;
  const out = new Float32Array(half);
  const g = Math.fround(guidanceScale);
  for (let i = 0; i < half; i++) {
    const u = stacked[i]!;
    const c = stacked[half + i]!;
    out[i] = Math.fround(u + Math.fround(g * Math.fround(c - u)));
  }
  return out;
}

/** Two copies of the latents back to back: the guidance batch [uncond, cond]. */
export function duplicateBatch(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length * 2);
  out.set(x, 0);
  out.set(x, x.length);
  return out;
}

/** Stacks two (1, L, D) embeddings into (2, L, D) in the order given. */
export function concatBatch(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

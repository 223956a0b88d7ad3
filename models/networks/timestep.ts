// diffusers `Timesteps` (get_timestep_embedding, models/embeddings.py) on the host: the U-Net takes its output as an input.
import { T2vError } from '../../core/errors.js';

/** torch's `get_timestep_embedding` frequencies, rounded step by step as torch does in float32. */
export function timestepFrequencies(dim: number, shift = 0, maxPeriod = 10000): Float32Array {
  const half = Math.floor(dim / 2);
  const f = Math.fround;
  const c = f(-Math.log(maxPeriod));
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) out[i] = f(Math.exp(f(f(c * i) / (half - shift))));
  return out;
}

/**
 * (batch, dim) rows [cos | sin] (flip_sin_to_cos=True) of float32 t * freq, the sines in double precision: GPUs may
 * compute sin/cos of arguments near 1000 to about 2^-11 (DESIGN.md, precision), torch's CPU kernels to an ulp.
 * One timestep is repeated over the batch, as diffusers' `timesteps.expand(sample.shape[0])`.
 */
export function timestepProjection(timesteps: readonly number[], batch: number, dim: number): Float32Array {
  if (dim % 2 !== 0) throw new T2vError(`timestep embedding width ${dim} is odd; t2v builds even timestep embeddings only`);
  if (timesteps.length !== 1 && timesteps.length !== batch) throw new T2vError(`U-Net got ${timesteps.length} timesteps for a batch of ${batch}; give one or one per sample`);
  const freqs = timestepFrequencies(dim);
  const half = dim / 2;
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const t = Math.fround(timesteps.length === 1 ? timesteps[0]! : timesteps[b]!);
    for (let i = 0; i < half; i++) {
      const arg = Math.fround(t * freqs[i]!);
      out[b * dim + i] = Math.cos(arg);
      out[b * dim + half + i] = Math.sin(arg);
    }
  }
  return out;
}

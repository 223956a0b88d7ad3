// Where a builder's weights come from: a diffusers/transformers safetensors part, or seeded random values.
import { halvesChecked } from '../half.js';
import type { Weights } from '../weights.js';

export interface WeightSource {
  has(name: string): boolean;
  /** The tensor as float32, its shape checked against what the config implies (one-line errors otherwise). */
  read(name: string, shape: readonly number[]): Promise<Float32Array>;
  /** The tensor as fp16 bits for fp16 graphs: fp16 files' bytes as stored, never widened on the way. */
  readHalf(name: string, shape: readonly number[]): Promise<Uint16Array>;
}

/** Weights read tensor by tensor from safetensors files. */
export class SafetensorsSource implements WeightSource {
  constructor(
    readonly weights: Weights,
    private readonly prefix = '',
  ) {}
  has(name: string): boolean {
    return this.weights.has(this.prefix + name);
  }
  read(name: string, shape: readonly number[]): Promise<Float32Array> {
    return this.weights.readChecked(this.prefix + name, shape);
  }
  readHalf(name: string, shape: readonly number[]): Promise<Uint16Array> {
    return this.weights.readHalfChecked(this.prefix + name, shape);
  }
}

/** FNV-1a of a string, for per-tensor seeds that do not depend on build order. */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Seeded random weights for benchmarks and size tests: uniform in ±1/sqrt(fan_in) for matrices and kernels
 * (activations stay finite through a deep network), 1 ± 0.1 for norm scales, ±0.1 for biases.
 */
export class RandomSource implements WeightSource {
  constructor(readonly seed: number) {}
  has(): boolean {
    return true;
  }
  async read(name: string, shape: readonly number[]): Promise<Float32Array> {
    const n = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    let s = hash32(name, this.seed) || 1;
    const isVector = shape.length === 1;
    const fanIn = isVector ? 1 : shape.slice(1).reduce((a, b) => a * b, 1);
    const scale = isVector ? 0.1 : 1 / Math.sqrt(fanIn);
    const offset = isVector && name.endsWith('.weight') ? 1 : 0;
    for (let i = 0; i < n; i++) {
      // xorshift32
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = offset + scale * (s / 2147483648 - 1);
    }
    return out;
  }
  async readHalf(name: string, shape: readonly number[]): Promise<Uint16Array> {
    return halvesChecked(await this.read(name, shape), name);
  }
}

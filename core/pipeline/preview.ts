// Live preview: the clean-image estimate x0 at a step, seen through a linear latent->RGB map fitted to the model's own VAE.
import type { VaeDecoderRunner } from '../runtime/index.js';
import type { PredictionType } from '../schedulers/config.js';
import { imagesToFrames01 } from './frames.js';

/** rgb = weights (3 x c, row-major) . latent + bias, per latent pixel, in [0, 1]. */
export interface LatentRgb {
  readonly channels: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export interface PreviewFrames {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  /** Packed RGB uint8, frame-major (count * height * width * 3). */
  readonly rgb: Uint8Array;
}

/** x0 from the variance-preserving sample the U-Net saw and its output (diffusers' pred_original_sample, per prediction type). */
export function cleanEstimate(sampleVp: Float32Array, modelOutput: Float32Array, alphaBar: number, predictionType: PredictionType): Float32Array {
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  const out = new Float32Array(modelOutput.length);
  for (let i = 0; i < out.length; i++) {
    const x = sampleVp[i]!;
    const m = modelOutput[i]!;
    out[i] = predictionType === 'epsilon' ? (x - b * m) / a : predictionType === 'v_prediction' ? a * x - b * m : m;
  }
  return out;
}

/** Solves the small symmetric system A x = y (Gaussian elimination with partial pivoting, a ridge for safety). */
function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row.map((v, j) => v + (i === j ? 1e-6 : 0)), y[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const k = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= k * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** What the latent->RGB map is fitted on: latents and the frames the VAE decoded them to. */
export interface LatentRgbSamples {
  /** (n, c, h, w), `dims`. */
  readonly latents: Float32Array;
  readonly dims: readonly [n: number, c: number, h: number, w: number];
  /** (n, H, W, 3) in [0, 1], H = h * scale. */
  readonly frames01: Float32Array;
  /** Pixels per latent pixel along each side (the VAE's scale factor). */
  readonly scale: number;
}

/** Least squares of pooled decoder colours on latents. */
export function fitLatentRgb({ latents, dims, frames01, scale }: LatentRgbSamples): LatentRgb {
  const [n, c, h, w] = dims;
  const k = c + 1;
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const aty = Array.from({ length: 3 }, () => new Array<number>(k).fill(0));
  const W = w * scale;
  for (let f = 0; f < n; f++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const z = [...Array.from({ length: c }, (_, ch) => latents[((f * c + ch) * h + y) * w + x]!), 1];
        const rgb = [0, 0, 0];
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const p = ((f * h * scale + y * scale + dy) * W + x * scale + dx) * 3;
            for (let ch = 0; ch < 3; ch++) rgb[ch]! += frames01[p + ch]! / (scale * scale);
          }
        }
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) ata[i]![j]! += z[i]! * z[j]!;
          for (let ch = 0; ch < 3; ch++) aty[ch]![i]! += z[i]! * rgb[ch]!;
        }
      }
    }
  }
  const weights = new Float64Array(3 * c);
  const bias = new Float64Array(3);
  for (let ch = 0; ch < 3; ch++) {
    const sol = solve(ata, aty[ch]!);
    for (let i = 0; i < c; i++) weights[ch * c + i] = sol[i]!;
    bias[ch] = sol[c]!;
  }
  return { channels: c, weights, bias };
}

/** Decodes one frame of this run's own x0 estimate through the VAE and fits the map on it (the VAE's colours, this prompt's latents). */
export async function fitOnFrame(vae: VaeDecoderRunner, x0: Float32Array, dims: readonly [number, number, number, number, number], scalingFactor: number): Promise<LatentRgb> {
  const [, c, f, h, w] = dims;
  const plane = h * w;
  const frame = Math.floor(f / 2);
  const z = new Float32Array(c * plane);
  for (let ch = 0; ch < c; ch++) z.set(x0.subarray((ch * f + frame) * plane, (ch * f + frame + 1) * plane), ch * plane);
  const { data, dims: out } = await vae.decode(
    z.map((v) => v / scalingFactor),
    [1, c, h, w],
  );
  const frames01 = imagesToFrames01(data, 1, out[2]!, out[3]!);
  return fitLatentRgb({ latents: z, dims: [1, c, h, w], frames01, scale: out[2]! / h });
}

/** (1, c, F, h, w) latents -> F small RGB frames at latent resolution. */
export function projectFrames(x0: Float32Array, dims: readonly [number, number, number, number, number], map: LatentRgb): PreviewFrames {
  const [, c, f, h, w] = dims;
  const plane = h * w;
  const rgb = new Uint8Array(f * plane * 3);
  for (let fr = 0; fr < f; fr++) {
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < 3; ch++) {
        let v = map.bias[ch]!;
        for (let i = 0; i < c; i++) v += map.weights[ch * c + i]! * x0[(i * f + fr) * plane + p]!;
        rgb[(fr * plane + p) * 3 + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
  return { count: f, width: w, height: h, rgb };
}

// Plain FFT-based FreeU reference in float64: diffusers' utils/torch_utils.py fourier_filter / apply_freeu (v1) and ChenyangSi/FreeU free_lunch_utils.py (v2).
import { dftAxis } from './dft.js';
import type { FreeUStep } from './types.js';

export type Dims4 = readonly [batch: number, channels: number, height: number, width: number];

/** Python's slice start:stop on a length-n axis, as the indices it selects (a negative start counts from the end). */
export function pythonSlice(start: number, stop: number, n: number): number[] {
  const norm = (i: number): number => (i < 0 ? Math.max(0, i + n) : Math.min(i, n));
  const out: number[] = [];
  for (let i = norm(start); i < norm(stop); i++) out.push(i);
  return out;
}

/**
 * The mask of fourier_filter moved back to unshifted frequency order: `scale` on the box
 * [H//2 - t : H//2 + t, W//2 - t : W//2 + t] of the fftshift-ed spectrum, 1 elsewhere.
 */
export function fourierMask(height: number, width: number, threshold: number, scale: number): Float64Array {
  const mask = new Float64Array(height * width).fill(1);
  const rows = pythonSlice(Math.floor(height / 2) - threshold, Math.floor(height / 2) + threshold, height);
  const cols = pythonSlice(Math.floor(width / 2) - threshold, Math.floor(width / 2) + threshold, width);
  // shifted index i holds frequency (i - n//2) mod n
  const unshift = (i: number, n: number): number => (((i - Math.floor(n / 2)) % n) + n) % n;
  for (const r of rows) for (const c of cols) mask[unshift(r, height) * width + unshift(c, width)] = scale;
  return mask;
}

/** fourier_filter(x, threshold, scale): real(ifftn(ifftshift(fftshift(fftn(x)) * mask))) over the last two axes. */
export function fourierFilter(x: Float32Array, dims: Dims4, threshold: number, scale: number): Float32Array {
  const [b, c, h, w] = dims;
  const plane = h * w;
  const mask = fourierMask(h, w, threshold, scale);
  const out = new Float32Array(b * c * plane);
  const re = new Float64Array(plane);
  const im = new Float64Array(plane);
  for (let p = 0; p < b * c; p++) {
    for (let i = 0; i < plane; i++) {
      re[i] = x[p * plane + i]!;
      im[i] = 0;
    }
    dftAxis(re, im, h, w, 1, -1);
    dftAxis(re, im, h, w, 0, -1);
    for (let i = 0; i < plane; i++) {
      re[i] = re[i]! * mask[i]!;
      im[i] = im[i]! * mask[i]!;
    }
    dftAxis(re, im, h, w, 0, 1);
    dftAxis(re, im, h, w, 1, 1);
    for (let i = 0; i < plane; i++) out[p * plane + i] = re[i]!;
  }
  return out;
}

/**
 * Per-sample backbone factor map of FreeU v2: the channel mean of h, min-max normalised over H x W, as 1 + (b - 1) * mean.
 * A constant map divides 0 by 0, as the official code does.
 */
function v2Factors(h: Float32Array, dims: Dims4, bFactor: number): Float64Array {
  const [b, c, hh, w] = dims;
  const plane = hh * w;
  const out = new Float64Array(b * plane);
  for (let n = 0; n < b; n++) {
    const mean = new Float64Array(plane);
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < plane; i++) mean[i] = mean[i]! + h[(n * c + ch) * plane + i]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < plane; i++) {
      mean[i] = mean[i]! / c;
      lo = Math.min(lo, mean[i]!);
      hi = Math.max(hi, mean[i]!);
    }
    for (let i = 0; i < plane; i++) out[n * plane + i] = 1 + (bFactor - 1) * ((mean[i]! - lo) / (hi - lo));
  }
  return out;
}

/**
 * FreeU at one skip concatenation of the decoder: resolution 0 uses (b1, s1), 1 uses (b2, s2), any other is untouched.
 * The first half of h's channels is scaled (v1: by b; v2: by the structure map); the skip hs is Fourier-filtered (threshold 1).
 * `skipDims` defaults to `dims` (h and hs usually differ only in channels).
 */
export function applyFreeU(h: Float32Array, hs: Float32Array, dims: Dims4, resolutionIdx: number, factors: FreeUStep, skipDims: Dims4 = dims): { h: Float32Array; hs: Float32Array } {
  if (resolutionIdx !== 0 && resolutionIdx !== 1) return { h: h.slice(), hs: hs.slice() };
  const bFactor = resolutionIdx === 0 ? factors.b1 : factors.b2;
  const sFactor = resolutionIdx === 0 ? factors.s1 : factors.s2;
  const [b, c, hh, w] = dims;
  const plane = hh * w;
  const half = Math.floor(c / 2);
  const out = h.slice();
  const map = factors.version === 2 ? v2Factors(h, dims, bFactor) : null;
  for (let n = 0; n < b; n++) {
    for (let ch = 0; ch < half; ch++) {
      const base = (n * c + ch) * plane;
      for (let i = 0; i < plane; i++) out[base + i] = h[base + i]! * (map ? map[n * plane + i]! : bFactor);
    }
  }
  return { h: out, hs: fourierFilter(hs, skipDims, 1, sFactor) };
}

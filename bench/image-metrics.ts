// Frame-by-frame fidelity of one clip against another: PSNR on [0, 1] RGB and SSIM (Wang et al. 2004, ssim.js 'original').
import { ssim } from 'ssim.js';

/** PSNR in dB of `a` against `b` (same length, values in [0, 1]); Infinity when equal. */
export function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10(a.length / se);
}

function rgba(rgb: Uint8Array, frame: number, width: number, height: number): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(width * height * 4);
  const base = frame * width * height * 3;
  for (let p = 0; p < width * height; p++) {
    data[p * 4] = rgb[base + p * 3]!;
    data[p * 4 + 1] = rgb[base + p * 3 + 1]!;
    data[p * 4 + 2] = rgb[base + p * 3 + 2]!;
    data[p * 4 + 3] = 255;
  }
  return { data, width, height };
}

/** Mean SSIM over the frames of two packed RGB clips (frames, height, width, 3). */
export function clipSsim(a: Uint8Array, b: Uint8Array, frames: number, width: number, height: number): number {
  let sum = 0;
  for (let f = 0; f < frames; f++) sum += ssim(rgba(a, f, width, height), rgba(b, f, width, height), { ssim: 'original' }).mssim;
  return sum / frames;
}

/** The mean absolute difference of two same-sized 8-bit clips. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

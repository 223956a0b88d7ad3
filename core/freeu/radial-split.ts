// An image split into its low- and high-frequency parts by an ideal radial low-pass in the 2D Fourier domain (FreeU Fig. 2).
import { dftAxis } from './dft.js';
import { radius } from './spectrum.js';

/**
 * `planes` (n, h, w), each split as low = IFFT(FFT(x) * [r <= cutoff]).real and high = x - low, with r the normalised
 * radial frequency (0 at DC, 1 at Nyquist along an axis, i.e. the paper's pi).
 */
export function radialSplit(planes: Float32Array, n: number, h: number, w: number, cutoff: number): { low: Float32Array; high: Float32Array } {
  const plane = h * w;
  if (planes.length !== n * plane) throw new Error(`radialSplit: ${planes.length} values for ${n} x ${h} x ${w}`);
  const keep = new Uint8Array(plane);
  for (let u = 0; u < h; u++) for (let v = 0; v < w; v++) keep[u * w + v] = radius(u, v, h, w) <= cutoff ? 1 : 0;
  const low = new Float32Array(planes.length);
  const high = new Float32Array(planes.length);
  const re = new Float64Array(plane);
  const im = new Float64Array(plane);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < plane; i++) {
      re[i] = planes[p * plane + i]!;
      im[i] = 0;
    }
    dftAxis(re, im, h, w, 1, -1);
    dftAxis(re, im, h, w, 0, -1);
    for (let i = 0; i < plane; i++)
      if (!keep[i]) {
        re[i] = 0;
        im[i] = 0;
      }
    dftAxis(re, im, h, w, 0, 1);
    dftAxis(re, im, h, w, 1, 1);
    for (let i = 0; i < plane; i++) {
      low[p * plane + i] = re[i]!;
      high[p * plane + i] = planes[p * plane + i]! - re[i]!;
    }
  }
  return { low, high };
}

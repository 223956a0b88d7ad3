// Fourier analysis of feature maps as the FreeU paper plots it: the radially averaged relative log amplitude of the 2D spectrum.

/** The 2D DFT amplitude |F(u, v)| of one real H x W map (separable; sizes here are feature maps, at most a few hundred). */
export function amplitude2d(map: ArrayLike<number>, h: number, w: number): Float64Array {
  if (map.length !== h * w) throw new Error(`amplitude2d: ${map.length} values for ${h} x ${w}`);
  // rows first: R[y][v] = sum_x map[y][x] e^{-2 pi i v x / w}
  const rRe = new Float64Array(h * w);
  const rIm = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let v = 0; v < w; v++) {
      let re = 0;
      let im = 0;
      for (let x = 0; x < w; x++) {
        const a = (-2 * Math.PI * v * x) / w;
        const m = map[y * w + x]!;
        re += m * Math.cos(a);
        im += m * Math.sin(a);
      }
      rRe[y * w + v] = re;
      rIm[y * w + v] = im;
    }
  }
  const out = new Float64Array(h * w);
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) {
      let re = 0;
      let im = 0;
      for (let y = 0; y < h; y++) {
        const a = (-2 * Math.PI * u * y) / h;
        const c = Math.cos(a);
        const s = Math.sin(a);
        re += rRe[y * w + v]! * c - rIm[y * w + v]! * s;
        im += rRe[y * w + v]! * s + rIm[y * w + v]! * c;
      }
      out[u * w + v] = Math.hypot(re, im);
    }
  }
  return out;
}

/** Normalised radial frequency of DFT bin (u, v): 0 at DC, 1 at the Nyquist frequency along an axis (pi in the paper's axes). */
export function radius(u: number, v: number, h: number, w: number): number {
  const fu = (u <= h / 2 ? u : u - h) / (h / 2);
  const fv = (v <= w / 2 ? v : v - w) / (w / 2);
  return Math.hypot(fu, fv);
}

/**
 * 'floor': `bins` equal intervals of 0..1, each labelled by its centre. 'nearest': bins centred on 0, 1/(bins-1), .., 1, for
 * small maps (a feature map of side n has n/2 + 1 distinct radii along an axis; 2 x 2 has only DC and Nyquist).
 */
export type Binning = 'floor' | 'nearest';

/** Bins that resolve every axis radius of an h x w map, at most `max`. */
export function binsFor(h: number, w: number, max = 16): number {
  return Math.min(max, Math.max(2, Math.floor(Math.min(h, w) / 2) + 1));
}

/**
 * Mean log amplitude per radial bin over several maps (channels, frames), relative to the lowest bin, for radii 0..1
 * in `bins` equal steps (corners beyond the Nyquist circle are left out): FreeU Fig. 6/7/13's "relative log amplitude".
 */
export function relativeLogAmplitude(maps: readonly ArrayLike<number>[], h: number, w: number, bins = 16, binning: Binning = 'floor'): { readonly frequency: number[]; readonly value: number[] } {
  const sum = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (const map of maps) {
    const amp = amplitude2d(map, h, w);
    for (let u = 0; u < h; u++) {
      for (let v = 0; v < w; v++) {
        const r = radius(u, v, h, w);
        if (r > 1) continue;
        const b = binning === 'nearest' ? Math.round(r * (bins - 1)) : Math.min(bins - 1, Math.floor(r * bins));
        sum[b]! += Math.log(amp[u * w + v]! + 1e-12);
        count[b]! += 1;
      }
    }
  }
  const mean = Array.from(sum, (s, i) => (count[i]! > 0 ? s / count[i]! : NaN));
  const base = mean[0]!;
  return { frequency: mean.map((_, i) => (binning === 'nearest' ? i / (bins - 1) : (i + 0.5) / bins)), value: mean.map((m) => m - base) };
}

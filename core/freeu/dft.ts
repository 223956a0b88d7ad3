// Direct complex DFT along one axis of a row-major 2-D array, any length (odd, non-power-of-two, 1), in float64.

/** Twiddle factors e^{sign * 2 pi i k / n}, k = 0..n-1. */
function twiddles(n: number, sign: 1 | -1): [Float64Array, Float64Array] {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (sign * 2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  return [cos, sin];
}

/**
 * In-place DFT of every line of a rows x cols array along `axis` (0: down columns, 1: along rows).
 * sign -1 is the forward transform; sign +1 with the 1/n factor is the inverse, as torch.fft's "backward" norm.
 */
export function dftAxis(re: Float64Array, im: Float64Array, rows: number, cols: number, axis: 0 | 1, sign: 1 | -1): void {
  const n = axis === 0 ? rows : cols;
  const lines = axis === 0 ? cols : rows;
  const stride = axis === 0 ? cols : 1;
  const [cos, sin] = twiddles(n, sign);
  const scale = sign === 1 ? 1 / n : 1;
  const inRe = new Float64Array(n);
  const inIm = new Float64Array(n);
  for (let l = 0; l < lines; l++) {
    const base = axis === 0 ? l : l * cols;
    for (let j = 0; j < n; j++) {
      inRe[j] = re[base + j * stride]!;
      inIm[j] = im[base + j * stride]!;
    }
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const t = (j * k) % n;
        const c = cos[t]!;
        const s = sin[t]!;
        sr += inRe[j]! * c - inIm[j]! * s;
        si += inRe[j]! * s + inIm[j]! * c;
      }
      re[base + k * stride] = sr * scale;
      im[base + k * stride] = si * scale;
    }
  }
}

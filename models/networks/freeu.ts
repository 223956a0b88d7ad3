// FreeU's stage before a skip concatenation, in the graph: backbone scaling (v1 diffusers / v2 official) and the Fourier low-pass on the skip.
import type { Ops } from '../onnx/ops.js';

/** Graph inputs (float32 scalars) that carry the factors of one step. */
export const FREEU_INPUTS = ['freeu_b1', 'freeu_b2', 'freeu_s1', 'freeu_s2', 'freeu_v2'] as const;

/**
 * The real low-pass box operator along one axis of length n (threshold 1), as the (n, n) matrices
 * R = Re(P), I = Im(P) with P = F^-1 diag(box) F. With torch's fftshift and Python slicing the box holds
 * the frequencies {0, n - 1} for n >= 2 and {0} for n = 1, so P[a][b] = (1 + w cos θ - i w sin θ) / n,
 * θ = 2π((a - b) mod n) / n, w = [n > 1]. Built from the runtime size `n` (1-D int64 of length 1).
 */
export function lowpassMatrices(o: Ops, n: string): { re: string; im: string } {
  const g = o.g;
  const nScalar = o.squeeze(n, [0]);
  const idx = g.node('Range', [g.constI([0], []), nScalar, g.constI([1], [])]);
  const d = o.sub(o.unsqueeze(idx, [1]), o.unsqueeze(idx, [0]));
  const dm = g.node('Mod', [d, n], { fmod: 0 });
  const nF = o.cast(n, 'float32');
  const theta = o.div(o.mul(o.cast(dm, 'float32'), g.scalarF(2 * Math.PI)), nF);
  const w = o.cast(o.cast(g.node('Greater', [n, g.constI([1])]), 'int64'), 'float32');
  const re = o.div(o.add(g.scalarF(1), o.mul(w, g.node('Cos', [theta]))), nF);
  const im = o.div(o.mul(g.scalarF(-1), o.mul(w, g.node('Sin', [theta]))), nF);
  return { re, im };
}

/** diffusers `fourier_filter(x, threshold=1, scale=s)` on (N, C, H, W) as x + (s - 1) * Re(P_H x P_W^T). */
export function fourierFilter(o: Ops, x: string, s: string): string {
  const rows = lowpassMatrices(o, o.shape(x, 2, 3));
  const cols = lowpassMatrices(o, o.shape(x, 3, 4));
  const reT = o.transpose(cols.re, [1, 0]);
  const imT = o.transpose(cols.im, [1, 0]);
  const low = o.sub(o.matmul(o.matmul(rows.re, x), reT), o.matmul(o.matmul(rows.im, x), imT));
  return o.add(x, o.mul(o.sub(s, o.g.scalarF(1)), low));
}

/**
 * FreeU before `concat([h, hs], 1)`: h's first floor(C/2) channels times b (v1) or 1 + (b - 1) * m (v2, m the
 * channel mean min-max normalised over H x W per sample), chosen with Where on `v2`; hs low-pass scaled by s.
 */
export function freeuStage(o: Ops, h: string, hs: string, channels: number, b: string, s: string, v2: string): { h: string; hs: string } {
  const g = o.g;
  // always float32 (fp16 graphs cast in and out): with b = s = 1 the round trip is exact, so FreeU off stays an identity
  const out = g.float32(() => {
    const hf = g.castTo(h, 'float32');
    const half = Math.floor(channels / 2);
    const [h1, h2] = o.split(hf, 1, [half, channels - half]) as [string, string];
    const mean = o.reduceMean(hf, [1]);
    const mx = o.reduceMax(mean, [2, 3]);
    const mn = o.reduceMin(mean, [2, 3]);
    const m = o.div(o.sub(mean, mn), o.sub(mx, mn));
    const factorV2 = o.add(o.mul(o.sub(b, g.scalarF(1)), m), g.scalarF(1));
    const factor = o.where(o.greater(v2, g.scalarF(0.5)), factorV2, b);
    return { h: o.concat([o.mul(h1, factor), h2], 1), hs: fourierFilter(o, g.castTo(hs, 'float32'), s) };
  });
  return { h: g.castTo(out.h, g.precision), hs: g.castTo(out.hs, g.precision) };
}

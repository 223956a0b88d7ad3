// Activation helpers against their formulas; the U-Net's timestep input takes a scalar, (1,) or (B,).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../models/onnx/graph.js';
import { Ops } from '../../models/onnx/ops.js';

/** erf to ~1e-15 by its Taylor series (|x| <= 3) or continued fraction tail. */
function erf(x: number): number {
  if (Math.abs(x) > 5) return Math.sign(x);
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('activation ops', () => {
  it.each([
    ['gelu (erf, torch default)', (o: Ops, x: string) => o.gelu(x), (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
    ['quick_gelu (CLIP)', (o: Ops, x: string) => o.quickGelu(x), (x: number) => x / (1 + Math.exp(-1.702 * x))],
    ['silu', (o: Ops, x: string) => o.silu(x), (x: number) => x / (1 + Math.exp(-x))],
  ])('%s', async (_name, op, ref) => {
    const g = new GraphBuilder({ name: 'act' });
    const o = new Ops(g);
    const x = g.input('x', 'float32', [201]);
    g.output(op(o, x), 'y', 'float32', [201]);
    const s = await ort.InferenceSession.create(g.serialize());
    const xs = Float32Array.from({ length: 201 }, (_, i) => (i - 100) / 16);
    const y = (await s.run({ x: new ort.Tensor('float32', xs, [201]) })).y!.data as Float32Array;
    xs.forEach((v, i) => expect(Math.abs(y[i]! - ref(v)), `x=${v}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(ref(v)))));
  });
});

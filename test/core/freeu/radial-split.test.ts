// The radial low/high split: a low sinusoid stays in the low part, a high one in the high part, and the parts add up.
import { describe, expect, it } from 'vitest';
import { radialSplit } from '../../../core/freeu/radial-split.js';

const H = 16;
const W = 20;
/** cos along x with k cycles across the width: normalised frequency 2k / W. */
const wave = (k: number): Float32Array => Float32Array.from({ length: H * W }, (_, i) => Math.cos((2 * Math.PI * k * (i % W)) / W));
const norm = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

describe('radialSplit', () => {
  it.each([
    ['1 cycle (0.1 pi) below a 0.25 cut-off', 1, 'low'],
    ['2 cycles (0.2 pi) below a 0.25 cut-off', 2, 'low'],
    ['3 cycles (0.3 pi) above it', 3, 'high'],
    ['8 cycles (0.8 pi) above it', 8, 'high'],
  ] as const)('%s', (_n, k, where) => {
    const x = wave(k);
    const { low, high } = radialSplit(x, 1, H, W, 0.25);
    const [inside, outside] = where === 'low' ? [low, high] : [high, low];
    expect(norm(outside) / norm(x)).toBeLessThan(1e-6);
    expect(norm(inside) / norm(x)).toBeCloseTo(1, 6);
  });

  it('low + high = x, per plane', () => {
    const x = Float32Array.from({ length: 2 * H * W }, (_, i) => Math.sin(i * 0.37) + (i % 7));
    const { low, high } = radialSplit(x, 2, H, W, 0.4);
    for (let i = 0; i < x.length; i += 37) expect(low[i]! + high[i]!).toBeCloseTo(x[i]!, 5);
    expect(norm(high)).toBeGreaterThan(0);
    expect(norm(low)).toBeGreaterThan(0);
  });
});

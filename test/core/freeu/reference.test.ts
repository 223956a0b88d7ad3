import { describe, expect, it } from 'vitest';
import { applyFreeU, fourierFilter, fourierMask, pythonSlice, type Dims4 } from '../../../core/freeu/index.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { randn } from '../../../core/rng/index.js';

describe('pythonSlice', () => {
  it.each([
    { start: -1, stop: 1, n: 1, out: [0] },
    { start: -1, stop: 3, n: 3, out: [2] },
    { start: 3, stop: 5, n: 8, out: [3, 4] },
    { start: -5, stop: 2, n: 3, out: [0, 1] },
    { start: 2, stop: 2, n: 4, out: [] },
    { start: 1, stop: 9, n: 3, out: [1, 2] },
  ])('[$start:$stop] of $n', ({ start, stop, n, out }) => {
    expect(pythonSlice(start, stop, n)).toEqual(out);
  });
});

describe('fourierMask', () => {
  it('8x8, threshold 1: the 2x2 box around the shifted centre is the DC corner block', () => {
    const m = fourierMask(8, 8, 1, 0.5);
    const scaled = [...m.keys()].filter((i) => m[i] === 0.5).map((i) => [Math.floor(i / 8), i % 8]);
    // shifted rows/cols 3,4 are frequencies 7 and 0
    expect(scaled).toEqual([
      [0, 0],
      [0, 7],
      [7, 0],
      [7, 7],
    ]);
  });
  it('1x1, threshold 1: the single bin', () => {
    expect([...fourierMask(1, 1, 1, 0.3)]).toEqual([0.3]);
  });
});

describe('fourierFilter', () => {
  it.each<Dims4>([
    [1, 2, 8, 8],
    [2, 1, 5, 7],
    [1, 1, 1, 1],
    [1, 3, 6, 10],
  ])('scale 1 is the identity on %j', (...dims) => {
    const x = randn(dims, 7n);
    expect(relativeError(fourierFilter(x, dims, 1, 1), x)).toBeLessThan(1e-6);
  });
  it('scale 0 removes the mean (DC) of a map', () => {
    const dims: Dims4 = [1, 1, 4, 4];
    const out = fourierFilter(new Float32Array(16).fill(3), dims, 1, 0);
    expect(Math.max(...out.map(Math.abs))).toBeLessThan(1e-6);
  });
});

describe('applyFreeU', () => {
  const dims: Dims4 = [1, 4, 3, 3];
  const h = randn(dims, 1n);
  const hs = randn(dims, 2n);
  it('resolution 2 leaves both untouched', () => {
    const out = applyFreeU(h, hs, dims, 2, { b1: 2, b2: 2, s1: 0, s2: 0, version: 1 });
    expect(out.h).toEqual(h);
    expect(out.hs).toEqual(hs);
  });
  it('v1 scales the first half of the channels by b1', () => {
    const out = applyFreeU(h, hs, dims, 0, { b1: 2, b2: 3, s1: 1, s2: 1, version: 1 });
    expect(out.h[0]).toBeCloseTo(2 * h[0]!, 6);
    expect(out.h[17]).toBeCloseTo(2 * h[17]!, 6);
    expect(out.h[18]).toBe(h[18]);
  });
  it('v2 with b = 1 is the identity on h', () => {
    const out = applyFreeU(h, hs, dims, 1, { b1: 1.5, b2: 1, s1: 1, s2: 1, version: 2 });
    expect(relativeError(out.h, h)).toBeLessThan(1e-7);
  });
});

import { describe, expect, it } from 'vitest';
import { toHalves } from '../../bench/file-builds.js';
import { floatToHalf } from '../../models/safetensors.js';

describe('bench fp16 writer', () => {
  it('rounds like floatToHalf over normals, subnormals, ties, overflow and NaN', () => {
    const v = new Float32Array(200_000);
    for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 1.37) * [1.7, 1e-6, 7e4, 1e-9, 65504, 2049][i % 6]!;
    v.set([0, -0, Infinity, -Infinity, NaN, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 6.1e-5, 65520], 0);
    const h = toHalves(v);
    for (let i = 0; i < v.length; i++) expect(h[i], String(v[i])).toBe(floatToHalf(v[i]!));
  });
});

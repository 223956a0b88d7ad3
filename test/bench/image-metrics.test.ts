import { describe, expect, it } from 'vitest';
import { clipSsim, meanAbsDiff, psnr } from '../../bench/image-metrics.js';

describe('image metrics', () => {
  it.each([
    { a: [0, 0, 0, 0], b: [0, 0, 0, 0], diff: 0 },
    { a: [0, 255, 10, 20], b: [255, 0, 10, 20], diff: 127.5 },
    { a: [5, 5, 5, 5], b: [1, 9, 5, 5], diff: 2 },
  ])('meanAbsDiff($a, $b) = $diff', ({ a, b, diff }) => {
    expect(meanAbsDiff(Uint8Array.from(a), Uint8Array.from(b))).toBe(diff);
  });

  it('psnr is Infinity for equal clips and 20 dB for an error of 0.1 everywhere', () => {
    const a = new Float32Array(16).fill(0.5);
    expect(psnr(a, a)).toBe(Infinity);
    expect(psnr(a, new Float32Array(16).fill(0.6))).toBeCloseTo(20, 4);
  });

  it('clipSsim is 1 for a clip against itself and lower for a different one (16 px: the 11 px SSIM window needs room)', () => {
    const a = Uint8Array.from({ length: 2 * 16 * 16 * 3 }, (_, i) => (i * 37) % 256);
    const b = Uint8Array.from(a, (v, i) => (i % 5 === 0 ? 255 - v : v));
    expect(clipSsim(a, a, 2, 16, 16)).toBeCloseTo(1, 6);
    expect(clipSsim(a, b, 2, 16, 16)).toBeLessThan(0.9);
  });
});

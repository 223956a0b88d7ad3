// The spectrum analysis against what a known 2D sinusoid must give: its energy at the right radius, nothing elsewhere.
import { describe, expect, it } from 'vitest';
import { amplitude2d, binsFor, radius, relativeLogAmplitude } from '../../../core/freeu/spectrum.js';

function sinusoid(h: number, w: number, ku: number, kv: number): Float64Array {
  const m = new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = Math.cos(2 * Math.PI * ((ku * y) / h + (kv * x) / w));
  return m;
}

describe('amplitude2d', () => {
  it.each([
    [16, 16, 0, 4],
    [12, 20, 3, 5],
    [9, 7, 2, 0],
  ])('cos at (%i x %i, ku %i, kv %i): amplitude h*w/2 at +-k, ~0 elsewhere', (h, w, ku, kv) => {
    const a = amplitude2d(sinusoid(h, w, ku, kv), h, w);
    const peaks = new Set([(((ku % h) + h) % h) * w + (((kv % w) + w) % w), ((h - ku) % h) * w + ((w - kv) % w)]);
    for (let i = 0; i < h * w; i++) {
      if (peaks.has(i)) expect(a[i]).toBeCloseTo(peaks.size === 1 ? h * w : (h * w) / 2, 6);
      else expect(a[i]).toBeLessThan(1e-8);
    }
  });

  it('radius: 0 at DC, 1 at Nyquist along an axis, sqrt(2) in the corner', () => {
    expect(radius(0, 0, 16, 16)).toBe(0);
    expect(radius(8, 0, 16, 16)).toBe(1);
    expect(radius(0, 12, 16, 16)).toBe(0.5);
    expect(radius(8, 8, 16, 16)).toBeCloseTo(Math.SQRT2, 12);
  });
});

describe('relativeLogAmplitude', () => {
  it('a sinusoid at half the Nyquist frequency plus a DC offset peaks in the bin at radius 0.5', () => {
    const h = 32;
    const w = 32;
    const map = sinusoid(h, w, 0, 8).map((x) => x + 1);
    const { frequency, value } = relativeLogAmplitude([map], h, w, 8);
    const peak = value.indexOf(Math.max(...value.slice(1)));
    expect(frequency[peak]).toBeCloseTo(0.5625, 6); // bin [0.5, 0.625)
    expect(value[0]).toBe(0);
  });

  it('white noise is flat: high frequencies within 0.5 (log) of the mid ones', () => {
    let s = 1;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    const maps = Array.from({ length: 8 }, () => Float64Array.from({ length: 256 }, rnd));
    const { value } = relativeLogAmplitude(maps, 16, 16, 4);
    expect(Math.abs(value[3]! - value[2]!)).toBeLessThan(0.5);
  });
});

describe("relativeLogAmplitude, 'nearest' bins for small feature maps", () => {
  it.each([
    [1, 1, 2],
    [2, 2, 2],
    [8, 8, 5],
    [4, 6, 3],
    [64, 64, 16],
  ])('binsFor(%i, %i) = %i', (h, w, bins) => expect(binsFor(h, w)).toBe(bins));

  it.each([
    [8, 1, 0.25],
    [8, 2, 0.5],
    [8, 4, 1],
  ])('cos with %i px and %i cycles peaks in the bin at %f pi', (n, k, at) => {
    const bins = binsFor(n, n);
    const r = relativeLogAmplitude([sinusoid(n, n, 0, k)], n, n, bins, 'nearest');
    const peak = r.frequency[r.value.indexOf(Math.max(...r.value.slice(1)))];
    expect(peak).toBe(at);
    expect(r.frequency[0]).toBe(0);
    expect(r.frequency[bins - 1]).toBe(1);
  });

  it('a 1 x 1 map has DC only: the other bins are NaN', () => {
    const r = relativeLogAmplitude([[3]], 1, 1, 2, 'nearest');
    expect(r.value[0]).toBe(0);
    expect(r.value[1]).toBeNaN();
  });
});

// Even-size padding: which sizes need it, and the picture kept 1:1 with the edge repeated.
import { describe, expect, it } from 'vitest';
import { evenPadding, padFrame } from '../../video/pad.js';

describe('evenPadding', () => {
  it.each([
    [64, 48, undefined],
    [33, 17, { from: [33, 17], to: [34, 18] }],
    [32, 17, { from: [32, 17], to: [32, 18] }],
    [1, 2, { from: [1, 2], to: [2, 2] }],
  ])('%ix%i -> %j', (w, h, want) => {
    expect(evenPadding(w, h)).toEqual(want);
  });
});

describe('padFrame', () => {
  it('keeps the picture in the top-left corner and repeats the last column and row', () => {
    // 3x1 frame, pixel values 1,2,3 (grey levels), padded to 4x2
    const src = Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    const out = padFrame(src, 3, 1, 4, 2);
    const grey = Array.from({ length: 8 }, (_, i) => out[i * 3]);
    expect(grey).toEqual([1, 2, 3, 3, 1, 2, 3, 3]);
  });

  it('is a copy when the size does not change', () => {
    const src = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    expect(padFrame(src, 2, 2, 2, 2)).toEqual(src);
  });
});

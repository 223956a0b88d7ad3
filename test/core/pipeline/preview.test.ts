// The live preview's math: x0 from each prediction type, the least-squares colour map, and the projection's layout.
import { describe, expect, it } from 'vitest';
import { cleanEstimate, fitLatentRgb, projectFrames } from '../../../core/pipeline/preview.js';
import type { PredictionType } from '../../../core/schedulers/config.js';

describe('cleanEstimate', () => {
  const x0 = Float32Array.from([0.5, -1, 2]);
  const eps = Float32Array.from([1, 0.25, -0.5]);
  const alphaBar = 0.64;
  const [a, b] = [Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar)];
  const x = x0.map((v, i) => a * v + b * eps[i]!);
  it.each([
    ['epsilon', eps],
    ['v_prediction', x0.map((v, i) => a * eps[i]! - b * v)],
    ['sample', x0],
  ] as [PredictionType, Float32Array][])('%s recovers x0', (type, output) => {
    const got = cleanEstimate(x, output, alphaBar, type);
    got.forEach((v, i) => expect(v).toBeCloseTo(x0[i]!, 5));
  });
});

describe('fitLatentRgb', () => {
  it('recovers an exact linear map from pooled pixels', () => {
    const [n, c, h, w, scale] = [2, 4, 3, 3, 2];
    const W = [
      [0.3, -0.1, 0.2, 0.05],
      [0.1, 0.4, -0.2, 0],
      [-0.3, 0.1, 0.1, 0.2],
    ];
    const bias = [0.5, 0.4, 0.6];
    let state = 12345;
    const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
    const z = Float32Array.from({ length: n * c * h * w }, next);
    const frames = new Float32Array(n * h * scale * w * scale * 3);
    for (let f = 0; f < n; f++)
      for (let y = 0; y < h * scale; y++)
        for (let x = 0; x < w * scale; x++)
          for (let ch = 0; ch < 3; ch++) {
            let v = bias[ch]!;
            for (let i = 0; i < c; i++) v += W[ch]![i]! * z[((f * c + i) * h + Math.floor(y / scale)) * w + Math.floor(x / scale)]!;
            frames[((f * h * scale + y) * w * scale + x) * 3 + ch] = v;
          }
    const map = fitLatentRgb({ latents: z, dims: [n, c, h, w], frames01: frames, scale });
    for (let ch = 0; ch < 3; ch++) {
      expect(map.bias[ch]).toBeCloseTo(bias[ch]!, 4);
      for (let i = 0; i < c; i++) expect(map.weights[ch * c + i]).toBeCloseTo(W[ch]![i]!, 4);
    }
  });
});

describe('projectFrames', () => {
  it('maps (1, c, F, h, w) to F frames of packed RGB, clamped', () => {
    const map = { channels: 1, weights: Float64Array.from([1, 0, -1]), bias: Float64Array.from([0, 0.5, 1]) };
    const x0 = Float32Array.from([0, 0.25, 2, -1]); // F=2, h=1, w=2
    const p = projectFrames(x0, [1, 1, 2, 1, 2], map);
    expect(p).toMatchObject({ count: 2, width: 2, height: 1 });
    expect([...p.rgb]).toEqual([0, 128, 255, 64, 128, 191, 255, 128, 0, 0, 128, 255]);
  });
});

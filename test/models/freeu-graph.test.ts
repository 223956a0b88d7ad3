// FreeU's graph stage against diffusers' fourier_filter / apply_freeu (v1) and the official v2 scaling (golden `freeu` case).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { relativeError } from '../../core/verify/metrics.js';
import { fourierFilter, freeuStage } from '../../models/networks/freeu.js';
import { GraphBuilder } from '../../models/onnx/graph.js';
import { Ops } from '../../models/onnx/ops.js';
import { SafetensorsFile } from '../../models/safetensors.js';
import { golden } from '../helpers.js';

async function session(build: (g: GraphBuilder, o: Ops) => void): Promise<ort.InferenceSession> {
  const g = new GraphBuilder({ name: 'freeu' });
  build(g, new Ops(g));
  return ort.InferenceSession.create(g.serialize(), { intraOpNumThreads: 1 });
}
const scalar = (v: number): ort.Tensor => new ort.Tensor('float32', new Float32Array([v]), []);
const tensor = (d: Float32Array, dims: readonly number[]): ort.Tensor => new ort.Tensor('float32', d, [...dims]);

/** The (threshold 1) box mask the way torch builds it: fftshift, Python slice [n//2-1, n//2+1) with wrap-around, ifftshift. */
function boxUnshifted(n: number): number[] {
  let start = Math.floor(n / 2) - 1;
  let stop = Math.floor(n / 2) + 1;
  if (start < 0) start = Math.max(0, start + n);
  if (stop < 0) stop += n;
  stop = Math.min(stop, n);
  const shifted = Array.from({ length: n }, (_, i) => (i >= start && i < stop ? 1 : 0));
  // shifted position i holds unshifted frequency (i - n//2) mod n
  const out = new Array<number>(n).fill(0);
  shifted.forEach((v, i) => {
    out[(((i - Math.floor(n / 2)) % n) + n) % n] = v;
  });
  return out;
}

describe('FreeU Fourier low-pass operator', () => {
  it('the closed form matches the slice-built box for n = 1..64', () => {
    for (let n = 1; n <= 64; n++) {
      const box = boxUnshifted(n);
      const expected = box.map((v, k) => (v ? k : -1)).filter((k) => k >= 0);
      expect(expected, `n=${n}`).toEqual(n === 1 ? [0] : [0, n - 1]);
    }
  });

  it('matches every threshold-1 fourier_filter golden case (relative 1e-5)', async () => {
    const s = await session((g, o) => {
      const x = g.input('x', 'float32', ['n', 'c', 'h', 'w']);
      const sc = g.input('s', 'float32', []);
      g.output(fourierFilter(o, x, sc), 'y', 'float32', ['n', 'c', 'h', 'w']);
    });
    const t = await SafetensorsFile.open(golden('freeu', 'tensors.safetensors'));
    const cases: [string, number, number[]][] = [
      ['ff0', 0.9, [2, 4, 8, 8]],
      ['ff1', 0.2, [2, 4, 8, 8]],
      ['ff2', 0.5, [2, 3, 6, 10]],
      ['ff3', 0.3, [1, 2, 5, 7]],
      ['ff5', 0.0, [1, 3, 4, 4]],
      ['ff6', 0.5, [1, 2, 1, 1]],
    ];
    for (const [key, scale, dims] of cases) {
      if (!t.has(`${key}_in`)) continue;
      const out = await s.run({ x: tensor(await t.readFloat32(`${key}_in`), dims), s: scalar(scale) });
      expect(relativeError(out.y!.data as Float32Array, await t.readFloat32(`${key}_out`)), key).toBeLessThanOrEqual(1e-5);
    }
    await t.close();
  });

  it('matches apply_freeu v1 (diffusers) and v2 (official) at resolution_idx 0 and 1 (relative 1e-5)', async () => {
    const t = await SafetensorsFile.open(golden('freeu', 'tensors.safetensors'));
    const cases: [string, number, number[]][] = [
      ['af0', 0, [2, 8, 8, 8]],
      ['af1', 1, [2, 8, 8, 8]],
      ['af2', 0, [3, 6, 6, 10]],
      ['af3', 1, [2, 4, 5, 7]],
    ];
    const b = [1.2, 1.4];
    const sArr = [0.9, 0.2];
    for (const [key, idx, dims] of cases) {
      const s = await session((g, o) => {
        const h = g.input('h', 'float32', ['n', dims[1]!, 'h', 'w']);
        const hs = g.input('hs', 'float32', ['n', 'c', 'h', 'w']);
        const [bb, ss, v2] = ['b', 's', 'v2'].map((n) => g.input(n, 'float32', [])) as [string, string, string];
        const r = freeuStage(o, h, hs, { channels: dims[1]!, b: bb, s: ss, v2 });
        g.output(r.h, 'h_out', 'float32', ['n', dims[1]!, 'h', 'w']);
        g.output(r.hs, 'hs_out', 'float32', ['n', 'c', 'h', 'w']);
      });
      for (const version of [1, 2]) {
        const out = await s.run({
          h: tensor(await t.readFloat32(`${key}_h`), dims),
          hs: tensor(await t.readFloat32(`${key}_hs`), dims),
          b: scalar(b[idx]!),
          s: scalar(sArr[idx]!),
          v2: scalar(version === 2 ? 1 : 0),
        });
        expect(relativeError(out.h_out!.data as Float32Array, await t.readFloat32(`${key}_v${version}_h`)), `${key} v${version} h`).toBeLessThanOrEqual(1e-5);
        expect(relativeError(out.hs_out!.data as Float32Array, await t.readFloat32(`${key}_v${version}_hs`)), `${key} v${version} hs`).toBeLessThanOrEqual(1e-5);
      }
      await s.release();
    }
    await t.close();
  });

  it('is an exact identity with b = s = 1 (v1 and v2)', async () => {
    const s = await session((g, o) => {
      const h = g.input('h', 'float32', ['n', 6, 'h', 'w']);
      const hs = g.input('hs', 'float32', ['n', 'c', 'h', 'w']);
      const [bb, ss, v2] = ['b', 's', 'v2'].map((n) => g.input(n, 'float32', [])) as [string, string, string];
      const r = freeuStage(o, h, hs, { channels: 6, b: bb, s: ss, v2 });
      g.output(r.h, 'h_out', 'float32', ['n', 6, 'h', 'w']);
      g.output(r.hs, 'hs_out', 'float32', ['n', 'c', 'h', 'w']);
    });
    const dims = [2, 6, 5, 7];
    const x = Float32Array.from({ length: 2 * 6 * 5 * 7 }, (_, i) => Math.sin(i * 1.7) * 3);
    const y = Float32Array.from({ length: 2 * 6 * 5 * 7 }, (_, i) => Math.cos(i * 0.3) - 0.5);
    for (const v of [0, 1]) {
      const out = await s.run({ h: tensor(x, dims), hs: tensor(y, dims), b: scalar(1), s: scalar(1), v2: scalar(v) });
      expect(Array.from(out.h_out!.data as Float32Array)).toEqual(Array.from(x));
      expect(Array.from(out.hs_out!.data as Float32Array)).toEqual(Array.from(y));
    }
  });
});

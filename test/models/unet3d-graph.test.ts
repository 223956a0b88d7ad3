// The built U-Net beyond the golden shapes: FreeU identity, non-square / non-divisible sizes, odd frames, per-sample timesteps.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../../core/verify/metrics.js';
import { parseUnet3dConfig } from '../../models/configs/unet3d.js';
import { readJsonFile } from '../../models/json.js';
import { buildNetwork } from '../../models/networks/build.js';
import { timestepProjection } from '../../models/networks/timestep.js';
import { golden } from '../helpers.js';
import { xorshiftValues } from '../../core/rng/xorshift.js';

const UNET = golden('unet3d-small', 'unet');
let root: string;
let withStage: ort.InferenceSession;
let plain: ort.InferenceSession;

async function build(name: string, freeuStage: boolean): Promise<ort.InferenceSession> {
  const dir = join(root, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  const config = parseUnet3dConfig((await readJsonFile(join(UNET, 'config.json'))) as Record<string, unknown>);
  await buildNetwork({ kind: 'unet3d', config }, { dir: UNET }, dir, { freeuStage });
  return ort.InferenceSession.create(join(dir, 'model.onnx'), { intraOpNumThreads: 2 });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 't2v-unet-'));
  withStage = await build('stage', true);
  plain = await build('plain', false);
});
afterAll(async () => {
  await withStage?.release();
  await plain?.release();
  await rm(root, { recursive: true, force: true });
});

const noise = (n: number, seed: number): Float32Array => xorshiftValues(n, seed);
const scalar = (v: number): ort.Tensor => new ort.Tensor('float32', new Float32Array([v]), []);
const timeProj = (t: readonly number[], batch: number): ort.Tensor => new ort.Tensor('float32', timestepProjection(t, batch, 16), [batch, 16]);

async function run(
  s: ort.InferenceSession,
  dims: [number, number, number, number, number],
  t: number[],
  L: number,
  f = { b1: 1, b2: 1, s1: 1, s2: 1, v2: 0 },
  seed = 7,
): Promise<{ data: Float32Array; dims: readonly number[]; sample: Float32Array; ehs: Float32Array }> {
  const sample = noise(
    dims.reduce((a, b) => a * b, 1),
    seed,
  );
  const ehs = noise(dims[0] * L * 32, seed + 1);
  const out = await s.run({
    sample: new ort.Tensor('float32', sample, dims),
    time_proj: timeProj(t, dims[0]),
    encoder_hidden_states: new ort.Tensor('float32', ehs, [dims[0], L, 32]),
    freeu_b1: scalar(f.b1),
    freeu_b2: scalar(f.b2),
    freeu_s1: scalar(f.s1),
    freeu_s2: scalar(f.s2),
    freeu_v2: scalar(f.v2),
  });
  return { data: out.out_sample!.data as Float32Array, dims: out.out_sample!.dims, sample, ehs };
}

describe('UNet3D graph', () => {
  it.each([
    ['v1', 0],
    ['v2', 1],
  ])('FreeU stage with b = s = 1 (%s) equals the plain U-Net', async (_n, v2) => {
    const dims: [number, number, number, number, number] = [1, 4, 3, 16, 24];
    const a = await run(withStage, dims, [500], 7, { b1: 1, b2: 1, s1: 1, s2: 1, v2 });
    const b = await run(plain, dims, [500], 7);
    let maxDiff = 0;
    for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i]! - b.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    ['non-square, 3 frames', [1, 4, 3, 16, 24]],
    ['sizes not divisible by 8 (forward_upsample_size)', [1, 4, 2, 20, 12]],
    ['odd sizes, 1 frame', [1, 4, 1, 9, 13]],
  ] as const)('runs %s with the right output shape', async (_name, dims) => {
    const out = await run(withStage, [...dims], [10], 5, { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, v2: 0 });
    expect(out.dims).toEqual(dims);
    expect(out.data.every(Number.isFinite)).toBe(true);
  });

  it('batch 2 with per-sample timesteps equals two single runs', async () => {
    const dims: [number, number, number, number, number] = [2, 4, 3, 8, 8];
    const both = await run(withStage, dims, [900, 20], 6);
    const per = dims.slice(1).reduce((a, b) => a * b, 1);
    for (const [i, t] of [
      [0, 900],
      [1, 20],
    ] as const) {
      const single = await withStage.run({
        sample: new ort.Tensor('float32', both.sample.slice(i * per, (i + 1) * per), [1, ...dims.slice(1)]),
        time_proj: timeProj([t], 1),
        encoder_hidden_states: new ort.Tensor('float32', both.ehs.slice(i * 6 * 32, (i + 1) * 6 * 32), [1, 6, 32]),
        freeu_b1: scalar(1),
        freeu_b2: scalar(1),
        freeu_s1: scalar(1),
        freeu_s2: scalar(1),
        freeu_v2: scalar(0),
      });
      expect(relativeError(single.out_sample!.data as Float32Array, both.data.subarray(i * per, (i + 1) * per))).toBeLessThanOrEqual(1e-5);
    }
  });

  it('Resize to the exact skip size equals 2x nearest when sizes divide (forward_upsample_size off)', async () => {
    const { GraphBuilder } = await import('../../models/onnx/graph.js');
    const { Ops } = await import('../../models/onnx/ops.js');
    const g = new GraphBuilder({ name: 'resize' });
    const o = new Ops(g);
    const x = g.input('x', 'float32', [1, 2, 3, 5]);
    g.output(o.resizeNearest(x, g.constI([1, 2, 6, 10])), 'by_size', 'float32', [1, 2, 6, 10]);
    g.output(g.node('Resize', [x, '', g.constF([1, 1, 2, 2])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }), 'by_scale', 'float32', [1, 2, 6, 10]);
    const s = await ort.InferenceSession.create(g.serialize());
    const out = await s.run({ x: new ort.Tensor('float32', noise(30, 3), [1, 2, 3, 5]) });
    expect(Array.from(out.by_size!.data as Float32Array)).toEqual(Array.from(out.by_scale!.data as Float32Array));
  });
});

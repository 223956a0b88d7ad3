// The FreeU lab's recording graph: plain graphs unchanged, the primary output bit-identical, the recorded tensors the FreeU math.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFreeU, fourierFilter, type Dims4 } from '../../core/freeu/reference.js';
import { recordedOutputs, type RecordedTensor } from '../../core/runtime/unet3d.js';
import { relativeError } from '../../core/verify/metrics.js';
import { BUILDER_VERSION } from '../../models/cache.js';
import { parseUnet3dConfig } from '../../models/configs/unet3d.js';
import { readJsonFile } from '../../models/json.js';
import { GraphBuilder } from '../../models/onnx/graph.js';
import { SafetensorsSource } from '../../models/networks/source.js';
import { buildUnet3d, type Unet3dBuildOptions } from '../../models/networks/unet3d.js';
import { timestepProjection } from '../../models/networks/timestep.js';
import { Weights } from '../../models/weights.js';
import { golden } from '../helpers.js';
import { xorshiftValues } from '../../core/rng/xorshift.js';

const UNET = golden('unet3d-small', 'unet');

/**
 * sha256 of the plain unet3d-small graph (weights inline) as built without the recording option. t2v-graph-6 built
 * 3a38a3dc..; the fp16 work changed the bytes (same computation), hence t2v-graph-7. A builder change that changes this
 * graph bumps BUILDER_VERSION and puts its hash here.
 */
const PLAIN_SHA256: Readonly<Record<string, string>> = {
  't2v-graph-7': 'c056a570e85bdd1dfc733e408de65d7db2c9a9c71be714125806fa35cc1b575d',
};

async function serialized(opts: Unet3dBuildOptions): Promise<Uint8Array> {
  const config = parseUnet3dConfig((await readJsonFile(join(UNET, 'config.json'))) as Record<string, unknown>);
  const g = new GraphBuilder({ name: 'unet3d' });
  const w = await Weights.openPart(UNET, 'diffusion_pytorch_model');
  try {
    await buildUnet3d(g, config, new SafetensorsSource(w), opts);
  } finally {
    await w.close();
  }
  return g.serialize();
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const noise = (n: number, seed: number): Float32Array => xorshiftValues(n, seed);
const scalar = (v: number): ort.Tensor => new ort.Tensor('float32', new Float32Array([v]), []);

let plainBytes: Uint8Array;
let recordBytes: Uint8Array;
let plain: ort.InferenceSession;
let rec: ort.InferenceSession;
beforeAll(async () => {
  plainBytes = await serialized({});
  recordBytes = await serialized({ record: true });
  plain = await ort.InferenceSession.create(plainBytes, { intraOpNumThreads: 2 });
  rec = await ort.InferenceSession.create(recordBytes, { intraOpNumThreads: 2 });
});
afterAll(async () => {
  await plain?.release();
  await rec?.release();
});

describe('U-Net recording build option', () => {
  it('leaves the plain graph byte-identical to the one built before the option existed', async () => {
    expect(PLAIN_SHA256[BUILDER_VERSION], `no pinned hash for ${BUILDER_VERSION}`).toBeDefined();
    expect(sha(plainBytes)).toBe(PLAIN_SHA256[BUILDER_VERSION]);
    expect(sha(await serialized({ record: false }))).toBe(sha(plainBytes));
  });

  it('is the plain graph plus trailing outputs: stripping them gives the plain bytes', () => {
    const model = fromBinary(ModelProtoSchema, recordBytes);
    const graph = model.graph!;
    const extra = graph.output.filter((o) => o.name.startsWith('freeu_record.'));
    // 2 stages x ((layers_per_block + 1) concatenations x 4 tensors + the block output)
    expect(extra.length).toBe(2 * (3 * 4 + 1));
    graph.output = graph.output.filter((o) => !o.name.startsWith('freeu_record.'));
    graph.node = graph.node.slice(0, graph.node.length - extra.length);
    expect(sha(toBinary(ModelProtoSchema, model))).toBe(sha(plainBytes));
  });
});

describe('recorded tensors', () => {
  const dims: readonly number[] = [1, 4, 3, 16, 24];
  const feeds = (f: { b1: number; b2: number; s1: number; s2: number; v2: number }): Record<string, ort.Tensor> => ({
    sample: new ort.Tensor(
      'float32',
      noise(
        dims.reduce((a, b) => a * b, 1),
        7,
      ),
      [...dims],
    ),
    time_proj: new ort.Tensor('float32', timestepProjection([500], 1, 16), [1, 16]),
    encoder_hidden_states: new ort.Tensor('float32', noise(7 * 32, 8), [1, 7, 32]),
    freeu_b1: scalar(f.b1),
    freeu_b2: scalar(f.b2),
    freeu_s1: scalar(f.s1),
    freeu_s2: scalar(f.s2),
    freeu_v2: scalar(f.v2),
  });
  const find = (rs: RecordedTensor[], stage: number, layer: number, kind: string): RecordedTensor => rs.find((r) => r.stage === stage && r.layer === layer && r.kind === kind)!;
  const dims4 = (r: RecordedTensor): Dims4 => r.dims as unknown as Dims4;

  it.each([
    ['v1', { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, v2: 0 }],
    ['v2', { b1: 1.3, b2: 1.6, s1: 0.5, s2: 0.7, v2: 1 }],
  ])('%s: primary output bit-identical; after = FreeU(before) at every concatenation of both stages', async (_n, f) => {
    const a = await plain.run(feeds(f));
    const b = await rec.run(feeds(f));
    expect(Array.from(b.out_sample!.data as Float32Array)).toEqual(Array.from(a.out_sample!.data as Float32Array));
    const rs = recordedOutputs(b);
    expect(rs.length).toBe(26);
    // each stage's output: at the stage's resolution (before the upsampler), up_blocks[i]'s output channels
    for (const stage of [0, 1]) {
      const out = find(rs, stage, 3, 'block_output');
      expect(out.dims).toEqual([3, 64, ...find(rs, stage, 0, 'backbone_before').dims.slice(2)]);
    }
    for (const stage of [0, 1]) {
      const bf = Math.fround(stage === 0 ? f.b1 : f.b2);
      const sf = stage === 0 ? f.s1 : f.s2;
      for (const layer of [0, 1, 2]) {
        const hb = find(rs, stage, layer, 'backbone_before');
        const ha = find(rs, stage, layer, 'backbone_after');
        const sb = find(rs, stage, layer, 'skip_before');
        const sa = find(rs, stage, layer, 'skip_after');
        const [n, c, h, w] = dims4(hb);
        expect(n).toBe(3); // B * F
        const half = Math.floor(c / 2);
        if (f.v2 === 0) {
          // v1: the first half exactly times b (one float32 multiply), the rest untouched
          const wrong = Array.from(hb.data).findIndex((v, i) => ha.data[i] !== (Math.floor(i / (h * w)) % c < half ? Math.fround(v * bf) : v));
          expect(wrong, `stage ${stage} layer ${layer}: first differing value`).toBe(-1);
        } else {
          const ref = applyFreeU(hb.data, sb.data, dims4(hb), stage, { b1: f.b1, b2: f.b2, s1: f.s1, s2: f.s2, version: 2 }, dims4(sb));
          expect(relativeError(ha.data, ref.h)).toBeLessThanOrEqual(1e-5);
        }
        // the skip: diffusers' fourier_filter(threshold 1, scale s) by the independent FFT reference
        expect(relativeError(sa.data, fourierFilter(sb.data, dims4(sb), 1, sf)), `skip ${stage}.${layer}`).toBeLessThanOrEqual(1e-5);
        expect(relativeError(sa.data, sb.data)).toBeGreaterThan(1e-3); // the filter did something
      }
    }
  });
});

describe('recording graph in the compile cache', () => {
  it('has its own key; record: false keeps the plain key', async () => {
    const { cacheKey } = await import('../../models/cache.js');
    const config = parseUnet3dConfig((await readJsonFile(join(UNET, 'config.json'))) as Record<string, unknown>);
    const base = { net: { kind: 'unet3d' as const, config }, weights: { dir: UNET }, device: 'cpu' };
    const plainKey = await cacheKey(base);
    expect(await cacheKey({ ...base, record: false })).toBe(plainKey);
    expect(await cacheKey({ ...base, record: true })).not.toBe(plainKey);
  });
});

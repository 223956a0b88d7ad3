// fp16 graphs by structure: weights and matrix products fp16, norms / softmax / FreeU float32 behind Casts, float32 in and out.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClipTextConfig } from '../../../models/configs/clip-text.js';
import { parseUnet3dConfig } from '../../../models/configs/unet3d.js';
import { parseVaeConfig } from '../../../models/configs/vae.js';
import { readJsonFile } from '../../../models/json.js';
import { buildClipText } from '../../../models/networks/clip-text.js';
import { RandomSource } from '../../../models/networks/source.js';
import { buildUnet3d } from '../../../models/networks/unet3d.js';
import { buildVaeDecoder } from '../../../models/networks/vae-decoder.js';
import { GraphBuilder, type FloatType } from '../../../models/onnx/graph.js';
import { golden } from '../../helpers.js';

type Raw = Record<string, unknown>;
const config = async (...p: string[]): Promise<Raw> => (await readJsonFile(join(golden(...p), 'config.json'))) as Raw;

const BUILDS: Record<string, (g: GraphBuilder, freeu: boolean) => Promise<void>> = {
  'unet3d-small': async (g, freeu) => buildUnet3d(g, parseUnet3dConfig(await config('unet3d-small', 'unet')), new RandomSource(1), { freeuStage: freeu }),
  // DeepCache's two graphs: the cached feature crosses them as float32 as well
  'unet3d-small DeepCache full': async (g, freeu) =>
    buildUnet3d(g, parseUnet3dConfig(await config('unet3d-small', 'unet')), new RandomSource(1), { freeuStage: freeu, deepCache: { part: 'full', branch: 1 } }),
  'unet3d-small DeepCache shallow': async (g, freeu) =>
    buildUnet3d(g, parseUnet3dConfig(await config('unet3d-small', 'unet')), new RandomSource(1), { freeuStage: freeu, deepCache: { part: 'shallow', branch: 1 } }),
  'vae-small': async (g) => buildVaeDecoder(g, parseVaeConfig(await config('vae-small', 'vae')), new RandomSource(1)),
  'clip-small': async (g) => buildClipText(g, parseClipTextConfig(await config('clip-small', 'text_encoder')), new RandomSource(1)),
};

async function built(name: string, precision: FloatType, freeu = true): Promise<GraphBuilder> {
  const g = new GraphBuilder({ name, precision });
  await BUILDS[name]!(g, freeu);
  return g;
}

const inputTypes = (g: GraphBuilder, op: string) =>
  g
    .nodeList()
    .filter((n) => n.op === op)
    .map((n) => n.inputs.filter(Boolean).map((i) => g.typeOf(i)));

describe.each(Object.keys(BUILDS))('%s in fp16', (name) => {
  it('Conv and Gemm take fp16 inputs and weights; norms and softmax take float32', async () => {
    const g = await built(name, 'float16');
    const convs = [...inputTypes(g, 'Conv'), ...inputTypes(g, 'Gemm')];
    expect(convs.length).toBeGreaterThan(0);
    for (const types of convs) expect(types.every((t) => t === 'float16')).toBe(true);
    const norms = [...inputTypes(g, 'InstanceNormalization'), ...inputTypes(g, 'LayerNormalization'), ...inputTypes(g, 'Softmax')];
    expect(norms.length).toBeGreaterThan(0);
    for (const types of norms) expect(types.every((t) => t === 'float32')).toBe(true);
    // MultiHeadAttention's softmax precision is the kernel's: fp16 graphs never use it
    expect(inputTypes(g, 'MultiHeadAttention')).toHaveLength(0);
  });

  it('its outputs are float32, its float inputs float32 (cast inside), and the fp32 build has no Cast to fp16', async () => {
    const g = await built(name, 'float16');
    // GraphBuilder.output is the only place that makes Identity nodes
    const outs = g.nodeList().filter((n) => n.op === 'Identity');
    expect(outs.length).toBeGreaterThan(0);
    for (const o of outs) expect(g.typeOf(o.inputs[0]!), o.outputs[0]).toBe('float32');
    const f32 = await built(name, 'float32');
    for (const n of f32.nodeList()) for (const o of n.outputs) expect(f32.typeOf(o)).not.toBe('float16');
    // weights take half the bytes (norm scales and shifts stay float32: a few per mille of the parameters)
    expect(g.weightBytes / f32.weightBytes).toBeGreaterThan(0.5);
    expect(g.weightBytes / f32.weightBytes).toBeLessThan(0.51);
  });
});

describe('the U-Net FreeU stage in fp16', () => {
  it('runs in float32: 4 float32 MatMuls per skip of up_blocks[0] and [1], none without the stage; every other MatMul fp16', async () => {
    const cfg = parseUnet3dConfig(await config('unet3d-small', 'unet'));
    const stages = 2 * (cfg.layersPerBlock + 1);
    for (const [freeu, want] of [
      [true, 4 * stages],
      [false, 0],
    ] as const) {
      const g = await built('unet3d-small', 'float16', freeu);
      const matmuls = inputTypes(g, 'MatMul');
      expect(
        matmuls.filter((t) => t.every((x) => x === 'float32')),
        `FreeU ${freeu}`,
      ).toHaveLength(want);
      expect(matmuls.filter((t) => !t.every((x) => x === 'float32')).every((t) => t.every((x) => x === 'float16'))).toBe(true);
      expect(inputTypes(g, 'Cos').every((t) => t[0] === 'float32')).toBe(true);
    }
  });
});

describe('GraphBuilder types', () => {
  it('refuses a node that mixes fp16 and float32 inputs, and an output declared in the wrong type', () => {
    const g = new GraphBuilder({ name: 't', precision: 'float16' });
    const x = g.input('x', 'float16', [1]);
    const c = g.float32(() => g.scalarF(2));
    expect(g.typeOf(c)).toBe('float32');
    expect(g.typeOf(g.scalarF(2))).toBe('float16');
    expect(() => g.node('Mul', [x, c])).toThrow(/Mul node .* mixes float16 and float32/);
    expect(() => g.output(x, 'y', 'float32', [1])).toThrow(/declared float32 but its value is float16/);
    expect(g.castTo(x, 'float16')).toBe(x);
  });
});

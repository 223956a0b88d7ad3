// Weights that do not match config.json: one-line errors naming the tensor (and both shapes when the shape is wrong).
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T2vError } from '../../core/errors.js';
import { readJsonFile } from '../../models/json.js';
import { buildNetwork, parseNetworkConfig, type NetworkKind } from '../../models/networks/build.js';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from '../../models/safetensors.js';
import { golden, withTempDir } from '../helpers.js';

/** Copies a part folder, rewriting its weights with `edit`. */
async function editedPart(src: string, dst: string, file: string, edit: (t: Record<string, TensorToWrite>) => void): Promise<void> {
  await mkdir(dst, { recursive: true });
  await cp(join(src, 'config.json'), join(dst, 'config.json'));
  const f = await SafetensorsFile.open(join(src, file));
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, info] of f.tensors) tensors[name] = { dtype: 'F32', shape: info.shape, data: await f.readFloat32(name) };
  await f.close();
  edit(tensors);
  await writeSafetensors(join(dst, file), tensors);
}

async function buildError(kind: NetworkKind, part: string): Promise<T2vError> {
  const config = parseNetworkConfig(kind, (await readJsonFile(join(part, 'config.json'))) as Record<string, unknown>);
  return withTempDir(async (out) => {
    try {
      await buildNetwork(config, { dir: part }, out);
    } catch (e) {
      return e as T2vError;
    }
    throw new Error('the build did not fail');
  });
}

const cases: { name: string; kind: NetworkKind; src: string; file: string; edit: (t: Record<string, TensorToWrite>) => void; expected: RegExp }[] = [
  {
    name: 'clip: transposed fc1',
    kind: 'clip-text',
    src: golden('clip-small', 'text_encoder'),
    file: 'model.safetensors',
    edit: (t) => {
      const x = t['encoder.layers.1.mlp.fc1.weight']!;
      t['encoder.layers.1.mlp.fc1.weight'] = { ...x, shape: [64, 128] };
    },
    expected: /^tensor encoder\.layers\.1\.mlp\.fc1\.weight in .* has shape \[64, 128\] but the config implies \[128, 64\]/,
  },
  {
    name: 'vae: missing post_quant_conv',
    kind: 'vae-decoder',
    src: golden('vae-small', 'vae'),
    file: 'diffusion_pytorch_model.safetensors',
    edit: (t) => {
      delete t['post_quant_conv.weight'];
    },
    expected: /^tensor post_quant_conv\.weight is missing from /,
  },
  {
    name: 'unet: temporal conv kernel of the wrong size',
    kind: 'unet3d',
    src: golden('unet3d-small', 'unet'),
    file: 'diffusion_pytorch_model.safetensors',
    edit: (t) => {
      t['up_blocks.2.temp_convs.1.conv3.3.weight'] = { dtype: 'F32', shape: [32, 32, 1, 1, 1], data: new Float32Array(32 * 32) };
    },
    expected: /^tensor up_blocks\.2\.temp_convs\.1\.conv3\.3\.weight in .* has shape \[32, 32, 1, 1, 1\] but the config implies \[32, 32, 3, 1, 1\]/,
  },
  {
    name: 'unet: missing time embedding',
    kind: 'unet3d',
    src: golden('unet3d-small', 'unet'),
    file: 'diffusion_pytorch_model.safetensors',
    edit: (t) => {
      delete t['time_embedding.linear_2.bias'];
    },
    expected: /^tensor time_embedding\.linear_2\.bias is missing from /,
  },
];

describe('weights that do not match the config', () => {
  it.each(cases)('$name', async ({ kind, src, file, edit, expected }) => {
    await withTempDir(async (dir) => {
      const part = join(dir, 'part');
      await editedPart(src, part, file, edit);
      const err = await buildError(kind, part);
      expect(err).toBeInstanceOf(T2vError);
      expect(err.message).toMatch(expected);
      expect(err.message).not.toContain('\n');
    });
  });

  it.each([
    ['unet3d', { attention_head_dim: [4, 4, 4, 4] }, /attention_head_dim/],
    ['unet3d', { block_out_channels: [16, 30, 64, 64], norm_num_groups: 2, attention_head_dim: 4 }, /block_out_channels entry 30 is not divisible by attention_head_dim/],
    ['unet3d', { down_block_types: ['CrossAttnDownBlock3D', 'DownBlockMotion', 'DownBlock3D', 'DownBlock3D'] }, /down_block_types/],
    ['clip-text', { hidden_act: 'relu' }, /hidden_act/],
    ['vae-decoder', { norm_type: 'spatial' }, /norm_type/],
  ] as const)('config %s %j is rejected naming the key', (kind, patch, expected) => {
    expect(() => parseNetworkConfig(kind, { ...patch })).toThrow(expected);
  });
});

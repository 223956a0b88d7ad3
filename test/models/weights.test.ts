import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../models/safetensors.js';
import { Weights } from '../../models/weights.js';
import { withTempDir } from '../helpers.js';

const t = (values: number[]) => ({ dtype: 'F32' as const, shape: [values.length], data: new Float32Array(values) });

async function writeSharded(dir: string): Promise<void> {
  await writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), { a: t([1, 2]) });
  await writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), { b: t([3]) });
  await writeFile(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({
      metadata: { total_size: 12 },
      weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
    }),
  );
}

describe('Weights', () => {
  it('reads a sharded checkpoint through its weight_map', async () => {
    await withTempDir(async (dir) => {
      await writeSharded(dir);
      const w = await Weights.openPart(dir, 'model');
      expect(w.names().sort()).toEqual(['a', 'b']);
      expect(Array.from(await w.readFloat32('b'))).toEqual([3]);
      await w.close();
    });
  });

  it('names a missing shard', async () => {
    await withTempDir(async (dir) => {
      await writeSharded(dir);
      await rm(join(dir, 'model-00002-of-00002.safetensors'));
      await expect(Weights.openPart(dir, 'model')).rejects.toThrow(/shard .*model-00002-of-00002\.safetensors.* is missing/);
    });
  });

  it.each([
    ['diffusion_pytorch_model.safetensors', undefined],
    ['diffusion_pytorch_model.fp16.safetensors', undefined],
    ['diffusion_pytorch_model.fp16.safetensors', 'fp16' as const],
  ])('finds %s (variant %s)', async (file, variant) => {
    await withTempDir(async (dir) => {
      await writeSafetensors(join(dir, file), { w: { dtype: 'F16', shape: [2], data: new Float32Array([0.5, -1]) } });
      const w = await Weights.openPart(dir, 'diffusion_pytorch_model', variant ? { variant } : {});
      expect(Array.from(await w.readFloat32('w'))).toEqual([0.5, -1]);
      await w.close();
    });
  });

  it('names the folder and the expected files when there are no weights', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'unet'));
      await expect(Weights.openPart(join(dir, 'unet'), 'diffusion_pytorch_model')).rejects.toThrow(/no weights in .*unet: expected diffusion_pytorch_model\.safetensors/);
    });
  });

  it('names the tensor and both shapes on a mismatch, and a missing tensor by name', async () => {
    await withTempDir(async (dir) => {
      await writeSafetensors(join(dir, 'model.safetensors'), { 'conv.weight': t([1, 2, 3]) });
      const w = await Weights.openPart(dir, 'model');
      await expect(w.readChecked('conv.weight', [4])).rejects.toThrow('tensor conv.weight in ' + join(dir, 'model.safetensors') + ' has shape [3] but the config implies [4]');
      await expect(w.readFloat32('conv.bias')).rejects.toThrow(/tensor conv\.bias is missing/);
      await w.close();
    });
  });
});

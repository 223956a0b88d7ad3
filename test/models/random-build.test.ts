// Random-weight mode: any config builds from seeded random weights with diffusers' parameter count, deterministically.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unet3dFlops } from '../../bench/flops.js';
import { MODELSCOPE_UNET, parseUnet3dConfig } from '../../models/configs/unet3d.js';
import { readJsonFile } from '../../models/json.js';
import { buildNetwork } from '../../models/networks/build.js';
import { golden, withTempDir } from '../helpers.js';

describe('random-weight builds', () => {
  it('the unet3d-small config from random weights has diffusers parameter count and is seed-deterministic', async () => {
    const caseJson = (await readJsonFile(golden('unet3d-small', 'case.json'))) as { params: number };
    const config = parseUnet3dConfig((await readJsonFile(golden('unet3d-small', 'unet', 'config.json'))) as Record<string, unknown>);
    await withTempDir(async (dir) => {
      const build = async (name: string, seed: number): Promise<Buffer> => {
        const out = join(dir, name);
        await import('node:fs/promises').then((fs) => fs.mkdir(out));
        const stats = await buildNetwork({ kind: 'unet3d', config }, { randomSeed: seed }, out);
        expect(stats.parameters).toBe(caseJson.params);
        return readFile(join(out, 'model.onnx.data'));
      };
      const a = await build('a', 1);
      const b = await build('b', 1);
      const c = await build('c', 2);
      expect(a.equals(b)).toBe(true);
      expect(a.equals(c)).toBe(false);
    });
  });

  it('the full ModelScope config counts 9.77 TFLOP per guidance step (BENCHMARKS.md)', () => {
    const f = unet3dFlops(parseUnet3dConfig(MODELSCOPE_UNET), { batch: 2, frames: 16, height: 32, width: 32, context: 77 });
    expect(f.total / 1e12).toBeCloseTo(9.77, 1);
    expect(f.conv / 1e12).toBeCloseTo(4.7, 1);
    expect(f.linear / 1e12).toBeCloseTo(4.79, 1);
    expect(f.attention / 1e12).toBeCloseTo(0.29, 1);
  });
});

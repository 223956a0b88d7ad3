// The memory estimate per device and precision (core/pipeline/memory.ts), on pipeline-tiny's real folder.
import { describe, expect, it } from 'vitest';
import { checkMemory, estimatePeakBytes, type RunOn } from '../../../core/pipeline/memory.js';
import { partsFromFolder } from '../../../core/pipeline/parts.js';
import type { GenerateRequest } from '../../../core/pipeline/types.js';
import { openModelFolder } from '../../../models/folder.js';
import { golden } from '../../helpers.js';

const MiB = 1024 ** 2;
/** pipeline-tiny's U-Net safetensors (float32), in bytes. */
const WEIGHTS = 2_561_312;
// 64x64 through a 2x VAE, guided, 8 frames: the first map is 2 x 8 x 16 x 32 x 32 float32 = 1 MiB, so 40 MiB of maps
const REQ: GenerateRequest = { prompt: 'a red ball', steps: 2, guidanceScale: 7.5, frames: 8, width: 64, height: 64, scheduler: 'ddim' };

describe('memory estimate: base + weights + maps, each at its precision on its device', () => {
  it.each<[RunOn['device'], RunOn['precision'], number, number]>([
    // device, precision, weight bytes, map MiB
    ['cpu', 'fp32', WEIGHTS, 40],
    // the CPU provider keeps float32 copies beside the fp16 weights and computes the maps in float32
    ['cpu', 'fp16', 1.5 * WEIGHTS, 40],
    ['webgpu', 'fp32', WEIGHTS, 40],
    // fp16 weights and maps, plus a norm's float32 input and output
    ['webgpu', 'fp16', 0.5 * WEIGHTS, 24],
  ])('%s %s', async (device, precision, weights, maps) => {
    const parts = await partsFromFolder(await openModelFolder(golden('pipeline-tiny', 'model'), 'golden'));
    expect(await estimatePeakBytes(parts, REQ, { device, precision })).toBe(200 * MiB + weights + maps * MiB);
  });

  it('the check refuses by the precision it will run: a limit between webgpu fp16 and fp32 passes one, not the other', async () => {
    const parts = await partsFromFolder(await openModelFolder(golden('pipeline-tiny', 'model'), 'golden'));
    const limit = 200 * MiB + WEIGHTS + 30 * MiB;
    await expect(checkMemory(parts, REQ, limit, { device: 'webgpu', precision: 'fp16' })).resolves.toBeUndefined();
    await expect(checkMemory(parts, REQ, limit, { device: 'webgpu', precision: 'fp32' })).rejects.toThrow(/^64x64, 8 frames needs about 0\.2 GiB of memory, over the 0\.2 GiB of maxMemory;/);
  });
});

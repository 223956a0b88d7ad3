// Runners and device choice: CLIP's causal prefix property, U-Net input checks, VAE shapes, webgpu errors without an adapter.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T2vError } from '../../../core/errors.js';
import { webgpuAdapterInfo } from '../../../core/runtime/adapter.js';
import { loadTextEncoder, loadUnet3d, loadVaeDecoder, resolveDevice, webgpuUnavailableReason } from '../../../core/runtime/index.js';
import { relativeError } from '../../../core/verify/metrics.js';
import { golden } from '../../helpers.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 't2v-rt-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('devices', () => {
  it('cpu is always available', async () => {
    expect((await resolveDevice('cpu')).device).toBe('cpu');
  });

  it('auto says which device it picked; webgpu fails in one line when there is no adapter', async () => {
    const why = await webgpuUnavailableReason();
    const auto = await resolveDevice('auto');
    if (why === null) {
      // auto never picks a CPU implementation of the adapter (SwiftShader in CI): the cpu provider is faster
      const info = await webgpuAdapterInfo();
      const software = typeof info !== 'string' && info.cpu;
      expect(auto.device).toBe(software ? 'cpu' : 'webgpu');
      if (software) expect(auto.note).toMatch(/^device: cpu \(auto: the WebGPU adapter .* is a CPU implementation/);
      expect((await resolveDevice('webgpu')).device).toBe('webgpu');
    } else {
      expect(auto).toMatchObject({ device: 'cpu' });
      expect(auto.note).toMatch(/^device: cpu \(auto: no usable WebGPU adapter/);
      const err = await resolveDevice('webgpu').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(T2vError);
      expect((err as Error).message).toMatch(/^device webgpu: no usable WebGPU adapter/);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe('text encoder', () => {
  it('a short context equals the prefix of the full one (causal attention)', async () => {
    const enc = await loadTextEncoder(golden('clip-small', 'text_encoder'), { device: 'cpu', cacheDir, threads: 1 });
    try {
      const ids = BigInt64Array.from({ length: 77 }, (_, i) => BigInt(i === 0 ? 912 : i < 9 ? 100 + i * 7 : 913));
      const full = await enc.encode(ids, 1, 77);
      expect(full.dims).toEqual([1, 77, 64]);
      for (const len of [1, 9, 20]) {
        const short = await enc.encode(ids.slice(0, len), 1, len);
        expect(short.dims).toEqual([1, len, 64]);
        expect(relativeError(short.data, full.data.subarray(0, len * 64))).toBeLessThanOrEqual(1e-6);
      }
      await expect(enc.encode(new BigInt64Array(78), 1, 78)).rejects.toThrow(/78 tokens; the model takes 1 to 77/);
    } finally {
      await enc.release();
    }
  });
});

describe('unet and vae runners', () => {
  it('checks input shapes with one-line errors', async () => {
    const unet = await loadUnet3d(golden('unet3d-small', 'unet'), { device: 'cpu', cacheDir, threads: 2 });
    try {
      const sample = new Float32Array(2 * 4 * 1 * 8 * 8);
      const ehs = new Float32Array(2 * 3 * 32);
      const base = { sample, sampleDims: [2, 4, 1, 8, 8] as const, timestep: 5, encoderHiddenStates: ehs, ehsDims: [2, 3, 32] as const };
      expect(await unet.run(base)).toHaveLength(sample.length);
      await expect(unet.run({ ...base, timestep: [1, 2, 3] })).rejects.toThrow(/3 timesteps for a batch of 2/);
      await expect(unet.run({ ...base, ehsDims: [2, 3, 16], encoderHiddenStates: new Float32Array(96) })).rejects.toThrow(/cross_attention_dim is 32/);
    } finally {
      await unet.release();
    }
  });

  it('decodes non-square latents to 4x their size', async () => {
    const vae = await loadVaeDecoder(golden('vae-small', 'vae'), { device: 'cpu', cacheDir, threads: 1 });
    try {
      expect(vae.config.scaleFactor).toBe(4);
      expect(vae.config.scalingFactor).toBe(0.18215);
      const out = await vae.decode(new Float32Array(2 * 4 * 5 * 7).fill(0.1), [2, 4, 5, 7]);
      expect(out.dims).toEqual([2, 3, 20, 28]);
    } finally {
      await vae.release();
    }
  });
});

import { cp, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { T2vError } from '../../core/errors.js';
import { convertFolder, safetensorsNameFor } from '../../models/convert.js';
import { SafetensorsFile } from '../../models/safetensors.js';
import { readCheckpoint } from '../../models/torch-bin/checkpoint.js';
import { withTempDir } from '../helpers.js';

// torch.save checkpoints and their safetensors twin, made by make.py beside them (torch 2.13)
const BIN = fileURLToPath(new URL('../fixtures/torch-bin/', import.meta.url));

async function expectSameTensors(path: string, twinPath: string): Promise<void> {
  const [got, twin] = await Promise.all([SafetensorsFile.open(path), SafetensorsFile.open(twinPath)]);
  try {
    expect([...got.tensors.keys()].sort()).toEqual([...twin.tensors.keys()].sort());
    for (const [name, info] of twin.tensors) {
      const mine = got.tensors.get(name)!;
      expect({ dtype: mine.dtype, shape: mine.shape }, name).toEqual({ dtype: info.dtype, shape: info.shape });
      expect((await got.readRaw(name)).equals(await twin.readRaw(name)), name).toBe(true);
    }
  } finally {
    await Promise.all([got.close(), twin.close()]);
  }
}

describe('.bin checkpoints through the restricted unpickler', () => {
  it('converts the zip and the legacy format to safetensors equal to the twin, byte for byte', async () => {
    await withTempDir(async (dir) => {
      await cp(join(BIN, 'model'), dir, { recursive: true });
      const done = await convertFolder(dir);
      expect(done.map((c) => c.to.slice(dir.length)).sort()).toEqual(['/text_encoder/model.safetensors', '/unet/diffusion_pytorch_model.safetensors']);
      for (const c of done) await expectSameTensors(c.to, join(BIN, 'twin.safetensors'));
      expect((await readdir(join(dir, 'unet'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const again = await convertFolder(dir);
      expect(again.every((c) => c.skipped)).toBe(true);
    });
  });

  it.each([
    ['os-system-zip.bin', /posix\.system.*not on t2v's allow-list/],
    ['os-system-legacy.bin', /posix\.system.*not on t2v's allow-list/],
    ['eval-plain-pickle.bin', /__builtin__\.eval.*not on t2v's allow-list/],
    ['not-a-state-dict.bin', /not a tensor/],
    ['non-contiguous.bin', /not contiguous/],
    ['float64.bin', /DoubleStorage tensors are not read/],
  ])('refuses %s in one line, running nothing', async (file, message) => {
    const err = await readCheckpoint(join(BIN, 'refused', file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(T2vError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
    await expect(stat('/tmp/t2v-pickle-ran')).rejects.toThrow();
  });

  it.each([
    ['diffusion_pytorch_model.bin', 'diffusion_pytorch_model.safetensors'],
    ['diffusion_pytorch_model.fp16.bin', 'diffusion_pytorch_model.fp16.safetensors'],
    ['pytorch_model.bin', 'model.safetensors'],
    ['pytorch_model.fp16.bin', 'model.fp16.safetensors'],
    ['optimizer.bin', undefined],
  ])('%s is written as %s', (from, to) => {
    expect(safetensorsNameFor(from)).toBe(to);
  });
});

describe('t2v models convert', () => {
  it('converts a folder from the command line and a part folder of .bin only says how to convert', async () => {
    const { main } = await import('../../cli/main.js');
    const { memoryIo, fakeDeps } = await import('../cli/fakes.js');
    const { Weights } = await import('../../models/weights.js');
    await withTempDir(async (dir) => {
      await cp(join(BIN, 'model'), dir, { recursive: true });
      await expect(Weights.openPart(join(dir, 'unet'), 'diffusion_pytorch_model')).rejects.toThrow(/t2v models convert/);
      const io = memoryIo();
      expect(await main(['models', 'convert', dir], io, { deps: async () => fakeDeps() })).toBe(0);
      expect(io.stdout.text).toContain('diffusion_pytorch_model.bin -> diffusion_pytorch_model.safetensors (9 tensors)');
      await cp(join(BIN, 'refused', 'os-system-zip.bin'), join(dir, 'vae', 'diffusion_pytorch_model.bin'), { recursive: true });
      const bad = memoryIo();
      expect(await main(['models', 'convert', dir], bad, { deps: async () => fakeDeps() })).toBe(1);
      expect(bad.stderr.text.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr.text).toContain('posix.system');
      await expect(stat(join(dir, 'vae', 'diffusion_pytorch_model.safetensors'))).rejects.toThrow();
      await expect(Weights.openPart(join(dir, 'unet'), 'diffusion_pytorch_model')).resolves.toBeDefined();
    });
  });
});

describe('a diffusers-written .bin through t2v verify', () => {
  it('the zeroscope case with its U-Net as diffusion_pytorch_model.bin, converted, matches diffusers', async () => {
    const { verifyCase } = await import('../../core/verify/run.js');
    const { rm, copyFile } = await import('node:fs/promises');
    const real = fileURLToPath(new URL('../fixtures/real-layouts/zeroscope_v2_576w/', import.meta.url));
    await withTempDir(async (dir) => {
      // a plain copy of the case (symlinks dereferenced), its U-Net weights swapped for diffusers' .bin
      await cp(real, dir, { recursive: true, dereference: true, filter: (src) => !src.includes('/hub') });
      await rm(join(dir, 'model', 'unet', 'diffusion_pytorch_model.safetensors'));
      await copyFile(join(BIN, 'zeroscope-unet-bin', 'diffusion_pytorch_model.bin'), join(dir, 'model', 'unet', 'diffusion_pytorch_model.bin'));
      const done = await convertFolder(join(dir, 'model'));
      expect(done.filter((c) => !c.skipped).map((c) => c.to.slice(dir.length))).toEqual(['/model/unet/diffusion_pytorch_model.safetensors']);
      await expectSameTensors(join(dir, 'model', 'unet', 'diffusion_pytorch_model.safetensors'), join(real, 'model', 'unet', 'diffusion_pytorch_model.safetensors'));
      const saved = process.env.T2V_CACHE;
      process.env.T2V_CACHE = join(dir, 'cache');
      try {
        const report = await verifyCase(dir, 'cpu');
        for (const r of report.runs) expect(r.pass, `${r.name}: ${r.error}`).toBe(true);
        expect(report.pass).toBe(true);
      } finally {
        if (saved === undefined) delete process.env.T2V_CACHE;
        else process.env.T2V_CACHE = saved;
      }
    });
  });
});

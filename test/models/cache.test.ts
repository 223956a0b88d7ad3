// Compile cache: a hit does not rebuild; two builders at once leave one complete entry; keys follow config, weights, device.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, getOrBuildGraph, type CacheRequest } from '../../models/cache.js';
import { parseClipTextConfig } from '../../models/configs/clip-text.js';
import { readJsonFile } from '../../models/json.js';
import { golden, withTempDir } from '../helpers.js';

async function request(cacheDir: string, over: Partial<CacheRequest> = {}): Promise<CacheRequest> {
  const raw = (await readJsonFile(golden('clip-small', 'text_encoder', 'config.json'))) as Record<string, unknown>;
  return { net: { kind: 'clip-text', config: parseClipTextConfig(raw) }, weights: { dir: golden('clip-small', 'text_encoder') }, device: 'cpu', cacheDir, ...over };
}

describe('compile cache', () => {
  it('builds once, then loads without rebuilding', async () => {
    await withTempDir(async (dir) => {
      const said: string[] = [];
      const first = await getOrBuildGraph(await request(dir, { onProgress: (m) => said.push(m) }));
      expect(first.built).toBe(true);
      expect(said).toEqual([expect.stringMatching(/^building the clip-text graph once, from 0\.\d{3} GB of weights, roughly \d+ s \(cached in /)]);
      const before = (await stat(first.modelPath)).mtimeMs;
      const second = await getOrBuildGraph(await request(dir));
      expect(second).toMatchObject({ built: false, modelPath: first.modelPath });
      expect((await stat(second.modelPath)).mtimeMs).toBe(before);
      expect(first.dir).toMatch(/clip-text-[0-9a-f]{16}$/);
      expect((await readdir(first.dir)).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    });
  });

  it('two concurrent builds of the same model leave one complete entry and no temporary folders', async () => {
    await withTempDir(async (dir) => {
      const req = await request(dir);
      const results = await Promise.all([getOrBuildGraph(req), getOrBuildGraph(req), getOrBuildGraph(req)]);
      expect(new Set(results.map((r) => r.modelPath)).size).toBe(1);
      expect(await readdir(dir)).toEqual([results[0]!.dir.split('/').pop()]);
    });
  });

  it('keys differ by device, weights and config, and not otherwise', async () => {
    const base = await request('/nowhere');
    const k = await cacheKey(base);
    expect(await cacheKey(await request('/elsewhere'))).toBe(k);
    expect(await cacheKey({ ...base, device: 'webgpu' })).not.toBe(k);
    expect(await cacheKey({ ...base, weights: { randomSeed: 1 } })).not.toBe(k);
    expect(await cacheKey({ ...base, weights: { randomSeed: 2 } })).not.toBe(await cacheKey({ ...base, weights: { randomSeed: 1 } }));
    const cfg = base.net.kind === 'clip-text' ? base.net.config : null;
    expect(await cacheKey({ ...base, net: { kind: 'clip-text', config: { ...cfg!, layerNormEps: 1e-6 } } })).not.toBe(k);
  });
});

describe('cache key of a model reached three ways', () => {
  it('a folder path, a symlink to it and a Hub id in the HF cache give one key', async () => {
    const { symlink } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const { resolveModel } = await import('../../models/folder.js');
    const { parseUnet3dConfig } = await import('../../models/configs/unet3d.js');
    const caseDir = fileURLToPath(new URL('../fixtures/real-layouts/text-to-video-ms-1.7b/', import.meta.url));
    await withTempDir(async (dir) => {
      await symlink(join(caseDir, 'model'), join(dir, 'link'));
      const byHub = await resolveModel('damo-vilab/text-to-video-ms-1.7b', { HF_HUB_CACHE: join(caseDir, 'hub') });
      const roots = [join(caseDir, 'model'), join(dir, 'link'), byHub.root];
      const config = parseUnet3dConfig((await readJsonFile(join(caseDir, 'model', 'unet', 'config.json'))) as Record<string, unknown>);
      const keys = await Promise.all(roots.map((r) => cacheKey({ net: { kind: 'unet3d', config }, weights: { dir: join(r, 'unet') }, device: 'cpu', cacheDir: dir })));
      expect(new Set(keys).size).toBe(1);
    });
  });
});

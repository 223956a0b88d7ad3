// The WebGPU probe: runs in a child (its native output captured, never on our stderr) and is cached per machine key.
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { hasVulkanLoader } from '../../../core/runtime/device.js';
import { probeCachePath, probeKey, probeWebgpu } from '../../../core/runtime/webgpu-probe.js';
import { withTempDir } from '../../helpers.js';

describe('webgpu probe', () => {
  it('probes once, then answers from the cache until the machine key changes', async () => {
    await withTempDir(async (dir) => {
      const env = { ...process.env, T2V_CACHE: dir };
      const first = await probeWebgpu(env);
      expect(first.cached).toBe(false);
      const saved = JSON.parse(await readFile(probeCachePath(env), 'utf8')) as { key: string; reason: string | null };
      expect(saved).toMatchObject({ key: probeKey(env), reason: first.reason });
      const second = await probeWebgpu(env);
      expect(second).toMatchObject({ cached: true, reason: first.reason });
      // another onnxruntime version, driver set or machine: probe again
      await writeFile(probeCachePath(env), JSON.stringify({ ...saved, key: saved.key.replace('"ort":"', '"ort":"0.') }));
      expect((await probeWebgpu(env)).cached).toBe(false);
      expect((await probeWebgpu(env, { fresh: true })).cached).toBe(false);
    });
  }, 60_000);

  it('the key names onnxruntime, the host and the Vulkan drivers', () => {
    const key = JSON.parse(probeKey()) as Record<string, unknown>;
    expect(Object.keys(key)).toEqual(['host', 'os', 'boot', 'ort', 'icds', 'devices', 'vars']);
    expect(key.ort).toMatch(/^1\.30\./);
  });

  it('what Dawn prints goes to the captured stream, not ours', async () => {
    await withTempDir(async (dir) => {
      const answer = await probeWebgpu({ ...process.env, T2V_CACHE: dir }, { fresh: true });
      // with a loader and no usable adapter (Mesa's lavapipe) Dawn explains itself at length; all of it lands here
      if (hasVulkanLoader() && answer.reason !== null) expect(answer.native + answer.reason).toMatch(/adapter/i);
      expect(typeof answer.native).toBe('string');
    });
  }, 60_000);
});

// `npm run bench -- --precision fp16 --device webgpu` on SwiftShader (no shader-f16): one line naming it, exit 1, nothing built.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SWIFTSHADER = process.env.T2V_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';

describe.skipIf(process.env.T2V_SKIP_WEBGPU === '1')('bench --precision fp16 on SwiftShader', () => {
  it('says fp16 is unavailable in one line and exits 1', () => {
    expect(existsSync(SWIFTSHADER), `SwiftShader's ICD at ${SWIFTSHADER}: apt-get install chromium libvulkan1 (or T2V_SKIP_WEBGPU=1)`).toBe(true);
    const cache = mkdtempSync(join(tmpdir(), 't2v-bench-cache-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/bench/unet.js'), '--precision', 'fp16', '--config', 'tiny', '--device', 'webgpu'], {
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, T2V_CACHE: cache },
      encoding: 'utf8',
    });
    rmSync(cache, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('bench: --precision fp16: the WebGPU adapter has no shader-f16 (fp16 shaders; SwiftShader and some drivers lack it); use --precision fp32');
  }, 60_000);
});

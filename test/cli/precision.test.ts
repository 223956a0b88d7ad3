// --precision through the real CLI: a bad value is usage (2); fp16 on SwiftShader (no shader-f16) is one line, exit 1, nothing written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
const SWIFTSHADER = process.env.T2V_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
const skipWebgpu = process.env.T2V_SKIP_WEBGPU === '1';

function t2v(args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 't2v-precision-'));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', T2V_CACHE: join(cwd, '.cache'), NO_COLOR: '1', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { cwd, code: r.status, stdout: r.stdout, stderr: r.stderr, files: readdirSync(cwd).filter((f) => f !== '.cache') };
}

const run = ['a red circle', '--model', TINY, '--steps', '1', '--seed', '1', '-o', 'out.mp4'];

describe('--precision', () => {
  it.each([
    [['--precision', 'fp17'], {}, '--precision fp17: invalid value; use one of fp32, fp16'],
    [[], { T2V_PRECISION: 'half' }, 'T2V_PRECISION half: invalid value; use one of fp32, fp16'],
  ])('%j %j is a usage error naming the values', (args, env, message) => {
    const r = t2v([...run, '--device', 'cpu', ...args], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`t2v: ${message}`);
    expect(r.files).toEqual([]);
  });

  it('an fp16 run on cpu says so in the device line, --json and the stored metadata and its reproduce command', () => {
    const r = t2v([...run, '--device', 'cpu', '--precision', 'fp16', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('device: cpu, precision fp16');
    expect(JSON.parse(r.stdout)).toMatchObject({ device: 'cpu', precision: 'fp16' });
    expect(r.files).toEqual(['out.mp4']);
    const info = spawnSync(process.execPath, [BIN, 'info', join(r.cwd, 'out.mp4'), '--json'], { encoding: 'utf8' });
    const stored = JSON.parse(info.stdout) as { metadata: { precision: string }; reproduce: string };
    expect(stored.metadata.precision).toBe('fp16');
    expect(stored.reproduce).toMatch(/--device cpu --precision fp16$/);
  }, 120_000);

  it.skipIf(skipWebgpu).each([
    ['generate', [...run, '--device', 'webgpu', '--precision', 'fp16']],
    ['verify', ['verify', '--golden', join(ROOT, 'test/fixtures/golden/clip-small'), '--device', 'webgpu', '--precision', 'fp16']],
  ])(
    '%s with fp16 on SwiftShader: one line naming shader-f16 and the fix, exit 1, nothing written',
    (_what, args) => {
      expect(existsSync(SWIFTSHADER), `SwiftShader's ICD at ${SWIFTSHADER}: apt-get install chromium libvulkan1 (or T2V_SKIP_WEBGPU=1)`).toBe(true);
      const r = t2v(args, { VK_ICD_FILENAMES: SWIFTSHADER });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('t2v: --precision fp16: the WebGPU adapter has no shader-f16 (fp16 shaders; SwiftShader and some drivers lack it); use --precision fp32');
      expect(r.files).toEqual([]);
    },
    120_000,
  );
});

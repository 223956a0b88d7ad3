// The built executable as users run it: --help speed and what it loads, one-line usage errors with exit 2, no stack traces.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasVulkanLoader } from '../../core/runtime/device.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', HF_HUB_CACHE: '/nonexistent-t2v-hf', NO_COLOR: '1' };

function t2v(args: string[], extra: Record<string, string> = {}, nodeArgs: string[] = []) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: ROOT, env: { ...ENV, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing; run npm run build first`);
});

describe('t2v executable', () => {
  it('--help loads no model, engine, graph builder, onnxruntime or Ink', () => {
    const trace = join(mkdtempSync(join(tmpdir(), 't2v-trace-')), 'imports.txt');
    for (const args of [['--help'], ['generate', '--help'], ['models', 'pull', '--help'], ['--version']]) {
      const r = t2v(args, { T2V_TRACE_FILE: trace }, ['--import', join(ROOT, 'test/fixtures/cli/trace-imports.mjs')]);
      expect(r.code).toBe(0);
    }
    const loaded = readFileSync(trace, 'utf8').split('\n');
    expect(loaded).toContain('commander');
    for (const heavy of ['ink', 'react', 'onnxruntime-node', 'onnx-buf', 'bullmq', 'picomatch', '../core/pipeline/pipeline.js', './deps.js']) {
      expect(loaded).not.toContain(heavy);
    }
  });

  it('--version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(t2v(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it.each([
    [['--foo'], "unknown option '--foo'"],
    [['a cat', '--steps', '0'], '--steps 0: invalid value; use a whole number'],
    [['a cat', '--frames', '-1'], '--frames -1: invalid value; use a whole number'],
    [['a cat', '--guidance', 'x'], '--guidance x: invalid value; use a number >= 1'],
    [['a cat', '--scheduler', 'foo'], '--scheduler foo: invalid value; use one of ddim, dpmpp2m, euler'],
    [['a cat', '--device', 'tpu'], '--device tpu: invalid value; use one of auto, cpu, webgpu'],
    [['a cat', '--model', '/no/such/dir'], '--model /no/such/dir: no such folder'],
    [['a cat', '--model', TINY, '-o', 'x.avi'], 'unknown output type .avi'],
    [['--json'], 'no prompt'],
    [[], 'no prompt'],
  ])('%j: one line on stderr, exit 2', (args, message) => {
    const r = t2v(args);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
    // with --json the same error is also one JSON object on stdout
    if (args.includes('--json')) expect(JSON.parse(r.stdout)).toMatchObject({ error: { exitCode: 2, kind: 'usage' } });
    else expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^t2v: [^\n]+; /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--device auto: nothing from Dawn or Vulkan reaches the terminal; one line says which device and why', () => {
    const dir = mkdtempSync(join(tmpdir(), 't2v-quiet-'));
    const env = { T2V_CACHE: join(dir, 'cache') };
    const native = /XDG_RUNTIME_DIR|Vulkan shader|PhysicalDeviceVk|BackendType::|dawn-src/i;
    const doctor = t2v(['doctor'], env);
    expect(doctor.stderr).not.toMatch(native);
    expect(doctor.stdout).not.toMatch(native);
    for (let run = 0; run < 2; run++) {
      const r = t2v(['a red circle', '--model', TINY, '--steps', '1', '--seed', '1', '-o', join(dir, `run${run}/`)], env);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(native);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('device: '))).toHaveLength(1);
    }
    // with a loader the probe ran (in a child) and its answer is reused; without one there is nothing to probe
    expect(existsSync(join(dir, 'cache', 'webgpu-probe.json'))).toBe(hasVulkanLoader());
  }, 60_000);

  it('--preview-path writes the live preview as a PNG off a terminal; no preview without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 't2v-preview-'));
    const png = join(dir, 'preview.png');
    const r = t2v(['a red circle', '--model', TINY, '--steps', '2', '--seed', '1', '--device', 'cpu', '-o', join(dir, 'out/'), '--preview-path', png]);
    expect(r.code).toBe(0);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.toString('latin1')).toContain('step 2/2');
    expect(readdirSync(dir).sort()).toEqual(['out', 'preview.png']);
    expect(t2v(['a red circle', '--model', TINY, '--steps', '2', '--device', 'cpu', '--preview-interval', '0', '-o', join(dir, 'x/')]).stderr).toContain('--preview-interval 0: invalid value');
  }, 60_000);
});

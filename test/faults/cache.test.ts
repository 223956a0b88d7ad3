// Fault rows: concurrent runs on one empty cache, damaged cache entries, and the temps of killed builds.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, envFor, lastLine, listing, ROOT, scratch, SMALL, t2v, type Result } from './harness.js';
import { hasVulkanLoader } from '../../core/runtime/device.js';

const ENTRY_FILES = ['complete.json', 'model.onnx', 'model.onnx.data'];

function runAsync(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/** The cache as entry name patterns and their files, e.g. unet3d-<key>/model.onnx. */
function entries(cache: string): string[] {
  return listing(cache)
    .map((p) => p.replace(/-[0-9a-f]{16}/, '-<key>'))
    .sort();
}

const WHOLE = ['clip-text', 'unet3d', 'vae-decoder'].flatMap((k) => [`${k}-<key>/`, ...ENTRY_FILES.map((f) => `${k}-<key>/${f}`)]).sort();

describe('concurrent runs on one empty cache', () => {
  it.each([2, 3])('%i runs at once: every one exits 0 and the cache holds each graph once, whole', async (n) => {
    const cache = scratch('cache');
    const out = scratch('out');
    const results = await Promise.all(Array.from({ length: n }, (_, i) => runAsync(['a red circle', ...SMALL, '-q', '-o', join(out, `${i}.mp4`)], envFor(cache))));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(entries(cache)).toEqual(WHOLE);
    expect(listing(out)).toEqual(Array.from({ length: n }, (_, i) => `${i}.mp4`));
  });
});

type Damage = (file: string) => void;
const DAMAGES: ReadonlyArray<{ name: string; file: string; damage: Damage; why: RegExp }> = [
  { name: 'truncated weights', file: 'model.onnx.data', damage: (f) => truncateSync(f, 1000), why: /model\.onnx\.data is 1000 bytes, \d+ were written/ },
  {
    name: 'one flipped byte in the weights',
    file: 'model.onnx.data',
    damage: (f) => flip(f, 4096),
    why: /model\.onnx\.data changed since it was built \(sha256 [0-9a-f]{12}\.\.\., built as [0-9a-f]{12}\.\.\.\)/,
  },
  { name: 'truncated graph', file: 'model.onnx', damage: (f) => truncateSync(f, 100), why: /model\.onnx is 100 bytes, \d+ were written/ },
  { name: 'an entry without its completion record', file: 'complete.json', damage: (f) => truncateSync(f, 0), why: /complete\.json is damaged/ },
];

function flip(file: string, at: number): void {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  const { size } = statSync(file);
  const pos = Math.min(at, size - 1);
  const r = readFileSync(file).subarray(pos, pos + 1);
  b[0] = r[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, pos);
  closeSync(fd);
}

describe('a damaged cache entry is rebuilt with one line saying so', () => {
  it.each(DAMAGES)('$name', ({ file, damage, why }) => {
    const cache = scratch('cache');
    const out = scratch('out');
    expect(t2v(['a red circle', ...SMALL, '-q', '-o', join(out, 'a.mp4')], envFor(cache)).code).toBe(0);
    const unet = readdirSync(cache).find((n) => n.startsWith('unet3d-'))!;
    damage(join(cache, unet, file));
    const r = t2v(['a red circle', ...SMALL, '-q', '-o', join(out, 'b.mp4')], envFor(cache));
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^t2v: warning: the cached unet3d graph in ${join(cache, unet)} is damaged \\(${why.source}\\); rebuilding it$`));
    expect(r.code).toBe(0);
    expect(entries(cache)).toEqual(WHOLE);
    expect(readFileSync(join(out, 'b.mp4')).equals(readFileSync(join(out, 'a.mp4')))).toBe(true);
    // and the rebuilt entry is trusted again, silently
    expect(t2v(['a red circle', ...SMALL, '-q', '-o', join(out, 'c.mp4')], envFor(cache)).stderr).toBe('');
  });
});

describe('temps of killed builds', () => {
  it('are swept by the next build and not counted as cache by doctor', () => {
    const cache = scratch('cache');
    // a build whose process is gone (pid 2^22 + 1 is above Linux's default pid_max of 2^22)
    const stale = join(cache, 'unet3d-0123456789abcdef.tmp-4194305-0badc0de');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'model.onnx.data'), Buffer.alloc(300_000));
    const doctor = t2v(['doctor'], envFor(cache));
    expect(doctor.stdout).toMatch(/cache\s+\S+ \(0 B; plus 293\.0 KiB in 1 unfinished build, removed by the next build once their process is gone\)/);
    const r = t2v(['a red circle', ...SMALL, '-q', '-o', join(scratch('out'), 'a.mp4')], envFor(cache));
    expect(lastLine(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    // doctor probed WebGPU afresh and kept its answer beside the graphs (where a Vulkan loader exists to probe)
    expect(entries(cache)).toEqual(hasVulkanLoader(envFor(cache)) ? [...WHOLE, 'webgpu-probe.json'].sort() : WHOLE);
  });
});

// Asks for a WebGPU adapter in a child process (Dawn and Vulkan print straight to the native stderr) and caches the answer per machine.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GraphBuilder } from '../../models/onnx/graph.js';
import { cacheDir } from '../../models/paths.js';

export interface ProbeAnswer {
  /** Null when an adapter works; otherwise why not, as onnxruntime said it. */
  readonly reason: string | null;
  /** What Dawn / the Vulkan loader printed while probing (kept from the terminal). */
  readonly native: string;
  readonly cached: boolean;
}

const PROBE_TIMEOUT_MS = 30_000;

// the child: loads onnxruntime, opens a one-node model on webgpu, prints one JSON line; its stderr never reaches the user
const CHILD = `
const [ortUrl, model] = process.argv.slice(1);
const ort = await import(ortUrl);
try {
  const s = await ort.InferenceSession.create(Buffer.from(model, 'base64'), { executionProviders: ['webgpu'] });
  await s.release();
  process.stdout.write('\\n' + JSON.stringify({ reason: null }) + '\\n');
} catch (e) {
  process.stdout.write('\\n' + JSON.stringify({ reason: String(e && e.message || e) }) + '\\n');
}
process.exit(0);
`;

/** A one-node model used to ask the webgpu provider for an adapter. */
function probeModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'probe' });
  const x = g.input('x', 'float32', [1]);
  g.output(g.node('Add', [x, g.constF([1])]), 'y', 'float32', [1]);
  return g.serialize();
}

const require = createRequire(import.meta.url);

export function onnxruntimeVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
}

function listing(dir: string): string[] {
  try {
    return readdirSync(dir).sort().map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`);
  } catch {
    return [];
  }
}

/** What the answer depends on: this machine (and boot), onnxruntime's version, the Vulkan drivers and GPU device nodes. */
export function probeKey(env: NodeJS.ProcessEnv = process.env): string {
  const boot = existsSync('/proc/sys/kernel/random/boot_id') ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : '';
  const icds = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'].flatMap((d) => listing(d).map((f) => `${d}/${f}`));
  const devices = [...listing('/dev/dri'), ...listing('/dev').filter((f) => f.startsWith('nvidia'))].map((f) => f.replace(/:.*$/, ''));
  const vars = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'LD_LIBRARY_PATH'].map((k) => `${k}=${env[k] ?? ''}`);
  return JSON.stringify({ host: hostname(), os: `${process.platform}-${process.arch}-${release()}`, boot, ort: onnxruntimeVersion(), icds, devices, vars });
}

export function probeCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'webgpu-probe.json');
}

/** Runs the probe child; never throws (a crash or a hang is itself the reason). */
export function probeInChild(env: NodeJS.ProcessEnv = process.env): Promise<{ reason: string | null; native: string }> {
  const model = Buffer.from(probeModel()).toString('base64');
  const ortUrl = pathToFileURL(require.resolve('onnxruntime-node')).href;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ortUrl, model], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ reason: `cannot start the WebGPU probe: ${e.message}`, native: err });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const answer = JSON.parse(last) as { reason: string | null };
        resolve({ reason: answer.reason, native: err });
      } catch {
        const how = signal === 'SIGKILL' ? `did not answer in ${PROBE_TIMEOUT_MS / 1000} s` : signal ? `crashed (${signal})` : `exited with status ${code}`;
        resolve({ reason: `the WebGPU probe ${how}`, native: err });
      }
    });
  });
}

/** The cached answer when the key still matches, else a fresh probe (written back atomically). */
export async function probeWebgpu(env: NodeJS.ProcessEnv = process.env, opts: { readonly fresh?: boolean } = {}): Promise<ProbeAnswer> {
  const key = probeKey(env);
  const path = probeCachePath(env);
  if (!opts.fresh) {
    try {
      const saved = JSON.parse(await readFile(path, 'utf8')) as { key?: string; reason?: string | null };
      if (saved.key === key && saved.reason !== undefined) return { reason: saved.reason, native: '', cached: true };
    } catch {
      // no cache yet, or unreadable: probe
    }
  }
  const answer = await probeInChild(env);
  try {
    await mkdir(cacheDir(env), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ key, reason: answer.reason, probedAt: new Date().toISOString() })}\n`);
    await rename(tmp, path);
  } catch {
    // a read-only cache only costs the probe next time
  }
  return { ...answer, cached: false };
}

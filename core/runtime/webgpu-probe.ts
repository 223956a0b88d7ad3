// Asks for a WebGPU adapter in a child process (Dawn and Vulkan print straight to the native stderr) and caches the answer per machine.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GraphBuilder, type FloatType } from '../../models/onnx/graph.js';
import { cacheDir } from '../../models/paths.js';

export interface ProbeAnswer {
  /** Null when an adapter works; otherwise why not, as onnxruntime said it. */
  readonly reason: string | null;
  /** Whether the adapter runs fp16 shaders (WebGPU's shader-f16), as onnxruntime found by running an fp16 node. */
  readonly shaderF16: boolean;
  /** What Dawn / the Vulkan loader printed while probing (kept from the terminal). */
  readonly native: string;
  readonly cached: boolean;
}

const PROBE_TIMEOUT_MS = 30_000;

// the child: loads onnxruntime, opens a one-node model on webgpu, then runs a one-node fp16 model (onnxruntime places
// it on webgpu either way and fails at run time, "requires f16", where the adapter lacks shader-f16); prints one JSON
// line; its stderr never reaches the user
const CHILD = `
const [ortUrl, model, model16] = process.argv.slice(1);
const ort = await import(ortUrl);
let answer;
try {
  const s = await ort.InferenceSession.create(Buffer.from(model, 'base64'), { executionProviders: ['webgpu'] });
  await s.release();
  answer = { reason: null, shaderF16: false };
} catch (e) {
  answer = { reason: String(e && e.message || e), shaderF16: false };
}
if (answer.reason === null) {
  try {
    const s = await ort.InferenceSession.create(Buffer.from(model16, 'base64'), { executionProviders: ['webgpu'] });
    const out = await s.run({ x: new ort.Tensor('float16', new Uint16Array([0x3c00]), [1]) });
    answer.shaderF16 = out.y.data[0] === 0x4000;
    await s.release();
  } catch {
    // no fp16 shaders on this adapter
  }
}
process.stdout.write('\\n' + JSON.stringify(answer) + '\\n');
process.exit(0);
`;

/** A one-node model (y = x + 1) used to ask the webgpu provider for an adapter, in float32 or fp16. */
function probeModel(precision: FloatType = 'float32'): Uint8Array {
  const g = new GraphBuilder({ name: 'probe', precision });
  const x = g.input('x', precision, [1]);
  g.output(g.node('Add', [x, g.constF([1])]), 'y', precision, [1]);
  return g.serialize();
}

const require = createRequire(import.meta.url);

export function onnxruntimeVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
}

function listing(dir: string): string[] {
  try {
    return readdirSync(dir)
      .sort()
      .map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`);
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
export function probeInChild(env: NodeJS.ProcessEnv = process.env): Promise<Omit<ProbeAnswer, 'cached'>> {
  const model = Buffer.from(probeModel()).toString('base64');
  const model16 = Buffer.from(probeModel('float16')).toString('base64');
  const ortUrl = pathToFileURL(require.resolve('onnxruntime-node')).href;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ortUrl, model, model16], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ reason: `cannot start the WebGPU probe: ${e.message}`, shaderF16: false, native: err });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const answer = JSON.parse(last) as { reason: string | null; shaderF16?: boolean };
        resolve({ reason: answer.reason, shaderF16: answer.shaderF16 === true, native: err });
      } catch {
        const how = signal === 'SIGKILL' ? `did not answer in ${PROBE_TIMEOUT_MS / 1000} s` : signal ? `crashed (${signal})` : `exited with status ${code}`;
        resolve({ reason: `the WebGPU probe ${how}`, shaderF16: false, native: err });
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
      const saved = JSON.parse(await readFile(path, 'utf8')) as { key?: string; reason?: string | null; shaderF16?: boolean };
      // answers saved before the fp16 check have no shaderF16: probe again
      if (saved.key === key && saved.reason !== undefined && typeof saved.shaderF16 === 'boolean') return { reason: saved.reason, shaderF16: saved.shaderF16, native: '', cached: true };
    } catch {
      // no cache yet, or unreadable: probe
    }
  }
  const answer = await probeInChild(env);
  try {
    await mkdir(cacheDir(env), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ key, reason: answer.reason, shaderF16: answer.shaderF16, probedAt: new Date().toISOString() })}\n`);
    await rename(tmp, path);
  } catch {
    // a read-only cache only costs the probe next time
  }
  return { ...answer, cached: false };
}

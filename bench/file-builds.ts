// Builds the U-Net graph from weight files on disk, fp32 and the fp16 variant, each in its own process: what a cold first run costs.
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUnet3dConfig } from '../models/configs/unet3d.js';
import { buildNetwork } from '../models/networks/build.js';
import { RandomSource, type WeightSource } from '../models/networks/source.js';
import { toHalves } from '../models/half.js';
import { writeSafetensorsStreamed } from '../models/safetensors-stream.js';
import { GraphBuilder } from '../models/onnx/graph.js';
import { buildUnet3d } from '../models/networks/unet3d.js';
import { processMemoryMiB } from './process-memory.js';
import { benchMessage } from './fail.js';

export { toHalves } from '../models/half.js';

export interface FileBuild {
  readonly dtype: 'fp32' | 'fp16';
  readonly fileBytes: number;
  readonly buildSeconds: number;
  readonly buildPeakRssMiB: number;
}

/** Every tensor the U-Net builder reads, recorded by running it over random weights without writing a graph. */
class RecordingSource implements WeightSource {
  readonly seen: Array<{ name: string; shape: number[] }> = [];
  private readonly random = new RandomSource(0);
  has(): boolean {
    return true;
  }
  read(name: string, shape: readonly number[]): Promise<Float32Array> {
    this.seen.push({ name, shape: [...shape] });
    return this.random.read(name, shape);
  }
  readHalf(name: string, shape: readonly number[]): Promise<Uint16Array> {
    this.seen.push({ name, shape: [...shape] });
    return this.random.readHalf(name, shape);
  }
}

async function writeWeights(raw: Readonly<Record<string, unknown>>, root: string): Promise<Record<'fp32' | 'fp16', number>> {
  const cfg = parseUnet3dConfig(raw, 'bench config');
  const rec = new RecordingSource();
  const g = new GraphBuilder({ name: 'record', dataPath: join(root, 'record.onnx.data') });
  await buildUnet3d(g, cfg, rec, {});
  g.abort();
  await rm(join(root, 'record.onnx.data'), { force: true });
  const random = new RandomSource(0);
  const sizes = { fp32: 0, fp16: 0 };
  for (const dtype of ['fp32', 'fp16'] as const) {
    const dir = join(root, dtype);
    await mkdir(dir, { recursive: true });
    const file = join(dir, dtype === 'fp16' ? 'diffusion_pytorch_model.fp16.safetensors' : 'diffusion_pytorch_model.safetensors');
    const bytesPer = dtype === 'fp16' ? 2 : 4;
    const tensors = rec.seen.map((t) => ({ ...t, dtype: dtype === 'fp16' ? ('F16' as const) : ('F32' as const), byteLength: t.shape.reduce((a, b) => a * b, 1) * bytesPer }));
    sizes[dtype] = await writeSafetensorsStreamed(file, tensors, async function* (t) {
      const v = await random.read(t.name, t.shape);
      if (dtype === 'fp32') {
        yield new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        return;
      }
      yield new Uint8Array(toHalves(v).buffer);
    });
  }
  return sizes;
}

async function buildFrom(raw: Readonly<Record<string, unknown>>, weightsDir: string, out: string): Promise<{ buildSeconds: number; buildPeakRssMiB: number }> {
  const cfg = parseUnet3dConfig(raw, 'bench config');
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const t0 = performance.now();
  await buildNetwork({ kind: 'unet3d', config: cfg }, { dir: weightsDir }, out, {});
  const buildSeconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { buildSeconds, buildPeakRssMiB: Math.max(processMemoryMiB().peakRssMiB, peak / 2 ** 20) };
}

function child(args: Record<string, string>): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const argv = Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]);
    const c = fork(fileURLToPath(import.meta.url), argv, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    let result: Record<string, number> | undefined;
    c.on('message', (m) => {
      result = m as Record<string, number>;
    });
    c.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`bench file-build phase ${args.phase} failed (exit ${code})`))));
  });
}

/** Writes the config's random weights as fp32 and fp16 files under `tmp`, then builds from each in a fresh process. */
export async function fileBuilds(raw: Readonly<Record<string, unknown>>, tmp: string): Promise<FileBuild[]> {
  const root = await mkdtemp(join(tmp, 't2v-bench-files-'));
  const cfgJson = JSON.stringify(raw);
  try {
    const sizes = await child({ phase: 'write', root, config: cfgJson });
    const out: FileBuild[] = [];
    for (const dtype of ['fp32', 'fp16'] as const) {
      const graph = join(root, `graph-${dtype}`);
      await mkdir(graph);
      const r = await child({ phase: 'build', weights: join(root, dtype), out: graph, config: cfgJson });
      out.push({ dtype, fileBytes: sizes[dtype]!, buildSeconds: r.buildSeconds!, buildPeakRssMiB: r.buildPeakRssMiB! });
      await rm(graph, { recursive: true, force: true });
    }
    return out;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// only when forked as this file: bench/unet.ts's own phase children import it with a --phase of theirs
if (process.send && process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--phase')) {
  const get = (k: string): string => process.argv[process.argv.indexOf(`--${k}`) + 1]!;
  const raw = JSON.parse(get('config')) as Record<string, unknown>;
  const run = get('phase') === 'write' ? writeWeights(raw, get('root')) : buildFrom(raw, get('weights'), get('out'));
  run.then(
    (r) => process.send!(r),
    (e: unknown) => {
      console.error(`bench: ${benchMessage(e)}`);
      process.exit(1);
    },
  );
}

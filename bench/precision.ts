// `npm run bench -- --precision fp16 [--device webgpu] [--config full|small|tiny]`: one U-Net guidance step in fp32 and
// in fp16 in one run (the runs interleaved, so load drift hits both): ms per step, TFLOP/s, the ratio, fp16's top ops.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { assertDeviceUsable } from '../core/runtime/device.js';
import type { Device, Precision } from '../core/runtime/device-names.js';
import { resolvePrecision } from '../core/runtime/precision.js';
import { defaultAttention, sessionOptions } from '../core/runtime/session.js';
import { relativeError } from '../core/verify/metrics.js';
import { parseUnet3dConfig } from '../models/configs/unet3d.js';
import { buildNetwork } from '../models/networks/build.js';
import { unet3dFlops } from './flops.js';
import { formatOps, profileRun } from './profile.js';
import { CONFIGS, feeds, FREEU_ON } from './unet-configs.js';
import { median } from './args.js';
import { claimResultsFile } from './results-file.js';

export async function precisionBench(argv: string[]): Promise<void> {
  const get = (k: string, d: string): string => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
  };
  if (get('precision', '') !== 'fp16') throw new Error(`--precision ${get('precision', '')}: the bench compares fp16 with fp32; pass --precision fp16`);
  const config = get('config', 'full');
  if (!(config in CONFIGS)) throw new Error(`--config ${config}: expected ${Object.keys(CONFIGS).join(', ')}`);
  const device = get('device', 'cpu') as Device;
  if (device !== 'cpu' && device !== 'webgpu') throw new Error(`--device ${device}: expected cpu or webgpu`);
  const threads = Number(get('threads', '2'));
  const runs = Number(get('steps', '3'));
  // the one-line refusal (no adapter, or no shader-f16: SwiftShader) before anything is built
  await assertDeviceUsable(device);
  await resolvePrecision(device, 'fp16');
  const { raw, shape } = CONFIGS[config]!;
  const cfg = parseUnet3dConfig(raw);
  const flops = unet3dFlops(cfg, shape).total;
  console.log(`t2v bench --precision: U-Net config ${config}, random weights, ${device}, ${threads} threads; ${(flops / 1e9).toFixed(1)} GFLOP per guidance step, fp32 against fp16`);
  const root = await mkdtemp(join(process.env.T2V_BENCH_TMP ?? tmpdir(), `t2v-bench-precision-${config}-`));
  const sessions: Partial<Record<Precision, ort.InferenceSession>> = {};
  try {
    const models: Partial<Record<Precision, string>> = {};
    for (const p of ['fp32', 'fp16'] as const) {
      const dir = join(root, p);
      await mkdir(dir);
      const t0 = performance.now();
      const stats = await buildNetwork({ kind: 'unet3d', config: cfg }, { randomSeed: 0 }, dir, p === 'fp16' ? { precision: 'float16', attention: 'matmul' } : { attention: defaultAttention(device) });
      console.log(`  build ${p}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(stats.weightBytes / 2 ** 30).toFixed(2)} GiB of weights`);
      models[p] = join(dir, 'model.onnx');
      sessions[p] = await ort.InferenceSession.create(models[p], sessionOptions(device, threads));
    }
    const f = feeds(cfg, shape, FREEU_ON);
    const times: Record<Precision, number[]> = { fp32: [], fp16: [] };
    const outs: Partial<Record<Precision, Float32Array>> = {};
    // one warm-up run each (allocation, shader compilation), then interleaved timed runs
    for (let i = 0; i <= runs; i++) {
      for (const p of ['fp32', 'fp16'] as const) {
        const t = performance.now();
        const out = await sessions[p]!.run(f);
        if (i > 0) times[p].push((performance.now() - t) / 1000);
        outs[p] = out.out_sample!.data as Float32Array;
      }
    }
    const step = { fp32: median(times.fp32), fp16: median(times.fp16) };
    for (const p of ['fp32', 'fp16'] as const) console.log(`  ${p}: ${(step[p] * 1000).toFixed(1)} ms per guidance step, ${(flops / step[p] / 1e12).toFixed(3)} TFLOP/s`);
    const diff = relativeError(outs.fp16!, outs.fp32!);
    console.log(`  fp16 / fp32 time: ${(step.fp16 / step.fp32).toFixed(2)}x; fp16 output against fp32: relative ${diff.toExponential(2)}`);
    for (const s of Object.values(sessions)) await s.release();
    const top = await profileRun(models.fp16!, sessionOptions(device, threads), f);
    console.log(`  top ops (one profiled fp16 step, ${device}${device === 'webgpu' ? ': host-side dispatch times' : ''}):`);
    for (const line of formatOps(top)) console.log(line);
    const now = new Date();
    const date = now.toISOString();
    const file = await claimResultsFile(`${config}-${device}-precision`, now);
    await writeFile(
      file,
      `${JSON.stringify({ date, config, device, threads, step: shape, flops, times, secondsPerStep: step, relativeFp16VsFp32: diff, loadAverage: loadavg(), topOpsFp16: top, onnxruntime: ort.env.versions.common }, null, 2)}\n`,
    );
    console.log(`  results: ${file}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

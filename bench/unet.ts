// `npm run bench` (`-- --sampling`: bench/sampling.ts, `-- --round-trip`: bench/round-trip.ts): the ModelScope U-Net from random weights on CPU or WebGPU: build, session, guidance step, FLOP/s beside a MatMul roofline.
// Each phase runs in its own child process so that its peak RSS is its own.
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { parseUnet3dConfig, type Unet3dConfig } from '../models/configs/unet3d.js';
import { buildNetwork } from '../models/networks/build.js';
import type { AttentionImpl } from '../models/networks/layers.js';
import { freeuStage } from '../models/networks/freeu.js';
import { GraphBuilder } from '../models/onnx/graph.js';
import { Ops } from '../models/onnx/ops.js';
import { defaultAttention, sessionOptions } from '../core/runtime/session.js';
import type { Device } from '../core/runtime/device-names.js';
import { unet3dFlops, type StepShape } from './flops.js';
import { processMemoryMiB } from './process-memory.js';
import { fileBuilds, type FileBuild } from './file-builds.js';
import { samplingBench } from './sampling.js';
import { roundTripBench } from './round-trip.js';
import { formatOps, profileRun, type OpCost } from './profile.js';
import { precisionBench } from './precision.js';
import { CONFIGS, feeds, FREEU_OFF, FREEU_ON } from './unet-configs.js';

interface Args { config: string; freeu: 'both' | 'off' | 'on'; device: Device; threads: number; attention: AttentionImpl; keep: boolean; matmul: number }

function parseArgs(argv: string[]): Args & { phase?: string; dir?: string } {
  const get = (k: string): string | undefined => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : undefined; };
  const config = get('config') ?? 'full';
  if (!(config in CONFIGS)) throw new Error(`--config ${config}: expected ${Object.keys(CONFIGS).join(' or ')}`);
  const freeu = (get('freeu') ?? 'both') as Args['freeu'];
  if (!['both', 'off', 'on'].includes(freeu)) throw new Error(`--freeu ${freeu}: expected both, off or on`);
  const device = (get('device') ?? 'cpu') as Device;
  const attention = (get('attention') ?? defaultAttention(device)) as AttentionImpl;
  if (!['cpu', 'webgpu'].includes(device)) throw new Error(`--device ${device}: expected cpu or webgpu`);
  return {
    config, freeu, attention, device,
    threads: Number(get('threads') ?? 2),
    matmul: Number(get('matmul') ?? 2048),
    keep: argv.includes('--keep'),
    ...(get('phase') ? { phase: get('phase')! } : {}),
    ...(get('dir') ? { dir: get('dir')! } : {}),
  };
}

/** GFLOP/s of an n x n x n float32 MatMul through onnxruntime with the same session options. */
async function matmulGflops(n: number, device: Device, threads: number): Promise<{ gflops: number; gflopsPerCpuSecond: number }> {
  const g = new GraphBuilder({ name: 'matmul' });
  const a = g.input('a', 'float32', [n, n]);
  const b = g.input('b', 'float32', [n, n]);
  g.output(g.node('MatMul', [a, b]), 'c', 'float32', [n, n]);
  const s = await ort.InferenceSession.create(g.serialize(), sessionOptions(device, threads));
  const x = new ort.Tensor('float32', Float32Array.from({ length: n * n }, (_, i) => (i % 7) * 0.1), [n, n]);
  await s.run({ a: x, b: x });
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await s.run({ a: x, b: x });
    const c = process.cpuUsage(c0);
    best = Math.min(best, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  await s.release();
  return { gflops: (2 * n ** 3) / best / 1e9, gflopsPerCpuSecond: (2 * n ** 3) / bestCpu / 1e9 };
}

/**
 * The FreeU stages of one step alone (both up blocks, every skip concatenation, at the step's shapes), timed with the
 * factors on: the stage's cost without the noise of two whole steps on a shared machine.
 */
async function freeuStageSeconds(cfg: Unet3dConfig, s: StepShape, device: Device, threads: number): Promise<number> {
  const g = new GraphBuilder({ name: 'freeu' });
  const o = new Ops(g);
  const [b, sc, v2] = ['b', 's', 'v2'].map((n) => g.input(n, 'float32', [])) as [string, string, string];
  const n = cfg.blockOutChannels.length;
  const sizes: [number, number][] = [];
  let [h, w] = [s.height, s.width];
  const skipCh: number[] = [cfg.blockOutChannels[0]!];
  for (let i = 0; i < n; i++) {
    sizes.push([h, w]);
    for (let j = 0; j < cfg.layersPerBlock; j++) skipCh.push(cfg.blockOutChannels[i]!);
    if (i < n - 1) { skipCh.push(cfg.blockOutChannels[i]!); h = Math.floor((h - 1) / 2) + 1; w = Math.floor((w - 1) / 2) + 1; }
  }
  const rev = [...cfg.blockOutChannels].reverse();
  const feeds: Record<string, ort.Tensor> = { b: new ort.Tensor('float32', new Float32Array([1.2]), []), s: new ort.Tensor('float32', new Float32Array([0.9]), []), v2: new ort.Tensor('float32', new Float32Array([0]), []) };
  const N = s.batch * s.frames;
  let prev = rev[0]!;
  for (let i = 0; i < 2 && i < n; i++) {
    const [hh, ww] = sizes[n - 1 - i]!;
    for (let j = 0; j < cfg.layersPerBlock + 1; j++) {
      const ch = j === 0 ? prev : rev[i]!;
      const sk = skipCh.pop()!;
      const x = g.input(`h${i}_${j}`, 'float32', [N, ch, hh, ww]);
      const y = g.input(`s${i}_${j}`, 'float32', [N, sk, hh, ww]);
      const r = freeuStage(o, x, y, ch, b, sc, v2);
      g.output(r.h, `oh${i}_${j}`, 'float32', [N, ch, hh, ww]);
      g.output(r.hs, `os${i}_${j}`, 'float32', [N, sk, hh, ww]);
      feeds[`h${i}_${j}`] = new ort.Tensor('float32', Float32Array.from({ length: N * ch * hh * ww }, (_, k) => Math.sin(k)), [N, ch, hh, ww]);
      feeds[`s${i}_${j}`] = new ort.Tensor('float32', Float32Array.from({ length: N * sk * hh * ww }, (_, k) => Math.cos(k)), [N, sk, hh, ww]);
    }
    prev = rev[i]!;
  }
  const session = await ort.InferenceSession.create(g.serialize(), sessionOptions(device, threads));
  await session.run(feeds);
  let best = Infinity;
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  await session.release();
  return best;
}

async function phaseBuild(args: Args, dir: string): Promise<Record<string, unknown>> {
  const cfg = parseUnet3dConfig(CONFIGS[args.config]!.raw, `bench ${args.config} config`);
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  const stats = await buildNetwork({ kind: 'unet3d', config: cfg }, { randomSeed: 0 }, dir, { attention: args.attention });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const mem = processMemoryMiB();
  return { buildSeconds: seconds, buildPeakRssMiB: Math.max(mem.peakRssMiB, peak / 2 ** 20), parameters: stats.parameters, weightBytes: stats.weightBytes, nodes: stats.nodes };
}

async function phaseRun(args: Args, dir: string): Promise<Record<string, unknown>> {
  const { raw, shape } = CONFIGS[args.config]!;
  const cfg = parseUnet3dConfig(raw);
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), sessionOptions(args.device, args.threads));
  const sessionSeconds = (performance.now() - t0) / 1000;
  const afterSession = processMemoryMiB();
  const order: ('off' | 'on')[] = args.freeu === 'both' ? ['off', 'on', 'off', 'on'] : [args.freeu, args.freeu];
  const times: Record<string, number[]> = { off: [], on: [] };
  const cpuTimes: Record<string, number[]> = { off: [], on: [] };
  let checksum = 0;
  for (const which of order) {
    const f = feeds(cfg, shape, which === 'on' ? FREEU_ON : FREEU_OFF);
    const t = performance.now();
    const c0 = process.cpuUsage();
    const out = await session.run(f);
    const c = process.cpuUsage(c0);
    times[which]!.push((performance.now() - t) / 1000);
    cpuTimes[which]!.push((c.user + c.system) / 1e6);
    const d = out.out_sample!.data as Float32Array;
    checksum = d.reduce((a, v) => a + v, 0);
    if (!Number.isFinite(checksum)) throw new Error('the U-Net output is not finite');
    process.stderr.write(`  step (FreeU ${which}): ${times[which]!.at(-1)!.toFixed(2)} s wall, ${cpuTimes[which]!.at(-1)!.toFixed(1)} s cpu\n`);
  }
  const stepPeak = processMemoryMiB();
  await session.release();
  const topOps = await profileRun(join(dir, 'model.onnx'), sessionOptions(args.device, args.threads), feeds(cfg, shape, FREEU_ON));
  const roof = await matmulGflops(args.matmul, args.device, args.threads);
  const freeuStage = await freeuStageSeconds(cfg, shape, args.device, args.threads);
  return {
    freeuStageSeconds: freeuStage, sessionSeconds, rssAfterSessionMiB: afterSession.rssMiB, stepPeakRssMiB: stepPeak.peakRssMiB, times, cpuTimes, matmulGflops: roof.gflops, matmulGflopsPerCpuSecond: roof.gflopsPerCpuSecond, checksum, topOps };
}

function runChild(phase: string, argv: string[], dir: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [...argv, '--phase', phase, '--dir', dir], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    let result: Record<string, unknown> | undefined;
    child.on('message', (m) => { result = m as Record<string, unknown>; });
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`bench phase ${phase} failed (exit ${code})`))));
  });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN; };

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--sampling')) return samplingBench(argv);
  if (argv.includes('--round-trip')) return roundTripBench(argv);
  if (argv.includes('--precision')) return precisionBench(argv);
  const args = parseArgs(argv);
  if (args.phase && args.dir) {
    const r = args.phase === 'build' ? await phaseBuild(args, args.dir) : await phaseRun(args, args.dir);
    process.send?.(r);
    return;
  }
  const { raw, shape } = CONFIGS[args.config]!;
  const cfg = parseUnet3dConfig(raw);
  const flops = unet3dFlops(cfg, shape);
  const dir = await mkdtemp(join(process.env.T2V_BENCH_TMP ?? tmpdir(), `t2v-bench-${args.config}-`));
  console.log(`t2v bench: U-Net config ${args.config}, random weights, ${args.device}, ${args.threads} threads, attention ${args.attention}; step = batch ${shape.batch} x ${shape.frames} frames x ${shape.height}x${shape.width} latents, ${(flops.total / 1e9).toFixed(1)} GFLOP`);
  try {
    const build = await runChild('build', argv, dir);
    console.log(`  build: ${(build.buildSeconds as number).toFixed(1)} s, peak RSS ${(build.buildPeakRssMiB as number).toFixed(0)} MiB, ${((build.parameters as number) / 1e9).toFixed(3)} B parameters, ${build.nodes} nodes`);
    // a cold first run builds from the model's files: fp32 and the fp16 variant (issue 14: fp16 was 12x slower)
    const files: FileBuild[] = argv.includes('--no-file-builds') ? [] : await fileBuilds(raw, process.env.T2V_BENCH_TMP ?? tmpdir());
    for (const f of files) console.log(`  build from ${f.dtype} files (${(f.fileBytes / 2 ** 30).toFixed(2)} GiB): ${f.buildSeconds.toFixed(1)} s, peak RSS ${f.buildPeakRssMiB.toFixed(0)} MiB`);
    if (files.length === 2) console.log(`  fp16 / fp32 build time: ${(files[1]!.buildSeconds / files[0]!.buildSeconds).toFixed(2)}x`);
    const run = await runChild('run', argv, dir);
    const times = run.times as Record<string, number[]>;
    // the first step of a session includes one-time allocation: report the later ones
    // (with --freeu both the order is off, on, off, on: the first off is the warm-up)
    const first = (times[args.freeu === 'on' ? 'on' : 'off'] ?? [])[0] ?? NaN;
    const off = args.freeu === 'on' ? NaN : median(times.off!.slice(1));
    const on = args.freeu === 'off' ? NaN : args.freeu === 'on' ? median(times.on!.slice(1)) : median(times.on!);
    const step = Number.isNaN(off) ? on : off;
    const gflops = flops.total / step / 1e9;
    // CPU-time view (robust when other processes share the cores): GFLOP per CPU-second, step vs MatMul
    const cpu = run.cpuTimes as Record<string, number[]>;
    const stepCpu = args.freeu === 'on' ? median(cpu.on!.slice(1)) : median(cpu.off!.length > 1 ? cpu.off!.slice(1) : cpu.off!);
    const gflopsPerCpuSecond = flops.total / stepCpu / 1e9;
    const result = {
      date: new Date().toISOString(),
      config: args.config,
      unetConfig: raw,
      step: shape,
      device: args.device,
      threads: args.threads,
      attention: args.attention,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemGiB: totalmem() / 2 ** 30, onnxruntime: ort.env.versions.common },
      flops: { total: flops.total, conv: flops.conv, linear: flops.linear, attention: flops.attention },
      ...build,
      fileBuilds: files,
      sessionSeconds: run.sessionSeconds,
      rssAfterSessionMiB: run.rssAfterSessionMiB,
      stepPeakRssMiB: run.stepPeakRssMiB,
      firstStepSeconds: first,
      stepTimes: times,
      secondsPerStep: step,
      secondsPerStepFreeuOff: off,
      secondsPerStepFreeuOn: on,
      freeuOverheadPercent: ((on - off) / off) * 100,
      freeuStageSeconds: run.freeuStageSeconds,
      freeuStagePercentOfStep: ((run.freeuStageSeconds as number) / step) * 100,
      gflops,
      matmulSize: args.matmul,
      matmulGflops: run.matmulGflops,
      fractionOfMatmul: gflops / (run.matmulGflops as number),
      stepCpuTimes: cpu,
      stepCpuSeconds: stepCpu,
      gflopsPerCpuSecond,
      matmulGflopsPerCpuSecond: run.matmulGflopsPerCpuSecond,
      fractionOfMatmulPerCpuSecond: gflopsPerCpuSecond / (run.matmulGflopsPerCpuSecond as number),
      loadAverage: loadavg(),
      topOps: run.topOps,
    };
    console.log(`  session: ${(run.sessionSeconds as number).toFixed(1)} s, RSS after session ${(run.rssAfterSessionMiB as number).toFixed(0)} MiB`);
    console.log(`  step: ${(step * 1000).toFixed(1)} ms (first ${(first * 1000).toFixed(1)} ms), ${(gflops / 1000).toFixed(3)} TFLOP/s; peak RSS ${(run.stepPeakRssMiB as number).toFixed(0)} MiB`);
    console.log(`  FreeU off ${off.toFixed(2)} s, on ${on.toFixed(2)} s: overhead ${result.freeuOverheadPercent.toFixed(2)} % (whole steps; noisy on a shared machine)`);
    console.log(`  FreeU stages alone (6 skip concatenations at the step's shapes): ${((run.freeuStageSeconds as number) * 1000).toFixed(1)} ms = ${(((run.freeuStageSeconds as number) / step) * 100).toFixed(3)} % of the step`);
    console.log(`  MatMul ${args.matmul}^3: ${(run.matmulGflops as number).toFixed(1)} GFLOP/s; the step reaches ${(result.fractionOfMatmul * 100).toFixed(0)} % of it`);
    console.log(`  per CPU-second: step ${gflopsPerCpuSecond.toFixed(1)}, MatMul ${(run.matmulGflopsPerCpuSecond as number).toFixed(1)} GFLOP (${(result.fractionOfMatmulPerCpuSecond * 100).toFixed(0)} %); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    // on webgpu the kernel times are onnxruntime's host-side dispatch times, not GPU time
    console.log(`  top ops (one profiled FreeU-on step, ${args.device}${args.device === 'webgpu' ? ': host-side dispatch times' : ''}):`);
    for (const line of formatOps(run.topOps as OpCost[])) console.log(line);
    const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, `${result.date.slice(0, 19).replace(/:/g, '-')}-${args.config}${args.device === 'cpu' ? '' : `-${args.device}`}.json`);
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`  results: ${file}`);
  } finally {
    if (!args.keep) await rm(dir, { recursive: true, force: true });
    else console.log(`  graph kept in ${dir}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

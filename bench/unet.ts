// `npm run bench` (`-- --sampling`: bench/sampling.ts, `-- --round-trip`: bench/round-trip.ts): the ModelScope U-Net from random weights on CPU or WebGPU: build, session, guidance step, FLOP/s beside a MatMul roofline.
// Each phase runs in its own child process so that its peak RSS is its own.
import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { parseUnet3dConfig } from '../models/configs/unet3d.js';
import { buildNetwork } from '../models/networks/build.js';
import type { AttentionImpl } from '../models/networks/layers.js';
import { defaultAttention, sessionOptions } from '../core/runtime/session.js';
import type { Device } from '../core/runtime/device-names.js';
import { unet3dFlops } from './flops.js';
import { freeuStageSeconds, matmulGflops } from './kernels.js';
import { processMemoryMiB } from './process-memory.js';
import { fileBuilds, type FileBuild } from './file-builds.js';
import { samplingBench } from './sampling.js';
import { roundTripBench } from './round-trip.js';
import { formatOps, profileRun, type OpCost } from './profile.js';
import { precisionBench } from './precision.js';
import { CONFIGS, feeds, FREEU_OFF, FREEU_ON } from './unet-configs.js';
import { benchMessage } from './fail.js';
import { median } from './args.js';
import { claimResultsFile } from './results-file.js';

interface Args {
  config: string;
  freeu: 'both' | 'off' | 'on';
  device: Device;
  threads: number;
  attention: AttentionImpl;
  keep: boolean;
  matmul: number;
}

function parseArgs(argv: string[]): Args & { phase?: string; dir?: string } {
  const get = (k: string): string | undefined => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const config = get('config') ?? 'full';
  if (!(config in CONFIGS)) throw new Error(`--config ${config}: expected ${Object.keys(CONFIGS).join(' or ')}`);
  const freeu = (get('freeu') ?? 'both') as Args['freeu'];
  if (!['both', 'off', 'on'].includes(freeu)) throw new Error(`--freeu ${freeu}: expected both, off or on`);
  const device = (get('device') ?? 'cpu') as Device;
  const attention = (get('attention') ?? defaultAttention(device)) as AttentionImpl;
  if (!['cpu', 'webgpu'].includes(device)) throw new Error(`--device ${device}: expected cpu or webgpu`);
  return {
    config,
    freeu,
    attention,
    device,
    threads: Number(get('threads') ?? 2),
    matmul: Number(get('matmul') ?? 2048),
    keep: argv.includes('--keep'),
    ...(get('phase') ? { phase: get('phase')! } : {}),
    ...(get('dir') ? { dir: get('dir')! } : {}),
  };
}

async function phaseBuild(args: Args, dir: string): Promise<Record<string, unknown>> {
  const cfg = parseUnet3dConfig(CONFIGS[args.config]!.raw, `bench ${args.config} config`);
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
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
    freeuStageSeconds: freeuStage,
    sessionSeconds,
    rssAfterSessionMiB: afterSession.rssMiB,
    stepPeakRssMiB: stepPeak.peakRssMiB,
    times,
    cpuTimes,
    matmulGflops: roof.gflops,
    matmulGflopsPerCpuSecond: roof.gflopsPerCpuSecond,
    checksum,
    topOps,
  };
}

function runChild(phase: string, argv: string[], dir: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [...argv, '--phase', phase, '--dir', dir], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    let result: Record<string, unknown> | undefined;
    child.on('message', (m) => {
      result = m as Record<string, unknown>;
    });
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`bench phase ${phase} failed (exit ${code})`))));
  });
}

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
  console.log(
    `t2v bench: U-Net config ${args.config}, random weights, ${args.device}, ${args.threads} threads, attention ${args.attention}; step = batch ${shape.batch} x ${shape.frames} frames x ${shape.height}x${shape.width} latents, ${(flops.total / 1e9).toFixed(1)} GFLOP`,
  );
  try {
    const build = await runChild('build', argv, dir);
    console.log(
      `  build: ${(build.buildSeconds as number).toFixed(1)} s, peak RSS ${(build.buildPeakRssMiB as number).toFixed(0)} MiB, ${((build.parameters as number) / 1e9).toFixed(3)} B parameters, ${build.nodes} nodes`,
    );
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
    console.log(
      `  FreeU stages alone (6 skip concatenations at the step's shapes): ${((run.freeuStageSeconds as number) * 1000).toFixed(1)} ms = ${(((run.freeuStageSeconds as number) / step) * 100).toFixed(3)} % of the step`,
    );
    console.log(`  MatMul ${args.matmul}^3: ${(run.matmulGflops as number).toFixed(1)} GFLOP/s; the step reaches ${(result.fractionOfMatmul * 100).toFixed(0)} % of it`);
    console.log(
      `  per CPU-second: step ${gflopsPerCpuSecond.toFixed(1)}, MatMul ${(run.matmulGflopsPerCpuSecond as number).toFixed(1)} GFLOP (${(result.fractionOfMatmulPerCpuSecond * 100).toFixed(0)} %); load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    // on webgpu the kernel times are onnxruntime's host-side dispatch times, not GPU time
    console.log(`  top ops (one profiled FreeU-on step, ${args.device}${args.device === 'webgpu' ? ': host-side dispatch times' : ''}):`);
    for (const line of formatOps(run.topOps as OpCost[])) console.log(line);
    const file = await claimResultsFile(`${args.config}${args.device === 'cpu' ? '' : `-${args.device}`}`, new Date(result.date));
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`  results: ${file}`);
  } finally {
    if (!args.keep) await rm(dir, { recursive: true, force: true });
    else console.log(`  graph kept in ${dir}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${benchMessage(e)}`);
  process.exit(1);
});

// `npm run bench -- --sampling [--device webgpu] [--config full|small|tiny]`: a whole DDIM sampling loop (guidance batch 2) on a
// U-Net with random weights (default the full-size one), uncached and with DeepCache, in one run; on webgpu both loops run on the device.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepCacheStepper, fullSteps, type DeepCacheSchedule } from '../core/pipeline/deep-cache.js';
import { sampleLatents } from '../core/pipeline/sampler.js';
import { loadDeepCacheUnet3dFrom } from '../core/runtime/index.js';
import { createScheduler } from '../core/schedulers/index.js';
import { parseUnet3dConfig } from '../models/configs/unet3d.js';
import type { Device } from '../core/runtime/device-names.js';
import { CONFIGS } from './unet-configs.js';
import { unet3dFlops } from './flops.js';
import { processMemoryMiB } from './process-memory.js';
import { xorshiftValues } from '../core/rng/xorshift.js';
import { claimResultsFile } from './results-file.js';

interface SamplingArgs {
  steps: number;
  frames: number;
  latent: number;
  interval: number;
  branch: number;
  schedule: DeepCacheSchedule;
  threads: number;
  device: Device;
  config: string;
}

function parse(argv: string[]): SamplingArgs {
  const get = (k: string, d: string): string => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
  };
  const int = (k: string, d: number, min: number): number => {
    const v = Number(get(k, String(d)));
    if (!Number.isInteger(v) || v < min) throw new Error(`--${k} ${get(k, '')}: expected a whole number >= ${min}`);
    return v;
  };
  const schedule = get('deep-cache-schedule', 'uniform');
  if (schedule !== 'uniform' && schedule !== 'non-uniform') throw new Error(`--deep-cache-schedule ${schedule}: expected uniform or non-uniform`);
  const device = get('device', 'cpu');
  if (device !== 'cpu' && device !== 'webgpu') throw new Error(`--device ${device}: expected cpu or webgpu`);
  const config = get('config', 'full');
  if (!(config in CONFIGS)) throw new Error(`--config ${config}: expected ${Object.keys(CONFIGS).join(', ')}`);
  return {
    steps: int('steps', 9, 1),
    frames: int('frames', 4, 1),
    latent: int('latent', 16, 1),
    interval: int('deep-cache', 3, 2),
    branch: int('deep-cache-branch', 0, 0),
    schedule,
    threads: int('threads', 2, 1),
    device,
    config,
  };
}

const noise = (n: number, seed: number): Float32Array => xorshiftValues(n, seed);

export async function samplingBench(argv: string[]): Promise<void> {
  const a = parse(argv);
  const raw = CONFIGS[a.config]!.raw;
  const cfg = parseUnet3dConfig(raw, `bench ${a.config} config`);
  const shape = { batch: 2, frames: a.frames, height: a.latent, width: a.latent, context: 77 };
  const settings = { interval: a.interval, branch: a.branch, schedule: a.schedule };
  const full = fullSteps(a.steps, settings);
  const fullFlops = unet3dFlops(cfg, shape).total;
  const shallowFlops = unet3dFlops(cfg, shape, a.branch).total;
  const flopIdeal = (a.steps * fullFlops) / (full.length * fullFlops + (a.steps - full.length) * shallowFlops);
  console.log(
    `t2v bench --sampling: U-Net config ${a.config}, random weights, ${a.device}, ${a.threads} threads; ${a.steps} DDIM steps, guidance batch 2 x ${a.frames} frames x ${a.latent}x${a.latent} latents`,
  );
  console.log(
    `  DeepCache interval ${a.interval}, branch ${a.branch}, ${a.schedule}: full steps ${full.join(', ')}; shallow step = ${((shallowFlops / fullFlops) * 100).toFixed(1)} % of a full step's FLOPs`,
  );
  const cacheDir = await mkdtemp(join(process.env.T2V_BENCH_TMP ?? tmpdir(), 't2v-bench-sampling-'));
  const load0 = loadavg();
  try {
    const t0 = performance.now();
    const unet = await loadDeepCacheUnet3dFrom(cfg, { randomSeed: 0 }, { device: a.device, threads: a.threads, cacheDir }, a.branch);
    const loadSeconds = (performance.now() - t0) / 1000;
    console.log(`  build + sessions (both graphs): ${loadSeconds.toFixed(1)} s`);
    const dims = [1, cfg.inChannels, a.frames, a.latent, a.latent] as const;
    const latents = noise(
      dims.reduce((x, y) => x * y, 1),
      1,
    );
    const cond = noise(77 * cfg.crossAttentionDim, 2);
    const uncond = noise(77 * cfg.crossAttentionDim, 3);
    const loop = async (interval: number, steps = a.steps): Promise<{ seconds: number; cpuSeconds: number; perStep: number[]; latents: Float32Array }> => {
      const scheduler = createScheduler('ddim', { num_train_timesteps: 1000, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
      scheduler.setTimesteps(steps);
      const stepper = deepCacheStepper(unet, fullSteps(steps, { ...settings, interval }));
      const perStep: number[] = [];
      const c0 = process.cpuUsage();
      const t = performance.now();
      const out = await sampleLatents({
        unet: stepper,
        scheduler,
        latents,
        dims,
        cond,
        uncond,
        embedDims: [77, cfg.crossAttentionDim],
        guidanceScale: 9,
        onStep: (i, s) => {
          perStep.push(s);
          process.stderr.write(`  ${interval === 1 ? 'uncached' : 'cached'} step ${i + 1}/${steps}: ${s.toFixed(2)} s\n`);
        },
      });
      const c = process.cpuUsage(c0);
      return { seconds: (performance.now() - t) / 1000, cpuSeconds: (c.user + c.system) / 1e6, perStep, latents: out };
    };
    // warm-up, one full and one shallow call: the first run of a session allocates its buffers
    await loop(2, 2);
    const uncached = await loop(1);
    const cached = await loop(a.interval);
    const peak = processMemoryMiB();
    await unet.release();
    let num = 0;
    let den = 0;
    for (let i = 0; i < uncached.latents.length; i++) {
      num += (cached.latents[i]! - uncached.latents[i]!) ** 2;
      den += uncached.latents[i]! ** 2;
    }
    const result = {
      date: new Date().toISOString(),
      bench: 'sampling',
      config: a.config,
      device: a.device,
      resident: a.device === 'webgpu',
      unetConfig: raw,
      steps: a.steps,
      frames: a.frames,
      latent: a.latent,
      guidance_batch: 2,
      threads: a.threads,
      deep_cache: a.interval,
      branch: a.branch,
      schedule: a.schedule,
      full_steps: full,
      uncached_s: uncached.seconds,
      cached_s: cached.seconds,
      speedup: uncached.seconds / cached.seconds,
      flop_ideal_speedup: flopIdeal,
      cpu_speedup: uncached.cpuSeconds / cached.cpuSeconds,
      uncached_cpu_s: uncached.cpuSeconds,
      cached_cpu_s: cached.cpuSeconds,
      uncached_step_s: uncached.perStep,
      cached_step_s: cached.perStep,
      full_step_tflop: fullFlops / 1e12,
      shallow_step_fraction: shallowFlops / fullFlops,
      latents_relative_error: Math.sqrt(num / den),
      build_and_sessions_s: loadSeconds,
      peak_rss_mib: peak.peakRssMiB,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model },
      load_average_before: load0,
      load_average_after: loadavg(),
    };
    console.log(
      `  uncached ${result.uncached_s.toFixed(1)} s, cached ${result.cached_s.toFixed(1)} s: ${result.speedup.toFixed(2)}x (flop-ideal ${flopIdeal.toFixed(2)}x, CPU time ${result.cpu_speedup.toFixed(2)}x); load average ${load0.map((x) => x.toFixed(1)).join(' ')} -> ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    const file = await claimResultsFile(`sampling${a.device === 'webgpu' ? '-webgpu' : ''}`, new Date(result.date));
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`  results: ${file}`);
    console.log(JSON.stringify(result));
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

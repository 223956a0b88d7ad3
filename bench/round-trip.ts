// `npm run bench -- --round-trip [--device webgpu]`: what the host loop's round trip costs per step against a U-Net step,
// and (webgpu) the copies and the device step graph that replace it: bytes moved, host guidance + scheduler time.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { applyGuidance, duplicateBatch } from '../core/pipeline/guidance.js';
import { vaeBatch } from '../core/pipeline/decode.js';
import { checkFinite } from '../core/pipeline/step-helpers.js';
import { loadUnet3d } from '../core/runtime/unet3d.js';
import { DeviceSteps } from '../core/runtime/step-graphs.js';
import { createScheduler } from '../core/schedulers/index.js';
import type { SchedulerName } from '../core/pipeline/types.js';
import type { Device } from '../core/runtime/device-names.js';
import { median } from './args.js';
import { defaultModelDir } from '../models/paths.js';
import { claimResultsFile } from './results-file.js';

interface Shape {
  readonly name: string;
  readonly dims: readonly [number, number, number, number, number];
  readonly context: number;
  readonly width: number;
  readonly timeProj: number;
}
const SHAPES: readonly Shape[] = [
  { name: 'embedded (8 x 64x64)', dims: [1, 4, 8, 8, 8], context: 77, width: 64, timeProj: 32 },
  { name: 'full (16 x 256x256)', dims: [1, 4, 16, 32, 32], context: 77, width: 1024, timeProj: 320 },
];
// the full-size U-Net step is not run here: its figures come from earlier `npm run bench` results (README, Devices)
const FULL_STEPS = [
  { what: 'H100 webgpu fp32 (bench/results/2026-11-26T08-59-02-full-webgpu.json)', seconds: 1.378 },
  { what: 'the issue-22 goal on an H100/H200', seconds: 0.16 },
  { what: 'diffusers fp16 CUDA, H200 (../shared/BENCHMARKS.md)', seconds: 0.105 },
];
const SCHEDULERS: readonly SchedulerName[] = ['ddim', 'dpmpp2m', 'euler'];
const CONFIG = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', set_alpha_to_one: false, steps_offset: 1, num_train_timesteps: 1000, clip_sample: false };

const count = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

async function timed(reps: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < reps + 1; i++) {
    const t0 = performance.now();
    await fn();
    if (i > 0) ms.push(performance.now() - t0); // the first is a warm-up
  }
  return median(ms);
}

/** The host loop's work between two U-Net calls: guidance, the step, the finite check, the next guidance batch. */
async function hostStepMs(s: Shape, name: SchedulerName): Promise<number> {
  const n = count(s.dims);
  const out = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i));
  const scheduler = createScheduler(name, CONFIG);
  scheduler.setTimesteps(50);
  let x: Float32Array = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
  let i = 0;
  return timed(50, () => {
    if (i === scheduler.timesteps.length) {
      scheduler.setTimesteps(50);
      i = 0;
    }
    const t = scheduler.timesteps[i++]!;
    x = scheduler.step(applyGuidance(out, 9), t, x);
    checkFinite(x, i, 50, 9);
    scheduler.scaleModelInput(duplicateBatch(x), t);
  });
}

function bytesPerStep(s: Shape): { host: { up: number; down: number }; resident: { up: number; down: number } } {
  const n = count(s.dims);
  const small = 4 * (2 * s.timeProj + 5); // time_proj and the FreeU factors: both loops send them
  return {
    host: { up: 4 * (2 * n + 2 * s.context * s.width) + small, down: 4 * 2 * n },
    // the step's 9 coefficients, its divisor and the int64 repeats; DDIM's eta noise (4n) when eta > 0
    resident: { up: small + 4 * 10 + 8 * 5, down: 0 },
  };
}

async function deviceCopies(dev: DeviceSteps, s: Shape): Promise<Record<string, number>> {
  const n = count(s.dims);
  const batch: readonly number[] = [2, ...s.dims.slice(1)];
  const x = new Float32Array(2 * n).fill(0.5);
  const ehs = new Float32Array(2 * s.context * s.width).fill(0.1);
  const held: ort.Tensor[] = [];
  try {
    const uploadMs = await timed(5, async () => held.push(await dev.upload(x, batch)));
    const uploadEhsMs = await timed(5, async () => held.push(await dev.upload(ehs, [2, s.context, s.width])));
    const outD = await dev.upload(x, batch);
    const xD = await dev.upload(x.subarray(0, n), s.dims);
    held.push(outD, xD);
    const downloadMs = await timed(5, () => dev.download(outD));
    const step = { kx: 1, km: -0.5, clip: Infinity, ox: 0, om: 0.3, oy: 0.9, op: 0, on: 0 };
    // a run returns when its work is queued: the read-back of its output waits for it
    const stepAndReadMs = await timed(5, async () => {
      const r = await dev.run({ sample: xD, modelOutput: outD, yPrev: xD, noise: xD, guidanceScale: 9, step, next: { divisor: 1, batch: 2 } });
      held.push(r.prev, r.y, r.guided, r.next);
      await dev.download(r.prev);
    });
    const readSmallMs = await timed(5, () => dev.download(xD));
    // once per video: the final latents down, 1 / scaling_factor and frames into the batch on the host, the VAE's input up
    const [, c, f, h, w] = s.dims;
    const vaeHandOffMs = await timed(5, async () => held.push(await dev.upload(vaeBatch(await dev.download(xD), s.dims, 0.18215), [f, c, h, w])));
    return { uploadSampleMs: uploadMs, uploadEmbeddingsMs: uploadEhsMs, downloadOutputMs: downloadMs, deviceStepWithReadBackMs: stepAndReadMs, readBackLatentsMs: readSmallMs, vaeHandOffMs };
  } finally {
    for (const t of held) t.dispose();
  }
}

/** The embedded model's U-Net guidance step on `device` (the full-size one is too slow for SwiftShader). */
async function embeddedStepMs(device: Device, threads: number): Promise<number> {
  const unet = await loadUnet3d(join(defaultModelDir(), 'unet'), { device, threads });
  try {
    const dims = [2, 4, 8, 8, 8] as const;
    const sample = Float32Array.from({ length: count(dims) }, (_, i) => Math.sin(i * 0.37));
    const ehs = Float32Array.from({ length: 2 * 77 * 64 }, (_, i) => Math.cos(i * 0.11));
    return await timed(2, () => unet.run({ sample, sampleDims: dims, timestep: 981, encoderHiddenStates: ehs, ehsDims: [2, 77, 64] }));
  } finally {
    await unet.release();
  }
}

export async function roundTripBench(argv: string[]): Promise<void> {
  const i = argv.indexOf('--device');
  const device: Device = i >= 0 && argv[i + 1] === 'webgpu' ? 'webgpu' : 'cpu';
  const threads = 2;
  const dev = device === 'webgpu' ? await DeviceSteps.create() : undefined;
  const rows: Record<string, unknown>[] = [];
  console.log(`t2v bench --round-trip on ${device}: the host loop's work and copies between U-Net calls, per guidance step`);
  try {
    const embeddedMs = await embeddedStepMs(device, threads);
    console.log(`  embedded model U-Net guidance step on ${device}: ${embeddedMs.toFixed(1)} ms`);
    for (const s of SHAPES) {
      const bytes = bytesPerStep(s);
      const host: Record<string, number> = {};
      for (const name of SCHEDULERS) host[name] = await hostStepMs(s, name);
      const copies = dev ? await deviceCopies(dev, s) : undefined;
      const worst = Math.max(...Object.values(host));
      const steps = s.name.startsWith('embedded') ? [{ what: `embedded model on ${device} (this run)`, seconds: embeddedMs / 1000 }] : FULL_STEPS;
      console.log(
        `  ${s.name}: host loop moves ${(bytes.host.up / 1024).toFixed(1)} KiB up + ${(bytes.host.down / 1024).toFixed(1)} KiB down per step; resident ${bytes.resident.up} B up, 0 down (the final latents once)`,
      );
      console.log(`    host guidance + step + checks: ${SCHEDULERS.map((n) => `${n} ${host[n]!.toFixed(2)} ms`).join(', ')}`);
      for (const r of steps) console.log(`    = ${((worst / (r.seconds * 1000)) * 100).toPrecision(3)} % of a ${(r.seconds * 1000).toFixed(0)} ms step (${r.what})`);
      if (copies)
        console.log(
          `    ${device}: ${Object.entries(copies)
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(', ')} (SwiftShader: memcpy and CPU shader emulation, not PCIe or GPU time)`,
        );
      rows.push({ shape: s, bytes, hostStepMs: host, deviceCopiesMs: copies ?? null, stepReferences: steps });
    }
  } finally {
    await dev?.release();
  }
  const now = new Date();
  const date = now.toISOString();
  const file = await claimResultsFile(`round-trip${device === 'cpu' ? '' : `-${device}`}`, now);
  await writeFile(file, JSON.stringify({ date, device, threads, machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model }, loadAverage: loadavg(), rows }, null, 2) + '\n');
  console.log(`  results: ${file}`);
}

// `npm run bench:fast`: what DeepCache, the guidance interval and --fast cost in quality on the embedded model, beside what they save.
// Every quality-bench prompt x --seeds seeds; each variant against the uncached defaults at the same seed: PSNR, SSIM, colour and
// motion accuracy, sampling seconds. Sessions load once. Flags: --seeds N (2), --variants 'a;b' (all), --every K (1), --threads T (2);
// --table FILE prints the table of a (possibly partial) results file; --resume FILE continues a partial one from its next pair
// with the --variants given (rows of the others keep their pairs; same --seeds / --every).
import { readFile, writeFile } from 'node:fs/promises';
import { deepCacheStepper, fullSteps, sampleFromQuadCenter, type DeepCacheSettings } from '../core/pipeline/deep-cache.js';
import { decodeLatents } from '../core/pipeline/decode.js';
import { defaultsForParts } from '../core/pipeline/defaults.js';
import { frames01ToRgb } from '../core/pipeline/frames.js';
import { partsFromFolder } from '../core/pipeline/parts.js';
import { encodePrompts } from '../core/pipeline/prompt.js';
import { sampleLatents, scaleInitialNoise, type UnetStep } from '../core/pipeline/sampler.js';
import type { SchedulerName } from '../core/pipeline/types.js';
import { randn } from '../core/rng/index.js';
import type { DeepCacheUnet3dRunner } from '../core/runtime/index.js';
import { createScheduler } from '../core/schedulers/index.js';
import { loadTokenizer } from '../core/tokenizer/index.js';
import { resolveModel } from '../models/folder.js';
import { clipSsim, psnr } from './image-metrics.js';
import { PALETTE, readClip, type Colour, type Direction } from './shape-metrics.js';
import { benchMessage } from './fail.js';
import { flag, median } from './args.js';
import { claimResultsFile } from './results-file.js';

interface Variant {
  readonly name: string;
  readonly deepCache?: DeepCacheSettings;
  readonly guidanceInterval?: readonly [number, number];
  readonly steps?: number;
  readonly scheduler?: SchedulerName;
  /** A schedule of full steps other than the settings' own (same count of full steps: the same interval's cost). */
  readonly full?: (steps: number) => number[];
}

const uniform = (interval: number, branch = 0): DeepCacheSettings => ({ interval, branch, schedule: 'uniform' });
/** DeepCache's non-uniform schedule with its centre (a fraction of the steps) and power given. */
const quad = (interval: number, centerFraction: number, pow: number) => (steps: number) => sampleFromQuadCenter(steps, Math.ceil(steps / interval), Math.round(steps * centerFraction), pow);
/** The first `k` steps full, the rest of the interval's full steps evenly over the remaining steps. */
const firstFull = (interval: number, k: number) => (steps: number) => {
  const n = Math.ceil(steps / interval);
  return [...Array.from({ length: k }, (_, i) => i), ...Array.from({ length: n - k }, (_, j) => k + Math.round((j * (steps - k)) / (n - k)))];
};
/** `--deep-cache N --deep-cache-last-full K`: core's schedule, as the CLI runs it. */
const lastFull = (interval: number, k: number, branch = 0): DeepCacheSettings => ({ interval, branch, schedule: 'uniform', lastFull: k });
/** The first is the reference the others are compared with. */
export const VARIANTS: readonly Variant[] = [
  { name: 'defaults (uncached)' },
  { name: 'deep-cache 2', deepCache: uniform(2) },
  { name: 'deep-cache 3', deepCache: uniform(3) },
  { name: 'deep-cache 4', deepCache: uniform(4) },
  { name: 'deep-cache 5', deepCache: uniform(5) },
  { name: 'ddim 20 steps + deep-cache 3', steps: 20, deepCache: uniform(3) },
  { name: 'dpmpp2m 20 steps + deep-cache 3', steps: 20, scheduler: 'dpmpp2m', deepCache: uniform(3) },
  { name: 'deep-cache 2, branch 1', deepCache: uniform(2, 1) },
  { name: 'deep-cache 3, branch 1', deepCache: uniform(3, 1) },
  { name: 'deep-cache 3, branch 1, last 2 full', deepCache: lastFull(3, 2, 1) },
  { name: 'deep-cache 3 non-uniform', deepCache: { interval: 3, branch: 0, schedule: 'non-uniform' } },
  { name: 'deep-cache 3 non-uniform c0 p1.4', deepCache: uniform(3), full: quad(3, 0, 1.4) },
  { name: 'deep-cache 3 non-uniform c0 p1.2', deepCache: uniform(3), full: quad(3, 0, 1.2) },
  { name: 'deep-cache 3 non-uniform c0.5 p1.4', deepCache: uniform(3), full: quad(3, 0.5, 1.4) },
  { name: 'deep-cache 3, first 3 full', deepCache: uniform(3), full: firstFull(3, 3) },
  { name: 'deep-cache 3, first 2 full', deepCache: uniform(3), full: firstFull(3, 2) },
  { name: 'deep-cache 3, last 3 full', deepCache: lastFull(3, 3) },
  { name: 'deep-cache 3, last 2 full', deepCache: lastFull(3, 2) },
  { name: 'deep-cache 3, last 4 full', deepCache: lastFull(3, 4) },
  { name: 'guidance-interval 0,0.5', guidanceInterval: [0, 0.5] },
  { name: 'deep-cache 3, branch 1 + guidance-interval 0,0.5', deepCache: uniform(3, 1), guidanceInterval: [0, 0.5] },
  { name: 'dpmpp2m 15 steps + deep-cache 3', steps: 15, scheduler: 'dpmpp2m', deepCache: uniform(3) },
  { name: 'dpmpp2m 15 steps + deep-cache 3, last 2 full', steps: 15, scheduler: 'dpmpp2m', deepCache: lastFull(3, 2) },
  { name: 'dpmpp2m 15 steps + deep-cache 3, last 3 full', steps: 15, scheduler: 'dpmpp2m', deepCache: lastFull(3, 3) },
  { name: 'dpmpp2m 15 steps', steps: 15, scheduler: 'dpmpp2m' },
  { name: 'dpmpp2m 15 steps + deep-cache 2, last 2 full', steps: 15, scheduler: 'dpmpp2m', deepCache: lastFull(2, 2) },
  { name: 'dpmpp2m 20 steps + deep-cache 3, last 3 full', steps: 20, scheduler: 'dpmpp2m', deepCache: lastFull(3, 3) },
  { name: 'ddim 20 steps + deep-cache 3, last 3 full', steps: 20, deepCache: lastFull(3, 3) },
  { name: 'dpmpp2m 15 steps + deep-cache 2', steps: 15, scheduler: 'dpmpp2m', deepCache: uniform(2) },
  { name: 'dpmpp2m 12 steps + deep-cache 2', steps: 12, scheduler: 'dpmpp2m', deepCache: uniform(2) },
];

interface Row {
  name: string;
  runs: number;
  psnr: number[];
  ssim: number[];
  colour: number;
  direction: number;
  shape?: number;
  /** The colour read from each pair's frames (null: no object found), to see which pairs a variant flips. */
  colours?: (Colour | null)[];
  schedule?: number[];
  sampleSeconds: number;
  cpuSeconds: number;
  fullCalls: number;
  shallowCalls: number;
}

/** The README table: each variant beside the reference (first row). */
function printTable(rows: readonly Row[]): void {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // per-pair PSNR runs from under 10 dB (a pair whose trajectory diverges) to 40: the median beside the mean
  const base = rows[0]!;
  // on a shared machine the process's CPU seconds are the steadier speed measure; wall seconds are printed too
  console.log('| variant | sampling CPU s | speedup (CPU) | speedup (wall) | U-Net calls full / shallow | PSNR dB mean (median) | SSIM | colour | motion | shape |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const pct = (n: number) => `${((100 * n) / r.runs).toFixed(1)}%`;
    const q = r === base ? ['ref', 'ref'] : [`${mean(r.psnr).toFixed(2)} (${median(r.psnr).toFixed(1)})`, mean(r.ssim).toFixed(3)];
    console.log(
      `| ${r.name}${r === base ? '' : `, ${r.psnr.length} pairs`} | ${(r.cpuSeconds / r.runs).toFixed(2)} | ${(base.cpuSeconds / base.runs / (r.cpuSeconds / r.runs)).toFixed(2)}x | ${(base.sampleSeconds / base.runs / (r.sampleSeconds / r.runs)).toFixed(2)}x | ${r.fullCalls / r.runs} / ${r.shallowCalls / r.runs} | ${q[0]} | ${q[1]} | ${pct(r.colour)} | ${pct(r.direction)} | ${r.shape === undefined ? '-' : pct(r.shape)} |`,
    );
  }
}

async function main(): Promise<void> {
  const tableOf = flag('table', '');
  if (tableOf) {
    printTable((JSON.parse(await readFile(tableOf, 'utf8')) as { rows: Row[] }).rows);
    return;
  }
  const seeds = Number(flag('seeds', '2'));
  const every = Number(flag('every', '1'));
  const threads = Number(flag('threads', '2'));
  const names = flag('variants', '');
  const variants = names ? VARIANTS.filter((v, i) => i === 0 || names.split(';').includes(v.name)) : VARIANTS;
  const folder = await resolveModel('default');
  const parts = await partsFromFolder(folder);
  const defaults = await defaultsForParts(parts);
  const opts = { device: 'cpu' as const, threads };
  const tokenizer = await loadTokenizer(parts.tokenizerDir);
  const encoder = await parts.loadTextEncoder(opts);
  const plain = await parts.loadUnet(opts);
  const cachedBy = new Map<number, DeepCacheUnet3dRunner>();
  for (const v of variants) if (v.deepCache && !cachedBy.has(v.deepCache.branch)) cachedBy.set(v.deepCache.branch, await parts.loadDeepCacheUnet(opts, v.deepCache.branch));
  const vae = await parts.loadVae(opts);
  const scale = parts.vaeConfig.scaleFactor;
  const dims = [1, parts.unetConfig.inChannels, defaults.frames, defaults.height / scale, defaults.width / scale] as const;
  const resume = flag('resume', '');
  const resumed = resume ? (JSON.parse(await readFile(resume, 'utf8')) as { rows: Row[]; variants: unknown[]; seconds: number }) : null;
  const allRows: Row[] = resumed?.rows ?? [];
  const rows: Row[] = variants.map((v) => {
    const old = allRows.find((r) => r.name === v.name);
    if (old) return old;
    const row: Row = { name: v.name, runs: 0, psnr: [], ssim: [], colour: 0, direction: 0, shape: 0, sampleSeconds: 0, cpuSeconds: 0, fullCalls: 0, shallowCalls: 0 };
    allRows.push(row);
    return row;
  });
  // a resumed run starts at the pair its least-run variant lacks; the reference is sampled again there (deterministic), counted once
  const done = Math.min(...rows.map((r) => r.runs));
  const started = performance.now() - (resumed?.seconds ?? 0) * 1000;
  const out = resume || (await claimResultsFile('fast-quality'));
  // seed-major, colour fastest: any prefix of the run is a balanced sample of the prompts
  const jobs = Array.from({ length: seeds }, (_, seed) =>
    ['left', 'right', 'up', 'down'].flatMap((dir) =>
      ['circle', 'square', 'triangle'].flatMap((shape) => (Object.keys(PALETTE) as Colour[]).map((colour) => ({ seed, colour, shape, dir: dir as Direction }))),
    ),
  )
    .flat()
    .filter((_, i) => i % every === 0);
  for (const [pair, { seed, colour, shape, dir }] of jobs.entries()) {
    if (pair < done) continue;
    const embeds = await encodePrompts(tokenizer, encoder, `a ${colour} ${shape} moving ${dir}`, undefined, true);
    let reference: { frames01: Float32Array; rgb: Uint8Array } | null = null;
    for (const [k, v] of variants.entries()) {
      const row = rows[k]!;
      const counted = row.runs === pair;
      if (k > 0 && !counted) continue;
      const steps = v.steps ?? defaults.steps;
      const scheduler = createScheduler(v.scheduler ?? defaults.scheduler, parts.schedulerConfig);
      scheduler.setTimesteps(steps);
      const latents = scaleInitialNoise(randn(dims, BigInt(seed)), scheduler.initNoiseSigma);
      const cachedUnet = v.deepCache ? cachedBy.get(v.deepCache.branch)! : null;
      const schedule = v.deepCache ? (v.full?.(steps) ?? fullSteps(steps, v.deepCache)) : null;
      const stepper: UnetStep & { counts?: { full: number; shallow: number } } = cachedUnet && schedule ? deepCacheStepper(cachedUnet, schedule) : plain;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const final = await sampleLatents({
        unet: stepper,
        scheduler,
        latents,
        dims,
        cond: embeds.cond,
        uncond: embeds.uncond,
        embedDims: embeds.dims,
        guidanceScale: defaults.guidanceScale,
        guidanceInterval: v.guidanceInterval ?? null,
      });
      if (schedule) row.schedule = schedule;
      row.sampleSeconds += (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      row.cpuSeconds += (c.user + c.system) / 1e6;
      row.fullCalls += stepper.counts?.full ?? steps;
      row.shallowCalls += stepper.counts?.shallow ?? 0;
      const { frames01, width, height } = await decodeLatents(final, dims, { vae, scalingFactor: parts.vaeConfig.scalingFactor });
      const rgb = frames01ToRgb(frames01);
      reference ??= { frames01, rgb };
      if (!counted) continue;
      const reading = readClip(rgb, defaults.frames, width, height);
      row.runs++;
      if (reading.colour === colour) row.colour++;
      (row.colours ??= []).push(reading.colour);
      if (reading.direction === dir) row.direction++;
      if (reading.shape === shape) row.shape = (row.shape ?? 0) + 1;
      if (k > 0) {
        row.psnr.push(psnr(frames01, reference.frames01));
        row.ssim.push(clipSsim(rgb, reference.rgb, defaults.frames, width, height));
      }
    }
    await writeFile(
      out,
      JSON.stringify({ seeds, every, threads, defaults, variants: resumed?.variants ?? variants, rows: allRows, seconds: (performance.now() - started) / 1000, complete: false }, null, 2),
    );
    process.stderr.write(`  pair ${pair + 1} of ${jobs.length}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  await writeFile(
    out,
    JSON.stringify({ seeds, every, threads, defaults, variants: resumed?.variants ?? variants, rows: allRows, seconds: (performance.now() - started) / 1000, complete: true }, null, 2),
  );
  printTable(allRows);
  console.log(`wrote ${out}`);
  await Promise.all([encoder.release(), plain.release(), vae.release(), ...[...cachedBy.values()].map((u) => u.release())]);
}

main().catch((e: unknown) => {
  console.error(benchMessage(e));
  process.exit(1);
});

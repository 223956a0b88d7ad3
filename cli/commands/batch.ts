// `t2v batch FILE`: many videos from a prompt list in one process (or on a BullMQ farm with --queue), resumable by its manifest.
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { EXIT, T2vError, UsageError } from '../../core/errors.js';
import { InterruptedError } from '../../video/interrupt.js';
import { batchProgress, type BatchProgress } from '../batch/progress.js';
import { Manifest, type ManifestRecord } from '../batch/manifest.js';
import { DEFAULT_TEMPLATE } from '../batch/names.js';
import { planBatch, readBatchInput, type BatchPlan } from '../batch/plan.js';
import { jobsToRun, type RunningBatch } from '../batch/running.js';
import { parseJobs, planLanes, runLanes } from '../batch/lanes.js';
import { doneResult, jobSettings, pipelineCache, recordOf, runJob } from '../batch/run-local.js';
import { memoryLimit } from '../../core/runtime/memory-limit.js';
import { toRequest, type Report } from '../run-generation.js';
import { fromFlags, layer, type Layered } from '../config.js';
import type { Context } from '../context.js';
import { GENERATION_FLAGS, REPORT_FLAGS, addFlags } from '../flags.js';
import { parseInteger } from '../parse.js';
import { checkGiven, type GivenFlags } from '../settings.js';
import { pipelineOptions } from './generate.js';
import { flagMessage } from '../setting-flags.js';

export interface BatchOptions {
  readonly dir: string;
  readonly template: string;
  readonly seeds: number;
  readonly ab: boolean;
  readonly queue?: string;
  readonly queueName: string;
  /** Jobs at once in a local batch (--jobs). */
  readonly jobs: number;
}

/** What a batch run did; printed as one line or, with --json, one object. */
export interface BatchTally {
  done: number;
  failed: number;
  skipped: number;
  invalid: number;
}

function batchOptions(opts: Readonly<Record<string, unknown>>): BatchOptions {
  const ab = opts.ab;
  if (ab !== undefined && ab !== 'freeu') throw new UsageError(`--ab ${String(ab)}: invalid value; the one A/B study is --ab freeu (FreeU off / on at the same seed)`);
  const queue = typeof opts.queue === 'string' ? opts.queue : undefined;
  return {
    dir: resolve(typeof opts.outDir === 'string' ? opts.outDir : 't2v-batch'),
    template: typeof opts.name === 'string' ? opts.name : DEFAULT_TEMPLATE,
    seeds: typeof opts.seeds === 'string' ? parseInteger('--seeds', opts.seeds, 1, 10_000) : 1,
    ab: ab === 'freeu',
    ...(queue !== undefined ? { queue } : {}),
    queueName: typeof opts.queueName === 'string' ? opts.queueName : 't2v',
    jobs: parseJobs(opts.jobs),
  };
}

/** Records every bad line (and says so); the rest of the batch goes on. */
async function recordProblems(plan: BatchPlan, manifest: Manifest, progress: BatchProgress): Promise<void> {
  manifest.dropInvalid();
  for (const p of plan.problems) {
    progress.note(p.message);
    const r: ManifestRecord = { key: `line:${p.lineNo}`, status: 'invalid', line: p.lineNo, error: p.message, attempts: 0, finishedAt: new Date().toISOString() };
    await manifest.put(r);
  }
  if (plan.problems.length === 0) await manifest.save();
}

async function runLocalBatch(batch: RunningBatch, given: GivenFlags): Promise<void> {
  const { options: o, manifest, progress, ctx, tally } = batch;
  const todo = jobsToRun(batch);
  progress.begin(todo.length);
  const first = todo[0];
  if (!first) return;
  const deps = await ctx.deps();
  const options = pipelineOptions(given, ctx, 'keep');
  // the first job's model: its device for the lanes, and the memory one of its videos needs (--jobs N must fit N)
  const opened = await deps.loadPipeline(first.given.model, options);
  const { device } = await opened.device();
  const perJobBytes = await opened.estimateMemory(toRequest(jobSettings(first, o.dir, opened.defaults, given)));
  const maxMemory = given.maxMemory === 0 ? Infinity : (given.maxMemory ?? memoryLimit().bytes);
  const lanes = planLanes({ requested: o.jobs, cores: availableParallelism(), ...(given.threads !== undefined ? { threads: given.threads } : {}), memoryLimit: maxMemory, perJobBytes });
  const run = { device: given.device, ...(lanes.threadsPerLane !== undefined ? { threads: lanes.threadsPerLane } : {}) };
  // one lane keeps the pipeline already opened; several each open their own, on the resolved device, with a share of the threads
  const laneOptions = { ...options, device, ...(run.threads !== undefined ? { threads: run.threads } : {}) };
  const pipelines = Array.from({ length: lanes.lanes }, (_, i) =>
    i === 0 && lanes.lanes === 1 ? pipelineCache(deps, options, { model: first.given.model, pipeline: opened }) : pipelineCache(deps, laneOptions),
  );
  if (lanes.lanes > 1) await opened.release();
  try {
    await runLanes(todo, lanes.lanes, async (job, lane, warm) => {
      const clip = progress.clip(`${job.name}  "${job.prompt}"`);
      const attempts = (manifest.get(job.key)?.attempts ?? 0) + 1;
      const t0 = performance.now();
      try {
        const report: Report = (e) => {
          if (e.phase === 'step') warm();
          clip.event(e);
        };
        const r = await runJob({ job, dir: o.dir, deps, pipelines: pipelines[lane]!, flags: run, signal: ctx.signal, report });
        await manifest.put(recordOf(job, attempts, doneResult(r), 'local'));
        tally.done++;
        clip.end(`${job.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } catch (e) {
        if (ctx.signal.aborted) throw new InterruptedError(`job ${job.index} (${job.name})`);
        if (!(e instanceof T2vError)) throw e;
        const error = flagMessage(e);
        await manifest.put(recordOf(job, attempts, { error }, 'local'));
        tally.failed++;
        clip.end(`${job.name} failed: ${error}`);
      }
    });
  } finally {
    for (const p of pipelines) await p.release();
  }
}

export interface BatchRun {
  readonly plan: BatchPlan;
  readonly manifest: Manifest;
  readonly tally: BatchTally;
  readonly given: GivenFlags;
  readonly seconds: number;
}

/** Plans and runs a batch (locally or on the farm); the manifest is whole whatever happens. */
export async function runBatch(file: string, o: BatchOptions, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<BatchRun> {
  const flags = fromFlags(opts);
  const defaults: Layered = { ...layer(flags, ctx.io.env), prompt: undefined };
  const given = checkGiven(defaults);
  if (o.queue !== undefined) (await import('../farm/connection.js')).farmConnection(o.queue);
  const input = await readBatchInput(file, ctx.io.stdin);
  try {
    await mkdir(o.dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--out-dir ${o.dir}: cannot create it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a writable folder`);
  }
  const manifest = await Manifest.open(o.dir);
  const plan = planBatch(input.text, input.kind, input.source, defaults, manifest, o);
  const progress = batchProgress(ctx.io.stderr, { quiet: given.quiet });
  const tally: BatchTally = { done: 0, failed: 0, skipped: 0, invalid: plan.problems.length };
  const t0 = performance.now();
  await recordProblems(plan, manifest, progress);
  const batch: RunningBatch = { plan, options: o, manifest, progress, ctx, tally };
  try {
    if (o.queue !== undefined) {
      const { runFarmBatch } = await import('../farm/producer.js');
      await runFarmBatch(batch, o.queue);
    } else {
      await runLocalBatch(batch, given);
    }
  } finally {
    progress.finish();
  }
  return { plan, manifest, tally, given, seconds: (performance.now() - t0) / 1000 };
}

/** 0 all done, 2 a line was bad, 1 a job failed. */
export function batchExitCode(t: BatchTally): number {
  return t.invalid > 0 ? EXIT.usage : t.failed > 0 ? EXIT.runtime : EXIT.ok;
}

export async function batchAction(file: string, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const o = batchOptions(opts);
  const { plan, manifest, tally, given, seconds } = await runBatch(file, o, opts, ctx);
  if (given.json) {
    ctx.io.stdout.write(`${JSON.stringify({ manifest: manifest.path, outDir: o.dir, jobs: plan.jobs.length, ...tally, seconds })}\n`);
  } else {
    if (!given.quiet) ctx.io.stderr.write(`batch: ${tally.done} done, ${tally.failed} failed, ${tally.skipped} already done, ${tally.invalid} bad lines in ${seconds.toFixed(1)} s\n`);
    ctx.io.stdout.write(`${manifest.path}\n`);
  }
  return batchExitCode(tally);
}

/** --jobs, for every command that runs a local batch. */
export function jobsOption(): Option {
  return new Option('--jobs <n>', 'videos made at once in this process, each with its own sessions and a share of --threads (default: 1; more helps only on a machine busy with other work)');
}

export function batchCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('batch')
    .description("many videos: FILE is a .txt (one prompt per line), a .jsonl (one object of settings per line) or - for stdin; flags give every line's defaults; a rerun resumes")
    .argument('<file>', 'the prompts: .txt, .jsonl or -');
  addFlags(cmd, GENERATION_FLAGS, ['prompt', 'output', 'overwrite']);
  addFlags(cmd, REPORT_FLAGS);
  cmd.addOption(new Option('-O, --out-dir <dir>', 'folder for the videos and the manifest batch.jsonl (default: ./t2v-batch)'));
  cmd.addOption(new Option('--name <template>', `file name per job: {index} {line} {seed} {slug} {ab} (default: ${DEFAULT_TEMPLATE})`));
  cmd.addOption(new Option('--seeds <n>', 'seeds per prompt: the given seed and the next ones, or drawn at random (default: 1)'));
  cmd.addOption(new Option('--ab <study>', 'freeu: a FreeU off / on pair per prompt and seed'));
  cmd.addOption(jobsOption());
  cmd.addOption(new Option('--queue <redis-url>', 'run on a render farm: enqueue on BullMQ at redis://host:port and collect the results (start workers with t2v worker)'));
  cmd.addOption(new Option('--queue-name <name>', 'BullMQ queue name (default: t2v)'));
  cmd.action(async (file: string, opts: Record<string, unknown>) => done(await batchAction(file, opts, ctx)));
  return cmd;
}

// A batch in this process: one loaded pipeline for every job, the manifest updated after each, Ctrl-C stops between files.
import { join } from 'node:path';
import { T2vError } from '../../core/errors.js';
import type { ModelDefaults } from '../../core/pipeline/defaults.js';
import type { Deps, GenerationPipeline, PipelineOptions } from '../deps.js';
import { metadataOf, runPanels, type Outcome, type Report } from '../run-generation.js';
import { completeSettings, type RunFlags, type Settings } from '../settings.js';
import type { ManifestRecord } from './manifest.js';
import type { PlannedJob } from './plan.js';

/** The settings of one job: its own over the model's defaults, written into the batch folder. */
export function jobSettings(job: PlannedJob, dir: string, defaults: ModelDefaults, run: Pick<RunFlags, 'device' | 'threads'>): Settings {
  return completeSettings(
    {
      ...job.given,
      seed: job.seed,
      output: join(dir, job.name),
      overwrite: true,
      device: run.device,
      ...(run.threads !== undefined ? { threads: run.threads } : {}),
      json: false,
      quiet: true,
      verbose: false,
    },
    defaults,
  );
}

/** The manifest line of a job's outcome. */
export function recordOf(
  job: PlannedJob,
  attempts: number,
  result: { readonly error: string } | { readonly settings: Readonly<Record<string, unknown>>; readonly timings: Readonly<Record<string, number>> },
  worker: string,
): ManifestRecord {
  return {
    key: job.key,
    status: 'error' in result ? 'failed' : 'done',
    line: job.lineNo,
    index: job.index,
    pairKey: job.pairKey,
    prompt: job.prompt,
    seed: String(job.seed),
    ...(job.variant ? { variant: job.variant } : {}),
    output: job.name,
    attempts,
    ...('error' in result ? { error: result.error } : { settings: result.settings, timings: result.timings }),
    worker,
    finishedAt: new Date().toISOString(),
  };
}

export interface LocalJobResult {
  readonly outcome: Outcome;
  readonly settings: Settings;
}

/** One loaded pipeline per model for the whole batch (sessions kept): each network's session is created once. */
export function pipelineCache(
  deps: Deps,
  options: PipelineOptions,
  opened?: { readonly model: string | undefined; readonly pipeline: GenerationPipeline },
): { get(model?: string): Promise<GenerationPipeline>; release(): Promise<void> } {
  const open = new Map<string, Promise<GenerationPipeline>>(opened ? [[opened.model ?? '', Promise.resolve(opened.pipeline)]] : []);
  return {
    get(model) {
      const k = model ?? '';
      let p = open.get(k);
      if (!p) {
        p = deps.loadPipeline(model, options);
        open.set(k, p);
        p.catch(() => open.delete(k)); // a model that failed to open is tried again by the next job that names it
      }
      return p;
    },
    async release() {
      for (const p of open.values()) await (await p.catch(() => undefined))?.release();
      open.clear();
    },
  };
}

/** One job as a lane runs it: into `dir`, on the lane's pipelines, with the batch's device and the lane's threads. */
export interface JobRun {
  readonly job: PlannedJob;
  readonly dir: string;
  readonly deps: Deps;
  readonly pipelines: ReturnType<typeof pipelineCache>;
  readonly flags: Pick<RunFlags, 'device' | 'threads'>;
  readonly signal: AbortSignal;
  readonly report: Report;
}

/** Runs one planned job on its model's loaded pipeline; T2vErrors are the job's failure, interrupts and bugs propagate. */
export async function runJob({ job, dir, deps, pipelines, flags, signal, report }: JobRun): Promise<LocalJobResult> {
  const pipeline = await pipelines.get(job.given.model);
  const settings = jobSettings(job, dir, pipeline.defaults, flags);
  const outcome = await runPanels({ pipeline, panels: [{ settings, label: '' }], layout: { kind: 'single' }, deps, report, signal });
  return { outcome, settings };
}

export function doneResult(r: LocalJobResult): { readonly settings: Readonly<Record<string, unknown>>; readonly timings: Readonly<Record<string, number>> } {
  const r0 = r.outcome.results[0];
  if (!r0) throw new T2vError('internal: a job produced no result');
  return { settings: { ...metadataOf(r.settings, r0) }, timings: { ...r.outcome.timings } };
}

// A batch being run, locally or on the farm: what both runners work with, and the jobs still to do.
import type { BatchOptions, BatchTally } from '../commands/batch.js';
import type { Context } from '../context.js';
import type { Manifest } from './manifest.js';
import type { BatchPlan, PlannedJob } from './plan.js';
import type { BatchProgress } from './progress.js';

/** A batch being run, locally or on the farm: its plan and options, the manifest it keeps, what it shows and counts. */
export interface RunningBatch {
  readonly plan: BatchPlan;
  readonly options: BatchOptions;
  readonly manifest: Manifest;
  readonly progress: BatchProgress;
  readonly ctx: Context;
  readonly tally: BatchTally;
}

/** The planned jobs the manifest does not have done yet; the others are counted as skipped. */
export function jobsToRun({ plan, options, manifest, tally }: RunningBatch): PlannedJob[] {
  const todo = plan.jobs.filter((j) => !manifest.isDone(j.key, options.dir));
  tally.skipped = plan.jobs.length - todo.length;
  return todo;
}

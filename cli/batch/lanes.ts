// How many jobs a local batch runs at once (--jobs), and the loop that keeps that many lanes busy.
import { UsageError } from '../../core/errors.js';
import { gib } from '../../core/runtime/memory-limit.js';

export interface LaneInputs {
  /** --jobs. */
  readonly requested: number;
  readonly cores: number;
  /** --threads, when given: the intra-op threads shared out among the lanes. */
  readonly threads?: number;
  readonly memoryLimit: number;
  /** The estimated peak bytes of one job (core's estimate for the first job). */
  readonly perJobBytes: number;
}

export interface LanePlan {
  readonly lanes: number;
  /** onnxruntime intra-op threads per lane; undefined: the pipeline's default (one lane, no --threads). */
  readonly threadsPerLane: number | undefined;
}

/**
 * Lanes share the threads out; the default is one (measured on 2 idle cores: two one-thread lanes made the embedded
 * model's batch 1.4x slower than one two-thread lane, and 1.5x faster only while other processes loaded the machine).
 */
export function planLanes(i: LaneInputs): LanePlan {
  const lanes = i.requested;
  if (lanes > 1 && lanes * i.perJobBytes > i.memoryLimit) {
    throw new UsageError(`--jobs ${lanes}: ${lanes} videos at once need about ${gib(lanes * i.perJobBytes)} of memory, over the ${gib(i.memoryLimit)} limit; lower --jobs`);
  }
  if (lanes === 1) return { lanes, threadsPerLane: i.threads };
  return { lanes, threadsPerLane: Math.max(1, Math.floor((i.threads ?? i.cores) / lanes)) };
}

/** Parses --jobs: a whole number from 1 to 64 (default 1). */
export function parseJobs(value: unknown): number {
  if (value === undefined) return 1;
  const text = String(value);
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 64)) throw new UsageError(`--jobs ${text}: invalid value; give a whole number from 1 to 64`);
  return n;
}

/**
 * Runs `work` on every job with at most `lanes` at once, in order of the list. Only the first job starts at first;
 * the other lanes join once it says it is warm (its graphs are built, so a cold graph cache is built once) or ends.
 * The first thrown error stops new jobs from starting; the jobs already running finish, then it is rethrown.
 */
export async function runLanes<J>(jobs: readonly J[], lanes: number, work: (job: J, lane: number, warm: () => void) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  let warmed!: () => void;
  const warm = new Promise<void>((resolve) => (warmed = resolve));
  const lane = async (index: number): Promise<void> => {
    if (index > 0) await warm;
    while (failure === undefined && next < jobs.length) {
      const job = jobs[next++]!;
      try {
        await work(job, index, warmed);
      } catch (error) {
        failure ??= { error };
      } finally {
        warmed();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, jobs.length)) }, (_, i) => lane(i)));
  if (failure) throw failure.error;
}

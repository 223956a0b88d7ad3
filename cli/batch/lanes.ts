// How many jobs a local batch runs at once (--jobs), and the loop that keeps that many lanes busy.
import { UsageError } from '../../core/errors.js';
import type { Device } from '../../core/runtime/index.js';

/** Auto never opens more lanes than this: each holds its own sessions (memory), and 2 cores gained 1.5-1.7x with 2. */
export const MAX_AUTO_LANES = 4;
/** Auto keeps the lanes' estimated peak under this share of the memory limit, leaving room for everything else. */
const AUTO_MEMORY_SHARE = 0.5;

export interface LaneInputs {
  /** --jobs: a count, or 'auto'. */
  readonly requested: number | 'auto';
  readonly device: Device;
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

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/**
 * Small models on a CPU are faster side by side than one at a time with every thread: their ops are too small for
 * onnxruntime's intra-op threads to keep the cores busy. A GPU runs one job at a time, so auto is 1 there.
 */
export function planLanes(i: LaneInputs): LanePlan {
  const fits = Math.max(1, Math.floor((i.memoryLimit * AUTO_MEMORY_SHARE) / Math.max(1, i.perJobBytes)));
  let lanes: number;
  if (i.requested === 'auto') {
    lanes = i.device === 'cpu' ? Math.max(1, Math.min(i.cores, MAX_AUTO_LANES, fits)) : 1;
  } else {
    lanes = i.requested;
    if (lanes > 1 && lanes * i.perJobBytes > i.memoryLimit) {
      throw new UsageError(`--jobs ${lanes}: ${lanes} videos at once need about ${gib(lanes * i.perJobBytes)} of memory, over the ${gib(i.memoryLimit)} limit; lower --jobs (or use --jobs auto)`);
    }
  }
  if (lanes === 1) return { lanes, threadsPerLane: i.threads };
  return { lanes, threadsPerLane: Math.max(1, Math.floor((i.threads ?? i.cores) / lanes)) };
}

/** Parses --jobs: a whole number from 1 to 64, or auto. */
export function parseJobs(value: unknown): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  const text = String(value);
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 64)) throw new UsageError(`--jobs ${text}: invalid value; give a whole number from 1 to 64, or auto`);
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

// The farm's submitting side: enqueues a planned batch on BullMQ, collects each result into --out-dir, keeps the manifest.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job } from 'bullmq';
import { T2vError } from '../../core/errors.js';
import { InterruptedError } from '../../video/interrupt.js';
import type { Layered } from '../config.js';
import type { ClipProgress } from '../batch/progress.js';
import type { PlannedJob } from '../batch/plan.js';
import { LINE_SPECS } from '../batch/jobs.js';
import { recordOf } from '../batch/run-local.js';
import { jobsToRun, type RunningBatch } from '../batch/running.js';
import { flagMessage } from '../setting-flags.js';
import { FARM_PROTOCOL, openQueue, type FarmJobData } from './connection.js';
import { checkResult, writeResultFile } from './result.js';

const POLL_MS = 300;
/** What a job carries: a line's settings; seed, prompt and FreeU on/off are set explicitly below. */
const SENT = new Set(LINE_SPECS.map((s) => s.key).filter((k) => !['seed', 'freeu', 'noFreeu', 'prompt'].includes(k)));

/** The settings a worker needs, as plain values; FreeU on/off is resolved here, where the flags' implications are known. */
export function jobData(job: PlannedJob): FarmJobData {
  const settings: Record<string, string | boolean> = {};
  for (const [k, s] of Object.entries(job.values as Layered)) {
    if (s === undefined || !SENT.has(k)) continue;
    settings[k] = s.value;
  }
  settings.prompt = job.prompt;
  if (job.given.freeu.enabled !== undefined) settings.freeu = job.given.freeu.enabled;
  return { v: FARM_PROTOCOL, key: job.key, index: job.index, name: job.name, seed: String(job.seed), settings };
}

/** Job ids are per producing folder: two batches of the same prompts into two folders are different jobs. */
function jobId(dir: string, key: string): string {
  return `${createHash('sha256').update(`${hostname()}\0${dir}`).digest('hex').slice(0, 12)}-${key}`;
}

/** Enqueues the batch's remaining jobs on the farm at `url` and collects each result as a worker finishes it. */
export async function runFarmBatch(batch: RunningBatch, url: string): Promise<void> {
  const { options: o, manifest, progress, ctx, tally } = batch;
  const todo = jobsToRun(batch);
  if (todo.length === 0) return;
  const queue = await openQueue(o.queueName, url);
  try {
    const pending = new Map(todo.map((j) => [jobId(o.dir, j.key), j]));
    const enqueue = async (id: string, j: PlannedJob): Promise<void> => {
      // the same id twice is one job: a rerun or a re-add after a Redis restart never duplicates work
      await queue.add('clip', jobData(j), { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false, removeOnFail: false });
    };
    for (const [id, j] of pending) await enqueue(id, j);
    progress.note(`queued ${pending.size} jobs on ${o.queueName} at ${url}; waiting for workers (t2v worker --queue ${url})`);
    progress.begin(todo.length);
    // one bar per job a worker is on, opened when it is first seen active
    const clips = new Map<string, ClipProgress>();
    const clipOf = (id: string, j: PlannedJob): ClipProgress => {
      let c = clips.get(id);
      if (!c) clips.set(id, (c = progress.clip(`${j.name}  "${j.prompt}"`)));
      return c;
    };
    while (pending.size > 0) {
      if (ctx.signal.aborted) throw new InterruptedError(`the collection of ${pending.size} jobs (they stay queued; rerun to collect them)`);
      for (const [id, j] of [...pending]) {
        // the state first, then the job: a job read before it completed would lack its return value
        const state = await queue.getJobState(id);
        const job = state === 'unknown' ? undefined : await Job.fromId<FarmJobData, unknown>(queue, id);
        if (!job) {
          await enqueue(id, j); // lost with a Redis that came back empty
          continue;
        }
        if (state === 'active' && typeof job.progress === 'object' && job.progress !== null) {
          const p = job.progress as { step?: unknown; total?: unknown };
          if (typeof p.step === 'number' && typeof p.total === 'number') clipOf(id, j).event({ phase: 'step', step: p.step, total: p.total, secondsPerStep: 0, etaSeconds: 0 });
        }
        if (state !== 'completed' && state !== 'failed') continue;
        const clip = clipOf(id, j);
        clips.delete(id);
        let error: string | undefined;
        if (state === 'completed') {
          try {
            const result = checkResult(job.returnvalue, j.name);
            await writeResultFile(o.dir, j.name, result);
            await manifest.put(recordOf(j, job.attemptsMade, { settings: result.metadata, timings: result.timings }, result.worker));
            tally.done++;
            clip.end(`${j.name} done by ${result.worker}`);
          } catch (e) {
            if (!(e instanceof T2vError)) throw e;
            error = flagMessage(e);
          }
        } else {
          error = job.failedReason || 'failed with no reason given';
        }
        if (error !== undefined) {
          await manifest.put(recordOf(j, job.attemptsMade, { error }, 'farm'));
          tally.failed++;
          clip.end(`${j.name} failed: ${error}`);
        }
        await job.remove().catch(() => undefined);
        pending.delete(id);
      }
      if (pending.size > 0) await sleep(POLL_MS, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof T2vError) throw e;
    throw new T2vError(`render farm at ${url}: ${(e as Error).message}`);
  } finally {
    await queue.close().catch(() => undefined);
  }
}

// The farm's working side: a BullMQ worker taking one job at a time per device, the engine in its own thread.
import { Worker as ThreadWorker } from 'node:worker_threads';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { DeviceChoice } from '../../core/pipeline/types.js';
import type { Precision } from '../../core/runtime/device-names.js';
import { checkQueueName, farmConnection, type FarmJobData, type FarmResult } from './connection.js';
import type { EngineReply, EngineRequest } from './engine-thread.js';

export interface FarmWorkerOptions {
  readonly url: string;
  readonly queueName: string;
  readonly device: DeviceChoice;
  /** Absent: the device's default (fp16 on webgpu with shader-f16, else fp32). */
  readonly precision?: Precision;
  readonly threads?: number;
  /** BullMQ's job lock: renewed every half of it from this thread, which the engine never blocks. */
  readonly lockSeconds: number;
  readonly log: (line: string) => void;
}

export interface FarmWorker {
  /** Resolves when the worker has stopped (after close). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function startFarmWorker(o: FarmWorkerOptions): Promise<FarmWorker> {
  const engine = new ThreadWorker(new URL('./engine-thread.js', import.meta.url), {
    workerData: { device: o.device, ...(o.precision ? { precision: o.precision } : {}), ...(o.threads ? { threads: o.threads } : {}) },
  });
  const waiting = new Map<string, { job: Job<FarmJobData>; resolve: (r: FarmResult) => void; reject: (e: Error) => void }>();
  engine.on('message', (m: EngineReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    if (m.kind === 'progress') {
      w.job.updateProgress({ step: m.step, total: m.total }).catch(() => undefined);
      return;
    }
    waiting.delete(m.id);
    if (m.kind === 'done') w.resolve(m.result);
    // a usage problem fails the same way on every machine: no retry
    else w.reject(m.usage ? new UnrecoverableError(m.message) : new Error(m.message));
  });
  engine.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  const worker = new Worker<FarmJobData, FarmResult>(
    checkQueueName(o.queueName),
    async (job) => {
      const id = job.id ?? '?';
      o.log(`job ${id}: ${typeof job.data?.name === 'string' ? job.data.name.replace(/[^\x20-\x7e]/g, '?') : '?'}`);
      const result = await new Promise<FarmResult>((resolve, reject) => {
        waiting.set(id, { job, resolve, reject });
        engine.postMessage({ id, data: job.data } satisfies EngineRequest);
      });
      o.log(`job ${id}: done (${result.size} bytes)`);
      return result;
    },
    {
      connection: farmConnection(o.url),
      concurrency: 1,
      lockDuration: o.lockSeconds * 1000,
      stalledInterval: o.lockSeconds * 1000,
      maxStalledCount: 3,
    },
  );
  worker.on('error', (e) => o.log(`redis: ${e.message}`));
  worker.on('failed', (job, e) => o.log(`job ${job?.id ?? '?'}: failed: ${e.message}`));
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  return {
    closed,
    async close() {
      // the engine goes first: a job cut short stalls and is retried elsewhere
      await engine.terminate();
      await worker.close(true).catch(() => undefined);
      resolveClosed();
    },
  };
}

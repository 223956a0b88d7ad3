// The farm worker's engine thread: holds the loaded pipeline and runs one job at a time, off the thread that keeps BullMQ's locks.
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { T2vError, UsageError } from '../../core/errors.js';
import { flagMessage } from '../setting-flags.js';
import { sourcedFromObject } from '../config.js';
import { loadDeps } from '../deps.js';
import { LINE_SPECS } from '../batch/jobs.js';
import { pipelineCache } from '../batch/run-local.js';
import { metadataOf, runPanels, type Report } from '../run-generation.js';
import { checkGiven, completeSettings } from '../settings.js';
import type { DeviceChoice } from '../../core/pipeline/types.js';
import type { Precision } from '../../core/runtime/device-names.js';
import { FARM_PROTOCOL, type FarmJobData, type FarmResult } from './connection.js';

export interface EngineRequest {
  readonly id: string;
  readonly data: unknown;
}

export type EngineReply =
  | { readonly id: string; readonly kind: 'progress'; readonly step: number; readonly total: number }
  | { readonly id: string; readonly kind: 'done'; readonly result: FarmResult }
  | { readonly id: string; readonly kind: 'error'; readonly message: string; readonly usage: boolean };

interface EngineOptions {
  readonly device: DeviceChoice;
  readonly precision?: Precision;
  readonly threads?: number;
}

/** Job data from Redis is outside input: shape checked, then every setting checked as a batch line would be. */
export function checkJobData(raw: unknown, id: string): FarmJobData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`job ${id}: not a t2v job`);
  const d = raw as Record<string, unknown>;
  if (d.v !== FARM_PROTOCOL) throw new UsageError(`job ${id}: protocol ${String(d.v)}, this worker speaks ${FARM_PROTOCOL}; run the same t2v version everywhere`);
  if (typeof d.key !== 'string' || typeof d.name !== 'string' || typeof d.seed !== 'string' || typeof d.index !== 'number') throw new UsageError(`job ${id}: fields missing`);
  if (!/^[\w.-]+\.(mp4|webm|gif)$/i.test(d.name) || d.name.startsWith('.')) throw new UsageError(`job ${id}: bad output name`);
  if (typeof d.settings !== 'object' || d.settings === null || Array.isArray(d.settings)) throw new UsageError(`job ${id}: no settings`);
  return d as unknown as FarmJobData;
}

const opts = workerData as EngineOptions;
const depsPromise = loadDeps();
// the model stays loaded between jobs: each network's session is created once per worker
const pipelines = depsPromise.then((deps) =>
  pipelineCache(deps, { device: opts.device, ...(opts.precision ? { precision: opts.precision } : {}), ...(opts.threads ? { threads: opts.threads } : {}), sessions: 'keep' }),
);

async function run(req: EngineRequest): Promise<FarmResult> {
  const data = checkJobData(req.data, req.id);
  const values = sourcedFromObject({ ...data.settings, seed: data.seed }, LINE_SPECS, `job ${req.id}`);
  const given = checkGiven(values);
  const deps = await depsPromise;
  const pipeline = await (await pipelines).get(given.model);
  const dir = join(tmpdir(), `t2v-worker-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  try {
    const settings = completeSettings(
      {
        ...given,
        output: join(dir, data.name),
        overwrite: true,
        device: opts.device,
        ...(opts.precision ? { precision: opts.precision } : {}),
        ...(opts.threads ? { threads: opts.threads } : {}),
        quiet: true,
        json: false,
        verbose: false,
      },
      pipeline.defaults,
    );
    let last = 0;
    const report: Report = (e) => {
      if (e.phase === 'step' && (e.step === e.total || performance.now() - last > 250)) {
        last = performance.now();
        parentPort?.postMessage({ id: req.id, kind: 'progress', step: e.step, total: e.total } satisfies EngineReply);
      }
    };
    const outcome = await runPanels({ pipeline, panels: [{ settings, label: '' }], layout: { kind: 'single' }, deps, report, signal: new AbortController().signal });
    const bytes = await readFile(outcome.written.path);
    return {
      v: FARM_PROTOCOL,
      file: bytes.toString('base64'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      metadata: { ...metadataOf(settings, outcome.results[0]!) },
      timings: { ...outcome.timings },
      worker: `${hostname()}:${process.pid}`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

parentPort?.on('message', (req: EngineRequest) => {
  run(req).then(
    (result) => parentPort?.postMessage({ id: req.id, kind: 'done', result } satisfies EngineReply),
    (e: unknown) =>
      parentPort?.postMessage({
        id: req.id,
        kind: 'error',
        message: flagMessage(e),
        usage: e instanceof UsageError || (e instanceof T2vError && e.exitCode === 2),
      } satisfies EngineReply),
  );
});

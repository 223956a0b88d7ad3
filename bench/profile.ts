// The most expensive ops of one onnxruntime run, from its profiling JSON (chrome trace events, one per node run).
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

export interface OpCost {
  readonly op: string;
  readonly ms: number;
  readonly share: number;
  readonly calls: number;
}

interface TraceEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly dur?: number;
  readonly args?: { readonly op_name?: string };
}

/** Sums the `Node` events' kernel times by op type; the `n` largest first, each with its share of all node time. */
export function topOps(events: readonly TraceEvent[], n = 10): OpCost[] {
  const by = new Map<string, { us: number; calls: number }>();
  let total = 0;
  for (const e of events) {
    // each node run is logged as <name>_fence_before, <name>_kernel_time, <name>_fence_after: count the kernel
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.op_name) continue;
    const c = by.get(e.args.op_name) ?? { us: 0, calls: 0 };
    c.us += e.dur ?? 0;
    c.calls += 1;
    by.set(e.args.op_name, c);
    total += e.dur ?? 0;
  }
  return [...by]
    .map(([op, c]) => ({ op, ms: c.us / 1000, share: total ? c.us / total : 0, calls: c.calls }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

/** Runs `feeds` once in a profiling session of `model` and returns its top ops (the profile file is removed). */
export async function profileRun(model: string, options: ort.InferenceSession.SessionOptions, feeds: Record<string, ort.Tensor>, n = 10): Promise<OpCost[]> {
  const session = await ort.InferenceSession.create(model, { ...options, enableProfiling: true, profileFilePrefix: `${model}.profile` });
  try {
    await session.run(feeds);
  } finally {
    session.endProfiling();
    await session.release();
  }
  const dir = dirname(model);
  const file = (await readdir(dir)).find((f) => f.startsWith(`${basename(model)}.profile`) && f.endsWith('.json'));
  if (!file) throw new Error(`onnxruntime wrote no profile next to ${model}`);
  const events = JSON.parse(await readFile(join(dir, file), 'utf8')) as TraceEvent[];
  await rm(join(dir, file), { force: true });
  return topOps(events, n);
}

/** One line per op: name, ms, share, calls. */
export function formatOps(ops: readonly OpCost[]): string[] {
  return ops.map((o) => `    ${o.op.padEnd(24)} ${o.ms.toFixed(1).padStart(10)} ms  ${(o.share * 100).toFixed(1).padStart(5)}%  ${o.calls} calls`);
}

// A batch, planned before anything runs: the input read, jobs expanded, seeds fixed (kept from the manifest on a rerun), names made.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Layered } from '../config.js';
import { drawSeed } from '../settings.js';
import { expandJobs, parseBatch, type BatchJob, type LineProblem } from './jobs.js';
import type { Manifest } from './manifest.js';
import { checkTemplate, renderName } from './names.js';

export interface PlannedJob extends BatchJob {
  readonly seed: bigint;
  readonly seedDrawn: boolean;
  readonly prompt: string;
  /** File name in the batch folder. */
  readonly name: string;
}

export interface BatchPlan {
  readonly jobs: readonly PlannedJob[];
  readonly problems: readonly LineProblem[];
}

export interface PlanOptions {
  readonly seeds: number;
  readonly ab: boolean;
  readonly template: string;
}

/** The input's text: a file (.txt or .jsonl by extension) or `-` for stdin (JSONL when the first line is an object). */
export async function readBatchInput(file: string, stdin?: NodeJS.ReadableStream): Promise<{ readonly text: string; readonly kind: 'txt' | 'jsonl'; readonly source: string }> {
  if (file === '-') {
    if (!stdin) throw new UsageError('batch -: no standard input to read prompts from');
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    const text = Buffer.concat(chunks).toString('utf8');
    const first = text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
    return { text, kind: first.trim().startsWith('{') ? 'jsonl' : 'txt', source: 'stdin' };
  }
  const ext = extname(file).toLowerCase();
  if (ext !== '.txt' && ext !== '.jsonl') throw new UsageError(`${file}: give a .txt file (one prompt per line), a .jsonl file (one JSON object of settings per line) or - for stdin`);
  try {
    return { text: await readFile(file, 'utf8'), kind: ext === '.txt' ? 'txt' : 'jsonl', source: file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (e as Error).message})`}; give the batch file's path`);
  }
}

export function planBatch(text: string, kind: 'txt' | 'jsonl', source: string, defaults: Layered, manifest: Manifest, options: PlanOptions): BatchPlan {
  checkTemplate(options.template);
  const parsed = parseBatch(text, kind, source);
  const { jobs, problems } = expandJobs(parsed.lines, defaults, options);
  const pairSeeds = new Map<string, bigint>();
  const planned = jobs.map((job): PlannedJob => {
    let seed = job.given.seed;
    const seedDrawn = seed === undefined;
    if (seed === undefined) {
      seed = pairSeeds.get(job.pairKey) ?? manifest.seedOfPair(job.pairKey) ?? drawSeed();
      pairSeeds.set(job.pairKey, seed);
    }
    const prompt = job.given.prompt ?? '';
    const name = renderName(options.template, { index: job.index, count: jobs.length, lineNo: job.lineNo, seed, prompt, ...(job.variant ? { variant: job.variant } : {}) });
    return { ...job, seed, seedDrawn, prompt, name };
  });
  const byName = new Map<string, PlannedJob>();
  for (const j of planned) {
    const other = byName.get(j.name);
    if (other) throw new UsageError(`--name ${options.template}: jobs ${other.index} and ${j.index} would both write ${j.name}; add {index} to the template`);
    byName.set(j.name, j);
  }
  return { jobs: planned, problems: [...parsed.problems, ...problems].sort((a, b) => a.lineNo - b.lineNo) };
}

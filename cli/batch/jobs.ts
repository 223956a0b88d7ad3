// A batch file (.txt of prompts or .jsonl of settings) into numbered jobs: seeds and FreeU A/B pairs expanded, names made.
import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { sourcedFromObject, type Layered, type Sourced } from '../config.js';
import { GENERATION_FLAGS } from '../flags.js';
import { MAX_SEED } from '../../core/common/types.js';
import { checkGiven, type GivenFlags } from '../settings.js';
import { flagMessage } from '../setting-flags.js';

/** Settings a batch line may carry; where the video goes and how the process runs are the batch's, not a line's. */
export const LINE_SPECS = GENERATION_FLAGS.filter((s) => !['output', 'overwrite', 'device', 'threads'].includes(s.key));

export type AbVariant = 'off' | 'on';

/** One line of the batch file that holds a generation. */
export interface BatchLine {
  /** 1-based line number in the file. */
  readonly lineNo: number;
  readonly values: Record<string, Sourced>;
  /** The line's settings, canonical: what identifies its jobs across reruns. */
  readonly canonical: string;
}

export interface LineProblem {
  readonly lineNo: number;
  readonly message: string;
}

export interface BatchJob {
  /** Stable across reruns of the same file: hash of the line's settings, the seed index and the A/B side. */
  readonly key: string;
  /** The key shared by both sides of an A/B pair (and equal to `key` without --ab): seeds drawn at random follow it. */
  readonly pairKey: string;
  /** 1-based position in the batch. */
  readonly index: number;
  readonly lineNo: number;
  readonly seedIndex: number;
  readonly variant?: AbVariant;
  /** Every setting of the job, flag defaults under the line's own values; checked. */
  readonly given: GivenFlags;
  /** The same as sourced values, for a worker elsewhere to check again. */
  readonly values: Layered;
}

export interface Expansion {
  readonly jobs: readonly BatchJob[];
  readonly problems: readonly LineProblem[];
}

export interface ExpandOptions {
  /** Seeds per prompt, >= 1: the given seed and the next ones, or seeds drawn at random. */
  readonly seeds: number;
  /** FreeU off / on pairs at the same seed. */
  readonly ab: boolean;
}

function canonicalOf(values: Readonly<Record<string, Sourced>>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]!.value]),
  );
}

/** Parses the file: comments (#) and blank lines skipped; a bad line is a problem with its number, the rest goes on. */
export function parseBatch(text: string, kind: 'txt' | 'jsonl', source: string): { readonly lines: BatchLine[]; readonly problems: LineProblem[] } {
  const lines: BatchLine[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = `${source}:${lineNo}`;
    try {
      let values: Record<string, Sourced>;
      if (kind === 'txt') {
        values = { prompt: { value: trimmed, label: `${where} prompt` } };
      } else {
        let data: unknown;
        try {
          data = JSON.parse(trimmed);
        } catch (e) {
          throw new UsageError(`${where}: not valid JSON (${(e as Error).message}); one object per line, like {"prompt": "a red circle moving left", "seed": 3}`);
        }
        if (typeof data !== 'object' || data === null || Array.isArray(data)) {
          throw new UsageError(`${where}: expected one JSON object of settings, like {"prompt": "a red circle moving left"}`);
        }
        values = sourcedFromObject(data as Record<string, unknown>, LINE_SPECS, where);
        if (values.prompt === undefined) throw new UsageError(`${where}: no "prompt"; every line needs one`);
      }
      lines.push({ lineNo, values, canonical: canonicalOf(values) });
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.push({ lineNo, message: flagMessage(e) });
    }
  });
  return { lines, problems };
}

function hash(parts: readonly (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** Every job of the batch, in order: per line, per seed, off before on. `defaults` are the flags, env and config. */
export function expandJobs(lines: readonly BatchLine[], defaults: Layered, options: ExpandOptions): Expansion {
  const jobs: BatchJob[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  for (const line of lines) {
    // the same line twice is two sets of jobs, not one
    const dup = seen.get(line.canonical) ?? 0;
    seen.set(line.canonical, dup + 1);
    let base: GivenFlags;
    const layered: Layered = { ...defaults, ...line.values };
    try {
      base = checkGiven(layered);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.push({ lineNo: line.lineNo, message: flagMessage(e) });
      continue;
    }
    for (let seedIndex = 0; seedIndex < options.seeds; seedIndex++) {
      const seed = base.seed === undefined ? undefined : (base.seed + BigInt(seedIndex)) % (MAX_SEED + 1n);
      const pairKey = hash([line.canonical, dup, seedIndex]);
      const variants: (AbVariant | undefined)[] = options.ab ? ['off', 'on'] : [undefined];
      for (const variant of variants) {
        const freeu = variant === undefined ? base.freeu : { ...base.freeu, enabled: variant === 'on' };
        const given: GivenFlags = { ...base, ...(seed !== undefined ? { seed } : {}), freeu };
        const values: Layered = {
          ...layered,
          ...(seed !== undefined ? { seed: { value: String(seed), label: layered.seed?.label ?? 'seed' } } : {}),
          ...(variant !== undefined ? { freeu: { value: variant === 'on', label: variant === 'on' ? '--ab freeu' : '--no-freeu' }, noFreeu: undefined } : {}),
        };
        jobs.push({
          key: variant === undefined ? pairKey : hash([line.canonical, dup, seedIndex, variant]),
          pairKey,
          index: jobs.length + 1,
          lineNo: line.lineNo,
          seedIndex,
          ...(variant !== undefined ? { variant } : {}),
          given,
          values,
        });
      }
    }
  }
  return { jobs, problems };
}

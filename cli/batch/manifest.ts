// The batch manifest, DIR/batch.jsonl: one line per job (and per bad input line), rewritten whole and atomically.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { T2vError, UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../write-atomic.js';

export const MANIFEST_NAME = 'batch.jsonl';

export type JobStatus = 'done' | 'failed' | 'invalid';

export interface ManifestRecord {
  /** The job key (BatchJob.key); `line:N` for a line that could not be read. */
  readonly key: string;
  readonly status: JobStatus;
  readonly line: number;
  readonly index?: number;
  readonly pairKey?: string;
  readonly prompt?: string;
  readonly seed?: string;
  readonly variant?: 'off' | 'on';
  /** File name inside the batch folder. */
  readonly output?: string;
  readonly error?: string;
  readonly attempts: number;
  readonly timings?: Readonly<Record<string, number>>;
  /** The generation's stored metadata (what `t2v info` shows). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Which process made it: local, or a farm worker's host:pid. */
  readonly worker?: string;
  readonly finishedAt: string;
}

function isRecord(v: unknown): v is ManifestRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.key === 'string' && ['done', 'failed', 'invalid'].includes(r.status as string) && typeof r.line === 'number';
}

/** The records of a batch folder, one per key (the file is ours: anything unreadable in it is a usage problem). */
export class Manifest {
  private readonly records = new Map<string, ManifestRecord>();
  /** Saves run one after another (concurrent jobs finish together): each writes the records as they are at its turn. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  static async open(dir: string): Promise<Manifest> {
    const m = new Manifest(join(dir, MANIFEST_NAME));
    let text: string;
    try {
      text = await readFile(m.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return m;
      throw new T2vError(`${m.path}: cannot read the manifest (${(e as Error).message})`);
    }
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        v = undefined;
      }
      if (!isRecord(v)) throw new UsageError(`${m.path}:${i + 1}: not a t2v manifest record; move the file away or use another --out-dir`);
      m.records.set(v.key, v);
    });
    return m;
  }

  get(key: string): ManifestRecord | undefined {
    return this.records.get(key);
  }

  /** A job is done when its record says so and its file is still there. */
  isDone(key: string, dir: string): boolean {
    const r = this.records.get(key);
    return r?.status === 'done' && r.output !== undefined && existsSync(join(dir, r.output));
  }

  /** The seed a job of this pair already used (drawn at random on an earlier run), so a rerun keeps it. */
  seedOfPair(pairKey: string): bigint | undefined {
    for (const r of this.records.values()) if (r.pairKey === pairKey && r.seed !== undefined) return BigInt(r.seed);
    return undefined;
  }

  all(): readonly ManifestRecord[] {
    return [...this.records.values()];
  }

  /** Records the outcome and rewrites the file (temp, then rename: the manifest is always whole). */
  async put(record: ManifestRecord): Promise<void> {
    this.records.set(record.key, record);
    await this.save();
  }

  /** Removes records of bad lines that are gone from the file or read fine now. */
  dropInvalid(): void {
    for (const [k, r] of this.records) if (r.status === 'invalid') this.records.delete(k);
  }

  save(): Promise<void> {
    const next = this.saving.then(() => this.write());
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    const ordered = [...this.records.values()].sort((a, b) => a.line - b.line || (a.index ?? 0) - (b.index ?? 0));
    const text = ordered.map((r) => JSON.stringify(r)).join('\n') + (ordered.length ? '\n' : '');
    try {
      await writeFileAtomic(this.path, text);
    } catch (e) {
      throw new T2vError(`${this.path}: cannot write the manifest (${(e as Error).message})`);
    }
  }
}

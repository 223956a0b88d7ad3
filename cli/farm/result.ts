// A worker's result as the producer receives it: checked (shape, size, sha256) before its file is written, atomically.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { T2vError } from '../../core/errors.js';
import { writeFileAtomic } from '../write-atomic.js';
import { FARM_PROTOCOL, type FarmResult } from './connection.js';

/** Largest video a result may carry (base64 in Redis); larger clips need a shared store. */
export const MAX_RESULT_BYTES = 256 * 1024 * 1024;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The result from Redis is outside input: every field is checked, and the file must hash to what the worker said. */
export function checkResult(raw: unknown, name: string): FarmResult & { readonly bytes: Buffer } {
  const bad = (why: string): T2vError => new T2vError(`the farm's result for ${name} is unusable (${why}); the job is rerun on the next batch run`);
  const r: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!isPlainObject(r)) throw bad('not an object');
  if (r.v !== FARM_PROTOCOL) throw bad(`protocol ${String(r.v)}, this t2v speaks ${FARM_PROTOCOL}; run the same t2v version everywhere`);
  if (typeof r.file !== 'string' || typeof r.sha256 !== 'string' || typeof r.size !== 'number' || typeof r.worker !== 'string') throw bad('fields missing');
  if (!isPlainObject(r.metadata) || !isPlainObject(r.timings)) throw bad('metadata missing');
  if (r.size > MAX_RESULT_BYTES) throw bad(`${r.size} bytes`);
  const bytes = Buffer.from(r.file, 'base64');
  if (bytes.length !== r.size) throw bad(`${bytes.length} bytes arrived, the worker sent ${r.size}`);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== r.sha256) throw bad('sha256 mismatch');
  const timings: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.timings)) if (typeof v === 'number') timings[k] = v;
  // a worker's name reaches the terminal: printable characters only
  const worker = r.worker.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return { v: FARM_PROTOCOL, file: '', sha256: sha, size: bytes.length, metadata: r.metadata, timings, worker, bytes };
}

/** Writes the file under its final name in one rename: a reader never sees half a video. */
export async function writeResultFile(dir: string, name: string, result: { readonly bytes: Buffer }): Promise<void> {
  try {
    await writeFileAtomic(join(dir, name), result.bytes);
  } catch (e) {
    throw new T2vError(`${join(dir, name)}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

// analyze's own flags, checked before any model loads: the b1 sweep and the report folder.
import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseFreeUValue } from '../../core/freeu/params.js';

/** More lines than this make Fig. 6 unreadable (and each is one more generation). */
export const MAX_SWEEP = 8;

/** `--sweep-b1 1,1.2,1.4,1.6` -> [1, 1.2, 1.4, 1.6]: each in b1's range, no repeats, 2 .. MAX_SWEEP values. */
export function parseSweep(raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const values = parts.map((p) => {
    if (p === '') throw new UsageError(`--sweep-b1 ${raw}: an empty value; give backbone factors separated by commas, like 1,1.2,1.4,1.6`);
    return parseFreeUValue('b1', p, `--sweep-b1 ${raw}: b1`);
  });
  if (values.length < 2 || values.length > MAX_SWEEP) throw new UsageError(`--sweep-b1 ${raw}: give 2 to ${MAX_SWEEP} backbone factors separated by commas, like 1,1.2,1.4,1.6`);
  if (new Set(values).size !== values.length) throw new UsageError(`--sweep-b1 ${raw}: a factor is repeated; give each b1 once`);
  return values;
}

/** The report folder: new, empty, or (with --overwrite) replaced whole at the end. */
export async function checkReportDir(raw: unknown, overwrite: boolean): Promise<string> {
  if (typeof raw !== 'string' || raw.trim() === '') throw new UsageError('analyze needs -o DIR, the folder for the report (figures and their data)');
  const dir = resolve(raw);
  const s = await stat(dir).catch(() => undefined);
  if (!s) return dir;
  if (!s.isDirectory()) throw new UsageError(`-o ${raw} is a file; give a folder for the report`);
  if (!overwrite && (await readdir(dir)).length > 0) throw new UsageError(`-o ${raw} exists and is not empty; pass --overwrite to replace it, or choose another folder`);
  return dir;
}

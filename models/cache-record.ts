// The completion record of a cache entry: sizes and sha256 of its files, written last, checked before each use.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../core/common/process-alive.js';

export const RECORD_FILE = 'complete.json';

interface FileRecord {
  readonly size: number;
  readonly sha256: string;
  /** The file's stat when last hashed: while it is unchanged the hash is not recomputed (a full U-Net is GBs). */
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

type Record_ = Readonly<Record<string, FileRecord>>;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function describe(path: string, knownHash?: string): Promise<FileRecord> {
  const s = await stat(path);
  return { size: s.size, sha256: knownHash ?? (await sha256(path)), mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
}

async function writeRecord(dir: string, record: Record_): Promise<void> {
  const tmp = join(dir, `.${RECORD_FILE}.${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, `${JSON.stringify({ files: record }, null, 1)}\n`);
  await rename(tmp, join(dir, RECORD_FILE));
}

/** Hashes every file of a finished build in `dir` and writes the record: the entry's last file. */
export async function recordCompletion(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n !== RECORD_FILE).sort();
  const record: Record<string, FileRecord> = {};
  for (const name of names) record[name] = await describe(join(dir, name));
  await writeRecord(dir, record);
}

/**
 * Why the entry in `dir` cannot be used (no record: an unfinished or older build; a missing, resized or changed
 * file), or undefined when it is whole. A file whose stat changed is hashed again; a match refreshes the record.
 */
export async function entryProblem(dir: string): Promise<string | undefined> {
  let files: Record_;
  try {
    const parsed = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as { files?: unknown };
    if (typeof parsed.files !== 'object' || parsed.files === null) return `${RECORD_FILE} is damaged`;
    files = parsed.files as Record_;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `it has no ${RECORD_FILE} (an unfinished or older build)` : `${RECORD_FILE} is damaged`;
  }
  let refreshed = false;
  const now: Record<string, FileRecord> = {};
  for (const [name, want] of Object.entries(files)) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (!s) return `${name} is missing`;
    if (s.size !== want.size) return `${name} is ${s.size} bytes, ${want.size} were written`;
    if (s.mtimeMs === want.mtimeMs && s.ctimeMs === want.ctimeMs) {
      now[name] = want;
      continue;
    }
    const got = await describe(join(dir, name));
    if (got.sha256 !== want.sha256) return `${name} changed since it was built (sha256 ${got.sha256.slice(0, 12)}..., built as ${want.sha256.slice(0, 12)}...)`;
    now[name] = got;
    refreshed = true;
  }
  if (refreshed) await writeRecord(dir, now).catch(() => undefined); // a read-only cache still works, just hashes again
  return undefined;
}

/** Names of temps in the cache root: `<entry>.tmp-<pid>-<hex>` (a build) and `<entry>.bad-<pid>-<hex>` (being removed). */
export const TEMP_NAME = /\.(?:tmp|bad)-(\d+)-[0-9a-f]{8}$/;

/** Removes temps whose process is gone (a build killed by SIGKILL or power loss); a live build's are left alone. */
export async function sweepStaleBuilds(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = TEMP_NAME.exec(name)?.[1];
      if (pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid))) await rm(join(root, name), { recursive: true, force: true });
    }),
  );
}

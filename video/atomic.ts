// Temp-then-rename file handling: outputs appear complete or not at all, and never replace a file by accident.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { link, mkdir, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { settingRef, UsageError } from '../core/errors.js';
import { processAlive } from '../core/common/process-alive.js';

/** A hidden name next to the final output (same folder, so the rename is atomic and never crosses filesystems). */
export function tempPath(dir: string, base: string): string {
  return join(dir, `.${base}.t2v-${process.pid}-${randomBytes(4).toString('hex')}.part`);
}

/**
 * Removes temps that a killed run (SIGKILL, power loss: no chance to clean up) left for the same output in `dir`;
 * only names made by tempPath whose process is gone, so a concurrent run's temp is left alone.
 */
export async function sweepStaleTemps(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.t2v-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      if (!name.startsWith(prefix)) return;
      const m = /^(\d+)-[0-9a-f]{8}\.part$/.exec(name.slice(prefix.length));
      if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) await rm(join(dir, name), { recursive: true, force: true });
    }),
  );
}

const pending = new Set<string>();
let exitHookInstalled = false;

/**
 * Remembers a temp path so that a process.exit() in the middle of writing (e.g. a second Ctrl-C) still removes it.
 * The hook is an 'exit' listener, not a signal handler: signal handling stays with the CLI.
 */
export function trackTemp(path: string): void {
  pending.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of pending) rmSync(p, { recursive: true, force: true });
    });
  }
}

/** Deletes a temp file or folder (missing is fine) and forgets it. */
export async function discardTemp(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  pending.delete(path);
}

/** One line telling the user how to replace an existing output. */
export function existsError(path: string): UsageError {
  // the user's -o names a file that is there: a usage conflict (2), like any other argument problem
  return new UsageError(`${path} exists; pass ${settingRef('overwrite')} to replace it`);
}

/**
 * Moves a finished temp file to `dest`. Without `overwrite` a hard link claims the name atomically, so a file that
 * appeared meanwhile is kept and reported; where links are unsupported it falls back to check-then-rename.
 */
export async function commitFile(temp: string, dest: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, dest);
    return;
  }
  try {
    await link(temp, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(dest);
    if (existsSync(dest)) throw existsError(dest);
    await rename(temp, dest);
    return;
  }
  await unlink(temp);
}

/** `mkdir -p dir`; the returned undo removes the folders it made, innermost first, while they are empty. */
export async function makeParents(dir: string): Promise<() => Promise<void>> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return async () => undefined;
  return async () => {
    for (let at = dir; at.length >= first.length; at = dirname(at)) {
      try {
        await rmdir(at);
      } catch {
        return; // not empty (someone else's file) or gone: leave the rest
      }
    }
  };
}

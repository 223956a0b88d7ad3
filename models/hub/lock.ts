// One writer per blob: `<blob>.incomplete.lock` holds the writer's pid; a second pull waits for it, a dead writer's lock is taken over.
import { open, readFile, rm, stat } from 'node:fs/promises';
import { T2vError } from '../../core/errors.js';
import { interrupted } from './http.js';

const POLL_MS = 200;
/** Locks this process holds (two pulls in one process share a pid). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** How long a lock may stay empty (its writer between creating it and writing its pid) before it counts as a killed writer's. */
const EMPTY_GRACE_MS = 5000;

/**
 * Who holds `lock`: a live writer's pid; 'writing' while a new lock has no pid yet (taking it over then let two
 * writers in, seen as a failed rename under load); 'gone' when it is no longer there; 'stale' for a dead writer's.
 */
async function holder(lock: string): Promise<number | 'writing' | 'gone' | 'stale'> {
  if (held.has(lock)) return process.pid;
  const text = await readFile(lock, 'utf8').catch(() => undefined);
  if (text === undefined) return 'gone';
  if (text.trim() === '') {
    const st = await stat(lock).catch(() => undefined);
    return st === undefined ? 'gone' : Date.now() - st.mtimeMs < EMPTY_GRACE_MS ? 'writing' : 'stale';
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : 'stale';
}

/** Runs `fn` holding the lock of `part`; `onWait` is told once when another writer must finish first. */
export async function withLock<T>(part: string, signal: AbortSignal | undefined, onWait: (pid: number) => void, fn: () => Promise<T>): Promise<T> {
  const lock = `${part}.lock`;
  let told = false;
  for (;;) {
    if (signal?.aborted) throw interrupted();
    const fh = await open(lock, 'wx').catch((e: unknown) => {
      if ((e as { code?: string }).code === 'EEXIST') return undefined;
      throw new T2vError(`cannot create ${lock} (${(e as { code?: string }).code ?? String(e)}); check the cache folder's permissions and free space`);
    });
    if (fh) {
      held.add(lock);
      try {
        await fh.writeFile(String(process.pid));
        await fh.close();
        return await fn();
      } finally {
        held.delete(lock);
        await rm(lock, { force: true });
      }
    }
    const pid = await holder(lock);
    if (pid === 'gone') continue;
    if (pid === 'stale') {
      // a writer killed before it could clean up: its partial file is still resumable
      await rm(lock, { force: true });
      continue;
    }
    if (pid === 'writing') {
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    if (!told) onWait(pid);
    told = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

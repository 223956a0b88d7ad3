// This process's memory limit: the machine's memory or its cgroup's, whichever is smaller (no engine imports: the CLI reads it early).
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

function readNumber(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined; // "max": no limit
  } catch {
    return undefined;
  }
}

/** This process's memory limit: the smaller of the machine's memory and its cgroup's (v2 memory.max, v1 limit_in_bytes). */
export function memoryLimit(): { readonly bytes: number; readonly source: string } {
  let best = { bytes: totalmem(), source: 'the memory of this machine' };
  let cgroups = '';
  try {
    cgroups = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return best;
  }
  for (const line of cgroups.split('\n')) {
    const [, controllers, path] = line.split(':');
    const file = controllers === '' ? `/sys/fs/cgroup${path}/memory.max` : controllers?.split(',').includes('memory') ? `/sys/fs/cgroup/memory${path}/memory.limit_in_bytes` : undefined;
    const bytes = file === undefined ? undefined : readNumber(file);
    if (bytes !== undefined && bytes < best.bytes) best = { bytes, source: `the cgroup limit (${file})` };
  }
  return best;
}

/** Bytes as the one-line memory messages write them: `7.5 GiB`. */
export function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

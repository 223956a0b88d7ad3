// Bytes under a folder (symlinks counted as links, so the HF cache's blobs count once) and a human form of them.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function folderSize(path: string): Promise<number | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  const entries = await readdir(path).catch(() => [] as string[]);
  for (const name of entries) total += (await folderSize(join(path, name))) ?? 0;
  return total;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

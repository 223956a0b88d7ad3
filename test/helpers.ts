// Shared test helpers: temporary folders and the copied golden fixtures.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN = fileURLToPath(new URL('./fixtures/golden/', import.meta.url));

export function golden(...parts: string[]): string {
  return join(GOLDEN, ...parts);
}

/** Runs `fn` in a fresh temporary folder that is removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 't2v-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

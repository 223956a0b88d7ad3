// Shared test helpers: temporary folders and the copied golden fixtures.
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
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

/** Points T2V_CACHE at a fresh folder for the whole test file (built graphs stay out of the user's cache); restored after. */
export function useTempCache(): void {
  let cache: string | undefined;
  const saved = process.env.T2V_CACHE;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 't2v-cache-'));
    process.env.T2V_CACHE = cache;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.T2V_CACHE;
    else process.env.T2V_CACHE = saved;
    if (cache) await rm(cache, { recursive: true, force: true });
  });
}

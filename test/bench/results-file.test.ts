import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimResultsFile } from '../../bench/results-file.js';

describe('claimResultsFile', () => {
  let dir = '';
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('names the file by the UTC second and kind, and gives runs started in the same second different files', async () => {
    dir = join(await mkdtemp(join(tmpdir(), 't2v-results-')), 'results');
    const at = new Date('2026-12-02T03:04:05.678Z');
    const files = await Promise.all([1, 2, 3].map(() => claimResultsFile('quality', at, dir)));
    expect(files.map((f) => basename(f)).sort()).toEqual(['2026-12-02T03-04-05-quality-2.json', '2026-12-02T03-04-05-quality-3.json', '2026-12-02T03-04-05-quality.json']);
    expect((await readdir(dir)).length).toBe(3);
  });
});

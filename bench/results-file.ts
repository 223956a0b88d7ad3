// bench/results/ file naming: one new file per run, named by its UTC start time and kind, never overwriting another run's.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../models/paths.js';

/** Claims `bench/results/<YYYY-MM-DDTHH-MM-SS>-<kind>.json` (or `-2`, `-3`, ... when two runs start in the same second) and returns its path. */
export async function claimResultsFile(kind: string, date: Date = new Date(), dir: string = join(packageRoot(), 'bench', 'results')): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stem = `${date.toISOString().slice(0, 19).replace(/:/g, '-')}-${kind}`;
  for (let n = 1; ; n++) {
    const file = join(dir, `${stem}${n === 1 ? '' : `-${n}`}.json`);
    try {
      // 'wx' fails if the file exists: two benches started together get different files
      await (await open(file, 'wx')).close();
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

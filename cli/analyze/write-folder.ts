// A folder written whole: its files into a hidden sibling, then one rename; a reader sees the old folder or the new one.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError } from '../../core/errors.js';

/** Writes `files` (name -> bytes) as the folder `dir`, replacing what is there; the temp never outlives a failure. */
export async function writeFolderAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(dirname(dir), `.${basename(dir)}.${tag}.part`);
  const old = join(dirname(dir), `.${basename(dir)}.${tag}.old`);
  try {
    await mkdir(dirname(dir), { recursive: true });
    await mkdir(temp);
    for (const [name, data] of files) await writeFile(join(temp, name), data);
    // an existing folder (empty, or --overwrite) moves aside first: rename cannot replace a non-empty folder
    const moved = await rename(dir, old).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw e;
      },
    );
    try {
      await rename(temp, dir);
    } catch (e) {
      if (moved) await rename(old, dir);
      throw e;
    }
    if (moved) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw fsError(e, dir, 'choose a writable folder with enough space for -o');
  }
}

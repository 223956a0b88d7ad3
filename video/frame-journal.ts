// PNG frames into an existing folder as one set: a journal written before the first frame moves lets a later run
// finish or undo a commit that a kill cut short, so the folder never keeps part of a set.
import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../core/common/process-alive.js';
import { existingFrames } from './plan.js';

export const JOURNAL = '.commit.json';
/** Staging folders inside an output folder, as tempPath names them for `frames`. */
const STAGING = /^\.frames\.t2v-(\d+)-[0-9a-f]{8}\.part$/;

interface Journal {
  readonly pattern: string;
  readonly names: readonly string[];
  readonly overwrite: boolean;
}

/** Written into the staging folder once every frame is staged, just before they move. */
export function writeJournal(stage: string, journal: Journal): void {
  writeFileSync(join(stage, JOURNAL), JSON.stringify(journal));
}

function inode(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}

function readJournal(stage: string): Journal | undefined {
  try {
    const j = JSON.parse(readFileSync(join(stage, JOURNAL), 'utf8')) as Partial<Journal>;
    return typeof j.pattern === 'string' && Array.isArray(j.names) && typeof j.overwrite === 'boolean' ? (j as Journal) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Settles the commits that killed runs left in `dir`. Without --overwrite nothing was replaced, so the frames already
 * moved are removed (the folder is as before); with --overwrite the old set is partly gone, so the move is finished
 * (the folder holds the new set, older extra frames removed). Then the staging folder goes.
 */
export function settleKilledCommits(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = STAGING.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    const stage = join(dir, name);
    const journal = readJournal(stage);
    if (journal) {
      for (const frame of journal.names) {
        const staged = join(stage, frame),
          final = join(dir, frame);
        const stagedIno = inode(staged);
        if (journal.overwrite) {
          if (stagedIno !== undefined) renameSync(staged, final);
        } else if (inode(final) !== undefined && (stagedIno === undefined || stagedIno === inode(final))) {
          unlinkSync(final);
        }
      }
      if (journal.overwrite) {
        const fresh = new Set(journal.names.map((n) => join(dir, n)));
        for (const old of existingFrames(dir, join(dir, journal.pattern))) if (!fresh.has(old) && statSync(old).isFile()) unlinkSync(old);
      }
    }
    rmSync(stage, { recursive: true, force: true });
  }
}

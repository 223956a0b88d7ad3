// Writes PNG frame sequences ourselves (exact pixels, tEXt metadata), staged in a temp folder and moved into place.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError, settingRef } from '../core/errors.js';
import { commitFile, existsError, makeParents, sweepStaleTemps, tempPath } from './atomic.js';
import { writeJournal } from './frame-journal.js';
import { frameAt, type Frames } from './frames.js';
import { InterruptedError } from './interrupt.js';
import { serializeMetadata } from './metadata.js';
import { encodePng } from './png.js';
import { existingFrames, framePath, type OutputPlan } from './plan.js';
import { throwIfStopped, withTemp, type WriteOptions, type WrittenOutput } from './write-common.js';

/** Writes every frame into `dir` under the pattern's names; returns the names. */
async function writeFrames(dir: string, plan: OutputPlan, frames: Frames, options: WriteOptions, stop: AbortSignal, report: (d: number, t: number) => void): Promise<string[]> {
  const text = [['t2v', serializeMetadata(options.metadata, true)]] as const;
  const names: string[] = [];
  for (let i = 0; i < frames.count; i++) {
    if (stop.aborted) throw new InterruptedError(plan.path);
    const name = basename(framePath(plan.path, i + 1));
    await writeFile(join(dir, name), encodePng(frames.width, frames.height, frameAt(frames, i), text), { flag: 'wx' });
    names.push(name);
    report(i + 1, frames.count);
  }
  return names;
}

/** Stages every frame in `temp`; a full disk or a permission problem names the output, not the hidden temp. */
async function stageFrames(temp: string, plan: OutputPlan, frames: Frames, options: WriteOptions, stop: AbortSignal, report: (d: number, t: number) => void): Promise<string[]> {
  try {
    await mkdir(temp);
    return await writeFrames(temp, plan, frames, options, stop, report);
  } catch (err) {
    throw fsError(err, plan.path, `free some space or choose another ${settingRef('output', 'short')}`);
  }
}

/**
 * Moves staged frames into an existing folder; without overwrite, a clash undoes the frames already moved. The journal
 * goes first, so that a kill in the middle is settled by the next run (settleKilledCommits).
 */
async function commitFrames(temp: string, plan: OutputPlan, names: readonly string[]): Promise<void> {
  writeJournal(temp, { pattern: basename(plan.path), names, overwrite: plan.overwrite });
  const done: string[] = [];
  try {
    for (const name of names) {
      await commitFile(join(temp, name), join(plan.dir, name), plan.overwrite);
      done.push(join(plan.dir, name));
    }
  } catch (err) {
    if (!plan.overwrite) await Promise.all(done.map((p) => unlink(p).catch(() => undefined)));
    throw err;
  }
  if (plan.overwrite) {
    // Frames of an older, longer run under the same names would otherwise look like part of this clip.
    const fresh = new Set(done);
    await Promise.all(
      existingFrames(plan.dir, plan.path)
        .filter((p) => !fresh.has(p))
        .map((p) => unlink(p)),
    );
  }
}

export async function writePngFrames(plan: OutputPlan, frames: Frames, options: WriteOptions): Promise<WrittenOutput> {
  // A new folder is staged whole next to where it goes; an existing one gets a hidden staging folder inside it.
  const [stageIn, stageName] = plan.createDir ? [dirname(plan.dir), basename(plan.dir)] : [plan.dir, 'frames'];
  // -o missing/sub/frames/: the folders above the new one are made like mkdir -p, and removed again on failure
  const undoParents = plan.createDir ? await makeParents(stageIn) : async () => undefined;
  try {
    return await stageAndCommit(plan, frames, options, stageIn, stageName);
  } catch (err) {
    await undoParents();
    throw err;
  }
}

/** Stages the frames under `stageIn` and moves them into place as one set. */
async function stageAndCommit(plan: OutputPlan, frames: Frames, options: WriteOptions, stageIn: string, stageName: string): Promise<WrittenOutput> {
  await sweepStaleTemps(stageIn, stageName);
  const temp = tempPath(stageIn, stageName);
  return withTemp(temp, plan.path, options, async (stop, report) => {
    const names = await stageFrames(temp, plan, frames, options, stop, report);
    throwIfStopped(stop, plan.path);
    if (plan.createDir) {
      try {
        await rename(temp, plan.dir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw code === 'EEXIST' || code === 'ENOTEMPTY' ? existsError(plan.dir) : err;
      }
    } else {
      await commitFrames(temp, plan, names);
    }
    return {
      format: 'png',
      path: plan.path,
      files: names.map((n) => join(plan.dir, n)),
      width: frames.width,
      height: frames.height,
      frames: frames.count,
      fps: options.fps,
      metadata: options.metadata,
    };
  });
}

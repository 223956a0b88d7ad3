// Output planning: what -o means (format, folder, frame names), checked before any generation work starts.
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { settingRef, T2vError, UsageError } from '../core/errors.js';
import { existsError } from './atomic.js';
import { settleKilledCommits } from './frame-journal.js';
import { findFfmpeg, type FfmpegInfo } from './ffmpeg.js';
import type { VideoFormat } from './codecs.js';

export type OutputFormat = VideoFormat | 'png';

export interface OutputPlan {
  readonly format: OutputFormat;
  /** Absolute path of the file, or for PNG frames the printf-style pattern (e.g. /out/frame_%03d.png). */
  readonly path: string;
  /** Absolute folder the output lands in. */
  readonly dir: string;
  readonly overwrite: boolean;
  /** The folder does not exist yet: writeVideo makes it (PNG frames: whole, temp folder then rename; the folders above like mkdir -p). */
  readonly createDir: boolean;
  /** The ffmpeg found by prepareOutput; writeVideo looks one up when absent. */
  readonly ffmpeg?: FfmpegInfo;
}

const VIDEO_EXT: Readonly<Record<string, VideoFormat>> = { '.mp4': 'mp4', '.webm': 'webm', '.gif': 'gif' };
const FRAME_NAME = 'frame_%03d.png';
const COUNTER = /%(0\d+)?d/g;

/** The file name of frame `index` (1-based, as ffmpeg numbers image sequences) for a pattern path. */
export function framePath(pattern: string, index: number): string {
  // Only the file name holds the counter; a folder may contain a literal '%d'.
  const name = basename(pattern).replace(/%(?:0(\d+))?d/, (_m, width: string | undefined) => String(index).padStart(Number(width ?? 0), '0'));
  return join(dirname(pattern), name);
}

/** Matches the file names a pattern's basename produces; group 1 is the frame number. */
export function frameNameRegex(pattern: string): RegExp {
  const [before = '', after = ''] = basename(pattern).split(/%(?:0\d+)?d/);
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(before)}(\\d+)${esc(after)}$`);
}

/** Existing files in `dir` that a pattern would write. */
export function existingFrames(dir: string, pattern: string): string[] {
  const re = frameNameRegex(pattern);
  try {
    return readdirSync(dir)
      .filter((name) => re.test(name))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

export interface PlanOptions {
  readonly overwrite?: boolean;
  /** The frame rate, for the formats that cannot store every rate (GIF). */
  readonly fps?: number;
}

/** GIF delays are whole 1/100 s and browsers play delays below 2 as 10: 50 fps is the fastest a GIF plays. */
export const MAX_GIF_FPS = 50;

/** Throws unless `dir` is an existing folder we can create files in (tried for real: root, ACLs, read-only mounts). */
function checkFolder(dir: string): void {
  const st = statOrNull(dir);
  if (!st) throw new UsageError(`output folder ${dir} does not exist`);
  if (!st.isDirectory()) throw new UsageError(`${dir} is not a folder`);
  const probe = join(dir, `.t2v-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (err) {
    throw new T2vError(`cannot write to output folder ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}); choose another ${settingRef('output', 'short')}`);
  }
}

/** Like `mkdir -p`: a folder that does not exist yet is fine when its nearest existing ancestor is writable. */
function checkFolderOrAncestor(dir: string): boolean {
  let at = dir;
  while (!statOrNull(at) && dirname(at) !== at) at = dirname(at);
  checkFolder(at);
  return at !== dir;
}

function framesPlan(dir: string, pattern: string, overwrite: boolean, createDir: boolean): OutputPlan {
  if (!createDir) {
    checkFolder(dir);
    settleKilledCommits(dir);
    const existing = existingFrames(dir, pattern);
    if (existing.length > 0 && !overwrite) throw existsError(existing[0]!);
  }
  return { format: 'png', path: join(dir, basename(pattern)), dir, overwrite, createDir };
}

/** Frames under a pattern; a folder that does not exist yet (frames/%03d.png) is created whole when they are written. */
function patternPlan(dir: string, pattern: string, overwrite: boolean): OutputPlan {
  const createDir = !statOrNull(dir);
  if (createDir) checkFolderOrAncestor(dirname(dir));
  return framesPlan(dir, pattern, overwrite, createDir);
}

/**
 * Decides what `-o path` writes and checks it can be written: a known extension (.mp4 .webm .gif .png), a frame
 * pattern (name_%03d.png), or a folder (trailing slash or an existing folder) for PNG frames named frame_001.png...
 * A plain name.png means frames name_001.png... Throws a one-line error; call it before generating anything.
 */
export function planOutput(path: string, options: PlanOptions = {}): OutputPlan {
  const plan = planPath(path, options);
  const fps = options.fps;
  if (plan.format === 'gif' && fps !== undefined && fps > MAX_GIF_FPS) {
    throw new UsageError(
      `${settingRef('fps')} ${fps}: a GIF stores frame delays in 1/100 s and players show delays under 2/100 s at 10 fps; use ${settingRef('fps')} ${MAX_GIF_FPS} or less for .gif, or write .mp4 or .webm`,
    );
  }
  return plan;
}

function planPath(path: string, options: PlanOptions): OutputPlan {
  const overwrite = options.overwrite ?? false;
  if (path === '') throw new UsageError(`${settingRef('output', 'short')}: empty output path`);
  const abs = resolve(path);
  const st = statOrNull(abs);
  const link = st ? null : lstatOrNull(abs);
  // a dangling link would be found only at the commit, after all the work: say so now
  if (link?.isSymbolicLink() && !overwrite) {
    throw new T2vError(
      `${abs} is a symbolic link to ${readlinkSync(abs)}, which does not exist; remove the link, choose another ${settingRef('output', 'short')}, or pass ${settingRef('overwrite')} to replace it`,
    );
  }
  const videoExt = extname(abs).toLowerCase() in VIDEO_EXT;
  if (st?.isDirectory() && videoExt && !path.endsWith('/') && !path.endsWith(sep)) throw new UsageError(`${abs} is a folder; choose a file name for ${settingRef('output', 'short')}`);
  if (path.endsWith('/') || path.endsWith(sep) || st?.isDirectory()) {
    if (st && !st.isDirectory()) throw new UsageError(`${abs} is a file, not a folder for PNG frames`);
    if (!st) checkFolderOrAncestor(dirname(abs));
    return framesPlan(abs, FRAME_NAME, overwrite, !st);
  }
  const name = basename(abs);
  const ext = extname(name).toLowerCase();
  const counters = name.match(COUNTER) ?? [];
  if (counters.length > 0) {
    if (ext !== '.png' || counters.length > 1) {
      throw new UsageError(`${settingRef('output', 'short')} ${path}: a frame pattern must have one %d or %0Nd counter and end in .png (e.g. frame_%03d.png)`);
    }
    return patternPlan(dirname(abs), name, overwrite);
  }
  if (ext === '.png') return patternPlan(dirname(abs), `${name.slice(0, -ext.length)}_%03d.png`, overwrite);
  const format = VIDEO_EXT[ext];
  if (!format) {
    throw new UsageError(`${settingRef('output', 'short')} ${path}: unknown output type ${ext === '' ? '(no extension)' : ext}; use .mp4, .webm, .gif, .png, name_%03d.png or a folder/`);
  }
  if (st && !overwrite) throw existsError(abs);
  // missing folders on the way are made when the file is written (and removed again if it is not)
  return { format, path: abs, dir: dirname(abs), overwrite, createDir: checkFolderOrAncestor(dirname(abs)) };
}

/** planOutput plus, for formats that need it, the ffmpeg lookup: every output problem surfaces before generation. */
export async function prepareOutput(path: string, options: PlanOptions & { readonly env?: NodeJS.ProcessEnv } = {}): Promise<OutputPlan> {
  const plan = planOutput(path, options);
  if (plan.format === 'png') return plan;
  return { ...plan, ffmpeg: await findFfmpeg(options.env) };
}

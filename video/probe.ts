// Reads back what was written: stream info from ffmpeg's own probe (there is no ffprobe), and the stored metadata.
import { execFile } from 'node:child_process';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { T2vError } from '../core/errors.js';
import { findFfmpeg, type FfmpegInfo } from './ffmpeg.js';
import { parseFfmetadata } from './ffmetadata.js';
import { readGifComment } from './gif.js';
import { parseMetadata, type GenerationMetadata } from './metadata.js';
import { existingFrames } from './plan.js';
import { isPng, readPngTextFile } from './png.js';

export interface StreamInfo {
  /** Demuxer name as ffmpeg prints it, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "gif". */
  readonly container: string;
  readonly codec: string;
  readonly pixFmt: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Container duration in seconds; for formats without one (GIF), the decoded length. */
  readonly duration: number;
  /** Frames counted by decoding the whole stream. */
  readonly frames: number;
  /** Container tags, keys lower-cased. */
  readonly tags: Readonly<Record<string, string>>;
}

function run(ffmpeg: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; failed: boolean }> {
  return new Promise((resolve) => {
    execFile(ffmpeg, args, { maxBuffer: 64 << 20, windowsHide: true }, (err, stdout, stderr) => {
      resolve({ stdout: String(stdout), stderr: String(stderr), failed: err !== null });
    });
  });
}

function seconds(h: string, m: string, s: string): number {
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Splits at commas outside parentheses: "yuv420p(tv, bt709), 34x18" -> ["yuv420p(tv, bt709)", "34x18"]. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0,
    cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  parts.push(cur.trim());
  return parts;
}

/** Parses `ffmpeg -i FILE` stderr (input section only) and the final progress line. */
export function parseProbe(stderr: string, where: string): Omit<StreamInfo, 'tags'> {
  const input = stderr.split(/\n(?:Stream mapping:|Output #0)/)[0] ?? '';
  const container = /Input #0, (.+?), from /.exec(input)?.[1];
  const video = /Stream #0:\d+.*?: Video: (.*)/.exec(input)?.[1];
  if (!container || !video) throw new T2vError(`${where}: ffmpeg found no video stream`);
  const fields = splitTop(video);
  const size = fields.map((f) => /^(\d+)x(\d+)/.exec(f)).find((m) => m);
  const rate = fields.map((f) => /^([\d.]+)(k?) (?:fps|tbr)$/.exec(f)).find((m) => m);
  const dur = /Duration: (\d+):(\d+):([\d.]+)/.exec(input);
  const progress = stderr.split(/\r|\n/).filter((l) => l.startsWith('frame='));
  const last = progress[progress.length - 1] ?? '';
  const frames = /frame=\s*(\d+)/.exec(last)?.[1];
  const time = /time=(\d+):(\d+):([\d.]+)/.exec(last);
  if (!size || !rate || frames === undefined) throw new T2vError(`${where}: could not read size, frame rate or frame count from ffmpeg`);
  return {
    container,
    codec: (fields[0] ?? '').split(' ')[0] ?? '',
    pixFmt: (fields[1] ?? '').replace(/\(.*$/, ''),
    width: Number(size[1]),
    height: Number(size[2]),
    fps: Number(rate[1]) * (rate[2] ? 1000 : 1),
    duration: dur ? seconds(dur[1]!, dur[2]!, dur[3]!) : time ? seconds(time[1]!, time[2]!, time[3]!) : 0,
    frames: Number(frames),
  };
}

/** Stream info and tags of a video or image file, by decoding it with ffmpeg once. */
export async function probe(file: string, ffmpeg?: FfmpegInfo): Promise<StreamInfo> {
  const ff = ffmpeg ?? (await findFfmpeg());
  await stat(file).catch(() => {
    throw new T2vError(`${file}: no such file`);
  });
  const { stdout, stderr, failed } = await run(ff.path, ['-hide_banner', '-nostdin', '-i', file, '-map', '0:v:0', '-f', 'null', '-', '-f', 'ffmetadata', 'pipe:1']);
  if (failed) {
    const line = stderr.trim().split('\n').pop() ?? 'ffmpeg failed';
    throw new T2vError(`${file}: ffmpeg cannot read it (${line.trim()})`);
  }
  return { ...parseProbe(stderr, file), tags: parseFfmetadata(stdout) };
}

/** The first PNG frame of a folder or a frame pattern, in name order. */
async function firstFrame(path: string, isDir: boolean): Promise<string> {
  const first = isDir
    ? (await readdir(path))
        .filter((n) => n.toLowerCase().endsWith('.png'))
        .sort()
        .map((n) => join(path, n))[0]
    : existingFrames(dirname(path), basename(path))[0];
  if (!first) throw new T2vError(`${path}: no PNG frames found`);
  return first;
}

async function head(file: string, n: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** t2v's GIF comment, from a growing prefix of the file: it sits before the first frame, so a few KiB usually do. */
async function gifComment(file: string): Promise<string | undefined> {
  const { size } = await stat(file);
  for (let n = 1 << 16; ; n *= 4) {
    try {
      return readGifComment(await head(file, Math.min(n, size)), true);
    } catch (err) {
      if (n >= size || !(err instanceof T2vError) || !/truncated/.test(err.message)) throw err;
    }
  }
}

/** The raw JSON stored by t2v in a file (PNG tEXt "t2v", GIF comment, or the container's comment tag). */
async function storedJson(file: string, ffmpeg: FfmpegInfo | undefined): Promise<string | undefined> {
  const magic = await head(file, 8);
  if (isPng(magic)) return (await readPngTextFile(file)).get('t2v');
  if (magic.subarray(0, 3).toString('latin1') === 'GIF') return gifComment(file);
  const ff = ffmpeg ?? (await findFfmpeg());
  const { stdout, stderr, failed } = await run(ff.path, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-vn', '-an', '-sn', '-f', 'ffmetadata', 'pipe:1']);
  if (failed) throw new T2vError(`${file}: ffmpeg cannot read it (${stderr.trim().split('\n').pop()?.trim() ?? 'unknown error'})`);
  return parseFfmetadata(stdout).comment;
}

/**
 * The generation parameters stored in a file written by t2v: an MP4/WebM/GIF, a PNG frame, a frame folder or a
 * frame pattern. Throws a one-line error when the file is missing or has no t2v metadata.
 */
export async function readMetadata(path: string, ffmpeg?: FfmpegInfo): Promise<GenerationMetadata> {
  const st = await stat(path).catch(() => null);
  const file = st?.isFile() ? path : st?.isDirectory() || /%(0\d+)?d/.test(basename(path)) ? await firstFrame(path, st?.isDirectory() ?? false) : null;
  if (file === null) throw new T2vError(`${path}: no such file`);
  const json = await storedJson(file, ffmpeg);
  if (json === undefined) throw new T2vError(`${file} has no t2v metadata (it was not written by t2v, or the tags were stripped)`);
  return parseMetadata(json, file);
}

// Writes MP4 / WebM / GIF: raw frames streamed to ffmpeg, into a temp file that is renamed only when complete.
import { readFile, writeFile } from 'node:fs/promises';
import { fsError, settingRef, T2vError } from '../core/errors.js';
import { basename } from 'node:path';
import { commitFile, makeParents, sweepStaleTemps, tempPath } from './atomic.js';
import { encoderArgs, needsEvenSize, type VideoFormat } from './codecs.js';
import { runEncode } from './encode.js';
import { findFfmpeg, type FfmpegInfo } from './ffmpeg.js';
import { frameAt, type Frames } from './frames.js';
import { addGifComment } from './gif.js';
import { serializeMetadata, type GenerationMetadata } from './metadata.js';
import { evenPadding, padFrame, type Padding } from './pad.js';
import type { OutputPlan } from './plan.js';
import { probe } from './probe.js';
import { withTemp, throwIfStopped, type WriteOptions, type WrittenOutput } from './write-common.js';

/** Yields the frames one at a time (padded when needed), reporting progress; ends early when `stop` fires. */
async function* frameChunks(frames: Frames, padding: Padding | undefined, stop: AbortSignal, onFrame: (done: number) => void): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < frames.count && !stop.aborted; i++) {
    const frame = frameAt(frames, i);
    yield padding ? padFrame(frame, frames.width, frames.height, padding.to[0], padding.to[1]) : frame;
    onFrame(i + 1);
  }
}

/**
 * Decodes the finished temp file once and compares it with what was sent: a truncated or half-written file (ffmpeg
 * can exit 0 on a full disk) never becomes the output.
 */
async function checkEncoded(temp: string, target: string, ffmpeg: FfmpegInfo, count: number, fps: number, size: readonly [number, number]): Promise<void> {
  const info = await probe(temp, ffmpeg).catch((err: unknown) => {
    throw new T2vError(`${target} was not written: the encoded file does not read back (${err instanceof Error ? err.message.replace(`${temp}: `, '') : String(err)})`);
  });
  const expected = count / fps;
  // a container stores the clip's length; one frame's time (GIF delays in 1/100 s) plus rounding is the slack
  const durationOk = Math.abs(info.duration - expected) <= 1 / fps + 0.02;
  if (info.frames !== count || !durationOk || info.width !== size[0] || info.height !== size[1]) {
    throw new T2vError(
      `${target} was not written: the encoded file reads back as ${info.frames} frames, ${info.duration.toFixed(2)} s, ${info.width}x${info.height} instead of ${count} frames, ${expected.toFixed(2)} s, ${size[0]}x${size[1]}`,
    );
  }
}

export async function writeEncoded(plan: OutputPlan & { readonly format: VideoFormat }, frames: Frames, options: WriteOptions): Promise<WrittenOutput> {
  const ffmpeg = plan.ffmpeg ?? (await findFfmpeg());
  const padding = needsEvenSize(plan.format) ? evenPadding(frames.width, frames.height) : undefined;
  const [width, height] = padding?.to ?? [frames.width, frames.height];
  const metadata: GenerationMetadata = { ...options.metadata, ...(padding ? { padded: padding } : {}) };
  // GIF comments are Latin-1 and added by us after encoding; the video containers take UTF-8 via -metadata.
  const args = encoderArgs(plan.format, width, height, options.fps, serializeMetadata(metadata));
  const undoParents = plan.createDir ? await makeParents(plan.dir) : async () => undefined;
  await sweepStaleTemps(plan.dir, basename(plan.path));
  const temp = tempPath(plan.dir, basename(plan.path));
  try {
    return await encodeInto(temp, plan, frames, options, { args, width, height, padding, metadata, ffmpeg });
  } catch (err) {
    await undoParents();
    throw err;
  }
}

interface Encoding {
  readonly args: ReturnType<typeof encoderArgs>;
  readonly width: number;
  readonly height: number;
  readonly padding: Padding | undefined;
  readonly metadata: GenerationMetadata;
  readonly ffmpeg: FfmpegInfo;
}

function encodeInto(temp: string, plan: OutputPlan & { readonly format: VideoFormat }, frames: Frames, options: WriteOptions, e: Encoding): Promise<WrittenOutput> {
  const { args, width, height, padding, metadata, ffmpeg } = e;
  return withTemp(temp, plan.path, options, async (stop, report) => {
    await runEncode({
      ffmpegPath: ffmpeg.path,
      inputOptions: args.inputOptions,
      outputOptions: args.outputOptions,
      output: temp,
      target: plan.path,
      chunks: frameChunks(frames, padding, stop, (done) => report(done, frames.count)),
      signal: stop,
    });
    if (plan.format === 'gif') {
      await writeFile(temp, addGifComment(await readFile(temp), serializeMetadata(metadata, true))).catch((err: unknown) => {
        throw fsError(err, plan.path, `free some space or choose another ${settingRef('output', 'short')}`);
      });
    }
    await checkEncoded(temp, plan.path, ffmpeg, frames.count, options.fps, [width, height]);
    throwIfStopped(stop, plan.path);
    await commitFile(temp, plan.path, plan.overwrite);
    return {
      format: plan.format,
      path: plan.path,
      files: [plan.path],
      width,
      height,
      frames: frames.count,
      fps: options.fps,
      metadata,
    };
  });
}

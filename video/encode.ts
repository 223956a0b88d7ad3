// The one module that talks to fluent-ffmpeg (unmaintained upstream): swapping it out means rewriting only this file.
import { Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { T2vError } from '../core/errors.js';
import { ffmpegVersion } from './ffmpeg.js';
import { InterruptedError } from './interrupt.js';

export interface EncodeJob {
  readonly ffmpegPath: string;
  /** Options describing the raw stream fed on stdin (placed before `-i pipe:0`). */
  readonly inputOptions: readonly string[];
  readonly outputOptions: readonly string[];
  /** File ffmpeg writes; give the format with -f since this is a temporary name. */
  readonly output: string;
  /** Bytes piped to ffmpeg's stdin, pulled as ffmpeg reads (backpressure). */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Used in error messages: the file the user asked for. */
  readonly target: string;
  readonly signal?: AbortSignal;
}

// lines ffmpeg adds after the one that says what went wrong
const FOLLOW_UP = /^(Error initializing output stream|Conversion failed!|Error closing file|Exiting normally)/;

/** The last stderr line that says something (skipping progress, blank lines and ffmpeg's generic follow-ups). */
function lastError(stderr: string): string | undefined {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('frame='));
  return lines.filter((l) => !FOLLOW_UP.test(l)).pop() ?? lines.pop();
}

const runnable = new Set<string>();

/**
 * fluent-ffmpeg 2.1.3 throws a TypeError out of the child's 'error' event when spawn fails (ENOENT, EACCES), which
 * crashes the process and never settles the run; so check once per binary that it starts at all.
 */
async function checkRunnable(path: string, target: string): Promise<void> {
  if (runnable.has(path)) return;
  try {
    await ffmpegVersion(path);
  } catch (err) {
    throw new T2vError(`ffmpeg failed writing ${target}: cannot run ${path} (${(err as Error).message})`);
  }
  runnable.add(path);
}

/**
 * Runs ffmpeg with `chunks` on stdin and resolves when it exits cleanly. On abort it kills ffmpeg (SIGKILL, so it
 * cannot finalise a half file) and rejects with InterruptedError only after the process is gone, so the caller may
 * delete the output. ffmpeg's own exit on SIGINT (status 255, a Ctrl-C reaching its process group) counts as interrupted.
 */
export async function runEncode(job: EncodeJob): Promise<void> {
  await checkRunnable(job.ffmpegPath, job.target);
  const input = Readable.from(job.chunks, { objectMode: false });
  // fluent-ffmpeg keeps the binary path in module-global state; set it just before each run. stdoutLines caps its log rings.
  const command = ffmpeg({ stdoutLines: 50 }).setFfmpegPath(job.ffmpegPath);
  command.input(input);
  // fluent-ffmpeg passes several arguments as-is but splits a lone 'name value' string: always hand it pairs.
  if (job.inputOptions.length > 0) command.inputOptions(...job.inputOptions);
  command.output(job.output);
  if (job.outputOptions.length > 0) command.outputOptions(...job.outputOptions);

  return new Promise<void>((resolve, reject) => {
    let aborted = job.signal?.aborted ?? false;
    let started = false;
    const onAbort = (): void => {
      aborted = true;
      input.destroy();
      if (started) command.kill('SIGKILL');
    };
    const finish = (err?: Error): void => {
      job.signal?.removeEventListener('abort', onAbort);
      input.destroy();
      if (err) reject(err);
      else resolve();
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });
    command.on('start', () => {
      started = true;
      if (aborted) command.kill('SIGKILL');
    });
    // ffmpeg runs at -loglevel error and may still exit 0 after an error (a full disk while writing the trailer):
    // anything it says at that level means the file cannot be trusted
    command.on('end', (_stdout: string | null, stderr: string | null) => {
      if (aborted) return finish(new InterruptedError(job.target));
      const said = lastError(stderr ?? '');
      finish(said === undefined ? undefined : new T2vError(`ffmpeg failed writing ${job.target}: ${said}`));
    });
    command.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      if (aborted || /signal SIG(INT|TERM)\b|exited with code 255\b/.test(err.message)) return finish(new InterruptedError(job.target));
      const detail = lastError(stderr ?? '') ?? err.message.split('\n')[0];
      finish(new T2vError(`ffmpeg failed writing ${job.target}: ${detail}`));
    });
    if (aborted) return finish(new InterruptedError(job.target));
    command.run();
  });
}

// What the writers share: options, the result, and the temp lifecycle (abort, progress, cleanup on any failure).
import { discardTemp, trackTemp } from './atomic.js';
import { InterruptedError } from './interrupt.js';
import type { GenerationMetadata } from './metadata.js';
import type { OutputFormat } from './plan.js';

export interface WriteOptions {
  readonly fps: number;
  readonly metadata: GenerationMetadata;
  /** Abort (e.g. wired to SIGINT by the CLI): the write stops, the temp output is deleted, InterruptedError is thrown. */
  readonly signal?: AbortSignal;
  /** Called after each frame is handed to the encoder (or written, for PNG). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface WrittenOutput {
  readonly format: OutputFormat;
  /** The file, or for PNG frames the pattern. */
  readonly path: string;
  /** Every file written, in frame order for PNG. */
  readonly files: readonly string[];
  /** Size of the stored picture (after any padding). */
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  /** The metadata as stored, including `padded` when the writer padded. */
  readonly metadata: GenerationMetadata;
}

/** Body of a write: `stop` fires on abort or a failing progress callback; `report` forwards progress. */
type Body<T> = (stop: AbortSignal, report: (done: number, total: number) => void) => Promise<T>;

/** Throws InterruptedError when `stop` has fired: the last check before a temp becomes the real output. */
export function throwIfStopped(stop: AbortSignal, target: string): void {
  if (stop.aborted) throw new InterruptedError(target);
}

/**
 * Runs `body`, which builds `temp` and renames it into place; whatever happens, `temp` is gone afterwards
 * (renamed on success, deleted on error or abort).
 */
export async function withTemp<T>(temp: string, target: string, options: WriteOptions, body: Body<T>): Promise<T> {
  if (options.signal?.aborted) throw new InterruptedError(target);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let callbackFailed: { error: unknown } | undefined;
  const report = (done: number, total: number): void => {
    try {
      options.onProgress?.(done, total);
    } catch (error) {
      callbackFailed ??= { error };
      stop.abort();
    }
  };
  trackTemp(temp);
  try {
    return await body(stop.signal, report);
  } catch (err) {
    throw callbackFailed ? callbackFailed.error : err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await discardTemp(temp);
  }
}

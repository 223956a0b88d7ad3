// Output entry points for the CLI: plan -o before generating, then write frames to MP4 / WebM / GIF / PNG.
import { T2vError } from '../core/errors.js';
import { checkFrames, type Frames } from './frames.js';
import type { OutputPlan } from './plan.js';
import type { WriteOptions, WrittenOutput } from './write-common.js';
import { writeEncoded } from './write-encoded.js';
import { writePngFrames } from './write-png.js';

export { planOutput, prepareOutput, framePath, type OutputPlan, type OutputFormat } from './plan.js';
export type { WriteOptions, WrittenOutput } from './write-common.js';

/**
 * Writes `frames` as planned. Nothing appears at the target until it is complete; on error or abort the temp
 * output is removed and the error (InterruptedError on abort) is thrown. Installs no signal handlers.
 */
export async function writeVideo(plan: OutputPlan, frames: Frames, options: WriteOptions): Promise<WrittenOutput> {
  checkFrames(frames);
  if (!Number.isFinite(options.fps) || options.fps <= 0) throw new T2vError(`fps must be a positive number, got ${options.fps}`);
  if (plan.format === 'png') return writePngFrames(plan, frames, options);
  return writeEncoded({ ...plan, format: plan.format }, frames, options);
}

// What the commands call in core/ and video/, behind one injectable object; loaded lazily so --help never imports the engine.
import type { Pipeline, PipelineOptions } from '../core/pipeline/pipeline.js';
import type { ModelFolder } from '../models/folder.js';
import type { Frames } from '../video/frames.js';
import type { GenerationMetadata } from '../video/metadata.js';
import type { OutputPlan, WriteOptions, WrittenOutput } from '../video/output.js';
import { speakingFlags } from './setting-flags.js';

/** The part of core's Pipeline the commands use: its defaults, its device and memory estimate, one video, latents to frames (analyze), the end of its sessions. */
export type GenerationPipeline = Pick<Pipeline, 'id' | 'defaults' | 'device' | 'estimateMemory' | 'generate' | 'decode' | 'release'>;

export interface Deps {
  /** Opens `--model` once (folder resolved unless given resolved, configs parsed); throws a T2vError for a bad one. */
  readonly loadPipeline: (model: string | ModelFolder | undefined, options: PipelineOptions) => Promise<GenerationPipeline>;
  /** Checks -o before any generation work (format, folder, existing file, ffmpeg). */
  readonly prepareOutput: (path: string, options: { readonly overwrite?: boolean; readonly fps?: number }) => Promise<OutputPlan>;
  readonly writeVideo: (plan: OutputPlan, frames: Frames, options: WriteOptions) => Promise<WrittenOutput>;
  /** Two clips left to right, each labelled above. */
  readonly sideBySide: (clips: readonly [Frames, Frames], labels: readonly [string, string]) => Frames;
  /** Rows of clips, labels on the left of each row and above each column ([] for none). */
  readonly grid: (rows: readonly (readonly Frames[])[], rowLabels: readonly string[], columnLabels: readonly string[]) => Frames;
}

export type { Frames, GenerationMetadata, OutputPlan, PipelineOptions, WrittenOutput };

/** The real engine and writers; their errors name the CLI's flags where core names a setting. */
export async function loadDeps(): Promise<Deps> {
  const [{ loadPipeline }, output, compose] = await Promise.all([import('../core/pipeline/pipeline.js'), import('../video/output.js'), import('../video/compose.js')]);
  const open = async (model: string | ModelFolder | undefined, options: PipelineOptions): Promise<GenerationPipeline> => {
    const p = await loadPipeline(model, options);
    return {
      id: p.id,
      defaults: p.defaults,
      device: speakingFlags(() => p.device()),
      estimateMemory: speakingFlags((req) => p.estimateMemory(req)),
      generate: speakingFlags((req, hooks) => p.generate(req, hooks)),
      decode: speakingFlags((latents, dims, hooks) => p.decode(latents, dims, hooks)),
      release: () => p.release(),
    };
  };
  return {
    loadPipeline: speakingFlags(open),
    prepareOutput: speakingFlags((path: string, options: { readonly overwrite?: boolean; readonly fps?: number }) => output.prepareOutput(path, options)),
    writeVideo: speakingFlags(output.writeVideo),
    sideBySide: compose.sideBySide,
    grid: compose.grid,
  };
}

// What the commands call in core/ and video/, behind one injectable object; loaded lazily so --help never imports the engine.
import type { ModelDefaults } from '../core/pipeline/defaults.js';
import type { GenerateRequest, GenerateResult, ProgressEvent } from '../core/pipeline/types.js';
import type { Frames } from '../video/frames.js';
import type { GenerationMetadata } from '../video/metadata.js';
import type { OutputPlan, WriteOptions, WrittenOutput } from '../video/output.js';

export interface Deps {
  readonly modelDefaults: (model?: string) => Promise<ModelDefaults>;
  readonly generate: (req: GenerateRequest, onProgress?: (e: ProgressEvent) => void) => Promise<GenerateResult>;
  /** Checks -o before any generation work (format, folder, existing file, ffmpeg). */
  readonly prepareOutput: (path: string, options: { readonly overwrite?: boolean; readonly fps?: number }) => Promise<OutputPlan>;
  readonly writeVideo: (plan: OutputPlan, frames: Frames, options: WriteOptions) => Promise<WrittenOutput>;
  /** Two clips left to right, each labelled above. */
  readonly sideBySide: (clips: readonly [Frames, Frames], labels: readonly [string, string]) => Frames;
  /** Rows of clips, labels on the left of each row and above each column ([] for none). */
  readonly grid: (rows: readonly (readonly Frames[])[], rowLabels: readonly string[], columnLabels: readonly string[]) => Frames;
}

export type { Frames, GenerationMetadata, OutputPlan, WrittenOutput };

/** The real engine and writers. */
export async function loadDeps(): Promise<Deps> {
  const [{ generate }, { resolveModelDefaults }, output, compose] = await Promise.all([
    import('../core/pipeline/generate.js'),
    import('../core/pipeline/defaults.js'),
    import('../video/output.js'),
    import('../video/compose.js'),
  ]);
  return {
    modelDefaults: resolveModelDefaults,
    generate,
    prepareOutput: (path, options) => output.prepareOutput(path, options),
    writeVideo: output.writeVideo,
    sideBySide: compose.sideBySide,
    grid: compose.grid,
  };
}

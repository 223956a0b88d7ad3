// One or several generations into one output file: plan -o first, generate, compose, write; the engine of every generating command.
import type { GenerateRequest, GenerateResult, ProgressEvent } from '../core/pipeline/types.js';
import { packageVersion } from '../models/paths.js';
import type { Deps, Frames, GenerationMetadata, GenerationPipeline, WrittenOutput } from './deps.js';
import { reportedSettings, requestedSettings, storedSettings } from './setting-output.js';
import { defaultOutput, type Settings } from './settings.js';

/** What a run reports while it works: the engine's events plus the writer's and which panel is being made. */
export type RunEvent =
  | ProgressEvent
  | { readonly phase: 'planned'; readonly output: string }
  | { readonly phase: 'panel'; readonly index: number; readonly count: number; readonly label: string; readonly elapsedSeconds?: number }
  | { readonly phase: 'encode'; readonly done: number; readonly total: number };

export type Report = (e: RunEvent) => void;

export interface Timings {
  readonly loadSeconds: number;
  readonly sampleSeconds: number;
  readonly decodeSeconds: number;
  readonly encodeSeconds: number;
  readonly totalSeconds: number;
}

export interface Outcome {
  readonly written: WrittenOutput;
  readonly results: readonly GenerateResult[];
  readonly timings: Timings;
}

/** One panel of a composite output (or the only one). */
export interface Panel {
  readonly settings: Settings;
  readonly label: string;
}

/** How the panels are laid out; a grid takes the panels row-major, `columns` per row. */
export type Layout =
  | { readonly kind: 'single' }
  | { readonly kind: 'side-by-side'; readonly command?: readonly string[] }
  | { readonly kind: 'grid'; readonly columns: number; readonly rowLabels: readonly string[]; readonly columnLabels: readonly string[]; readonly command?: readonly string[] };

/** One panel's video settings; the model, device and threads are the pipeline's (see pipelineOptions). */
export function toRequest(s: Settings, previewEvery = 0): GenerateRequest {
  return { ...requestedSettings(s), ...(previewEvery > 0 ? { previewEvery } : {}) };
}

/** The metadata stored in the output: enough to reproduce it. */
export function metadataOf(s: Settings, r: GenerateResult, composite?: GenerationMetadata['composite']): GenerationMetadata {
  return { t2v: packageVersion(), ...storedSettings(s, r), ...(composite ? { composite } : {}) };
}

function framesOf(r: GenerateResult): Frames {
  return { width: r.width, height: r.height, count: r.frames, data: r.rgb };
}

export interface RunPanels {
  /** Every panel runs on this one pipeline (loaded with sessions 'keep' when there are several panels). */
  readonly pipeline: GenerationPipeline;
  readonly panels: readonly Panel[];
  readonly layout: Layout;
  readonly deps: Deps;
  readonly report: Report;
  readonly signal: AbortSignal;
  /** Added to the default output name (`-compare`, `-sweep`). */
  readonly suffix?: string;
  /** Emit a live preview every this many steps (0 or absent: none). */
  readonly previewEvery?: number;
}

/** Generates every panel with the same seed and writes them as one video laid out as asked. */
export async function runPanels({ pipeline, panels, layout, deps, report, signal, suffix = '', previewEvery = 0 }: RunPanels): Promise<Outcome> {
  const first = panels[0];
  if (!first) throw new Error('runPanels: no panels');
  const t0 = performance.now();
  const s = first.settings;
  const plan = await deps.prepareOutput(s.output ?? defaultOutput(s.prompt, s.seed, suffix), { overwrite: s.overwrite, fps: s.fps });
  report({ phase: 'planned', output: plan.path });
  const results: GenerateResult[] = [];
  for (const [index, panel] of panels.entries()) {
    if (panels.length > 1) report({ phase: 'panel', index: index + 1, count: panels.length, label: panel.label, elapsedSeconds: (performance.now() - t0) / 1000 });
    results.push(await pipeline.generate(toRequest(panel.settings, previewEvery), { onProgress: report, signal }));
  }
  const r0 = results[0]!;
  const labels = panels.map((p) => p.label);
  let frames: Frames;
  let composite: GenerationMetadata['composite'];
  if (layout.kind === 'single') {
    frames = framesOf(r0);
  } else if (layout.kind === 'side-by-side') {
    const [a, b] = results.map(framesOf);
    if (!a || !b || labels.length !== 2) throw new Error('side-by-side needs two panels');
    frames = deps.sideBySide([a, b], [labels[0]!, labels[1]!]);
    composite = { layout: 'side-by-side', rows: [], columns: labels, ...(layout.command ? { command: [...layout.command] } : {}) };
  } else {
    const clips = results.map(framesOf);
    const rows: Frames[][] = [];
    for (let i = 0; i < clips.length; i += layout.columns) rows.push(clips.slice(i, i + layout.columns));
    frames = deps.grid(rows, layout.rowLabels, layout.columnLabels);
    composite = { layout: 'grid', rows: [...layout.rowLabels], columns: [...layout.columnLabels], ...(layout.command ? { command: [...layout.command] } : {}) };
  }
  const t1 = performance.now();
  const written = await deps.writeVideo(plan, frames, {
    fps: s.fps,
    metadata: metadataOf(s, r0, composite),
    signal,
    onProgress: (done, total) => report({ phase: 'encode', done, total }),
  });
  const sum = (k: 'loadSeconds' | 'sampleSeconds' | 'decodeSeconds') => results.reduce((a, r) => a + r.timings[k], 0);
  const t2 = performance.now();
  return {
    written,
    results,
    timings: { loadSeconds: sum('loadSeconds'), sampleSeconds: sum('sampleSeconds'), decodeSeconds: sum('decodeSeconds'), encodeSeconds: (t2 - t1) / 1000, totalSeconds: (t2 - t0) / 1000 },
  };
}

/** The one JSON object `--json` prints: where the output is and everything that made it. */
export function summary(s: Settings, o: Outcome, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const r = o.results[0];
  return {
    output: o.written.path,
    files: o.written.files,
    format: o.written.format,
    ...reportedSettings(s, r),
    timings: o.timings,
    ...extra,
  };
}

// `t2v [prompt]` / `t2v generate`: one video from a prompt; the wizard when there is no prompt and a terminal.
import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { fromFlags, layer } from '../config.js';
import { isInteractive, type Context } from '../context.js';
import { GENERATION_FLAGS, REPORT_FLAGS, addFlags } from '../flags.js';
import { escapeControls } from '../../core/common/terminal.js';
import { colorEnabled } from '../color.js';
import { previewEvery, withPreviewFile } from '../preview/options.js';
import { lineReporter } from '../progress-lines.js';
import type { PipelineOptions, SessionPolicy } from '../../core/pipeline/pipeline.js';
import type { GenerationPipeline } from '../deps.js';
import { describeSpeed } from '../speed.js';
import { runPanels, summary, type Layout, type Outcome, type Panel, type Report } from '../run-generation.js';
import { checkGiven, completeSettings, type GivenFlags, type Settings } from '../settings.js';

export function addGenerationOptions(cmd: Command, exclude: readonly string[] = []): Command {
  cmd.argument('[prompt]', 'what the video shows (same as --prompt)');
  addFlags(cmd, GENERATION_FLAGS, exclude);
  addFlags(cmd, REPORT_FLAGS);
  return cmd;
}

/** Checks the flags: every usage problem surfaces here, before the engine loads. */
export function givenFromFlags(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): GivenFlags {
  const given = checkGiven(layer(fromFlags(opts), ctx.io.env), prompt);
  if (given.prompt === undefined && !isInteractive(ctx.io, given.json)) {
    throw new UsageError('no prompt; give one: t2v "a corgi running on the beach" (or -p); the wizard opens only in a terminal without --json');
  }
  return given;
}

/** The pipeline options the flags ask for; several panels keep their sessions so each network loads once. */
export function pipelineOptions(given: Pick<GivenFlags, 'device' | 'precision' | 'threads' | 'maxMemory'>, ctx: Context, sessions: SessionPolicy): PipelineOptions {
  return {
    device: given.device,
    ...(given.precision !== undefined ? { precision: given.precision } : {}),
    ...(given.threads !== undefined ? { threads: given.threads } : {}),
    ...(given.maxMemory !== undefined ? { maxMemory: given.maxMemory } : {}),
    sessions,
    env: ctx.io.env,
  };
}

/** Opens --model once: the folder is resolved and its configs parsed here, before any output is planned. */
export async function openPipeline(given: GivenFlags, ctx: Context, sessions: SessionPolicy): Promise<GenerationPipeline> {
  return (await ctx.deps()).loadPipeline(given.model, pipelineOptions(given, ctx, sessions));
}

export function printSeed(s: Settings, ctx: Context): void {
  if (s.seedDrawn && !s.quiet) ctx.io.stderr.write(`seed ${s.seed} (drawn at random; --seed ${s.seed} repeats this video)\n`);
}

export interface PrintedRun {
  readonly settings: Settings;
  readonly pipeline: GenerationPipeline;
  readonly panels: readonly Panel[];
  readonly layout: Layout;
  readonly suffix?: string;
  /** Added to the --json summary. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Runs panels with line progress or, on a terminal, the Ink progress screen; prints the result; releases the pipeline. */
export async function runAndPrint(ctx: Context, run: PrintedRun): Promise<number> {
  try {
    return await printRun(ctx, run);
  } finally {
    await run.pipeline.release();
  }
}

async function printRun(ctx: Context, { settings, pipeline, panels, layout, suffix = '', extra = {} }: PrintedRun): Promise<number> {
  const deps = await ctx.deps();
  const terminal = isInteractive(ctx.io, settings.json) && !settings.quiet;
  const base = { pipeline, panels, layout, deps, signal: ctx.signal, suffix, previewEvery: previewEvery(settings, terminal, colorEnabled(ctx.io.env)) };
  let outcome: Outcome;
  if (terminal) {
    printSeed(settings, ctx);
    const { showProgress } = await import('../ui/show-progress.js');
    outcome = await showProgress(ctx, (report: Report) => runPanels({ ...base, report: withPreviewFile(report, settings) }));
  } else {
    const lines = lineReporter(ctx.io.stderr, settings);
    // the seed line comes once -o is known to be writable, so a bad -o stays a one-line error
    const report: Report = (e) => (e.phase === 'planned' ? printSeed(settings, ctx) : lines(e));
    outcome = await runPanels({ ...base, report: withPreviewFile(report, settings) });
  }
  if (settings.json) {
    ctx.io.stdout.write(`${JSON.stringify(summary(settings, outcome, extra))}\n`);
  } else {
    if (!settings.quiet)
      ctx.io.stderr.write(
        `wrote ${escapeControls(outcome.written.path)} (${outcome.written.frames} frames, ${outcome.written.width}x${outcome.written.height}, ${outcome.written.fps} fps) in ${outcome.timings.totalSeconds.toFixed(1)} s\n`,
      );
    const speed = describeSpeed(settings, outcome.results[0]?.unetCalls, settings.steps);
    if (!settings.quiet && speed) ctx.io.stderr.write(`sampling: ${speed}; ${outcome.timings.sampleSeconds.toFixed(1)} s\n`);
    ctx.io.stdout.write(`${outcome.written.path}\n`);
  }
  return 0;
}

export async function generateAction(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const given = givenFromFlags(prompt, opts, ctx);
  const pipeline = await openPipeline(given, ctx, 'per-phase');
  if (given.prompt === undefined) {
    const { runWizard } = await import('../ui/run-wizard.js');
    return runWizard(given, pipeline, ctx);
  }
  const settings = completeSettings(given, pipeline.defaults);
  return runAndPrint(ctx, { settings, pipeline, panels: [{ settings, label: '' }], layout: { kind: 'single' } });
}

export function generateCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('generate').description('make one video from a prompt (the default command)');
  addGenerationOptions(cmd);
  cmd.action(async (prompt: string | undefined, opts: Record<string, unknown>) => done(await generateAction(prompt, opts, ctx)));
  return cmd;
}

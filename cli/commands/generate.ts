// `t2v [prompt]` / `t2v generate`: one video from a prompt; the wizard when there is no prompt and a terminal.
import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { fromFlags, layer } from '../config.js';
import { isInteractive, type Context } from '../context.js';
import { GENERATION_FLAGS, REPORT_FLAGS, addFlags } from '../flags.js';
import { colorEnabled } from '../color.js';
import { previewEvery, withPreviewFile } from '../preview/options.js';
import { lineReporter } from '../progress-lines.js';
import { runPanels, summary, type Layout, type Outcome, type Panel, type Report } from '../run-generation.js';
import { checkGiven, completeSettings, type GivenFlags, type Settings } from '../settings.js';

export function addGenerationOptions(cmd: Command, exclude: readonly string[] = []): Command {
  cmd.argument('[prompt]', 'what the video shows (same as --prompt)');
  addFlags(cmd, GENERATION_FLAGS, exclude);
  addFlags(cmd, REPORT_FLAGS);
  return cmd;
}

/** Checks the flags and opens the model folder: every usage problem surfaces here, before the engine loads. */
export async function givenFromFlags(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<GivenFlags> {
  const given = checkGiven(layer(fromFlags(opts), ctx.io.env), prompt);
  if (given.prompt === undefined && !isInteractive(ctx.io, given.json)) {
    throw new UsageError('no prompt; give one: t2v "a corgi running on the beach" (or -p); the wizard opens only in a terminal without --json');
  }
  const { resolveModel } = await import('../../models/folder.js');
  await resolveModel(given.model, ctx.io.env);
  return given;
}

export function printSeed(s: Settings, ctx: Context): void {
  if (s.seedDrawn && !s.quiet) ctx.io.stderr.write(`seed ${s.seed} (drawn at random; --seed ${s.seed} repeats this video)\n`);
}

/** Runs panels with line progress or, on a terminal, the Ink progress screen; prints the result. */
export async function runAndPrint(settings: Settings, panels: readonly Panel[], layout: Layout, ctx: Context, suffix = '', extra: Readonly<Record<string, unknown>> = {}): Promise<number> {
  const deps = await ctx.deps();
  let outcome: Outcome;
  const terminal = isInteractive(ctx.io, settings.json) && !settings.quiet;
  const every = previewEvery(settings, terminal, colorEnabled(ctx.io.env));
  if (terminal) {
    printSeed(settings, ctx);
    const { showProgress } = await import('../ui/show-progress.js');
    outcome = await showProgress(ctx, (report: Report) => runPanels(panels, layout, deps, withPreviewFile(report, settings), ctx.signal, suffix, every));
  } else {
    const lines = lineReporter(ctx.io.stderr, settings);
    // the seed line comes once -o is known to be writable, so a bad -o stays a one-line error
    const report: Report = (e) => (e.phase === 'planned' ? printSeed(settings, ctx) : lines(e));
    outcome = await runPanels(panels, layout, deps, withPreviewFile(report, settings), ctx.signal, suffix, every);
  }
  if (settings.json) {
    ctx.io.stdout.write(`${JSON.stringify(summary(settings, outcome, extra))}\n`);
  } else {
    if (!settings.quiet) ctx.io.stderr.write(`wrote ${outcome.written.path} (${outcome.written.frames} frames, ${outcome.written.width}x${outcome.written.height}, ${outcome.written.fps} fps) in ${outcome.timings.totalSeconds.toFixed(1)} s\n`);
    ctx.io.stdout.write(`${outcome.written.path}\n`);
  }
  return 0;
}

export async function generateAction(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const given = await givenFromFlags(prompt, opts, ctx);
  if (given.prompt === undefined) {
    const deps = await ctx.deps();
    const defaults = await deps.modelDefaults(given.model);
    const { runWizard } = await import('../ui/run-wizard.js');
    return runWizard(given, defaults, ctx);
  }
  const deps = await ctx.deps();
  const settings = completeSettings(given, await deps.modelDefaults(given.model));
  return runAndPrint(settings, [{ settings, label: '' }], { kind: 'single' }, ctx);
}

export function generateCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('generate').description('make one video from a prompt (the default command)');
  addGenerationOptions(cmd);
  cmd.action(async (prompt: string | undefined, opts: Record<string, unknown>) => done(await generateAction(prompt, opts, ctx)));
  return cmd;
}

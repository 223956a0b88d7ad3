// `t2v analyze PROMPT -o DIR`: the FreeU paper's analysis on your model and prompt: FreeU off and on (and a b1 sweep) at one seed, as figures.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { escapeControls } from '../../core/common/terminal.js';
import { checkReportDir, parseSweep } from '../analyze/options.js';
import type { AnalyzedRun, Variant } from '../analyze/runs.js';
import type { Context } from '../context.js';
import { completeSettings } from '../settings.js';
import { freeuLabel } from './compare.js';
import { addGenerationOptions, givenFromFlags, openPipeline, printSeed } from './generate.js';

/** Fig. 2's low-pass: radial frequency up to a quarter of Nyquist (0.25 pi), the coarse layout of the frame. */
export const LOW_PASS_CUTOFF = 0.25;
/** Spectrum panels (Fig. 6, 7, 13) and decoded x0 columns (Fig. 2). */
const SPECTRUM_STEPS = 4;
const X0_STEPS = 6;

export async function analyzeAction(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const sweep = typeof opts.sweepB1 === 'string' ? parseSweep(opts.sweepB1) : [];
  const given = givenFromFlags(prompt, opts, ctx);
  if (given.prompt === undefined) throw new UsageError('analyze needs a prompt: t2v analyze "a red circle moving left" -o report/');
  const dir = await checkReportDir(opts.output, opts.overwrite === true);
  // the figure code (charts, images, the reduction) loads only here, so --help stays fast
  const [{ buildFigures }, { shownSteps }, { analyzeRun }, { writeFolderAtomic }, { pngSize }] = await Promise.all([
    import('../analyze/figures.js'),
    import('../analyze/reduce.js'),
    import('../analyze/runs.js'),
    import('../analyze/write-folder.js'),
    import('../chart-png.js'),
  ]);
  const pipeline = await openPipeline(given, ctx, 'keep');
  try {
    const settings = completeSettings(given, pipeline.defaults);
    printSeed(settings, ctx);
    const on = settings.freeuOn;
    const variants: Variant[] = [{ label: 'FreeU off', freeu: null }, { label: freeuLabel(on), freeu: on }, ...sweep.map((b1) => ({ label: `b1 ${b1}`, freeu: { ...on, b1 } }))];
    const shown = shownSteps(settings.steps, SPECTRUM_STEPS);
    const plan = { mapSteps: [shown[shown.length - 1]!], x0Steps: shownSteps(settings.steps, X0_STEPS) };
    const runs: AnalyzedRun[] = [];
    for (const [i, v] of variants.entries()) {
      if (!settings.quiet) ctx.io.stderr.write(`analyze ${i + 1}/${variants.length}: ${v.label}, ${settings.steps} steps, recording both FreeU stages\n`);
      runs.push(await analyzeRun(pipeline, settings, v, { ...plan, spectraOnly: i >= 2 }, ctx.signal));
    }
    const caption = `"${settings.prompt}", seed ${settings.seed}, ${settings.steps} ${settings.scheduler} steps, ${settings.width}x${settings.height}`;
    const figures = await buildFigures({ off: runs[0]!, on: runs[1]!, sweep: runs.slice(2), shown, total: settings.steps, cutoff: LOW_PASS_CUTOFF, caption });
    const files = new Map<string, string | Uint8Array>();
    const index = figures.map((f) => {
      files.set(`${f.name}.png`, f.png);
      files.set(`${f.name}.json`, `${JSON.stringify({ title: f.title, read: f.read, ...(f.data as object) })}\n`);
      return { png: `${f.name}.png`, json: `${f.name}.json`, ...pngSize(f.png), title: f.title, read: f.read };
    });
    const report = {
      prompt: settings.prompt,
      seed: String(settings.seed),
      steps: settings.steps,
      scheduler: settings.scheduler,
      width: settings.width,
      height: settings.height,
      frames: settings.frames,
      guidance: settings.guidanceScale,
      freeuOn: on,
      sweepB1: sweep,
      spectrumSteps: shown.map((s) => s + 1),
      lowPassCutoff: LOW_PASS_CUTOFF,
      runs: runs.map((r) => ({ label: r.label, freeu: r.freeu, seconds: Number(r.seconds.toFixed(2)) })),
      figures: index,
    };
    files.set('report.json', `${JSON.stringify(report, null, 1)}\n`);
    await writeFolderAtomic(dir, files);
    if (settings.json) ctx.io.stdout.write(`${JSON.stringify({ report: dir, figures: index.map((f) => join(dir, f.png)) })}\n`);
    else {
      if (!settings.quiet) for (const f of index) ctx.io.stderr.write(`${f.png} (${f.width}x${f.height}): ${f.title}\n`);
      ctx.io.stdout.write(`${escapeControls(dir)}\n`);
    }
    return 0;
  } finally {
    await pipeline.release();
  }
}

export function analyzeCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('analyze').description("FreeU's analysis on this model and prompt: spectra, backbone vs skip, x0 low/high frequencies, feature maps (PNG + JSON in -o DIR)");
  addGenerationOptions(cmd, ['noFreeu', 'output', 'fast', 'deepCache', 'deepCacheBranch', 'deepCacheSchedule', 'deepCacheLastFull', 'preview', 'noPreview', 'previewPath', 'previewInterval']);
  cmd.addOption(new Option('-o, --output <dir>', 'the report folder (new or empty; --overwrite replaces it)'));
  cmd.addOption(new Option('--sweep-b1 <list>', 'also a run per backbone factor b1, e.g. 1,1.2,1.4,1.6 (Fig. 6)'));
  cmd.action(async (prompt: string | undefined, opts: Record<string, unknown>) => done(await analyzeAction(prompt, opts, ctx)));
  return cmd;
}

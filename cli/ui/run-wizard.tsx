// `t2v` with no prompt on a terminal: the wizard, then the run on the same screen; returns the exit status.
import type { Context } from '../context.js';
import type { GenerationPipeline } from '../deps.js';
import { EXIT_INTERRUPTED, reportFailure } from '../fail.js';
import { colorEnabled } from '../color.js';
import { previewEvery, withPreviewFile } from '../preview/options.js';
import { pipelineOptions } from '../commands/generate.js';
import { runPanels } from '../run-generation.js';
import type { GivenFlags } from '../settings.js';
import { renderApp } from './render-app.js';
import { nextAnswers, readLastAnswers, rememberedFields, writeLastAnswers } from './next-run.js';
import { answersToSettings, wizardFields } from './wizard-fields.js';

/** The wizard fields a flag on the command line (or T2V_* / config.json) already answered: those keep the flag's value. */
function givenKeys(g: GivenFlags): Set<string> {
  const keys: [string, unknown][] = [
    ['prompt', g.prompt],
    ['negativePrompt', g.negativePrompt],
    ['model', g.model],
    ['frames', g.frames],
    ['size', g.width ?? g.height],
    ['steps', g.steps],
    ['scheduler', g.scheduler],
    ['freeu', g.freeu.enabled],
    ['factors', g.freeu.b1 ?? g.freeu.b2 ?? g.freeu.s1 ?? g.freeu.s2],
    ['speed', g.speed.fast || g.speed.deepCache !== undefined || g.speed.guidanceInterval !== undefined ? true : undefined],
    ['deepCache', g.speed.deepCache],
    ['guidanceInterval', g.speed.guidanceInterval],
  ];
  return new Set(keys.filter(([, v]) => v !== undefined).map(([k]) => k));
}

export async function runWizard(given: GivenFlags, first: GenerationPipeline, ctx: Context): Promise<number> {
  const deps = await ctx.deps();
  // the pipeline of every model the wizard was told about, opened once each; the run uses the answered one
  const pipelines = new Map<string, GenerationPipeline>([[given.model ?? 'default', first]]);
  const open = async (model: string): Promise<GenerationPipeline> => {
    let p = pipelines.get(model);
    if (!p) {
      p = await deps.loadPipeline(model, pipelineOptions(given, ctx, 'per-phase'));
      pipelines.set(model, p);
    }
    return p;
  };
  const made = wizardFields(given, first.defaults, {
    modelDefaults: async (model) => (await open(model)).defaults,
    checkOutput: async (path) => {
      await deps.prepareOutput(path, { overwrite: given.overwrite });
    },
  });
  const { defaults, drawnSeed } = made;
  const fields = rememberedFields(made.fields, readLastAnswers(ctx.io.env), givenKeys(given));
  try {
    const end = await renderApp(ctx, {
      fields,
      nextAnswers,
      start: async (answers, report) => {
        writeLastAnswers(ctx.io.env, answers);
        const settings = answersToSettings(answers, given, defaults(), drawnSeed);
        const pipeline = await open(settings.model ?? 'default');
        const every = previewEvery(settings, true, colorEnabled(ctx.io.env));
        return runPanels({ pipeline, panels: [{ settings, label: '' }], layout: { kind: 'single' }, deps, report: withPreviewFile(report, settings), signal: ctx.signal, previewEvery: every });
      },
    });
    if (end.outcome) return 0;
    if (end.cancelled) {
      ctx.io.stderr.write('t2v: cancelled; nothing was written\n');
      return EXIT_INTERRUPTED;
    }
    return reportFailure(end.error, ctx.io.stderr, { verbose: given.verbose, interrupted: ctx.signal.aborted });
  } finally {
    await Promise.all([...pipelines.values()].map((p) => p.release()));
  }
}

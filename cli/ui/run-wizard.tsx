// `t2v` with no prompt on a terminal: the wizard, then the run on the same screen; returns the exit status.
import type { ModelDefaults } from '../../core/pipeline/defaults.js';
import type { Context } from '../context.js';
import { EXIT_INTERRUPTED, reportFailure } from '../fail.js';
import { colorEnabled } from '../color.js';
import { previewEvery, withPreviewFile } from '../preview/options.js';
import { runPanels } from '../run-generation.js';
import type { GivenFlags } from '../settings.js';
import { renderApp } from './render-app.js';
import { answersToSettings, wizardFields } from './wizard-fields.js';

export async function runWizard(given: GivenFlags, first: ModelDefaults, ctx: Context): Promise<number> {
  const deps = await ctx.deps();
  const { fields, defaults, drawnSeed } = wizardFields(given, first, {
    modelDefaults: (model) => deps.modelDefaults(model),
    checkOutput: async (path) => {
      await deps.prepareOutput(path, { overwrite: given.overwrite });
    },
  });
  const end = await renderApp(ctx, {
    fields,
    start: (answers, report) => {
      const settings = answersToSettings(answers, given, defaults(), drawnSeed);
      const every = previewEvery(settings, true, colorEnabled(ctx.io.env));
      return runPanels([{ settings, label: '' }], { kind: 'single' }, deps, withPreviewFile(report, settings), ctx.signal, '', every);
    },
  });
  if (end.outcome) return 0;
  if (end.cancelled) {
    ctx.io.stderr.write('t2v: cancelled; nothing was written\n');
    return EXIT_INTERRUPTED;
  }
  return reportFailure(end.error, ctx.io.stderr, { verbose: given.verbose, interrupted: ctx.signal.aborted });
}

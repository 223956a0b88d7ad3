// The Ink progress screen for a run whose settings are known (a prompt was given on a terminal).
import { InterruptedError } from '../../core/errors.js';
import type { Context } from '../context.js';
import type { Outcome, Report } from '../run-generation.js';
import { renderApp } from './render-app.js';

export async function showProgress(ctx: Context, run: (report: Report) => Promise<Outcome>): Promise<Outcome> {
  const end = await renderApp(ctx, { start: (_answers, report) => run(report) });
  if (end.outcome) return end.outcome;
  if (end.error !== undefined) throw end.error;
  throw new InterruptedError();
}

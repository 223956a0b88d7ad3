// `t2v compare`: the same seed and settings with FreeU off and on, side by side in one video.
import { Command } from 'commander';
import type { Context } from '../context.js';
import { completeSettings, type Settings } from '../settings.js';
import { addGenerationOptions, givenFromFlags, openPipeline, runAndPrint } from './generate.js';

export function freeuLabel(s: Settings['freeuOn']): string {
  return `FreeU v${s.version} b1 ${s.b1} b2 ${s.b2} s1 ${s.s1} s2 ${s.s2}`;
}

export function comparePanels(settings: Settings): { settings: Settings; label: string }[] {
  return [
    { settings: { ...settings, freeu: null }, label: 'FreeU off' },
    { settings: { ...settings, freeu: settings.freeuOn }, label: freeuLabel(settings.freeuOn) },
  ];
}

export async function compareAction(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const given = givenFromFlags(prompt, opts, ctx);
  const pipeline = await openPipeline(given, ctx, 'keep');
  const settings = completeSettings(given, pipeline.defaults);
  return runAndPrint(ctx, {
    settings, pipeline, panels: comparePanels(settings), layout: { kind: 'side-by-side' }, suffix: '-compare', extra: { compare: { off: null, on: settings.freeuOn } },
  });
}

export function compareCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('compare').description('same seed, FreeU off (left) vs on (right), side by side; the FreeU flags say what "on" is');
  addGenerationOptions(cmd, ['noFreeu']);
  cmd.action(async (prompt: string | undefined, opts: Record<string, unknown>) => done(await compareAction(prompt, opts, ctx)));
  return cmd;
}

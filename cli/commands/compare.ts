// `t2v compare`: the same seed and settings with FreeU off and on, side by side in one video.
import { Command } from 'commander';
import type { Context } from '../context.js';
import { completeSettings, type Settings } from '../settings.js';
import { addGenerationOptions, givenFromFlags, openPipeline, runAndPrint } from './generate.js';

export function freeuLabel(s: Settings['freeuOn']): string {
  return `FreeU v${s.version} b1 ${s.b1} b2 ${s.b2} s1 ${s.s1} s2 ${s.s2}`;
}

/** What `info` needs to remake the whole comparison: the command and what "on" was. */
export function compareCommandWords(on: Settings['freeuOn']): string[] {
  return [
    'compare',
    '--freeu-version',
    String(on.version),
    '--b1',
    String(on.b1),
    '--b2',
    String(on.b2),
    '--s1',
    String(on.s1),
    '--s2',
    String(on.s2),
    '--freeu-start',
    String(on.start),
    '--freeu-end',
    String(on.end),
  ];
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
    settings,
    pipeline,
    panels: comparePanels(settings),
    layout: { kind: 'side-by-side', command: compareCommandWords(settings.freeuOn) },
    suffix: '-compare',
    extra: { compare: { off: null, on: settings.freeuOn } },
  });
}

export function compareCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('compare').description('same seed, FreeU off (left) vs on (right), side by side; the FreeU flags say what "on" is');
  addGenerationOptions(cmd, ['noFreeu']);
  cmd.action(async (prompt: string | undefined, opts: Record<string, unknown>) => done(await compareAction(prompt, opts, ctx)));
  return cmd;
}

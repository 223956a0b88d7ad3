// `t2v sweep`: comma lists for b1/b2/s1/s2, every combination with the same seed, one grid video (the paper's ablation figure).
import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { FreeUSettings } from '../../core/pipeline/types.js';
import type { Context } from '../context.js';
import { checkFreeU, parseFreeUValue } from '../../core/freeu/params.js';
import { parseNumberList } from '../parse.js';
import type { Layout, Panel } from '../run-generation.js';
import { completeSettings, type Settings } from '../settings.js';
import { addGenerationOptions, givenFromFlags, openPipeline, runAndPrint } from './generate.js';

const FACTORS = ['b1', 'b2', 's1', 's2'] as const;
type Factor = (typeof FACTORS)[number];
export const MAX_CELLS = 64;

export type SweepLists = Readonly<Record<Factor, readonly number[] | undefined>>;

/** Reads --b1 1,1.2 and the like (each value checked as a FreeU factor). */
export function parseSweepLists(opts: Readonly<Record<string, unknown>>): SweepLists {
  const out: Partial<Record<Factor, readonly number[]>> = {};
  for (const k of FACTORS) {
    const raw = opts[k];
    if (typeof raw === 'string') out[k] = parseNumberList(`--${k}`, raw).map((x) => parseFreeUValue(k, x, `--${k}`));
  }
  if (Object.keys(out).length === 0) throw new UsageError('sweep needs at least one list: --b1, --b2, --s1 or --s2, like --b1 1,1.1,1.2');
  return out as SweepLists;
}

/** Every combination (b1 slowest, s2 fastest), the labels, and the grid shape. */
export function sweepPanels(settings: Settings, lists: SweepLists): { panels: Panel[]; layout: Layout } {
  const base = settings.freeuOn;
  const values = FACTORS.map((k) => lists[k] ?? [base[k]]);
  const varying = FACTORS.filter((k, i) => lists[k] !== undefined && values[i]!.length > 1);
  const count = values.reduce((n, v) => n * v.length, 1);
  if (count > MAX_CELLS) throw new UsageError(`sweep of ${count} combinations is too many (at most ${MAX_CELLS}); shorten the lists`);
  const panels: Panel[] = [];
  const combos: number[][] = [[]];
  for (const list of values) {
    const next: number[][] = [];
    for (const c of combos) for (const v of list) next.push([...c, v]);
    combos.splice(0, combos.length, ...next);
  }
  for (const c of combos) {
    const f = Object.fromEntries(FACTORS.map((k, i) => [k, c[i]!])) as Record<Factor, number>;
    const freeu: FreeUSettings = checkFreeU({ ...base, ...f });
    const shown = varying.length > 0 ? varying : FACTORS.filter((k) => lists[k] !== undefined);
    panels.push({ settings: { ...settings, freeu }, label: shown.map((k) => `${k} ${f[k]}`).join(' ') });
  }
  // columns: the last varying factor; rows: every combination of the others (all panels in one row when nothing varies)
  const last = varying[varying.length - 1];
  const others = varying.slice(0, -1);
  const columns = last ? values[FACTORS.indexOf(last)]!.length : 1;
  const rowLabels = others.length === 0 ? [] : combos.filter((_, i) => i % columns === 0).map((c) => others.map((k) => `${k} ${c[FACTORS.indexOf(k)]}`).join(' '));
  const columnLabels = last ? values[FACTORS.indexOf(last)]!.map((v) => `${last} ${v}`) : [panels[0]!.label];
  // info remakes the whole grid from these: the lists as given, the fixed factors, version and range
  const command = [
    'sweep',
    '--freeu-version',
    String(base.version),
    '--freeu-start',
    String(base.start),
    '--freeu-end',
    String(base.end),
    ...FACTORS.flatMap((k, i) => [`--${k}`, values[i]!.join(',')]),
  ];
  const layout: Layout = { kind: 'grid', columns, rowLabels, columnLabels, command };
  return { panels, layout };
}

export async function sweepAction(prompt: string | undefined, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const lists = parseSweepLists(opts);
  const rest = Object.fromEntries(Object.entries(opts).filter(([k]) => !(FACTORS as readonly string[]).includes(k)));
  const given = givenFromFlags(prompt, rest, ctx);
  const pipeline = await openPipeline(given, ctx, 'keep');
  // a pipeline holds no session until it generates: a usage error here leaves nothing to release
  const settings = completeSettings(given, pipeline.defaults);
  const { panels, layout } = sweepPanels(settings, lists);
  return runAndPrint(ctx, { settings, pipeline, panels, layout, suffix: '-sweep', extra: { sweep: panels.map((p) => ({ label: p.label, freeu: p.settings.freeu })) } });
}

export function sweepCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('sweep').description('FreeU factor sweep: every combination of the comma lists, same seed, one grid video');
  addGenerationOptions(cmd, ['b1', 'b2', 's1', 's2', 'freeu', 'noFreeu']);
  for (const k of FACTORS) cmd.addOption(new Option(`--${k} <list>`, `comma list of ${k} values, like 1,1.1,1.2 (default: the preset's ${k})`));
  cmd.action(async (prompt: string | undefined, opts: Record<string, unknown>) => done(await sweepAction(prompt, opts, ctx)));
  return cmd;
}

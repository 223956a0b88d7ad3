// From layered flags to one checked generation: first what was given (no model needed), then the model's defaults fill the rest.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import type { ModelDefaults } from '../core/pipeline/defaults.js';
import type { DeviceChoice, FreeUSettings, SchedulerName } from '../core/pipeline/types.js';
import type { Layered, Sourced } from './config.js';
import { DEVICES, SCHEDULER_ALIASES, SCHEDULERS } from './flags.js';
import { checkFreeU, parseFreeUValue } from '../core/freeu/params.js';
import { freeuPreset, type FreeUFactorsOnly } from '../core/freeu/presets.js';
import { parseBoolean, parseChoice, parseInteger, parseNumber, parseSeed } from './parse.js';

/** Where the result goes and how the run talks: the same in what was given and in the final settings. */
export interface RunFlags {
  readonly output?: string;
  readonly device: DeviceChoice;
  readonly threads?: number;
  readonly overwrite: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** The live preview on a terminal (false: --no-preview). */
  readonly preview: boolean;
  readonly previewPath?: string;
  readonly previewInterval?: number;
}

/** What the user gave, each value checked; absent fields come from the model. */
export interface GivenFlags extends RunFlags {
  readonly prompt?: string;
  readonly negativePrompt?: string;
  readonly model?: string;
  readonly seed?: bigint;
  readonly steps?: number;
  readonly guidanceScale?: number;
  readonly frames?: number;
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  readonly scheduler?: SchedulerName;
  readonly freeu: GivenFreeU;
}

export interface GivenFreeU {
  /** true/false when asked for (explicitly or implied by a FreeU flag), undefined when nothing was said. */
  readonly enabled?: boolean;
  readonly preset?: FreeUFactorsOnly;
  readonly presetName?: string;
  readonly b1?: number;
  readonly b2?: number;
  readonly s1?: number;
  readonly s2?: number;
  readonly version: 1 | 2;
  readonly start: number;
  readonly end: number;
  readonly labels: Readonly<Partial<Record<keyof FreeUSettings, string>>>;
}

/** A complete generation as the CLI runs it. */
export interface Settings extends RunFlags {
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly model?: string;
  readonly seed: bigint;
  readonly seedDrawn: boolean;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly scheduler: SchedulerName;
  /** null: FreeU off. */
  readonly freeu: FreeUSettings | null;
  /** The factors --freeu alone would use (for compare and the wizard). */
  readonly freeuOn: FreeUSettings;
}

function text(s: Sourced | undefined): string | undefined {
  if (s === undefined) return undefined;
  return typeof s.value === 'string' ? s.value : String(s.value);
}

function with_<T>(s: Sourced | undefined, parse: (label: string, raw: string) => T): T | undefined {
  const raw = text(s);
  return s === undefined || raw === undefined ? undefined : parse(s.label, raw);
}

function bool(s: Sourced | undefined): boolean {
  return s === undefined ? false : parseBoolean(s.label, s.value);
}

/** Checks every value that was given, so bad usage fails before any model is opened. */
export function checkGiven(v: Layered, positionalPrompt?: string): GivenFlags {
  const promptFlag = text(v.prompt);
  if (positionalPrompt !== undefined && promptFlag !== undefined && positionalPrompt !== promptFlag) {
    throw new UsageError('two prompts given (an argument and --prompt); give one');
  }
  const prompt = positionalPrompt ?? promptFlag;
  if (prompt !== undefined && prompt.trim() === '') throw new UsageError('the prompt is empty; say what the video should show');
  const guidance = v.guidance ?? v.cfgScale;
  const optNum = (s: Sourced | undefined, opts: Parameters<typeof parseNumber>[2]) => with_(s, (l, r) => parseNumber(l, r, opts));
  const optInt = (s: Sourced | undefined, min: number, max?: number) => with_(s, (l, r) => parseInteger(l, r, min, max));

  const presetName = text(v.freeuPreset);
  const freeuFlag = v.freeu === undefined ? undefined : bool(v.freeu);
  const freeuValue = (param: 'b1' | 'b2' | 's1' | 's2' | 'version' | 'start' | 'end', s: Sourced | undefined) => with_(s, (l, r) => parseFreeUValue(param, r, l));
  const factors = { b1: freeuValue('b1', v.b1), b2: freeuValue('b2', v.b2), s1: freeuValue('s1', v.s1), s2: freeuValue('s2', v.s2) };
  // a FreeU flag on the command line implies --freeu; the same setting from T2V_* or config.json only sets the factors
  const implied = [v.freeuPreset, v.b1, v.b2, v.s1, v.s2, v.freeuVersion, v.freeuStart, v.freeuEnd].some((s) => s?.label.startsWith('--'));
  const labels: Partial<Record<keyof FreeUSettings, string>> = {};
  for (const k of ['b1', 'b2', 's1', 's2'] as const) if (v[k]) labels[k] = v[k].label;
  if (v.freeuStart) labels.start = v.freeuStart.label;
  if (v.freeuEnd) labels.end = v.freeuEnd.label;
  // --no-freeu (or T2V_FREEU=0 / config false) wins; otherwise any FreeU flag turns it on
  const enabled = freeuFlag === false && v.freeu?.label === '--no-freeu' ? false : freeuFlag === true || implied ? true : freeuFlag;
  const freeu: GivenFreeU = {
    ...(enabled !== undefined ? { enabled } : {}),
    ...(presetName !== undefined ? { preset: freeuPreset(presetName, v.freeuPreset!.label), presetName } : {}),
    ...Object.fromEntries(Object.entries(factors).filter(([, x]) => x !== undefined)),
    version: (freeuValue('version', v.freeuVersion) ?? 1) as 1 | 2,
    start: freeuValue('start', v.freeuStart) ?? 0,
    end: freeuValue('end', v.freeuEnd) ?? 1,
    labels,
  };
  if (freeu.start >= freeu.end) {
    throw new UsageError(`${labels.start ?? '--freeu-start'} ${freeu.start} must be below ${labels.end ?? '--freeu-end'} ${freeu.end}; FreeU would apply to no step`);
  }

  const model = withRevision(text(v.model), text(v.revision));
  const negativePrompt = text(v.negativePrompt);
  const output = text(v.output);
  const given: GivenFlags = {
    ...(prompt !== undefined ? { prompt } : {}),
    ...(negativePrompt !== undefined && negativePrompt !== '' ? { negativePrompt } : {}),
    ...(model !== undefined ? { model } : {}),
    // -1 (sd.cpp, A1111) or "random": draw one, as when no seed is given
    ...(v.seed && !/^\s*(-1|random)\s*$/i.test(text(v.seed)!) ? { seed: parseSeed(v.seed.label, text(v.seed)!) } : {}),
    ...defined('steps', optInt(v.steps, 1, 10_000)),
    ...defined('guidanceScale', optNum(guidance, { min: 1 })),
    ...defined('frames', optInt(v.frames, 1, 1024)),
    ...defined('fps', optNum(v.fps, { min: 0, minExclusive: true, max: 240 })),
    ...defined('width', optInt(v.width, 8, 8192)),
    ...defined('height', optInt(v.height, 8, 8192)),
    ...defined('scheduler', with_(v.scheduler, (l, r) => parseChoice(l, SCHEDULER_ALIASES[r.trim().toLowerCase()] ?? r, SCHEDULERS))),
    freeu,
    ...(output !== undefined ? { output } : {}),
    device: with_(v.device, (l, r) => parseChoice(l, r, DEVICES)) ?? 'auto',
    ...defined('threads', optInt(v.threads, 1, 1024)),
    overwrite: bool(v.overwrite),
    json: bool(v.json),
    quiet: bool(v.quiet),
    verbose: bool(v.verbose),
    preview: v.preview === undefined ? true : bool(v.preview),
    ...(text(v.previewPath) ? { previewPath: text(v.previewPath)! } : {}),
    ...defined('previewInterval', optInt(v.previewInterval, 1, 10_000)),
  };
  return given;
}

/** `org/name` + `--revision r` -> `org/name@r`; folders and `default` have no revision (reproduce commands pass '' there). */
export function withRevision(model: string | undefined, revision: string | undefined): string | undefined {
  if (!revision || model === undefined) return model;
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(model)) return model;
  return `${model}@${revision}`;
}

function defined<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}

/** A random seed below 2^32 (short enough to read and retype). */
export function drawSeed(): bigint {
  return BigInt(randomBytes(4).readUInt32LE(0));
}

/** FreeU as asked, over the model's preset. */
export function completeFreeU(g: GivenFreeU, modelPreset: FreeUFactorsOnly): { readonly freeu: FreeUSettings | null; readonly on: FreeUSettings } {
  const base = g.preset ?? modelPreset;
  const on = checkFreeU(
    {
      b1: g.b1 ?? base.b1,
      b2: g.b2 ?? base.b2,
      s1: g.s1 ?? base.s1,
      s2: g.s2 ?? base.s2,
      version: g.version,
      start: g.start,
      end: g.end,
    },
    g.labels,
  );
  return { freeu: g.enabled ? on : null, on };
}

/** The whole generation: given values over the model's defaults. */
export function completeSettings(g: GivenFlags, d: ModelDefaults, seed: () => bigint = drawSeed): Settings {
  if (g.prompt === undefined) throw new UsageError('no prompt; give one: t2v "a corgi running on the beach" (or -p), or run t2v in a terminal for the wizard');
  const { freeu, on } = completeFreeU(g.freeu, d.freeu);
  return {
    prompt: g.prompt,
    ...(g.negativePrompt !== undefined ? { negativePrompt: g.negativePrompt } : {}),
    ...(g.model !== undefined ? { model: g.model } : {}),
    seed: g.seed ?? seed(),
    seedDrawn: g.seed === undefined,
    steps: g.steps ?? d.steps,
    guidanceScale: g.guidanceScale ?? d.guidanceScale,
    frames: g.frames ?? d.frames,
    fps: g.fps ?? d.fps,
    width: g.width ?? d.width,
    height: g.height ?? d.height,
    scheduler: g.scheduler ?? d.scheduler,
    freeu,
    freeuOn: on,
    ...(g.output !== undefined ? { output: g.output } : {}),
    device: g.device,
    ...(g.threads !== undefined ? { threads: g.threads } : {}),
    overwrite: g.overwrite,
    json: g.json,
    quiet: g.quiet,
    verbose: g.verbose,
    preview: g.preview,
    ...(g.previewPath !== undefined ? { previewPath: g.previewPath } : {}),
    ...(g.previewInterval !== undefined ? { previewInterval: g.previewInterval } : {}),
  };
}

/** `t2v-a-corgi-running-1234.mp4`: the default output name. */
export function defaultOutput(prompt: string, seed: bigint, suffix = ''): string {
  const slug = prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'video';
  return `t2v-${slug}${suffix}-${seed}.mp4`;
}

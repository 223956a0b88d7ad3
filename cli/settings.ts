// From layered flags to one checked generation: first what was given (no model needed), then the model's defaults fill the rest.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { UsageError } from '../core/errors.js';
import type { ModelDefaults } from '../core/pipeline/defaults.js';
import type { DeviceChoice, FreeUSettings } from '../core/pipeline/types.js';
import type { Layered, Sourced } from './config.js';
import { completeFreeU, FREEU_SETTING, type GivenFreeU } from './freeu-setting.js';
import { completeScalars, PRECISION_SETTING, SCALAR_KEYS, scalarSpec, type ScalarKey, type ScalarSettings } from './generation-settings.js';
import { checkPromptLength, DEFAULT_DEVICE, DEVICE, MODEL, NEGATIVE_PROMPT, parsePrompt, SEED } from './input-settings.js';
import type { Precision } from '../core/runtime/device-names.js';
import { parseBoolean, parseInteger } from './parse.js';
import { completeSpeed, SPEED_SETTING, type GivenSpeed, type SpeedSettings } from './speed.js';

export { completeFreeU, type GivenFreeU } from './freeu-setting.js';
export { MAX_PROMPT_CHARS, withRevision } from './input-settings.js';

/** Where the result goes and how the run talks: the same in what was given and in the final settings. */
export interface RunFlags {
  readonly output?: string;
  readonly device: DeviceChoice;
  /** --precision; absent: the device's default (PRECISION_SETTING). */
  readonly precision?: Precision;
  readonly threads?: number;
  /** Bytes a run may use (--max-memory); 0: no check; absent: the machine's limit. */
  readonly maxMemory?: number;
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
export interface GivenFlags extends RunFlags, Partial<ScalarSettings> {
  readonly prompt?: string;
  readonly negativePrompt?: string;
  readonly model?: string;
  readonly seed?: bigint;
  readonly freeu: GivenFreeU;
  /** Where each given scalar came from (`--eta`, `T2V_ETA`, a config key), for errors found once the model is known. */
  readonly scalarLabels?: Readonly<Partial<Record<ScalarKey, string>>>;
  readonly speed: GivenSpeed;
}

/** `12G`, `800M`, `1.5GiB`, `0` (no check) -> bytes. */
export function parseMemorySize(label: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(raw);
  if (!m) throw new UsageError(`${label} ${raw}: invalid value; use a size like 12G or 800M (0 turns the memory check off)`);
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** A complete generation as the CLI runs it. */
export interface Settings extends RunFlags, ScalarSettings, SpeedSettings {
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly model?: string;
  readonly seed: bigint;
  readonly seedDrawn: boolean;
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

/** Checks every value that was given, so bad usage fails before any model is opened; each setting by its declaration. */
export function checkGiven(v: Layered, positionalPrompt?: string): GivenFlags {
  const prompt = parsePrompt(v, positionalPrompt);
  const negativePrompt = NEGATIVE_PROMPT.parse(v);
  const freeu = FREEU_SETTING.parse(v);
  const model = MODEL.parse(v);
  const seed = SEED.parse(v);
  const scalars = givenScalars(v);
  const speed = SPEED_SETTING.parse(v);
  const output = text(v.output);
  const device = DEVICE.parse(v) ?? DEFAULT_DEVICE;
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    ...(negativePrompt !== undefined ? { negativePrompt } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...scalars,
    freeu,
    speed,
    ...(output !== undefined ? { output } : {}),
    device,
    ...(v.precision ? { precision: with_(v.precision, PRECISION_SETTING.parse)! } : {}),
    // more threads than cores only queue behind each other (125 s a step instead of 0.1 s for 1024 on 2 cores)
    ...(v.threads ? { threads: parseInteger(v.threads.label, text(v.threads)!, 1, availableParallelism()) } : {}),
    ...(v.maxMemory ? { maxMemory: parseMemorySize(v.maxMemory.label, text(v.maxMemory)!) } : {}),
    overwrite: bool(v.overwrite),
    json: bool(v.json),
    quiet: bool(v.quiet),
    verbose: bool(v.verbose),
    preview: v.preview === undefined ? true : bool(v.preview),
    ...(text(v.previewPath) ? { previewPath: text(v.previewPath)! } : {}),
    ...(v.previewInterval ? { previewInterval: parseInteger(v.previewInterval.label, text(v.previewInterval)!, 1, 10_000) } : {}),
  };
}

/** Every scalar setting that was given, parsed by its declaration, with where it came from. */
function givenScalars(v: Layered): Partial<ScalarSettings> & { scalarLabels: Partial<Record<ScalarKey, string>> } {
  const values: Partial<Record<ScalarKey, ScalarSettings[ScalarKey]>> = {};
  const scalarLabels: Partial<Record<ScalarKey, string>> = {};
  for (const key of SCALAR_KEYS) {
    const spec = scalarSpec(key);
    const source = [spec.flag.key, ...(spec.aliases ?? [])].map((k) => v[k]).find((x) => x !== undefined);
    const value = with_(source, spec.parse);
    if (source === undefined || value === undefined) continue;
    values[key] = value;
    scalarLabels[key] = source.label;
  }
  // each value was parsed by the spec of its own key
  return { ...(values as Partial<ScalarSettings>), scalarLabels };
}

/** A random seed below 2^32 (short enough to read and retype). */
export function drawSeed(): bigint {
  return BigInt(randomBytes(4).readUInt32LE(0));
}

/** The whole generation: given values over the model's defaults. */
export function completeSettings(g: GivenFlags, d: ModelDefaults, seed: () => bigint = drawSeed): Settings {
  if (g.prompt === undefined) throw new UsageError('no prompt; give one: t2v "a corgi running on the beach" (or -p), or run t2v in a terminal for the wizard');
  const { freeu, on } = completeFreeU(g.freeu, d.freeu);
  const speed = completeSpeed(g.speed, d);
  // --fast fills the steps and scheduler that were not given, over the model's defaults
  const scalars = completeScalars(g, { ...d, ...(speed.steps !== undefined ? { steps: speed.steps } : {}), ...(speed.scheduler !== undefined ? { scheduler: speed.scheduler } : {}) });
  if (scalars.eta > 0 && scalars.scheduler !== 'ddim') {
    throw new UsageError(`${g.scalarLabels?.eta ?? '--eta'} ${scalars.eta}: eta applies to the ddim scheduler only, not ${scalars.scheduler}; use --scheduler ddim or --eta 0`);
  }
  checkAgainstModel(g, d, scalars);
  checkPromptLength('prompt', g.prompt);
  return {
    prompt: g.prompt,
    ...(g.negativePrompt !== undefined ? { negativePrompt: g.negativePrompt } : {}),
    ...(g.model !== undefined ? { model: g.model } : {}),
    seed: g.seed ?? seed(),
    seedDrawn: g.seed === undefined,
    ...scalars,
    freeu,
    freeuOn: on,
    fast: speed.fast,
    deepCache: speed.deepCache,
    guidanceInterval: speed.guidanceInterval,
    ...(g.output !== undefined ? { output: g.output } : {}),
    device: g.device,
    ...(g.precision !== undefined ? { precision: g.precision } : {}),
    ...(g.threads !== undefined ? { threads: g.threads } : {}),
    ...(g.maxMemory !== undefined ? { maxMemory: g.maxMemory } : {}),
    overwrite: g.overwrite,
    json: g.json,
    quiet: g.quiet,
    verbose: g.verbose,
    preview: g.preview,
    ...(g.previewPath !== undefined ? { previewPath: g.previewPath } : {}),
    ...(g.previewInterval !== undefined ? { previewInterval: g.previewInterval } : {}),
  };
}

/** What only the model can tell: the VAE's size multiple and the scheduler's step count; errors name where a value came from. */
export function checkAgainstModel(g: GivenFlags, d: ModelDefaults, s: ScalarSettings): void {
  const steps = s.steps;
  if (steps > d.maxSteps) {
    throw new UsageError(
      `${g.scalarLabels?.steps ?? "the model's t2v.json steps"} ${steps}: this model has ${d.maxSteps} train timesteps (its scheduler's num_train_timesteps), so at most ${d.maxSteps} steps`,
    );
  }
  for (const [key, value] of [
    ['width', s.width],
    ['height', s.height],
  ] as const) {
    const scale = d.vaeScaleFactor;
    if (value % scale !== 0) {
      throw new UsageError(
        `${g.scalarLabels?.[key] ?? `the model's t2v.json ${key}`} ${value}: must be a multiple of ${scale} (the model's VAE scale factor), e.g. ${Math.max(scale, Math.round(value / scale) * scale)}`,
      );
    }
  }
}

/** A prompt as a file-name part: lower case, a-z0-9 and dashes, at most 40 characters. */
export function slugOf(prompt: string): string {
  return (
    prompt
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'video'
  );
}

/** `t2v-a-corgi-running-1234.mp4`: the default output name. */
export function defaultOutput(prompt: string, seed: bigint, suffix = ''): string {
  return `t2v-${slugOf(prompt)}${suffix}-${seed}.mp4`;
}

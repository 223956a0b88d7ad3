// The wizard's questions as data: what each asks, what Enter accepts, how an answer is checked, and the answers as Settings.
import type { ModelDefaults } from '../../core/pipeline/defaults.js';
import { SCHEDULER_NAMES } from '../../core/common/types.js';
import { flagMessage } from '../setting-flags.js';
import { longName } from '../flags.js';
import { FREEU_SETTING, parseFactors } from '../freeu-setting.js';
import { scalarSpec, type ScalarKey } from '../generation-settings.js';
import { checkPrompt, MODEL, NEGATIVE_PROMPT, PROMPT, SEED } from '../input-settings.js';
import { FREEU_PRESETS, isPresetName, presetNames } from '../../core/freeu/presets.js';
import { parseSeed } from '../parse.js';
import { advancedFields, advancedFromAnswers } from './wizard-advanced.js';
import { speedFromAnswers } from './wizard-speed.js';
import { completeFreeU, completeSettings, defaultOutput, drawSeed, type GivenFlags, type GivenFreeU, type Settings } from '../settings.js';

export type Answers = Readonly<Record<string, string>>;

/** The embedded model's vocabulary, so the first prompt is one it can draw. */
const PROMPT_HINT =
  'what the video shows, e.g. "a red circle moving left on a white background" (the default model: circle/square/triangle, red/green/blue/yellow/white, moving left/right/up/down, on black/white/grey)';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

export interface WizardField {
  readonly key: string;
  readonly label: string;
  readonly hint?: string;
  /** A pick list instead of free text. */
  readonly choices?: (a: Answers) => readonly Choice[];
  /** What Enter accepts as it is. */
  readonly initial: (a: Answers) => string;
  /** An error to show (the field stays), or undefined. */
  readonly check?: (raw: string, a: Answers) => Promise<string | undefined> | string | undefined;
  /** Asked only when this says so. */
  readonly when?: (a: Answers) => boolean;
}

export interface WizardEnv {
  /** Defaults of another model (throws a T2vError for a bad one). */
  readonly modelDefaults: (model: string) => Promise<ModelDefaults>;
  /** Checks -o before anything runs (throws for an existing file without --overwrite, a bad extension...). */
  readonly checkOutput: (path: string) => Promise<void>;
}

function tryParse(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return flagMessage(e);
  }
}

/** Width and height asked together, each checked by its declared parser. */
export function parseSize(raw: string): { width: number; height: number } {
  const m = /^\s*(\d+)\s*[x×*, ]\s*(\d+)\s*$/i.exec(raw);
  if (!m) throw new Error(`size ${raw}: give width x height, like 256x256`);
  return { width: scalarSpec('width').parse('width', m[1]!), height: scalarSpec('height').parse('height', m[2]!) };
}

/** The FreeU answer as the flags would have said it. */
export function freeuFromAnswers(a: Answers, given: GivenFreeU): GivenFreeU {
  const base = { version: given.version, start: given.start, end: given.end, labels: {} };
  const choice = a.freeu ?? 'off';
  if (choice === 'off') return { ...base, enabled: false };
  if (choice === 'model') return { ...base, enabled: true };
  if (choice === 'custom') return { ...base, enabled: true, ...parseFactors(a.factors ?? '') };
  if (choice === 'given') return { ...given, enabled: true };
  return isPresetName(choice) ? { ...base, enabled: true, preset: FREEU_PRESETS[choice], presetName: choice } : { ...base, enabled: false };
}

/** The scheduler answer that asks for DDIM's eta next. */
const DDIM_ETA = 'ddim-eta';

/** A question for one declared scalar setting: its wizard label, checked by its declared parser. */
function scalarField(key: ScalarKey, initial: () => string): WizardField {
  const spec = scalarSpec(key);
  const name = longName(spec.flag);
  return { key, label: spec.wizard ?? name, initial, check: (raw) => tryParse(() => spec.parse(name, raw)) };
}

/** The questions, in order; `defaults` follows the model answer. */
export function wizardFields(given: GivenFlags, first: ModelDefaults, env: WizardEnv): { fields: WizardField[]; defaults: () => ModelDefaults; drawnSeed: bigint } {
  let defaults = first;
  const drawnSeed = given.seed ?? drawSeed();
  const givenCustom = ['b1', 'b2', 's1', 's2'].some((k) => given.freeu[k as 'b1'] !== undefined);
  const fields: WizardField[] = [
    { key: 'prompt', label: PROMPT.wizard, hint: PROMPT_HINT, initial: () => given.prompt ?? '', check: (raw) => tryParse(() => checkPrompt(raw)) },
    { key: 'negativePrompt', label: NEGATIVE_PROMPT.wizard, hint: 'what to avoid (Enter: none)', initial: () => given.negativePrompt ?? '' },
    {
      key: 'model',
      label: MODEL.wizard,
      hint: 'folder, Hub id or default',
      initial: () => given.model ?? 'default',
      check: async (raw) => {
        try {
          defaults = await env.modelDefaults(raw.trim() || 'default');
          return undefined;
        } catch (e) {
          return flagMessage(e);
        }
      },
    },
    scalarField('frames', () => String(given.frames ?? defaults.frames)),
    { key: 'size', label: 'Size', hint: 'width x height', initial: () => `${given.width ?? defaults.width}x${given.height ?? defaults.height}`, check: (raw) => tryParse(() => parseSize(raw)) },
    scalarField('steps', () => String(given.steps ?? defaults.steps)),
    { key: 'seed', label: SEED.wizard, hint: 'drawn at random; type another to change', initial: () => String(drawnSeed), check: (raw) => tryParse(() => parseSeed('seed', raw)) },
    {
      key: 'freeu',
      label: FREEU_SETTING.wizard,
      choices: () => [
        { value: 'off', label: 'off' },
        ...(givenCustom ? [{ value: 'given', label: 'on, as the flags say' }] : []),
        { value: 'model', label: `on, the model's preset (b1 ${defaults.freeu.b1} b2 ${defaults.freeu.b2} s1 ${defaults.freeu.s1} s2 ${defaults.freeu.s2})` },
        ...presetNames().map((n) => {
          const p = FREEU_PRESETS[n];
          return { value: n, label: `on, preset ${n} (b1 ${p.b1} b2 ${p.b2} s1 ${p.s1} s2 ${p.s2})` };
        }),
        { value: 'custom', label: 'on, my own b1 b2 s1 s2' },
      ],
      initial: () => (given.freeu.enabled ? (givenCustom ? 'given' : (given.freeu.presetName ?? 'model')) : 'off'),
    },
    {
      key: 'factors',
      label: 'FreeU b1 b2 s1 s2',
      when: (a) => a.freeu === 'custom',
      initial: () => {
        const on = completeFreeU(given.freeu, defaults.freeu).on;
        return `${on.b1} ${on.b2} ${on.s1} ${on.s2}`;
      },
      check: (raw) => tryParse(() => parseFactors(raw)),
    },
    ...advancedFields(given, () => defaults, [
      {
        key: 'scheduler',
        label: 'Scheduler',
        when: (a) => a.advanced === 'yes',
        choices: () => [
          ...SCHEDULER_NAMES.map((s) => ({ value: s, label: s === defaults.scheduler ? `${s} (the model's)` : s })),
          { value: DDIM_ETA, label: 'ddim with eta (seeded noise each step)' },
        ],
        initial: () => ((given.eta ?? 0) > 0 ? DDIM_ETA : (given.scheduler ?? defaults.scheduler)),
        check: (raw) => (raw === DDIM_ETA ? undefined : tryParse(() => scalarSpec('scheduler').parse('scheduler', raw))),
      },
      { ...scalarField('eta', () => String((given.eta ?? 0) > 0 ? given.eta : 1)), when: (a) => a.advanced === 'yes' && a.scheduler === DDIM_ETA },
    ]),
    {
      key: 'output',
      label: 'Output',
      hint: '.mp4 .webm .gif, name%03d.png or folder/',
      initial: (a) => given.output ?? defaultOutput(a.prompt ?? 'video', BigInt(a.seed ?? String(drawnSeed))),
      check: async (raw) => {
        try {
          await env.checkOutput(raw.trim());
          return undefined;
        } catch (e) {
          return flagMessage(e);
        }
      },
    },
  ];
  return { fields, defaults: () => defaults, drawnSeed };
}

/** The answers over what the flags gave: the settings the run uses. */
export function answersToSettings(a: Answers, given: GivenFlags, defaults: ModelDefaults, drawnSeed: bigint): Settings {
  const { width, height } = parseSize(a.size ?? `${defaults.width}x${defaults.height}`);
  const seed = parseSeed('seed', a.seed ?? String(drawnSeed));
  const negative = (a.negativePrompt ?? '').trim();
  const model = (a.model ?? '').trim();
  const withEta = a.scheduler === DDIM_ETA;
  const speed = speedFromAnswers(a, given.speed, a.advanced === 'yes');
  const steps = scalarSpec('steps').parse('steps', a.steps ?? String(defaults.steps));
  const scheduler = withEta ? 'ddim' : scalarSpec('scheduler').parse('scheduler', a.scheduler ?? given.scheduler ?? defaults.scheduler);
  // --fast brings its own steps and scheduler; answers left at the model's default (no flag) let them apply, as on the command line
  const presetOwns = (answer: number | string, flag: unknown, modelDefault: number | string) => speed.fast && flag === undefined && answer === modelDefault;
  const g: GivenFlags = {
    ...given,
    prompt: (a.prompt ?? '').trim(),
    ...(negative ? { negativePrompt: negative } : {}),
    ...(model && model !== 'default' ? { model } : {}),
    frames: scalarSpec('frames').parse('frames', a.frames ?? String(defaults.frames)),
    width,
    height,
    ...(presetOwns(steps, given.steps, defaults.steps) ? {} : { steps }),
    seed,
    ...advancedFromAnswers(a, given),
    ...(presetOwns(scheduler, given.scheduler, defaults.scheduler) && !withEta ? {} : { scheduler }),
    speed,
    eta: withEta ? scalarSpec('eta').parse('eta', a.eta ?? '1') : a.advanced === 'yes' ? 0 : (given.eta ?? 0),
    freeu: freeuFromAnswers(a, { ...given.freeu, ...advancedFromAnswers(a, given).freeu }),
    ...(a.output ? { output: a.output.trim() } : {}),
  };
  if (!negative) delete (g as { negativePrompt?: string }).negativePrompt;
  if (!model || model === 'default') delete (g as { model?: string }).model;
  return { ...completeSettings(g, defaults), seedDrawn: given.seed === undefined && seed === drawnSeed };
}

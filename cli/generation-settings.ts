// Each scalar generation setting declared once: flag, parser + range, default source, help, metadata key, wizard label.
// Flags, T2V_* variables and config.json keys (flags.ts, config.ts), the given/complete settings (settings.ts), the
// engine request (run-generation.ts), the stored metadata and --json (setting-output.ts), info's reproduce command and
// the wizard (ui/wizard-fields.ts) all read this table. A new setting is one entry here (plus its engine field).
import { ETA_RANGE, SCHEDULER_NAMES, type SchedulerName } from '../core/common/types.js';
import { PRECISIONS, type Precision } from '../core/runtime/device-names.js';
import type { ModelDefaults } from '../core/pipeline/defaults.js';
import type { GenerateResult } from '../core/pipeline/types.js';
import type { FlagSpec } from './flag-spec.js';
import { parseChoice, parseInteger, parseNumber } from './parse.js';
import type { SettingOutput } from './setting-output.js';

/** Scheduler spellings of other tools that mean one of ours exactly (stable-diffusion.cpp's dpm++2m). */
export const SCHEDULER_ALIASES: Readonly<Record<string, SchedulerName>> = { 'dpm++2m': 'dpmpp2m', dpmpp_2m: 'dpmpp2m' };

/** The scalar settings of one generation, by their Settings / GenerateRequest field names. */
export interface ScalarSettings {
  readonly steps: number;
  readonly guidanceScale: number;
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly scheduler: SchedulerName;
  readonly eta: number;
}

export type ScalarKey = keyof ScalarSettings;

export interface SettingSpec<K extends ScalarKey> {
  readonly key: K;
  /** Its row in the flag table: commander attribute, spelling, help text, help default, whether T2V_* / config set it. */
  readonly flag: FlagSpec;
  /** Other flag attributes that set it too (aliases). */
  readonly aliases?: readonly string[];
  /** Parses and range-checks one raw value; `label` names its source (`--steps`, `T2V_STEPS`, a config key). */
  readonly parse: (label: string, raw: string) => ScalarSettings[K];
  /** The value when nothing sets it: the model's default or a constant. */
  readonly fallback: (d: ModelDefaults) => ScalarSettings[K];
  /** Its key in the stored metadata and the --json summary. */
  readonly metadataKey: string;
  /** Set on the video file by the writer, not asked of the engine (fps). */
  readonly writer?: true;
  /** What the run made of it, stored and reported in its place when a result is there (the generated size). */
  readonly measured?: (r: GenerateResult) => ScalarSettings[K];
  /** Asked by the wizard with this label (width and height are asked together as "Size"). */
  readonly wizard?: string;
}

type Table = { readonly [K in ScalarKey]: SettingSpec<K> };

const row = (key: string, flags: string, description: string, defaultText: string): FlagSpec => ({ key, flags, description, defaultText, configurable: true });
const int = (min: number, max: number) => (label: string, raw: string) => parseInteger(label, raw, min, max);

/** DDIM's eta when nothing sets it (diffusers' default): deterministic DDIM. */
export const ETA_DEFAULT = 0;

/** Beyond this guidance the sample is saturated noise; diffusers sets no bound, t2v refuses it in one line. */
export const MAX_GUIDANCE = 100;

export const SCALAR_SETTINGS: Table = {
  steps: {
    key: 'steps',
    flag: row('steps', '--steps <n>', 'sampling steps', "the model's; 50 for ModelScope"),
    parse: int(1, 10_000),
    fallback: (d) => d.steps,
    metadataKey: 'steps',
    wizard: 'Steps',
  },
  guidanceScale: {
    key: 'guidanceScale',
    flag: row('guidance', '-g, --guidance <scale>', `classifier-free guidance scale, 1 .. ${MAX_GUIDANCE} (1 turns it off; alias --cfg-scale)`, "the model's; 9 for ModelScope"),
    aliases: ['cfgScale'],
    parse: (l, r) => parseNumber(l, r, { min: 1, max: MAX_GUIDANCE }),
    fallback: (d) => d.guidanceScale,
    metadataKey: 'guidance',
  },
  frames: {
    key: 'frames',
    flag: row('frames', '-f, --frames <n>', 'number of frames', "the model's; 16 for ModelScope"),
    parse: int(1, 1024),
    fallback: (d) => d.frames,
    metadataKey: 'frames',
    measured: (r) => r.frames,
    wizard: 'Frames',
  },
  fps: {
    key: 'fps',
    flag: row('fps', '--fps <n>', 'frames per second of the video file', "the model's; 8 for ModelScope"),
    parse: (l, r) => parseNumber(l, r, { min: 0, minExclusive: true, max: 240 }),
    fallback: (d) => d.fps,
    metadataKey: 'fps',
    writer: true,
  },
  width: {
    key: 'width',
    flag: row('width', '-W, --width <px>', 'frame width, a multiple of the VAE factor (8)', "the model's; 256 for ModelScope"),
    parse: int(8, 8192),
    fallback: (d) => d.width,
    metadataKey: 'width',
    measured: (r) => r.width,
  },
  height: {
    key: 'height',
    flag: row('height', '-H, --height <px>', 'frame height, a multiple of the VAE factor (8)', "the model's; 256 for ModelScope"),
    parse: int(8, 8192),
    fallback: (d) => d.height,
    metadataKey: 'height',
    measured: (r) => r.height,
  },
  scheduler: {
    key: 'scheduler',
    flag: row('scheduler', '--scheduler <name>', `sampler: ${SCHEDULER_NAMES.join(' | ')}`, "the model's; ddim for ModelScope"),
    parse: (l, r) => parseChoice(l, SCHEDULER_ALIASES[r.trim().toLowerCase()] ?? r, SCHEDULER_NAMES),
    fallback: (d) => d.scheduler,
    metadataKey: 'scheduler',
    wizard: 'Scheduler',
  },
  eta: {
    key: 'eta',
    flag: row('eta', '--eta <x>', `DDIM's eta, ${ETA_RANGE.min}..${ETA_RANGE.max}: 0 deterministic, > 0 adds seeded noise each step (ddim only)`, '0, as diffusers'),
    parse: (l, r) => parseNumber(l, r, ETA_RANGE),
    fallback: () => ETA_DEFAULT,
    metadataKey: 'eta',
    wizard: 'DDIM eta',
  },
};

/** The order the reproduce command and --json list them in. */
export const SCALAR_KEYS: readonly ScalarKey[] = ['steps', 'guidanceScale', 'scheduler', 'eta', 'frames', 'fps', 'width', 'height'];

export function scalarSpec<K extends ScalarKey>(key: K): SettingSpec<K> {
  return SCALAR_SETTINGS[key];
}

/** Every scalar setting over the model's defaults: given values win, the rest fall back. */
export function completeScalars(given: Partial<ScalarSettings>, d: ModelDefaults): ScalarSettings {
  const pick = <K extends ScalarKey>(k: K): ScalarSettings[K] => given[k] ?? scalarSpec(k).fallback(d);
  return {
    steps: pick('steps'),
    guidanceScale: pick('guidanceScale'),
    frames: pick('frames'),
    fps: pick('fps'),
    width: pick('width'),
    height: pick('height'),
    scheduler: pick('scheduler'),
    eta: pick('eta'),
  };
}

/**
 * --precision, declared beside the scalars but not among them: its default is the device's (fp16 on webgpu when the
 * adapter has shader-f16, else fp32), known once the pipeline resolves the device; the resolved value is stored.
 */
export const PRECISION_SETTING = {
  flag: row(
    'precision',
    `--precision <${PRECISIONS.join('|')}>`,
    'float type of weights and activations (norms, softmax, FreeU and the scheduler stay fp32)',
    'fp16 on webgpu when the adapter has shader-f16, else fp32',
  ),
  parse: (label: string, raw: string): Precision => parseChoice(label, raw, PRECISIONS),
  metadataKey: 'precision',
  // the precision that ran
  stored: (_s, r) => ({ precision: r.precision }),
  reported: (_s, r) => ({ precision: r?.precision ?? null }),
} as const satisfies SettingOutput & Record<string, unknown>;

/** --threads: onnxruntime's intra-op threads, a pipeline option; reported, not stored (it does not change the video). */
export const THREADS_SETTING = {
  flag: row('threads', '--threads <n>', 'CPU threads for onnxruntime, at most the number of cores', 'the number of cores'),
  reported: (s) => ({ threads: s.threads ?? null }),
} as const satisfies SettingOutput & Record<string, unknown>;

/** The scalars under their metadata / --json keys, in SCALAR_KEYS order; the measured ones from the result when there is one. */
export function scalarsByMetadataKey(s: ScalarSettings, r?: GenerateResult): Record<string, number | string> {
  return Object.fromEntries(
    SCALAR_KEYS.map((k) => {
      const spec: SettingSpec<ScalarKey> = scalarSpec(k);
      return [spec.metadataKey, r && spec.measured ? spec.measured(r) : s[k]];
    }),
  );
}

/** The scalars as one entry of the stored metadata and the --json summary. */
export const SCALARS: SettingOutput = {
  // by their request field names, which are the settings' own
  request: (s) => Object.fromEntries(SCALAR_KEYS.filter((k) => !scalarSpec(k).writer).map((k) => [k, s[k]])),
  stored: (s, r) => scalarsByMetadataKey(s, r),
  reported: (s, r) => scalarsByMetadataKey(s, r),
};

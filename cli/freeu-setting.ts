// FreeU declared once for the CLI: its flags, the composite parser over them, completion over the model's preset, the
// wizard's four-factor answer and the words of a reproduce command. The one FreeU type is core's FreeUSettings.
import { FREEU_RANGES, checkFreeU, parseFreeUValue } from '../core/freeu/params.js';
import { freeuPreset, presetNames } from '../core/freeu/presets.js';
import type { FreeUFactors, FreeUSettings, FreeUVersion } from '../core/common/types.js';
import { UsageError } from '../core/errors.js';
import type { Layered, Sourced } from './config.js';
import { flagLabel, type FlagSpec } from './flag-spec.js';
import { parseBoolean } from './parse.js';
import type { SettingOutput } from './setting-output.js';

export type FreeUField = keyof FreeUSettings;

/** What FreeU is when a field is not given: diffusers' version, every step. */
export const FREEU_FIELD_DEFAULTS: Pick<FreeUSettings, 'version' | 'start' | 'end'> = { version: 1, start: 0, end: 1 };

const range = (f: FreeUField): string => `${FREEU_RANGES[f].min}..${FREEU_RANGES[f].max}`;
const factorRow = (key: 'b1' | 'b2' | 's1' | 's2', what: string, block: number): FlagSpec => ({
  key,
  flags: `--${key} <x>`,
  description: `FreeU ${what} at up_blocks[${block}], ${range(key)} (implies --freeu)`,
  defaultText: "the preset's",
  configurable: true,
});

/** Each FreeU field's flag row, in the order a reproduce command spells them. */
export const FREEU_FIELD_FLAGS: { readonly [F in FreeUField]: FlagSpec } = {
  version: {
    key: 'freeuVersion',
    flags: '--freeu-version <1|2>',
    description: '1: diffusers (constant backbone factor), 2: official repo (structure-related scaling)',
    defaultText: String(FREEU_FIELD_DEFAULTS.version),
    configurable: true,
  },
  b1: factorRow('b1', 'backbone factor', 0),
  b2: factorRow('b2', 'backbone factor', 1),
  s1: factorRow('s1', 'skip low-frequency factor', 0),
  s2: factorRow('s2', 'skip low-frequency factor', 1),
  start: {
    key: 'freeuStart',
    flags: '--freeu-start <fraction>',
    description: `apply FreeU from this fraction of the steps, ${range('start')}`,
    defaultText: String(FREEU_FIELD_DEFAULTS.start),
    configurable: true,
  },
  end: {
    key: 'freeuEnd',
    flags: '--freeu-end <fraction>',
    description: `apply FreeU until this fraction of the steps, ${range('end')}`,
    defaultText: String(FREEU_FIELD_DEFAULTS.end),
    configurable: true,
  },
};

const FIELDS = Object.keys(FREEU_FIELD_FLAGS) as FreeUField[];
const FACTORS = ['b1', 'b2', 's1', 's2'] as const;
export const FREEU_PRESET_FLAG: FlagSpec = {
  key: 'freeuPreset',
  flags: '--freeu-preset <name>',
  description: `FreeU factors by name: ${presetNames().join(', ')} (implies --freeu)`,
  defaultText: "the model's",
  configurable: true,
};

/** The FreeU rows of the flag table, in --help order. */
export const FREEU_FLAGS: readonly FlagSpec[] = [
  { key: 'freeu', flags: '--freeu', description: "turn FreeU on with the model's preset", defaultText: 'off', bool: true, configurable: true },
  { key: 'noFreeu', flags: '--no-freeu', description: 'turn FreeU off (wins over config, T2V_FREEU and the other FreeU flags)', bool: true, configurable: false },
  ...FACTORS.map((k) => FREEU_FIELD_FLAGS[k]),
  FREEU_FIELD_FLAGS.version,
  FREEU_PRESET_FLAG,
  FREEU_FIELD_FLAGS.start,
  FREEU_FIELD_FLAGS.end,
];

/** FreeU as given: any of the factors, the rest of FreeUSettings filled, and where each value came from. */
export interface GivenFreeU extends Partial<FreeUFactors>, Pick<FreeUSettings, 'version' | 'start' | 'end'> {
  /** true/false when asked for (explicitly or implied by a FreeU flag), undefined when nothing was said. */
  readonly enabled?: boolean;
  readonly preset?: FreeUFactors;
  readonly presetName?: string;
  readonly labels: Readonly<Partial<Record<FreeUField, string>>>;
}

const textOf = (s: Sourced): string => (typeof s.value === 'string' ? s.value : String(s.value));

/** The composite parser: every FreeU flag (from the command line, T2V_* or config.json), each value range-checked. */
export function parseGivenFreeU(v: Layered): GivenFreeU {
  const values: Partial<Record<FreeUField, number>> = {};
  const labels: Partial<Record<FreeUField, string>> = {};
  const parse = (fields: readonly FreeUField[]) => {
    for (const f of fields) {
      const s = v[FREEU_FIELD_FLAGS[f].key];
      if (s === undefined) continue;
      values[f] = parseFreeUValue(f, textOf(s), s.label);
      if (f !== 'version') labels[f] = s.label;
    }
  };
  // checked in the order of the flag table: the factors, the preset, then version and step range
  parse(FACTORS);
  const presetSource = v[FREEU_PRESET_FLAG.key];
  const presetName = presetSource === undefined ? undefined : textOf(presetSource);
  const preset = presetName !== undefined && presetSource ? freeuPreset(presetName, presetSource.label) : undefined;
  parse(['version', 'start', 'end']);
  const freeuFlag = v.freeu === undefined ? undefined : parseBoolean(v.freeu.label, v.freeu.value);
  // a FreeU flag on the command line implies --freeu; the same setting from T2V_* or config.json only sets the factors
  const implied = [FREEU_PRESET_FLAG, ...FIELDS.map((f) => FREEU_FIELD_FLAGS[f])].some((spec) => v[spec.key]?.label.startsWith('--'));
  // --no-freeu (or T2V_FREEU=0 / config false) wins; otherwise any FreeU flag turns it on
  const enabled = freeuFlag === false && v.freeu?.label === '--no-freeu' ? false : freeuFlag === true || implied ? true : freeuFlag;
  const given: GivenFreeU = {
    ...(enabled !== undefined ? { enabled } : {}),
    ...(preset !== undefined ? { preset, presetName } : {}),
    ...Object.fromEntries(FACTORS.filter((k) => values[k] !== undefined).map((k) => [k, values[k]])),
    version: (values.version ?? FREEU_FIELD_DEFAULTS.version) as FreeUVersion,
    start: values.start ?? FREEU_FIELD_DEFAULTS.start,
    end: values.end ?? FREEU_FIELD_DEFAULTS.end,
    labels,
  };
  if (given.start >= given.end) {
    throw new UsageError(`${labels.start ?? flagOf('start')} ${given.start} must be below ${labels.end ?? flagOf('end')} ${given.end}; FreeU would apply to no step`);
  }
  return given;
}

/** `--b1`, `--freeu-start`: the flag of one field. */
export function flagOf(f: FreeUField): string {
  return flagLabel(FREEU_FIELD_FLAGS[f]);
}

/** FreeU as asked, over the model's preset: `freeu` null when off, `on` what --freeu alone would use. */
export function completeFreeU(g: GivenFreeU, modelPreset: FreeUFactors): { readonly freeu: FreeUSettings | null; readonly on: FreeUSettings } {
  const base = g.preset ?? modelPreset;
  const labels: Partial<Record<FreeUField, string>> = Object.fromEntries(FIELDS.map((f) => [f, g.labels[f] ?? flagOf(f)]));
  const on = checkFreeU({ b1: g.b1 ?? base.b1, b2: g.b2 ?? base.b2, s1: g.s1 ?? base.s1, s2: g.s2 ?? base.s2, version: g.version, start: g.start, end: g.end }, labels);
  return { freeu: g.enabled ? on : null, on };
}

/** The wizard's "b1 b2 s1 s2" answer, each factor checked by its range. */
export function parseFactors(raw: string): FreeUFactors {
  const parts = raw.trim().split(/[\s,]+/);
  if (parts.length !== FACTORS.length) throw new Error(`FreeU factors ${raw}: give four numbers b1 b2 s1 s2, like 1.2 1.4 0.9 0.2`);
  const [b1, b2, s1, s2] = FACTORS.map((k, i) => parseFreeUValue(k, parts[i]!, k)) as [number, number, number, number];
  return { b1, b2, s1, s2 };
}

/** Every field by its flag (`--freeu-version 1 --b1 1.2 ...`), as a reproduce command spells FreeU on. */
export function freeuWords(f: FreeUSettings): string[] {
  return FIELDS.flatMap((k) => [flagOf(k), String(f[k])]);
}

/** Each field's flag and the value that needs no flag (the preset's factors, FREEU_FIELD_DEFAULTS), for short commands. */
export function freeuDefaultWords(preset: FreeUFactors): Readonly<Record<string, string>> {
  const d: FreeUSettings = { ...preset, ...FREEU_FIELD_DEFAULTS };
  return Object.fromEntries(FIELDS.map((k) => [flagOf(k), String(d[k])]));
}

/** The declaration: the flags, the composite parser, the metadata key, the wizard's question and what a run leaves of it. */
export const FREEU_SETTING = {
  name: 'freeu',
  flags: FREEU_FLAGS,
  parse: parseGivenFreeU,
  complete: completeFreeU,
  metadataKey: 'freeu',
  wizard: 'FreeU',
  request: (s) => ({ freeu: s.freeu }),
  // files keep the factors when it is off, so a comparison says what "on" meant; --json says null
  stored: (s) => ({ freeu: { enabled: s.freeu !== null, ...(s.freeu ?? s.freeuOn) } }),
  reported: (s) => ({ freeu: s.freeu }),
} as const satisfies SettingOutput & Record<string, unknown>;

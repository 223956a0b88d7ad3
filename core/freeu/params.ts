// User-given FreeU values -> checked numbers: one documented range per parameter, one-line UsageErrors naming the source.
import { settingRef, UsageError } from '../errors.js';
import type { FreeUSettings } from '../pipeline/types.js';

export type FreeUParam = 'b1' | 'b2' | 's1' | 's2' | 'threshold' | 'version' | 'start' | 'end';

interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** The range in words, for the error message. */
  readonly what: string;
}

/** Ranges: the paper's useful values sit well inside (b 1.0..1.6, s 0.2..1.0); b = s = 1 is FreeU off. */
export const FREEU_RANGES: Readonly<Record<FreeUParam, Range>> = {
  b1: { min: 0, max: 5, what: 'a number in [0, 5]' },
  b2: { min: 0, max: 5, what: 'a number in [0, 5]' },
  s1: { min: 0, max: 5, what: 'a number in [0, 5]' },
  s2: { min: 0, max: 5, what: 'a number in [0, 5]' },
  threshold: { min: 1, max: 1024, integer: true, what: 'a whole number >= 1' },
  version: { min: 1, max: 2, integer: true, what: '1 or 2' },
  start: { min: 0, max: 1, what: 'a fraction in [0, 1]' },
  end: { min: 0, max: 1, what: 'a fraction in [0, 1]' },
};

/** The setting a parameter is (`freeu.b1`), for messages when the caller gives no label; the CLI spells it as its flag. */
export function defaultLabel(param: FreeUParam): string {
  return settingRef(`freeu.${param}`);
}

/** Parses one value (a flag's text or a number from a config file); `label` names its source, e.g. `--b1` or `T2V_B1`. */
export function parseFreeUValue(param: FreeUParam, raw: string | number, label: string = defaultLabel(param)): number {
  const range = FREEU_RANGES[param];
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  // Number('') is 0 and Number('0x10') is 16: accept only plain decimal notation
  const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  const ok = Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
  if (!ok) throw new UsageError(`${label} ${typeof raw === 'string' ? raw : String(raw)}: expected ${range.what}`);
  return value;
}

/** Checks a complete setting; `labels` name where each field came from. start < end is required so FreeU covers some step. */
export function checkFreeU(s: FreeUSettings, labels: Readonly<Partial<Record<keyof FreeUSettings, string>>> = {}): FreeUSettings {
  const label = (k: keyof FreeUSettings): string => labels[k] ?? defaultLabel(k);
  for (const k of ['b1', 'b2', 's1', 's2', 'version', 'start', 'end'] as const) parseFreeUValue(k, s[k], label(k));
  if (s.start >= s.end) throw new UsageError(`${label('start')} ${s.start} must be below ${label('end')} ${s.end}; FreeU would apply to no step`);
  return s;
}

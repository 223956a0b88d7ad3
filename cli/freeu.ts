// FreeU flags to FreeUSettings: presets by name and the checks on b1..s2, version, start/end (adapter until core/freeu/params.ts lands).
import { UsageError } from '../core/errors.js';
import type { FreeUSettings } from '../core/pipeline/types.js';

export interface FreeUFactorsOnly {
  readonly b1: number;
  readonly b2: number;
  readonly s1: number;
  readonly s2: number;
}

/** The official FreeU repository's recommended factors; the video presets are diffusers' documented text-to-video values. */
export const FREEU_PRESETS: Readonly<Record<string, FreeUFactorsOnly>> = {
  modelscope: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 },
  zeroscope: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 },
  sd14: { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 },
  sd15: { b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 },
  sd21: { b1: 1.4, b2: 1.6, s1: 0.9, s2: 0.2 },
  sdxl: { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 },
};

export function presetNames(): string[] {
  return Object.keys(FREEU_PRESETS);
}

export function freeuPreset(label: string, name: string): FreeUFactorsOnly {
  const preset = FREEU_PRESETS[name.trim().toLowerCase()];
  if (!preset) throw new UsageError(`${label} ${name}: unknown FreeU preset; allowed: ${presetNames().join(', ')}`);
  return preset;
}

/** Checks a complete setting; `labels` name the flag (or variable) each field came from. */
export function checkFreeU(s: FreeUSettings, labels: Readonly<Partial<Record<keyof FreeUSettings, string>>> = {}): FreeUSettings {
  const name = (k: keyof FreeUSettings): string => labels[k] ?? `--${k === 'start' || k === 'end' ? `freeu-${k}` : k}`;
  for (const k of ['b1', 'b2'] as const) {
    if (!(s[k] > 0) || !Number.isFinite(s[k])) throw new UsageError(`${name(k)} ${s[k]}: invalid value; use a number > 0 (the paper uses 1.0 .. 1.6)`);
  }
  for (const k of ['s1', 's2'] as const) {
    if (!(s[k] >= 0) || !Number.isFinite(s[k])) throw new UsageError(`${name(k)} ${s[k]}: invalid value; use a number >= 0 (the paper uses 0.2 .. 1.0)`);
  }
  for (const k of ['start', 'end'] as const) {
    if (!(s[k] >= 0 && s[k] <= 1)) throw new UsageError(`${name(k)} ${s[k]}: invalid value; use a fraction from 0 to 1`);
  }
  if (s.start >= s.end) throw new UsageError(`${name('start')} ${s.start} must be below ${name('end')} ${s.end}; FreeU would apply to no step`);
  return s;
}

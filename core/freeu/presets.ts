// Named FreeU factors: the official repository's recommendations per base model, and diffusers' documented video values.
import type { FreeUFactors } from '../common/types.js';
import { settingRef, UsageError } from '../errors.js';

export const FREEU_PRESETS = {
  modelscope: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 },
  zeroscope: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 },
  sd14: { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 },
  sd15: { b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 },
  sd21: { b1: 1.4, b2: 1.6, s1: 0.9, s2: 0.2 },
  sdxl: { b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 },
} as const satisfies Readonly<Record<string, FreeUFactors>>;

export type FreeUPresetName = keyof typeof FREEU_PRESETS;

export function presetNames(): FreeUPresetName[] {
  return Object.keys(FREEU_PRESETS) as FreeUPresetName[];
}

export function isPresetName(name: string): name is FreeUPresetName {
  return Object.hasOwn(FREEU_PRESETS, name);
}

/** The preset's factors; `label` names where the name came from (default: the setting). Case and surrounding blanks are ignored. */
export function freeuPreset(name: string, label = settingRef('freeu.preset')): FreeUFactors {
  const key = name.trim().toLowerCase();
  if (!isPresetName(key)) throw new UsageError(`${label} ${name}: unknown FreeU preset; allowed: ${presetNames().join(', ')}`);
  return FREEU_PRESETS[key];
}

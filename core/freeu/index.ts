// FreeU: factors and presets, parameter checks, the per-step schedule, and the plain reference math.
export { FREEU_OFF, type FreeUFactors, type FreeUSettings, type FreeUStep } from './types.js';
export { FREEU_PRESETS, freeuPreset, isPresetName, presetNames, type FreeUPresetName } from './presets.js';
export { FREEU_RANGES, checkFreeU, defaultLabel, parseFreeUValue, type FreeUParam } from './params.js';
export { freeuFactorsForStep } from './schedule.js';
export { applyFreeU, fourierFilter, fourierMask, pythonSlice, type Dims4 } from './reference.js';

// What a run asks and leaves of each declared setting: its fields in the engine's request, in the metadata stored in the
// output and in the --json summary. The declarations (input-settings.ts, generation-settings.ts, freeu-setting.ts,
// speed.ts) each say theirs; the lists below give the order, which is part of the stored and --json formats (files and
// scripts read them), so a new setting goes last.
import type { GenerateRequest, GenerateResult } from '../core/pipeline/types.js';
import type { GenerationMetadata } from '../video/metadata.js';
import { FREEU_SETTING } from './freeu-setting.js';
import { PRECISION_SETTING, SCALARS, THREADS_SETTING } from './generation-settings.js';
import { DEVICE, MODEL, NEGATIVE_PROMPT, PROMPT, SEED } from './input-settings.js';
import type { Settings } from './settings.js';
import { SPEED_SETTING } from './speed.js';

export interface SettingOutput {
  /** Its fields in the engine's request (GenerateRequest); absent: the pipeline's or the writer's, not the request's. */
  readonly request?: (s: Settings) => Partial<GenerateRequest>;
  /** Its fields in the stored metadata, from the settings and the first panel's result; absent: not stored. */
  readonly stored?: (s: Settings, r: GenerateResult) => Partial<GenerationMetadata>;
  /** Its fields in the --json summary; `r` is absent when no panel ran. */
  readonly reported: (s: Settings, r: GenerateResult | undefined) => Readonly<Record<string, unknown>>;
}

/** The settings the engine is asked for (the model, device, precision and threads open the pipeline instead). */
export const REQUEST_SETTINGS: readonly SettingOutput[] = [PROMPT, NEGATIVE_PROMPT, SEED, SCALARS, FREEU_SETTING, SPEED_SETTING];

/** The settings in the stored metadata, in its order. */
export const STORED_SETTINGS: readonly SettingOutput[] = [PROMPT, NEGATIVE_PROMPT, SEED, SCALARS, MODEL, FREEU_SETTING, SPEED_SETTING, DEVICE, PRECISION_SETTING];

/** The settings in the --json summary, in its order. */
export const REPORTED_SETTINGS: readonly SettingOutput[] = [SEED, PROMPT, NEGATIVE_PROMPT, MODEL, SCALARS, FREEU_SETTING, SPEED_SETTING, DEVICE, PRECISION_SETTING, THREADS_SETTING];

/** Every requested setting's fields: one video's GenerateRequest. */
export function requestedSettings(s: Settings): GenerateRequest {
  // every required field of GenerateRequest comes from one declaration (test/cli/setting-output.test.ts)
  return Object.assign({}, ...REQUEST_SETTINGS.map((d) => d.request?.(s))) as GenerateRequest;
}

/** Every stored setting's fields, in order. */
export function storedSettings(s: Settings, r: GenerateResult): Omit<GenerationMetadata, 't2v'> {
  // every field of GenerationMetadata but t2v comes from one declaration (test/cli/setting-output.test.ts)
  return Object.assign({}, ...STORED_SETTINGS.map((d) => d.stored?.(s, r))) as Omit<GenerationMetadata, 't2v'>;
}

/** Every reported setting's fields, in order. */
export function reportedSettings(s: Settings, r: GenerateResult | undefined): Record<string, unknown> {
  return Object.assign({}, ...REPORTED_SETTINGS.map((d) => d.reported(s, r))) as Record<string, unknown>;
}

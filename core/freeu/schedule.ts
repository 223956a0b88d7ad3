// Which sampling steps get FreeU: the factors for step i, or the identity outside [start, end).
import type { FreeUSettings } from '../pipeline/types.js';
import { FREEU_OFF, type FreeUStep } from './types.js';

/** FreeU applies on step i when start <= i / totalSteps < end; elsewhere (or with no settings) the stage is the identity. */
export function freeuFactorsForStep(settings: FreeUSettings | null | undefined, stepIndex: number, totalSteps: number): FreeUStep {
  if (!settings || totalSteps <= 0) return FREEU_OFF;
  const at = stepIndex / totalSteps;
  if (!(at >= settings.start && at < settings.end)) return FREEU_OFF;
  return { b1: settings.b1, b2: settings.b2, s1: settings.s1, s2: settings.s2, version: settings.version };
}

// The sampling-speed settings (--fast, --deep-cache*, --guidance-interval): checked as given, then completed from the model's fast preset.
import { UsageError } from '../core/errors.js';
import type { ModelDefaults } from '../core/pipeline/defaults.js';
import type { DeepCacheSchedule, DeepCacheSettings } from '../core/pipeline/deep-cache.js';
import type { Layered, Sourced } from './config.js';
import { parseBoolean, parseChoice, parseInteger, parseNumberList } from './parse.js';

export const DEEP_CACHE_SCHEDULES: readonly DeepCacheSchedule[] = ['uniform', 'non-uniform'];

export interface GivenSpeed {
  readonly fast: boolean;
  readonly deepCache?: number;
  readonly deepCacheBranch?: number;
  readonly deepCacheSchedule?: DeepCacheSchedule;
  readonly guidanceInterval?: readonly [number, number];
}

/** As the engine runs it: null = off. */
export interface SpeedSettings {
  readonly fast: boolean;
  readonly deepCache: DeepCacheSettings | null;
  readonly guidanceInterval: readonly [number, number] | null;
}

const raw = (s: Sourced): string => (typeof s.value === 'string' ? s.value : String(s.value));

/** `A,B` fractions of the steps with 0 <= A < B <= 1. */
export function parseGuidanceInterval(label: string, text: string): [number, number] {
  const v = parseNumberList(label, text);
  if (v.length !== 2 || !(v[0]! >= 0 && v[0]! < v[1]! && v[1]! <= 1)) throw new UsageError(`${label} ${text}: expected A,B with 0 <= A < B <= 1 (fractions of the steps with guidance), e.g. 0,0.5`);
  return [v[0]!, v[1]!];
}

export function checkSpeed(v: Layered): GivenSpeed {
  return {
    fast: v.fast === undefined ? false : parseBoolean(v.fast.label, v.fast.value),
    ...(v.deepCache ? { deepCache: parseInteger(v.deepCache.label, raw(v.deepCache), 1, 1000) } : {}),
    ...(v.deepCacheBranch ? { deepCacheBranch: parseInteger(v.deepCacheBranch.label, raw(v.deepCacheBranch), 0, 100) } : {}),
    ...(v.deepCacheSchedule ? { deepCacheSchedule: parseChoice(v.deepCacheSchedule.label, raw(v.deepCacheSchedule), DEEP_CACHE_SCHEDULES) } : {}),
    ...(v.guidanceInterval ? { guidanceInterval: parseGuidanceInterval(v.guidanceInterval.label, raw(v.guidanceInterval)) } : {}),
  };
}

/** Given values over --fast's preset (when asked) over "off"; also the steps / scheduler the preset brings. */
export function completeSpeed(g: GivenSpeed, d: ModelDefaults): SpeedSettings & { readonly steps?: number; readonly scheduler?: ModelDefaults['scheduler'] } {
  const p = g.fast ? d.fast : null;
  const interval = g.deepCache ?? p?.deepCache.interval ?? 1;
  const deepCache = interval > 1 ? { interval, branch: g.deepCacheBranch ?? p?.deepCache.branch ?? 0, schedule: g.deepCacheSchedule ?? p?.deepCache.schedule ?? 'uniform' } : null;
  const gi = g.guidanceInterval ?? p?.guidanceInterval ?? null;
  return {
    fast: g.fast,
    deepCache,
    // [0, 1] is every step: stored as off
    guidanceInterval: gi && (gi[0] > 0 || gi[1] < 1) ? gi : null,
    ...(p?.steps !== undefined ? { steps: p.steps } : {}),
    ...(p?.scheduler !== undefined ? { scheduler: p.scheduler } : {}),
  };
}

/** One line for the run summary, or null when every step ran the whole U-Net with guidance. */
export function describeSpeed(s: SpeedSettings, calls: { readonly full: number; readonly shallow: number; readonly guided: number } | undefined, steps: number): string | null {
  if (!s.deepCache && !s.guidanceInterval) return null;
  const parts: string[] = [];
  if (s.fast) parts.push('--fast');
  if (s.deepCache) parts.push(`DeepCache every ${s.deepCache.interval} steps (branch ${s.deepCache.branch}, ${s.deepCache.schedule})${calls ? `: ${calls.full} full + ${calls.shallow} shallow U-Net calls` : ''}`);
  if (s.guidanceInterval) parts.push(`guidance on steps in [${s.guidanceInterval.join(', ')})${calls ? `: ${calls.guided}/${steps}` : ''}`);
  return parts.join('; ');
}

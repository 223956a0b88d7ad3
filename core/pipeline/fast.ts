// `--fast`: a model's measured speed/quality trade-off (DeepCache, guidance interval, optionally scheduler and steps), from t2v.json's `fast`.
import { T2vError } from '../errors.js';
import { asObject } from '../../models/json.js';
import { isSchedulerName, SCHEDULER_NAMES } from '../common/types.js';
import { DEEP_CACHE_SCHEDULES, type DeepCacheSettings } from './deep-cache.js';
import type { SchedulerName } from './types.js';

export interface FastPreset {
  readonly deepCache: DeepCacheSettings;
  /** Null: guidance on every step. */
  readonly guidanceInterval: readonly [number, number] | null;
  /** Absent: the model's default steps / scheduler. */
  readonly steps?: number;
  readonly scheduler?: SchedulerName;
}

/**
 * For models without their own `fast`: DeepCache every 3 steps on DeepCache's own default branch (its branch 0, our 1),
 * guidance on every step. On the full-size U-Net (random weights) its shallow step is 20.5% of a full step's FLOPs.
 */
export const GENERIC_FAST: FastPreset = { deepCache: { interval: 3, branch: 1, schedule: 'uniform' }, guidanceInterval: null };

/** t2v.json `fast`: { deep_cache, deep_cache_branch, deep_cache_schedule, deep_cache_last_full, guidance_interval: [a, b], steps, scheduler }, each optional. */
export function parseFastPreset(raw: unknown, file: string): FastPreset {
  const o = asObject(raw, `${file} fast`);
  const bad = (key: string, want: string): never => {
    throw new T2vError(`${file}: fast.${key} must be ${want}`);
  };
  const int = (key: string, min: number, fallback: number): number => {
    const v = o[key] ?? fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : bad(key, `a whole number >= ${min}`);
  };
  const schedule = o.deep_cache_schedule ?? GENERIC_FAST.deepCache.schedule;
  const anyOf = (names: readonly string[]): string => `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  if (!(DEEP_CACHE_SCHEDULES as readonly unknown[]).includes(schedule)) bad('deep_cache_schedule', anyOf(DEEP_CACHE_SCHEDULES));
  const gi = o.guidance_interval;
  const pair = Array.isArray(gi) && gi.length === 2 && gi.every((x) => typeof x === 'number') ? (gi as [number, number]) : null;
  if (gi !== undefined && gi !== null && !(pair && 0 <= pair[0] && pair[0] < pair[1] && pair[1] <= 1)) bad('guidance_interval', 'null or [a, b] with 0 <= a < b <= 1');
  const scheduler = o.scheduler;
  if (scheduler !== undefined && !isSchedulerName(String(scheduler))) bad('scheduler', anyOf(SCHEDULER_NAMES));
  const lastFull = int('deep_cache_last_full', 0, 0);
  return {
    deepCache: {
      interval: int('deep_cache', 1, GENERIC_FAST.deepCache.interval),
      branch: int('deep_cache_branch', 0, GENERIC_FAST.deepCache.branch),
      schedule: schedule as DeepCacheSettings['schedule'],
      // 0 is stored as absent, as the settings do
      ...(lastFull > 0 ? { lastFull } : {}),
    },
    guidanceInterval: pair,
    ...(o.steps !== undefined ? { steps: int('steps', 1, 1) } : {}),
    ...(scheduler !== undefined ? { scheduler: scheduler as SchedulerName } : {}),
  };
}

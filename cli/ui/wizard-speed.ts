// The wizard's sampling-speed questions (in the advanced group): off, --fast (the model's preset), or a DeepCache interval and guidance interval.
import type { ModelDefaults } from '../../core/pipeline/defaults.js';
import type { FastPreset } from '../../core/pipeline/fast.js';
import { parseInteger } from '../parse.js';
import type { GivenFlags } from '../settings.js';
import { parseGuidanceInterval, type GivenSpeed } from '../speed.js';
import type { Answers, WizardField } from './wizard-fields.js';
import { problem } from './field-check.js';

/** The preset in the words of its flags, for the choice's label. */
export function describePreset(p: FastPreset): string {
  const parts = [
    ...(p.scheduler ? [`${p.scheduler}`] : []),
    ...(p.steps !== undefined ? [`${p.steps} steps`] : []),
    ...(p.deepCache.interval > 1 ? [`DeepCache every ${p.deepCache.interval} steps`] : []),
    ...(p.guidanceInterval ? [`guidance on ${p.guidanceInterval.join(',')} of the steps`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

const DEEP_CACHE_LABEL = '--deep-cache';

/** The fields; `when` says whether the advanced group is open. */
export function speedFields(given: GivenFlags, defaults: () => ModelDefaults, when: (a: Answers) => boolean): WizardField[] {
  const s = given.speed;
  const custom = (a: Answers) => when(a) && a.speed === 'custom';
  return [
    {
      key: 'speed',
      label: 'Sampling speed',
      when,
      choices: () => [
        { value: 'off', label: 'full: every step runs the whole U-Net with guidance' },
        { value: 'fast', label: `fast: the model's measured trade-off (--fast: ${describePreset(defaults().fast)})` },
        { value: 'custom', label: 'my own DeepCache interval and guidance interval' },
      ],
      initial: () => (s.fast ? 'fast' : s.deepCache !== undefined || s.guidanceInterval !== undefined ? 'custom' : 'off'),
    },
    {
      key: 'deepCache',
      label: 'DeepCache interval',
      hint: 'a full U-Net step every N steps, shallow ones between (1 = off)',
      when: custom,
      initial: () => String(s.deepCache ?? 1),
      check: (raw) => problem(() => parseInteger(DEEP_CACHE_LABEL, raw, 1, 1000)),
    },
    {
      key: 'guidanceInterval',
      label: 'Guidance interval',
      hint: 'A,B: guidance only on steps in [A, B) (fractions; 0,1 = every step)',
      when: custom,
      initial: () => (s.guidanceInterval ?? [0, 1]).join(','),
      check: (raw) => problem(() => parseGuidanceInterval('guidance interval', raw)),
    },
  ];
}

/** The answers as the flags would have said them; unasked (group closed): as given. */
export function speedFromAnswers(a: Answers, given: GivenSpeed, asked: boolean): GivenSpeed {
  if (!asked || a.speed === undefined) return given;
  // the preset's own branch / schedule / last-full stay; flags given for them still win over it
  const keep = {
    ...(given.deepCacheBranch !== undefined ? { deepCacheBranch: given.deepCacheBranch } : {}),
    ...(given.deepCacheSchedule ? { deepCacheSchedule: given.deepCacheSchedule } : {}),
    ...(given.deepCacheLastFull !== undefined ? { deepCacheLastFull: given.deepCacheLastFull } : {}),
  };
  if (a.speed === 'off') return { fast: false };
  if (a.speed === 'fast') return { fast: true, ...keep };
  return {
    fast: false,
    ...keep,
    deepCache: parseInteger(DEEP_CACHE_LABEL, a.deepCache ?? '1', 1, 1000),
    guidanceInterval: parseGuidanceInterval('guidance interval', a.guidanceInterval ?? '0,1'),
  };
}

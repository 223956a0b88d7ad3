// The sampling-speed settings (--fast, --deep-cache*, --guidance-interval) declared once: flags, composite parser,
// completion from the model's fast preset, and the words of a reproduce command.
import { UsageError } from '../core/errors.js';
import type { ModelDefaults } from '../core/pipeline/defaults.js';
import { DEEP_CACHE_SCHEDULES, type DeepCacheSchedule, type DeepCacheSettings } from '../core/pipeline/deep-cache.js';
import type { Layered, Sourced } from './config.js';
import { flagLabel, type FlagSpec } from './flag-spec.js';
import { parseBoolean, parseChoice, parseInteger, parseNumberList } from './parse.js';

export { DEEP_CACHE_SCHEDULES };

/** The speed rows of the flag table, in --help order. */
export const SPEED_FLAGS = {
  fast: {
    key: 'fast',
    flags: '--fast',
    description: "the model's measured speed/quality trade-off (DeepCache, guidance interval; t2v.json fast); flags below override it",
    defaultText: 'off',
    bool: true,
    configurable: true,
  },
  deepCache: {
    key: 'deepCache',
    flags: '--deep-cache <n>',
    description: 'DeepCache: the whole U-Net every n steps, its cached deep feature in between (1 = off)',
    defaultText: '1, off',
    configurable: true,
  },
  deepCacheBranch: {
    key: 'deepCacheBranch',
    flags: '--deep-cache-branch <k>',
    description: "which skip of the U-Net's last up block the cached steps keep: 0 = the shallowest (fastest)",
    defaultText: '0',
    configurable: true,
  },
  deepCacheSchedule: {
    key: 'deepCacheSchedule',
    flags: '--deep-cache-schedule <name>',
    description: `which steps run the whole U-Net: ${DEEP_CACHE_SCHEDULES.join(' | ')} (DeepCache's, denser early)`,
    defaultText: 'uniform',
    configurable: true,
  },
  deepCacheLastFull: {
    key: 'deepCacheLastFull',
    flags: '--deep-cache-last-full <k>',
    description: 'the last k steps run the whole U-Net too; the other full steps spread over the steps before (same count, same cost)',
    defaultText: '0',
    configurable: true,
  },
  guidanceInterval: {
    key: 'guidanceInterval',
    flags: '--guidance-interval <a,b>',
    description: 'classifier-free guidance only on steps in [a, b) (fractions of the steps); the others run the conditional half alone',
    defaultText: '0,1, every step',
    configurable: true,
  },
} as const satisfies Readonly<Record<string, FlagSpec>>;

export interface GivenSpeed {
  readonly fast: boolean;
  readonly deepCache?: number;
  readonly deepCacheBranch?: number;
  readonly deepCacheSchedule?: DeepCacheSchedule;
  readonly deepCacheLastFull?: number;
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

/** Each value's parser and range, by its flag attribute. */
const SPEED_PARSERS = {
  deepCache: (l: string, r: string) => parseInteger(l, r, 1, 1000),
  deepCacheBranch: (l: string, r: string) => parseInteger(l, r, 0, 100),
  deepCacheSchedule: (l: string, r: string) => parseChoice(l, r, DEEP_CACHE_SCHEDULES),
  deepCacheLastFull: (l: string, r: string) => parseInteger(l, r, 0, 1000),
  guidanceInterval: parseGuidanceInterval,
} as const;

/** The composite parser: every speed flag that was given (command line, T2V_* or config.json), checked. */
export function checkSpeed(v: Layered): GivenSpeed {
  const given = <K extends keyof typeof SPEED_PARSERS>(k: K): { [P in K]?: ReturnType<(typeof SPEED_PARSERS)[K]> } => {
    const s = v[SPEED_FLAGS[k].key];
    // each key's own parser makes its own field
    return (s ? { [k]: SPEED_PARSERS[k](s.label, raw(s)) } : {}) as { [P in K]?: ReturnType<(typeof SPEED_PARSERS)[K]> };
  };
  return {
    fast: v.fast === undefined ? false : parseBoolean(v.fast.label, v.fast.value),
    ...given('deepCache'),
    ...given('deepCacheBranch'),
    ...given('deepCacheSchedule'),
    ...given('deepCacheLastFull'),
    ...given('guidanceInterval'),
  };
}

/** Given values over --fast's preset (when asked) over "off"; also the steps / scheduler the preset brings. */
export function completeSpeed(g: GivenSpeed, d: ModelDefaults): SpeedSettings & { readonly steps?: number; readonly scheduler?: ModelDefaults['scheduler'] } {
  const p = g.fast ? d.fast : null;
  const interval = g.deepCache ?? p?.deepCache.interval ?? 1;
  const lastFull = g.deepCacheLastFull ?? p?.deepCache.lastFull ?? 0;
  const deepCache =
    interval > 1
      ? { interval, branch: g.deepCacheBranch ?? p?.deepCache.branch ?? 0, schedule: g.deepCacheSchedule ?? p?.deepCache.schedule ?? 'uniform', ...(lastFull > 0 ? { lastFull } : {}) }
      : null;
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

/** DeepCache's settings in words, for the run summary and `t2v info`. */
export function deepCacheWords(dc: DeepCacheSettings): string {
  return `DeepCache every ${dc.interval} steps (branch ${dc.branch}, ${dc.schedule}${dc.lastFull ? `, last ${dc.lastFull} full` : ''})`;
}

/** One line for the run summary, or null when every step ran the whole U-Net with guidance. */
export function describeSpeed(s: SpeedSettings, calls: { readonly full: number; readonly shallow: number; readonly guided: number } | undefined, steps: number): string | null {
  if (!s.deepCache && !s.guidanceInterval) return null;
  const parts: string[] = [];
  if (s.fast) parts.push('--fast');
  if (s.deepCache) parts.push(`${deepCacheWords(s.deepCache)}${calls ? `: ${calls.full} full + ${calls.shallow} shallow U-Net calls` : ''}`);
  if (s.guidanceInterval) parts.push(`guidance on steps in [${s.guidanceInterval.join(', ')})${calls ? `: ${calls.guided}/${steps}` : ''}`);
  return parts.join('; ');
}

const flag = (k: keyof typeof SPEED_FLAGS): string => flagLabel(SPEED_FLAGS[k]);

/** Spelled out, off included (not --fast), so neither the model's preset nor a config can change a reproduction. */
export function speedWords(s: Omit<SpeedSettings, 'fast'>): string[] {
  const dc = s.deepCache;
  return [
    flag('deepCache'),
    String(dc?.interval ?? 1),
    ...(dc ? [flag('deepCacheBranch'), String(dc.branch), flag('deepCacheSchedule'), dc.schedule, flag('deepCacheLastFull'), String(dc.lastFull ?? 0)] : []),
    flag('guidanceInterval'),
    (s.guidanceInterval ?? [0, 1]).join(','),
  ];
}

/** The declaration: the flags, the composite parser, completion and the metadata key. */
export const SPEED_SETTING = { name: 'sampling', flags: Object.values(SPEED_FLAGS), parse: checkSpeed, complete: completeSpeed, metadataKey: 'sampling' } as const;

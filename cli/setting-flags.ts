// Core names settings in its messages (settingRef: `steps`, `deepCache.branch`, `freeu.b1`); this is the one place
// that spells each as the flag the user typed, from the declarations, so the user sees one line naming the flag.
import { renderSettings, T2vError } from '../core/errors.js';
import { flagLabel, type FlagSpec } from './flag-spec.js';
import { GENERATION_FLAGS } from './flags.js';
import { FREEU_FIELD_FLAGS, FREEU_PRESET_FLAG } from './freeu-setting.js';
import { SCALAR_KEYS, scalarSpec } from './generation-settings.js';
import { SPEED_FLAGS } from './speed.js';

/** Request fields whose flag is not the row of the same key. */
const BY_SETTING: ReadonlyMap<string, FlagSpec> = new Map<string, FlagSpec>([
  ...SCALAR_KEYS.map((k) => [k, scalarSpec(k).flag] as const),
  ...Object.entries(FREEU_FIELD_FLAGS).map(([f, spec]) => [`freeu.${f}`, spec] as const),
  ['freeu.preset', FREEU_PRESET_FLAG],
  ['deepCache.interval', SPEED_FLAGS.deepCache],
  ['deepCache.branch', SPEED_FLAGS.deepCacheBranch],
  ['deepCache.schedule', SPEED_FLAGS.deepCacheSchedule],
  ['deepCache.lastFull', SPEED_FLAGS.deepCacheLastFull],
]);

/** `--steps` for `steps`, `-W` for (`width`, short); a setting without a flag keeps its name. */
export function flagOfSetting(setting: string, form?: 'short'): string {
  const spec = BY_SETTING.get(setting) ?? GENERATION_FLAGS.find((s) => s.key === setting);
  if (!spec) return setting;
  const short = /^(-[A-Za-z]),/.exec(spec.flags)?.[1];
  return form === 'short' && short ? short : flagLabel(spec);
}

/** The error with its message in the CLI's words (flags for settings); anything else as it is. */
export function inFlagTerms<E>(err: E): E {
  if (err instanceof T2vError) err.message = renderSettings(err.template, flagOfSetting);
  return err;
}

/** `f` with every core error it throws spelled in flags. */
export function speakingFlags<A extends unknown[], R>(f: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => f(...args).catch((e: unknown) => Promise.reject(inFlagTerms(e)));
}

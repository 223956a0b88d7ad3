// A benchmark's one error line: core names settings (settingRef), a benchmark spells each as its own flag (--max-memory).
import { errorMessage, renderSettings, T2vError } from '../core/errors.js';

/** The text of anything thrown, settings spelled `--kebab-case` as the benchmarks' flags are. */
export function benchMessage(e: unknown): string {
  if (!(e instanceof T2vError)) return errorMessage(e);
  return renderSettings(e.template, (s) => `--${s.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

// What the benchmark scripts share: their `--name value` flags and the median of their timings.

/** The value after `--name` on the command line, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Whether the switch `--name` (no value) is on the command line. */
export function has(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** numpy.median: the mean of the two middle values for an even count (NaN for none). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

// Readers for config.json values: each wrong value is a one-line error naming the key and the file.
import { T2vError } from '../../core/errors.js';

export class ConfigReader {
  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    private readonly what: string,
  ) {}

  private fail(key: string, want: string): never {
    throw new T2vError(`${this.what}: ${key} is ${showValue(this.raw[key])}, expected ${want}; t2v cannot build this model`);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  int(key: string, dflt: number, min = 1): number {
    const v = this.raw[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer >= ${min}`);
    return v;
  }

  num(key: string, dflt: number): number {
    const v = this.raw[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a number');
    return v;
  }

  str(key: string, dflt: string, allowed?: readonly string[]): string {
    const v = this.raw[key] ?? dflt;
    if (typeof v !== 'string' || (allowed && !allowed.includes(v))) this.fail(key, allowed ? `one of ${allowed.join(', ')}` : 'a string');
    return v;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw[key] ?? dflt;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  ints(key: string, dflt: readonly number[]): number[] {
    const v = this.raw[key] ?? dflt;
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1)) this.fail(key, 'a list of positive integers');
    return v as number[];
  }

  strs(key: string, dflt: readonly string[], allowed: readonly string[]): string[] {
    const v = this.raw[key] ?? dflt;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !allowed.includes(x))) this.fail(key, `a list of ${allowed.join(', ')}`);
    return v as string[];
  }

  /** Must be absent/null or equal to `value` (features t2v does not build). */
  only(key: string, value: unknown): void {
    const v = this.raw[key];
    if (v !== undefined && v !== null && v !== value) this.fail(key, value === null ? 'null (not supported otherwise)' : `${JSON.stringify(value)} (not supported otherwise)`);
  }

  reject(message: string): never {
    throw new T2vError(`${this.what}: ${message}; t2v cannot build this model`);
  }
}

/** A config value as the file spells it: JSON, except Python's Infinity / -Infinity / NaN, which JSON prints as null. */
export function showValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  return JSON.stringify(value) ?? String(value);
}

/** Sorted-key JSON, for cache keys. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

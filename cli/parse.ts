// Turns the raw text of one flag (from the command line, T2V_* or config.json) into a checked value, or a UsageError naming the flag.
import { MAX_SEED } from '../core/common/types.js';
import { UsageError } from '../core/errors.js';

/** A whole number >= min (and <= max when given). */
export function parseInteger(flag: string, raw: string, min: number, max?: number): number {
  const text = raw.trim();
  const value = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} ${raw}: invalid value; use a whole number ${range}`);
  }
  return value;
}

/** A finite number, optionally within [min, max] (an exclusive lower bound when `minExclusive`). */
export function parseNumber(flag: string, raw: string, opts: { readonly min?: number; readonly max?: number; readonly minExclusive?: boolean } = {}): number {
  const text = raw.trim();
  const value = Number(text);
  const { min, max, minExclusive = false } = opts;
  const below = min !== undefined && (minExclusive ? value <= min : value < min);
  if (text === '' || !Number.isFinite(value) || below || (max !== undefined && value > max)) {
    const parts: string[] = [];
    if (min !== undefined) parts.push(`${minExclusive ? '>' : '>='} ${min}`);
    if (max !== undefined) parts.push(`<= ${max}`);
    throw new UsageError(`${flag} ${raw}: invalid value; use a number${parts.length ? ` ${parts.join(' and ')}` : ''}`);
  }
  return value;
}

/** One of a fixed set of names. */
export function parseChoice<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  const value = raw.trim();
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} ${raw}: invalid value; use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A seed 0 .. 2^64-1, as torch.Generator.manual_seed takes it. */
export function parseSeed(flag: string, raw: string): bigint {
  const text = raw.trim();
  if (!/^\d+$/.test(text) || BigInt(text) > MAX_SEED) {
    throw new UsageError(`${flag} ${raw}: invalid value; use a whole number from 0 to ${MAX_SEED}`);
  }
  return BigInt(text);
}

/** yes/no from env or config: 1/0, true/false, yes/no, on/off. */
export function parseBoolean(flag: string, raw: string | boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  throw new UsageError(`${flag} ${raw}: invalid value; use true or false (1/0, yes/no, on/off)`);
}

/** A comma list of numbers, for `t2v sweep --b1 1,1.2,1.4`. */
export function parseNumberList(flag: string, raw: string, opts: { readonly min?: number; readonly max?: number; readonly minExclusive?: boolean } = {}): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`${flag} ${raw}: invalid value; use a comma list of numbers, like 1,1.2,1.4`);
  return parts.map((p) => parseNumber(flag, p, opts));
}

// JSON as Python writes it: diffusers configs may hold the bare literals Infinity, -Infinity and NaN.
import { readFile } from 'node:fs/promises';
import { T2vError } from '../core/errors.js';

/** Parses JSON text that may contain Python's `Infinity`, `-Infinity` and `NaN` outside strings. */
export function parsePythonJson(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const literal = text.startsWith('-Infinity', i) ? '-Infinity' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('NaN', i) ? 'NaN' : null;
    if (literal) {
      out += `{"__pyfloat__":"${literal}"}`;
      i += literal.length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tag = (value as { __pyfloat__?: unknown }).__pyfloat__;
      if (tag !== undefined && Object.keys(value).length === 1) return Number(tag);
    }
    return value;
  });
}

/** Reads and parses a JSON file; a missing or malformed file is a one-line error naming it and `fix` (what to do). */
export async function readJsonFile(
  path: string,
  fix: { readonly missing: string; readonly invalid: string } = { missing: 'check the path', invalid: 'fix or re-download the file' },
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new T2vError(`${path} is missing or unreadable; ${fix.missing}`);
  }
  try {
    return parsePythonJson(text);
  } catch (e) {
    throw new T2vError(`${path} is not valid JSON (${(e as Error).message.split('\n')[0]}); ${fix.invalid}`);
  }
}

/** Narrows a parsed JSON value to an object, or throws naming the file. */
export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new T2vError(`${what} must hold a JSON object`);
}

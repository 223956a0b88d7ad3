// Output file names of a batch from a template: {index} {line} {seed} {slug} {ab}, checked to stay in --out-dir and unique.
import { extname } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { slugOf } from '../settings.js';
import type { AbVariant } from './jobs.js';

export const DEFAULT_TEMPLATE = '{index}-{slug}-{seed}{ab}.mp4';
const TOKENS = ['index', 'line', 'seed', 'slug', 'ab'] as const;
const SINGLE_FILE = ['.mp4', '.webm', '.gif'];

export interface NameFields {
  readonly index: number;
  readonly count: number;
  readonly lineNo: number;
  readonly seed: bigint;
  readonly prompt: string;
  readonly variant?: AbVariant;
}

/** Checks a template before anything runs: known tokens, a video extension, no folders. */
export function checkTemplate(template: string): void {
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(TOKENS as readonly string[]).includes(m[1]!)) {
      throw new UsageError(`--name ${template}: unknown field {${m[1]}}; use ${TOKENS.map((t) => `{${t}}`).join(' ')}`);
    }
  }
  if (/[/\\]/.test(template) || template.includes('\0')) throw new UsageError(`--name ${template}: a file name, not a path; the folder is --out-dir`);
  if (!SINGLE_FILE.includes(extname(template).toLowerCase())) {
    throw new UsageError(`--name ${template}: end it in ${SINGLE_FILE.join(', ')} (each job writes one video file)`);
  }
}

export function renderName(template: string, f: NameFields): string {
  const width = String(f.count).length;
  const values: Record<(typeof TOKENS)[number], string> = {
    index: String(f.index).padStart(width, '0'),
    line: String(f.lineNo),
    seed: String(f.seed),
    slug: slugOf(f.prompt),
    ab: f.variant === undefined ? '' : `-freeu-${f.variant}`,
  };
  const name = template.replace(/\{([a-z]+)\}/g, (_m, k: (typeof TOKENS)[number]) => values[k]);
  if (name.startsWith('.') || name === '') throw new UsageError(`--name ${template}: makes the hidden or empty name "${name}"; start it with a field or letter`);
  return name;
}

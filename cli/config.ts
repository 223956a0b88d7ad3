// Defaults from $XDG_CONFIG_HOME/t2v/config.json and T2V_* variables, layered under the flags: flag > env > config.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { FLAG_ALIASES, GENERATION_FLAGS, REPORT_FLAGS, envName, flagLabel, type FlagSpec } from './flags.js';

/** One setting and where it came from, so that an error can name the flag, variable or config key. */
export interface Sourced {
  readonly value: string | boolean;
  readonly label: string;
}

export type Layered = Readonly<Record<string, Sourced | undefined>>;

const CONFIGURABLE: readonly FlagSpec[] = [...GENERATION_FLAGS, ...REPORT_FLAGS].filter((s) => s.configurable);

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 't2v', 'config.json');
}

/** The config file's settings; no file is no settings. Keys are flag names, camelCase or as on the command line. */
export function readConfig(env: NodeJS.ProcessEnv): Record<string, Sourced> {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message}); fix or remove the file`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${path}: must hold one JSON object of flag names and values, like {"steps": 25}`);
  }
  return sourcedFromObject(data as Record<string, unknown>, CONFIGURABLE, path);
}

/**
 * One JSON object of settings (config.json, a batch .jsonl line) as sourced values; keys are flag names, camelCase
 * or as on the command line, and `specs` says which are allowed.
 */
export function sourcedFromObject(data: Readonly<Record<string, unknown>>, specs: readonly FlagSpec[], where: string): Record<string, Sourced> {
  const out: Record<string, Sourced> = {};
  for (const [name, value] of Object.entries(data)) {
    const spec = specs.find((s) => s.key === name || flagLabel(s) === `--${name}`);
    if (!spec) {
      throw new UsageError(`${where}: unknown setting "${name}"; allowed: ${specs.map((s) => s.key).join(', ')}`);
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UsageError(`${where}: "${name}" has a value of type ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}; use a string, number or boolean`);
    }
    out[spec.key] = { value: typeof value === 'number' ? String(value) : value, label: `${where} "${name}"` };
  }
  return out;
}

/** T2V_STEPS=25 and the like. */
export function readEnv(env: NodeJS.ProcessEnv): Record<string, Sourced> {
  const out: Record<string, Sourced> = {};
  for (const spec of CONFIGURABLE) {
    const name = envName(spec);
    const value = env[name];
    if (value !== undefined && value !== '') out[spec.key] = { value, label: name };
  }
  return out;
}

/** Commander's parsed options as sourced values (only what was given). */
export function fromFlags(opts: Readonly<Record<string, unknown>>): Record<string, Sourced> {
  const out: Record<string, Sourced> = {};
  for (const spec of [...GENERATION_FLAGS, ...REPORT_FLAGS]) {
    const value = opts[spec.key];
    if (typeof value === 'string' || typeof value === 'boolean') out[spec.key] = { value, label: spec.key === 'freeu' && value === false ? '--no-freeu' : flagLabel(spec) };
  }
  for (const a of FLAG_ALIASES) {
    const value = opts[a.attr];
    if (typeof value === 'string' && out[a.key] === undefined) out[a.key] = { value, label: a.flags.split(' ')[0]! };
  }
  return out;
}

/** Flag over environment over config file. */
export function layer(flags: Record<string, Sourced>, env: NodeJS.ProcessEnv): Layered {
  return { ...readConfig(env), ...readEnv(env), ...flags };
}

// The wizard's memory: the last answers in $XDG_CONFIG_HOME/t2v/last.json, and the answers for another run after one.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { configPath } from '../config.js';
import { defaultOutput, drawSeed } from '../settings.js';
import type { Answers, WizardField } from './wizard-fields.js';

/** Never remembered: a seed is drawn anew, and the last output name would only collide. */
const NOT_REMEMBERED = new Set(['seed', 'output']);

export function lastAnswersPath(env: NodeJS.ProcessEnv): string {
  return join(dirname(configPath(env)), 'last.json');
}

/** The saved answers, or none when the file is missing or not what we wrote (it is only a convenience). */
export function readLastAnswers(env: NodeJS.ProcessEnv): Answers {
  try {
    const data = JSON.parse(readFileSync(lastAnswersPath(env), 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
    return Object.fromEntries(Object.entries(data).filter(([k, v]) => typeof v === 'string' && !NOT_REMEMBERED.has(k))) as Answers;
  } catch {
    return {};
  }
}

export function writeLastAnswers(env: NodeJS.ProcessEnv, answers: Answers): void {
  const path = lastAnswersPath(env);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const kept = Object.fromEntries(Object.entries(answers).filter(([k]) => !NOT_REMEMBERED.has(k)));
    writeFileSync(`${path}.${process.pid}.tmp`, `${JSON.stringify(kept, null, 2)}\n`);
    renameSync(`${path}.${process.pid}.tmp`, path);
  } catch {
    // a read-only config folder only loses the convenience
  }
}

/** Fields whose grey default is the last answer, except where a flag said otherwise (`given` keys). */
export function rememberedFields(fields: readonly WizardField[], last: Answers, given: ReadonlySet<string>): WizardField[] {
  return fields.map((f) => {
    const value = last[f.key];
    if (value === undefined || given.has(f.key)) return f;
    if (f.choices && !f.choices({}).some((c) => c.value === value)) return f;
    return { ...f, initial: () => value };
  });
}

/** `clip.mp4` -> `clip-2.mp4` ... : the first name not taken (folders and frame patterns are left as they are). */
export function freeName(path: string): string {
  if (path.endsWith('/') || path.includes('%') || !existsSync(path)) return path;
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  for (let n = 2; ; n++) if (!existsSync(`${stem}-${n}${ext}`)) return `${stem}-${n}${ext}`;
}

/** After a run: a new seed when asked, and an output name that does not collide with the file just written. */
export function nextAnswers(a: Answers, newSeed: boolean): Answers {
  const prompt = a.prompt ?? 'video';
  const seed = newSeed ? String(drawSeed()) : (a.seed ?? String(drawSeed()));
  const wasDefault = a.output === undefined || (a.seed !== undefined && a.output === defaultOutput(prompt, BigInt(a.seed)));
  const output = wasDefault ? defaultOutput(prompt, BigInt(seed)) : a.output!;
  return { ...a, seed, output: freeName(output) };
}

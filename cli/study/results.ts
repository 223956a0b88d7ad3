// A FreeU study's votes aggregated: preference for FreeU per question, overall and per prompt, with Wilson 95% intervals.
import { T2vError, UsageError } from '../../core/errors.js';
import { QUESTIONS, type StudyData } from './page.js';

export type Choice = 'freeu' | 'base' | 'same';

export interface Vote {
  readonly rater: string;
  readonly pair: string;
  readonly question: string;
  readonly choice: Choice;
}

export interface Preference {
  readonly freeu: number;
  readonly base: number;
  readonly same: number;
  /** freeu / (freeu + base): ties are reported, not counted; null with no decided vote. */
  readonly preferred: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly raters: number;
}

export interface StudyResults {
  readonly study: string;
  readonly raters: number;
  readonly overall: Readonly<Record<string, Preference>>;
  readonly perPrompt: readonly { readonly prompt: string; readonly byQuestion: Readonly<Record<string, Preference>> }[];
}

/** Wilson score interval for k successes in n trials at 95% (z = 1.96): sound for small n and p near 0 or 1. */
export function wilson(k: number, n: number, z = 1.959963984540054): { readonly low: number; readonly high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** One exported votes file, checked: it is outside input (a rater's browser). */
export function parseVotes(text: string, where: string, study: StudyData): Vote[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${where}: not a votes file (not JSON); export it again from the study page`);
  }
  const d = data as { study?: unknown; rater?: unknown; votes?: unknown };
  if (typeof d !== 'object' || d === null || !Array.isArray(d.votes) || typeof d.rater !== 'string') throw new UsageError(`${where}: not a votes file exported by a t2v study page`);
  if (d.study !== study.id) throw new UsageError(`${where}: votes of another study (${String(d.study)}), this folder holds ${study.id}`);
  const pairs = new Set(study.pairs.map((p) => p.id));
  const questions = new Set<string>(QUESTIONS.map((q) => q.key));
  return d.votes.map((v: unknown, i: number): Vote => {
    const x = v as Record<string, unknown>;
    if (
      typeof x !== 'object' ||
      x === null ||
      typeof x.pair !== 'string' ||
      !pairs.has(x.pair) ||
      typeof x.question !== 'string' ||
      !questions.has(x.question) ||
      !['freeu', 'base', 'same'].includes(x.choice as string)
    ) {
      throw new UsageError(`${where}: vote ${i + 1} is not one of this study's (pair, question, choice)`);
    }
    return {
      rater: String(d.rater)
        .replace(/[^\w-]/g, '')
        .slice(0, 64),
      pair: x.pair,
      question: x.question,
      choice: x.choice as Choice,
    };
  });
}

function tally(votes: readonly Vote[]): Preference {
  const freeu = votes.filter((v) => v.choice === 'freeu').length;
  const base = votes.filter((v) => v.choice === 'base').length;
  const same = votes.length - freeu - base;
  const n = freeu + base;
  const ci = n > 0 ? wilson(freeu, n) : null;
  return { freeu, base, same, preferred: n > 0 ? freeu / n : null, low: ci?.low ?? null, high: ci?.high ?? null, raters: new Set(votes.map((v) => v.rater)).size };
}

/** A rater's last answer per pair and question counts (an undo then a new answer replaces, a re-export does not double). */
export function aggregate(study: StudyData, all: readonly Vote[]): StudyResults {
  const last = new Map<string, Vote>();
  for (const v of all) last.set(`${v.rater}\0${v.pair}\0${v.question}`, v);
  const votes = [...last.values()];
  if (votes.length === 0) throw new T2vError('no votes in the given files; rate some pairs on the study page and export them');
  const byQuestion = (vs: readonly Vote[]): Record<string, Preference> => Object.fromEntries(QUESTIONS.map((q) => [q.key, tally(vs.filter((v) => v.question === q.key))]));
  const prompts = [...new Set(study.pairs.map((p) => p.prompt))];
  const promptOf = new Map(study.pairs.map((p) => [p.id, p.prompt]));
  return {
    study: study.id,
    raters: new Set(votes.map((v) => v.rater)).size,
    overall: byQuestion(votes),
    perPrompt: prompts.map((prompt) => ({ prompt, byQuestion: byQuestion(votes.filter((v) => promptOf.get(v.pair) === prompt)) })),
  };
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

/** The results as a plain-text table. */
export function resultsTable(r: StudyResults): string {
  const rows: string[][] = [['', 'question', 'FreeU', 'base', 'same', 'prefer FreeU', '95% interval', 'raters']];
  const add = (label: string, by: Readonly<Record<string, Preference>>): void => {
    for (const q of QUESTIONS) {
      const p = by[q.key]!;
      rows.push([label, q.key, String(p.freeu), String(p.base), String(p.same), pct(p.preferred), p.low === null ? '-' : `${pct(p.low)} - ${pct(p.high)}`, String(p.raters)]);
    }
  };
  add('all', r.overall);
  for (const p of r.perPrompt) add(p.prompt.length > 40 ? `${p.prompt.slice(0, 39)}…` : p.prompt, p.byQuestion);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

// `t2v study PROMPTS --out DIR`: FreeU off/on pairs for every prompt and seed and a blind rating page; `t2v study results`.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { T2vError, UsageError } from '../../core/errors.js';
import type { ManifestRecord } from '../batch/manifest.js';
import type { Context } from '../context.js';
import { GENERATION_FLAGS, REPORT_FLAGS, addFlags } from '../flags.js';
import { parseInteger } from '../parse.js';
import { writeFileAtomic } from '../write-atomic.js';
import { studyPage, type StudyData, type StudyPair } from '../study/page.js';
import { aggregate, parseVotes, resultsTable } from '../study/results.js';
import { parseJobs } from '../batch/lanes.js';
import { batchExitCode, jobsOption, runBatch } from './batch.js';

const STUDY_FILE = 'study.json';

/** The pairs whose two videos are both done, in batch order. */
export function studyPairs(records: readonly ManifestRecord[], clipsDir: string, pageDir: string): StudyPair[] {
  const sides = new Map<string, { off?: ManifestRecord; on?: ManifestRecord }>();
  for (const r of records) {
    if (r.status !== 'done' || r.pairKey === undefined || r.variant === undefined) continue;
    const s = sides.get(r.pairKey) ?? {};
    s[r.variant] = r;
    sides.set(r.pairKey, s);
  }
  const pairs: StudyPair[] = [];
  for (const [id, { off, on }] of sides) {
    if (!off?.output || !on?.output) continue;
    const rel = (name: string): string => relative(pageDir, join(clipsDir, name)).split('\\').join('/');
    pairs.push({ id, prompt: off.prompt ?? '', seed: off.seed ?? '', off: rel(off.output), on: rel(on.output) });
  }
  return pairs.sort((a, b) => records.findIndex((r) => r.pairKey === a.id) - records.findIndex((r) => r.pairKey === b.id));
}

export async function studyAction(file: string, opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  if (typeof opts.out !== 'string') throw new UsageError('study needs --out DIR (the folder for the clips and the rating page)');
  const dir = resolve(opts.out);
  const clips = join(dir, 'clips');
  const seeds = typeof opts.seeds === 'string' ? parseInteger('--seeds', opts.seeds, 1, 1000) : 1;
  // WebM (VP9): every browser plays it from file://
  const run = await runBatch(file, { dir: clips, template: '{index}-{slug}-{seed}{ab}.webm', seeds, ab: true, queueName: 't2v', jobs: parseJobs(opts.jobs) }, opts, ctx);
  const pairs = studyPairs(run.manifest.all(), clips, dir);
  if (pairs.length === 0) throw new T2vError('no pair of videos was made; see the lines above');
  const id = createHash('sha256')
    .update(pairs.map((p) => p.id).join(','))
    .digest('hex')
    .slice(0, 12);
  const data: StudyData = { id, title: `FreeU study: ${pairs.length} pairs`, pairs };
  await writeFileAtomic(join(dir, STUDY_FILE), `${JSON.stringify(data, null, 1)}\n`);
  await writeFileAtomic(join(dir, 'index.html'), studyPage(data));
  const page = join(dir, 'index.html');
  if (run.given.json) ctx.io.stdout.write(`${JSON.stringify({ page, study: id, pairs: pairs.length, ...run.tally })}\n`);
  else {
    if (!run.given.quiet)
      ctx.io.stderr.write(`study ${id}: ${pairs.length} pairs; open ${page} in a browser (no server needed), rate, export the votes, then: t2v study results ${opts.out} votes-*.json\n`);
    ctx.io.stdout.write(`${page}\n`);
  }
  return batchExitCode(run.tally);
}

export async function studyResultsAction(dirArg: string, files: readonly string[], opts: Readonly<Record<string, unknown>>, ctx: Context): Promise<number> {
  const dir = resolve(dirArg);
  let study: StudyData;
  try {
    study = JSON.parse(await readFile(join(dir, STUDY_FILE), 'utf8')) as StudyData;
  } catch {
    throw new UsageError(`${dirArg}: no ${STUDY_FILE} here; give the folder that t2v study --out made`);
  }
  if (files.length === 0) throw new UsageError('study results needs the exported votes files, like: t2v study results DIR votes-*.json');
  const votes = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch {
      throw new UsageError(`${f}: no such file; give the votes files the study page exported`);
    }
    votes.push(...parseVotes(text, f, study));
  }
  const results = aggregate(study, votes);
  await writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  const { renderChart, resultsSpec } = await import('../study/chart.js');
  await writeFileAtomic(join(dir, 'results.png'), await renderChart(resultsSpec(results)));
  if (opts.json === true) ctx.io.stdout.write(`${JSON.stringify(results)}\n`);
  else ctx.io.stdout.write(`study ${results.study}: ${results.raters} raters\n${resultsTable(results)}chart: ${join(dir, 'results.png')}\n`);
  return 0;
}

export function studyCommand(ctx: Context, done: (code: number) => void): Command {
  const cmd = new Command('study')
    .description('a blind FreeU A/B study: off/on pairs for every prompt and seed, and a rating page (DIR/index.html)')
    .argument('<prompts>', 'the prompts: .txt, .jsonl or - (as t2v batch reads them)');
  addFlags(cmd, GENERATION_FLAGS, ['prompt', 'output', 'overwrite']);
  addFlags(cmd, REPORT_FLAGS);
  cmd.addOption(new Option('--out <dir>', 'folder for the clips, study.json and index.html'));
  cmd.addOption(new Option('--seeds <n>', 'seeds per prompt (default: 1)'));
  cmd.addOption(jobsOption());
  cmd.action(async (file: string, opts: Record<string, unknown>) => done(await studyAction(file, opts, ctx)));
  const results = new Command('results')
    .description('aggregate exported votes: preference for FreeU per question, overall and per prompt, 95% intervals, a PNG chart')
    .argument('<dir>', 'the study folder')
    .argument('[votes...]', 'votes-*.json files exported from the page');
  results.addOption(new Option('--json', 'print the results as one JSON object'));
  results.action(async (d: string, files: string[], opts: Record<string, unknown>) => done(await studyResultsAction(d, files, opts, ctx)));
  cmd.addCommand(results);
  return cmd;
}

// `npm run bench:fast-cli`: --fast against the defaults through the CLI on the embedded model, interleaved runs, ratio of medians.
// Each run is a separate `t2v --json` process (seed = run number); the figure is `timings.sampleSeconds`, the sampling loop alone.
// Flags: --runs N (5), --prompt P, --modes 'FLAGS;FLAGS' (each a set of flags timed against none; default '--fast').
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../models/paths.js';
import { benchMessage } from './fail.js';
import { flag, median } from './args.js';
import { claimResultsFile } from './results-file.js';

interface Run {
  mode: string;
  seed: number;
  load1: number;
  sampleSeconds: number;
  totalSeconds: number;
  steps: number;
  unetCalls: unknown;
}

async function main(): Promise<void> {
  const runs = Number(flag('runs', '5'));
  const prompt = flag('prompt', 'a red circle moving left');
  const modes = [
    'defaults',
    ...flag('modes', '--fast')
      .split(';')
      .map((m) => m.trim())
      .filter(Boolean),
  ];
  const bin = join(packageRoot(), 'dist', 'cli', 'index.js');
  const dir = await mkdtemp(join(tmpdir(), 't2v-fast-cli-'));
  const results: Run[] = [];
  // the defaults are the model's: no config.json, no T2V_* variables
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('T2V_'))), XDG_CONFIG_HOME: dir };
  try {
    for (let seed = 1; seed <= runs; seed++) {
      for (const [k, mode] of modes.entries()) {
        const load1 = loadavg()[0]!;
        const args = [bin, prompt, '--seed', String(seed), '--json', '-q', '--overwrite', '-o', join(dir, `${k}.mp4`), ...(k === 0 ? [] : mode.split(/\s+/))];
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
        if (r.status !== 0) throw new Error(`t2v ${mode} exited ${r.status}: ${r.stderr.trim()}`);
        const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { steps: number; unetCalls: unknown; timings: { sampleSeconds: number; totalSeconds: number } };
        results.push({ mode, seed, load1, sampleSeconds: j.timings.sampleSeconds, totalSeconds: j.timings.totalSeconds, steps: j.steps, unetCalls: j.unetCalls });
        process.stderr.write(`  ${mode} seed ${seed}: sampling ${j.timings.sampleSeconds.toFixed(2)} s (load ${load1.toFixed(1)})\n`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const of = (mode: string) => median(results.filter((r) => r.mode === mode).map((r) => r.sampleSeconds));
  const base = of('defaults');
  // the load moves during a run: each seed's own ratio (its runs are back to back) is given beside the ratio of medians
  const summary = modes.slice(1).map((mode) => {
    const pairs = results.filter((r) => r.mode === mode).map((f) => results.find((d) => d.mode === 'defaults' && d.seed === f.seed)!.sampleSeconds / f.sampleSeconds);
    return { mode, medianSeconds: of(mode), speedup: base / of(mode), medianPairSpeedup: median(pairs) };
  });
  const out = await claimResultsFile('fast-cli');
  await writeFile(out, JSON.stringify({ runs, prompt, medianDefaultsSeconds: base, summary, results }, null, 2));
  console.log(`sampling, median of ${runs}: defaults ${base.toFixed(2)} s`);
  for (const s of summary) console.log(`  ${s.mode}: ${s.medianSeconds.toFixed(2)} s, ${s.speedup.toFixed(2)}x (median of the seeds' own ratios ${s.medianPairSpeedup.toFixed(2)}x)`);
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(benchMessage(e));
  process.exit(1);
});

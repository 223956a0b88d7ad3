// Throughput of `t2v batch` (the default and --jobs 2) against separate `t2v` processes on the embedded model, measured in one run; last stdout line is JSON.
// Flags: --prompts N (default 20), --steps S (default: the model's), --threads T (default: every core).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../models/paths.js';
import { flag } from './args.js';
import { claimResultsFile } from './results-file.js';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'white'];
const MOTIONS = ['circle moving left', 'square moving up', 'triangle moving right', 'circle moving down'];

function t2v(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(packageRoot(), 'dist/cli/index.js'), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-bench' } });
  if (r.status !== 0) throw new Error(`t2v ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const n = Number(flag('prompts', '20'));
  const steps = flag('steps', '');
  const threads = flag('threads', '');
  const prompts = Array.from({ length: n }, (_, i) => `a ${COLOURS[i % COLOURS.length]} ${MOTIONS[Math.floor(i / COLOURS.length) % MOTIONS.length]}`);
  const common = ['--device', 'cpu', '--seed', '1', '-q', ...(steps ? ['--steps', steps] : []), ...(threads ? ['--threads', threads] : [])];
  const dir = mkdtempSync(join(tmpdir(), 't2v-bench-batch-'));
  // warm the graph cache first, so neither side pays the one-time build
  t2v(['warm up', ...common, '-o', join(dir, 'warm.mp4')]);
  const load0 = loadavg()[0]!;
  let separate = 0;
  prompts.forEach((p, i) => (separate += t2v([p, ...common, '-o', join(dir, `sep-${i}.mp4`)])));
  const file = join(dir, 'prompts.txt');
  writeFileSync(file, `${prompts.join('\n')}\n`);
  // the default (one video at a time, load once) and two lanes (--jobs 2), in the same run
  const batch = t2v(['batch', file, ...common, '-O', join(dir, 'batch')]);
  const twoLanes = t2v(['batch', file, ...common, '--jobs', '2', '-O', join(dir, 'batch-2')]);
  const result = {
    prompts: n,
    separate_s: separate,
    batch_s: batch,
    speedup: separate / batch,
    batch_two_lanes_s: twoLanes,
    speedup_two_lanes: separate / twoLanes,
    cores: cpus().length,
    loadavg_start: load0,
    loadavg_end: loadavg()[0],
  };
  await writeFile(await claimResultsFile('batch'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `${n} separate t2v runs: ${separate.toFixed(1)} s; t2v batch: ${batch.toFixed(1)} s (${result.speedup.toFixed(2)}x); t2v batch --jobs 2: ${twoLanes.toFixed(1)} s (${result.speedup_two_lanes.toFixed(2)}x)`,
  );
  console.log(JSON.stringify(result));
}

await main();

// How many lanes a local batch opens, and the lane loop: order, concurrency, warm-up, the first error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJobs, planLanes, runLanes, type LaneInputs } from '../../../cli/batch/lanes.js';
import { UsageError } from '../../../core/errors.js';

const GiB = 1024 ** 3;
const base: LaneInputs = { requested: 1, cores: 2, memoryLimit: 24 * GiB, perJobBytes: 0.2 * GiB };

describe('planLanes', () => {
  it.each<[string, Partial<LaneInputs>, number, number | undefined]>([
    ['one lane: the default threads', {}, 1, undefined],
    ['one lane keeps --threads as given', { threads: 2 }, 1, 2],
    ['--jobs 2 on 2 cores: 1 thread each', { requested: 2 }, 2, 1],
    ['--jobs 3 on 2 cores: still 1 thread each', { requested: 3 }, 3, 1],
    ['--jobs 2 with --threads 8: 4 each', { requested: 2, threads: 8, cores: 8 }, 2, 4],
    ['--jobs 4 on 16 cores: 4 each', { requested: 4, cores: 16 }, 4, 4],
  ])('%s', (_name, over, lanes, threads) => {
    expect(planLanes({ ...base, ...over })).toEqual({ lanes, threadsPerLane: threads });
  });

  it('refuses --jobs whose videos do not fit the memory limit, in one line', () => {
    expect(() => planLanes({ ...base, requested: 4, perJobBytes: 8 * GiB })).toThrow(new UsageError('--jobs 4: 4 videos at once need about 32.0 GiB of memory, over the 24.0 GiB limit; lower --jobs'));
  });
});

describe('parseJobs', () => {
  it.each<[unknown, number]>([
    [undefined, 1],
    ['1', 1],
    ['64', 64],
  ])('%s -> %s', (v, want) => expect(parseJobs(v)).toBe(want));
  it.each(['0', '65', '-1', '2.5', 'two', '', 'auto'])('refuses %j', (v) => expect(() => parseJobs(v)).toThrow(UsageError));
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('runLanes', () => {
  it('runs every job once, at most `lanes` at once, the others joining only after the first is warm', async () => {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    await runLanes([0, 1, 2, 3, 4, 5], 3, async (job, lane, warm) => {
      log.push(`start ${job} on ${lane}`);
      peak = Math.max(peak, ++running);
      await tick();
      if (job === 0) warm();
      await tick();
      running--;
    });
    expect(log[0]).toBe('start 0 on 0');
    expect(log[1]).not.toBe('start 1 on 0'); // another lane took job 1 while job 0 was still running
    expect(log.map((l) => Number(l.split(' ')[1])).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(3);
  });

  it('a lone first job that never says warm still lets the other lanes start when it ends', async () => {
    const order: number[] = [];
    await runLanes([0, 1, 2], 2, async (job) => {
      order.push(job);
      await tick();
    });
    expect(order).toEqual([0, 1, 2]);
  });

  it('the first error stops new jobs; running ones finish; it is rethrown', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const run = runLanes([0, 1, 2, 3, 4], 2, async (job, _lane, warm) => {
      started.push(job);
      warm();
      await tick();
      if (job === 1) throw new Error('boom');
      await tick();
      finished.push(job);
    });
    await expect(run).rejects.toThrow('boom');
    // job 0 was still running when job 1 failed: it finishes, and no job starts after the failure
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });
});

describe('t2v batch --jobs on the real engine (tiny model)', () => {
  const ROOT = resolve(import.meta.dirname, '../../..');
  const BIN = join(ROOT, 'dist/cli/index.js');
  const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
  const GEN = ['--model', TINY, '--steps', '3', '--frames', '4', '-W', '32', '-H', '32', '--seed', '7', '--device', 'cpu', '-q'];

  it('two lanes make the same files, byte for byte, as one lane', () => {
    const root = mkdtempSync(join(tmpdir(), 't2v-lanes-'));
    const file = join(root, 'p.txt');
    writeFileSync(file, 'a red circle\na blue square\na green triangle\n');
    const make = (jobs: string): string => {
      const out = join(root, `jobs-${jobs}`);
      const r = spawnSync(process.execPath, [BIN, 'batch', file, '-O', out, '--name', '{index}.gif', '--jobs', jobs, ...GEN], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', NO_COLOR: '1' },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return out;
    };
    const one = make('1');
    const two = make('2');
    for (const name of ['1.gif', '2.gif', '3.gif']) expect(readFileSync(join(two, name)).equals(readFileSync(join(one, name)))).toBe(true);
  });
});

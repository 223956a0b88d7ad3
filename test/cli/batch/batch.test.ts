// `t2v batch` in-process with a fake engine: resume, interrupts, bad lines, seeds and FreeU A/B pairs, the manifest.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T2vError } from '../../../core/errors.js';
import { main } from '../../../cli/main.js';
import type { Deps } from '../../../cli/deps.js';
import { fakeDeps, memoryIo } from '../fakes.js';

/** The fake engine, with a writer that really creates the file (the manifest checks outputs exist). */
function writingDeps(opts: Parameters<typeof fakeDeps>[0] = {}): ReturnType<typeof fakeDeps> {
  const d = fakeDeps(opts);
  const write = d.writeVideo;
  const writeVideo: Deps['writeVideo'] = async (plan, frames, o) => {
    const w = await write(plan, frames, o);
    writeFileSync(plan.path, 'video');
    return w;
  };
  return Object.assign(d, { writeVideo });
}

async function batch(argv: string[], deps = writingDeps(), controller?: AbortController) {
  const io = memoryIo();
  const code = await main(['batch', ...argv], io, { deps: async () => deps, ...(controller ? { controller } : {}) });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, deps };
}

function setup(name: string, text: string): { file: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 't2v-batch-'));
  const file = join(root, name);
  writeFileSync(file, text);
  return { file, dir: join(root, 'out') };
}

function manifest(dir: string): Record<string, unknown>[] {
  const text = readFileSync(join(dir, 'batch.jsonl'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('t2v batch', () => {
  it('makes one video per prompt; a rerun skips what is done and remakes a deleted file', async () => {
    const { file, dir } = setup('p.txt', 'a red circle\na blue square\na green triangle\n');
    const first = await batch([file, '-O', dir, '--seed', '5', '--jobs', '1']);
    expect(first.code).toBe(0);
    expect(first.deps.requests.map((r) => [r.prompt, r.seed])).toEqual([
      ['a red circle', 5n],
      ['a blue square', 5n],
      ['a green triangle', 5n],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['1-a-red-circle-5.mp4', '2-a-blue-square-5.mp4', '3-a-green-triangle-5.mp4', 'batch.jsonl']);
    expect(manifest(dir).map((r) => [r.line, r.status, r.output, r.attempts])).toEqual([
      [1, 'done', '1-a-red-circle-5.mp4', 1],
      [2, 'done', '2-a-blue-square-5.mp4', 1],
      [3, 'done', '3-a-green-triangle-5.mp4', 1],
    ]);
    expect(first.stdout).toBe(`${join(dir, 'batch.jsonl')}\n`);
    // load once, generate many: one pipeline, sessions kept, released at the end
    expect(first.deps.loads.map((l) => l.options.sessions)).toEqual(['keep']);
    expect(first.deps.releases).toHaveLength(1);

    const again = await batch([file, '-O', dir, '--seed', '5']);
    expect(again.deps.requests).toEqual([]);
    expect(again.stderr).toContain('0 done, 0 failed, 3 already done');
    rmSync(join(dir, '2-a-blue-square-5.mp4'));
    const third = await batch([file, '-O', dir, '--seed', '5']);
    expect(third.deps.requests.map((r) => r.prompt)).toEqual(['a blue square']);
    expect(manifest(dir).find((r) => r.line === 2)?.attempts).toBe(2);
  });

  it('--jobs 2 opens one pipeline per lane with half the threads each; every job runs once and the manifest is whole', async () => {
    const { file, dir } = setup('p.txt', 'one\ntwo\nthree\nfour\nfive\n');
    const r = await batch([file, '-O', dir, '--seed', '1', '--jobs', '2', '--threads', '2']);
    expect(r.code).toBe(0);
    // the first pipeline opened decides the lanes (device, memory) and is released; then one per lane
    expect(r.deps.loads.map((l) => [l.options.sessions, l.options.threads, l.options.device])).toEqual([
      ['keep', 2, 'auto'],
      ['keep', 1, 'cpu'],
      ['keep', 1, 'cpu'],
    ]);
    expect(r.deps.releases).toHaveLength(3);
    expect(r.deps.requests.map((q) => q.prompt).sort()).toEqual(['five', 'four', 'one', 'three', 'two']);
    expect(manifest(dir).map((m) => [m.line, m.status])).toEqual([
      [1, 'done'],
      [2, 'done'],
      [3, 'done'],
      [4, 'done'],
      [5, 'done'],
    ]);
  });

  it.each([['0'], ['1.5'], ['many'], ['65']])('--jobs %s is refused in one line with exit 2', async (value) => {
    const { file, dir } = setup('p.txt', 'one\n');
    const r = await batch([file, '-O', dir, '--jobs', value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`t2v: --jobs ${value}: invalid value; give a whole number from 1 to 64\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it('Ctrl-C stops between jobs with 130; the rerun finishes only the remaining jobs', async () => {
    const { file, dir } = setup('p.txt', 'one\ntwo\nthree\n');
    const controller = new AbortController();
    let calls = 0;
    const deps = writingDeps({
      onStep: () => {
        if (++calls === 4) controller.abort();
      },
    });
    const cut = await batch([file, '-O', dir, '--seed', '1', '--steps', '3', '--jobs', '1'], deps, controller);
    expect(cut.code).toBe(130);
    expect(cut.stderr).toContain('interrupted');
    expect(manifest(dir).map((r) => r.line)).toEqual([1]);
    expect(readdirSync(dir).sort()).toEqual(['1-one-1.mp4', 'batch.jsonl']);
    const rest = await batch([file, '-O', dir, '--seed', '1', '--steps', '3']);
    expect(rest.code).toBe(0);
    expect(rest.deps.requests.map((r) => r.prompt)).toEqual(['two', 'three']);
    expect(manifest(dir).map((r) => [r.line, r.status])).toEqual([
      [1, 'done'],
      [2, 'done'],
      [3, 'done'],
    ]);
  });

  it('Ctrl-C with two lanes: 130, no file without its manifest line, and the rerun makes each remaining job once', async () => {
    const { file, dir } = setup('p.txt', 'one\ntwo\nthree\nfour\n');
    const controller = new AbortController();
    let calls = 0;
    const deps = writingDeps({
      onStep: () => {
        if (++calls === 5) controller.abort();
      },
    });
    const cut = await batch([file, '-O', dir, '--seed', '1', '--steps', '3', '--jobs', '2'], deps, controller);
    expect(cut.code).toBe(130);
    const doneFirst = manifest(dir)
      .filter((m) => m.status === 'done')
      .map((m) => m.output as string);
    expect(
      readdirSync(dir)
        .filter((f) => f !== 'batch.jsonl')
        .sort(),
    ).toEqual([...doneFirst].sort());
    const rest = await batch([file, '-O', dir, '--seed', '1', '--steps', '3', '--jobs', '2']);
    expect(rest.code).toBe(0);
    expect(rest.deps.requests).toHaveLength(4 - doneFirst.length);
    expect(manifest(dir).map((m) => [m.line, m.status, m.attempts])).toEqual([1, 2, 3, 4].map((l) => [l, 'done', 1]));
  });

  it('a bad line is reported with its number, the rest goes on, exit 2; the manifest records it', async () => {
    const { file, dir } = setup('b.jsonl', '{"prompt": "ok one", "seed": 1}\n{"prompt": "bad", "steps": 0}\n{oops\n{"prompt": "ok two", "seed": 2, "frames": 2}\n');
    const r = await batch([file, '-O', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`t2v: ${file}:2 "steps" 0: invalid value`);
    expect(r.stderr).toContain(`t2v: ${file}:3: not valid JSON`);
    expect(r.deps.requests.map((q) => [q.prompt, q.frames])).toEqual([
      ['ok one', 4],
      ['ok two', 2],
    ]);
    expect(manifest(dir).map((m) => [m.line, m.status])).toEqual([
      [1, 'done'],
      [2, 'invalid'],
      [3, 'invalid'],
      [4, 'done'],
    ]);
  });

  it('--seeds 2 --ab freeu: FreeU off and on at each seed, seeds drawn once per pair and kept on a rerun', async () => {
    const { file, dir } = setup('p.txt', 'a red circle\n');
    // one lane: the requests are compared in the order of the plan
    const r = await batch([file, '-O', dir, '--seeds', '2', '--ab', 'freeu', '--json', '--jobs', '1']);
    expect(r.code).toBe(0);
    const q = r.deps.requests;
    expect(q.map((x) => x.freeu !== null)).toEqual([false, true, false, true]);
    expect(q[0]!.seed).toBe(q[1]!.seed);
    expect(q[2]!.seed).toBe(q[3]!.seed);
    expect(JSON.parse(r.stdout)).toMatchObject({ jobs: 4, done: 4, failed: 0, skipped: 0, invalid: 0 });
    const names = manifest(dir).map((m) => m.output as string);
    expect(names.filter((n) => n.endsWith('-freeu-on.mp4'))).toHaveLength(2);
    rmSync(join(dir, names[1]!));
    const again = await batch([file, '-O', dir, '--seeds', '2', '--ab', 'freeu']);
    expect(again.deps.requests.map((x) => [x.seed, x.freeu !== null])).toEqual([[q[1]!.seed, true]]);
  });

  it('a failing job is recorded, the batch goes on, exit 1, and the rerun retries it', async () => {
    const { file, dir } = setup('p.txt', 'x\n');
    const r = await batch([file, '-O', dir, '--seed', '3'], writingDeps({ fail: new T2vError('the model folder went away') }));
    expect(r.code).toBe(1);
    expect(manifest(dir)).toMatchObject([{ status: 'failed', error: 'the model folder went away', attempts: 1 }]);
    const again = await batch([file, '-O', dir, '--seed', '3']);
    expect(again.code).toBe(0);
    expect(manifest(dir)).toMatchObject([{ status: 'done', attempts: 2 }]);
    expect(existsSync(join(dir, '1-x-3.mp4'))).toBe(true);
  });

  it.each([
    [['nope.txt'], 'nope.txt: no such file'],
    [['p.csv'], 'p.csv: give a .txt file'],
    [['p.txt', '--seeds', '0'], '--seeds 0: invalid value'],
    [['p.txt', '--ab', 'cfg'], '--ab cfg: invalid value'],
    [['p.txt', '--name', '{x}.mp4'], 'unknown field {x}'],
    [['p.txt', '--steps', 'abc'], '--steps abc: invalid value'],
    [['p.txt', '--queue', 'http://x'], '--queue http://x: use a redis://'],
  ])('usage: %j', async (argv, msg) => {
    const { dir } = setup('p.txt', 'x\n');
    const root = join(dir, '..');
    const r = await batch([join(root, argv[0]!), ...argv.slice(1), '-O', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

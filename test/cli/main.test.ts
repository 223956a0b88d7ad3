// The whole command line in-process with a fake engine: help, version, usage errors, and each command's happy path.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T2vError } from '../../core/errors.js';
import { main } from '../../cli/main.js';
import { fakeDeps, memoryIo, type FakeDeps } from './fakes.js';

const TINY = 'test/fixtures/golden/pipeline-tiny/model';

async function run(argv: string[], deps: FakeDeps = fakeDeps(), env: NodeJS.ProcessEnv = {}) {
  const io = memoryIo(env);
  const code = await main(argv, io, { deps: async () => deps });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, deps };
}

function out(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 't2v-main-')), name);
}

describe('t2v', () => {
  it('--help documents every flag with its default; --version prints the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--prompt',
      '--negative-prompt',
      '--model',
      '--seed',
      '--steps',
      '--guidance',
      '--cfg-scale',
      '--frames',
      '--fps',
      '--width',
      '--height',
      '--scheduler',
      '--freeu',
      '--b1',
      '--b2',
      '--s1',
      '--s2',
      '--freeu-version',
      '--freeu-preset',
      '--freeu-start',
      '--freeu-end',
      '--output',
      '--device',
      '--threads',
      '--overwrite',
      '--json',
      '--quiet',
      '--verbose',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const flat = help.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain("sampling steps (default: the model's; 50 for ModelScope)");
    expect(flat).toContain('(default: auto)');
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it.each([['generate'], ['compare'], ['sweep'], ['verify'], ['models'], ['info'], ['doctor'], ['models', 'pull']])('%s --help', async (...cmd) => {
    const r = await run([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: t2v /);
  });

  it.each([
    [['--foo'], "unknown option '--foo'"],
    [['x', '--steps', '0'], '--steps 0: invalid value; use a whole number from 1 to 10000'],
    [['x', '--frames', '-1'], '--frames -1: invalid value; use a whole number from 1 to 1024'],
    [['x', '--guidance', 'x'], '--guidance x: invalid value; use a number >= 1'],
    [['x', '--scheduler', 'foo'], '--scheduler foo: invalid value; use one of ddim, dpmpp2m, euler'],
    [['x', '--device', 'tpu'], '--device tpu: invalid value; use one of auto, cpu, webgpu'],
    [['x', '--model', '/no/such/dir'], '--model /no/such/dir: no such folder; pass a diffusers model folder, a Hub id'],
    [['x', '--model', 'no/such-model'], 'model no/such-model is not in the Hugging Face cache'],
    [['a', 'b'], 'too many arguments'],
    [[], 'no prompt; give one'],
    [['compare', '--steps', 'x'], '--steps x: invalid value; use a whole number'],
    [['sweep', 'x'], 'sweep needs at least one list'],
    [['sweep', 'x', '--b1', '1,,2'], '--b1 1,,2: invalid value; use a comma list of numbers'],
    [['sweep', 'x', '--s1', '0.5,7'], '--s1 7: expected a number in [0, 5]'],
    [['models', 'pull'], "missing required argument 'hub id'"],
    [['models', 'pull', 'not a repo'], 'models pull not a repo: not a Hub id'],
    [['verify'], 'verify needs --golden DIR'],
    [['verify', '--golden', '/no/such'], '--golden /no/such: no such folder'],
    [['verify', '--golden', TINY, '--device', 'tpu'], '--device tpu: invalid value; use one of cpu, webgpu'],
  ])('bad usage %j: one line, exit 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^t2v: /);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('generate --json: exactly one JSON object on stdout, progress on stderr', async () => {
    const o = out('a.mp4');
    const r = await run(['a red circle', '--model', TINY, '--steps', '2', '--seed', '5', '--freeu', '--json', '-o', o]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(json).toMatchObject({
      output: o,
      seed: '5',
      seedDrawn: false,
      prompt: 'a red circle',
      steps: 2,
      frames: 4,
      width: 32,
      height: 32,
      guidance: 9,
      scheduler: 'ddim',
      device: 'cpu',
      deviceRequested: 'auto',
      freeu: { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, version: 1, start: 0, end: 1 },
    });
    expect(json.timings).toMatchObject({ loadSeconds: 0.1, sampleSeconds: 0.2, decodeSeconds: 0.3 });
    expect(r.stderr).toContain('step 1/2  0.50 s/step  ETA 0.5s\nstep 2/2');
    expect(r.stderr.match(/warning: the prompt is longer than 77 tokens/g)).toHaveLength(1);
    const req = r.deps.requests[0]!;
    expect(req).toMatchObject({ prompt: 'a red circle', seed: 5n, steps: 2, freeu: { b1: 1.2 } });
    expect(r.deps.hooks[0]!.signal).toBeInstanceOf(AbortSignal);
    // one pipeline for the model, sessions per phase for one video, released at the end
    expect(r.deps.loads).toEqual([{ model: TINY, options: expect.objectContaining({ device: 'auto', sessions: 'per-phase' }) }]);
    expect(r.deps.releases).toEqual([TINY]);
    const meta = r.deps.writes[0]!.options.metadata;
    expect(meta).toMatchObject({ prompt: 'a red circle', seed: '5', steps: 2, freeu: { enabled: true, b1: 1.2 }, model: { id: TINY } });
  });

  it('generate without a seed prints the drawn one; stdout gets the path', async () => {
    const o = out('b.mp4');
    const r = await run(['-p', 'a cat', '--model', TINY, '-o', o]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${o}\n`);
    const seed = /seed (\d+) \(drawn at random; --seed \1 repeats this video\)/.exec(r.stderr);
    expect(seed).not.toBeNull();
    expect(r.deps.requests[0]!.seed).toBe(BigInt(seed![1]!));
    expect(r.stderr).toMatch(/wrote .*b\.mp4 \(4 frames, 32x32, 8 fps\)/);
  });

  it('--quiet keeps only warnings on stderr', async () => {
    const r = await run(['a cat', '--model', TINY, '-q', '--seed', '1', '-o', out('q.mp4')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('t2v: warning: the prompt is longer than 77 tokens and was truncated\n');
  });

  it('an existing output without --overwrite fails before generating', async () => {
    const o = out('exists.mp4');
    writeFileSync(o, 'x');
    const r = await run(['a cat', '--model', TINY, '-o', o]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exists; pass --overwrite');
    expect(r.deps.requests).toHaveLength(0);
    expect((await run(['a cat', '--model', TINY, '-o', o, '--overwrite', '--seed', '1'])).code).toBe(0);
  });

  it.each([
    [new T2vError('onnxruntime: session failed; try --device cpu'), 1, 't2v: onnxruntime: session failed; try --device cpu\n'],
    [new T2vError('--width 33: invalid value; use a multiple of 8', 2), 2, 't2v: --width 33: invalid value; use a multiple of 8\n'],
    [new TypeError('boom'), 1, 't2v: unexpected error: boom; run again with --verbose for details\n'],
  ])('engine failure %s maps to its exit status', async (err, code, stderr) => {
    const r = await run(['a cat', '--model', TINY, '-q', '--seed', '1', '-o', out('f.mp4')], fakeDeps({ fail: err }));
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(stderr);
  });

  it('--verbose shows the stack of an unexpected error', async () => {
    const r = await run(['a cat', '--model', TINY, '-q', '-v', '--seed', '1', '-o', out('v.mp4')], fakeDeps({ fail: new TypeError('boom') }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^t2v: unexpected error: boom\nTypeError: boom\n\s+at /);
  });

  it.each([
    ['config.json', { verbose: true }, {}, 1, true],
    ['T2V_VERBOSE', {}, { T2V_VERBOSE: '1' }, 1, true],
    ['T2V_VERBOSE=0 over config.json', { verbose: true }, { T2V_VERBOSE: '0' }, 1, false],
    ['an unreadable value (its own usage error)', { verbose: 'maybe' }, {}, 2, false],
  ])('verbose from %s decides the stack of an unexpected error', async (_, config, env, code, stack) => {
    const home = mkdtempSync(join(tmpdir(), 't2v-main-config-'));
    mkdirSync(join(home, 't2v'));
    writeFileSync(join(home, 't2v', 'config.json'), JSON.stringify(config));
    const r = await run(['a cat', '--model', TINY, '-q', '--seed', '1', '-o', out('v.mp4')], fakeDeps({ fail: new TypeError('boom') }), { XDG_CONFIG_HOME: home, ...env });
    expect(r.code).toBe(code);
    expect(/\n\s+at /.test(r.stderr)).toBe(stack);
  });

  it('json from config.json: an unexpected error is also one JSON object on stdout', async () => {
    const home = mkdtempSync(join(tmpdir(), 't2v-main-config-'));
    mkdirSync(join(home, 't2v'));
    writeFileSync(join(home, 't2v', 'config.json'), '{"json": true}');
    const r = await run(['a cat', '--model', TINY, '-q', '--seed', '1', '-o', out('j.mp4')], fakeDeps({ fail: new TypeError('boom') }), { XDG_CONFIG_HOME: home });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { exitCode: 1, kind: 'runtime' } });
  });

  it('interrupt: the engine is aborted and the exit status is 130', async () => {
    const controller = new AbortController();
    const deps = fakeDeps({ onStep: (i) => i === 2 && controller.abort() });
    const io = memoryIo();
    const code = await main(['a cat', '--model', TINY, '--steps', '5', '-o', out('i.mp4')], io, { deps: async () => deps, controller });
    expect(code).toBe(130);
    expect(io.stderr.text).toContain('t2v: interrupted; nothing was written\n');
    expect(deps.writes).toHaveLength(0);
  });

  it('compare: same seed, FreeU off then on, side by side', async () => {
    const r = await run(['compare', 'a cat', '--model', TINY, '--seed', '9', '--b1', '1.5', '--json', '-o', out('c.mp4')]);
    expect(r.code).toBe(0);
    expect(r.deps.requests.map((q) => [q.seed, q.freeu?.b1 ?? null])).toEqual([
      [9n, null],
      [9n, 1.5],
    ]);
    expect(r.deps.loads.map((l) => [l.model, l.options.sessions])).toEqual([[TINY, 'keep']]);
    expect(r.deps.releases).toEqual([TINY]);
    const w = r.deps.writes[0]!;
    expect(w.frames.width).toBeGreaterThan(64);
    expect(w.options.metadata.composite).toMatchObject({ layout: 'side-by-side', columns: ['FreeU off', 'FreeU v1 b1 1.5 b2 1.4 s1 0.9 s2 0.2'] });
    expect(JSON.parse(r.stdout)).toMatchObject({ seed: '9', compare: { on: { b1: 1.5 } } });
    expect(r.stderr).toContain('[1/2] FreeU off');
  });

  it('sweep: every combination, one grid', async () => {
    const r = await run(['sweep', 'a cat', '--model', TINY, '--seed', '3', '--b1', '1,1.2', '--s1', '0.5,0.9,1', '--json', '-q', '-o', out('s.mp4')]);
    expect(r.code).toBe(0);
    expect(r.deps.requests.map((q) => [q.freeu?.b1, q.freeu?.s1])).toEqual([
      [1, 0.5],
      [1, 0.9],
      [1, 1],
      [1.2, 0.5],
      [1.2, 0.9],
      [1.2, 1],
    ]);
    expect(new Set(r.deps.requests.map((q) => q.seed))).toEqual(new Set([3n]));
    // six panels over one pipeline that keeps its sessions: each network loads once
    expect(r.deps.loads.map((l) => [l.model, l.options.sessions])).toEqual([[TINY, 'keep']]);
    expect(r.deps.releases).toEqual([TINY]);
    expect(r.deps.writes[0]!.options.metadata.composite).toMatchObject({ layout: 'grid', rows: ['b1 1', 'b1 1.2'], columns: ['s1 0.5', 's1 0.9', 's1 1'] });
    expect(r.deps.writes[0]!.options.metadata.composite?.command).toEqual([
      'sweep',
      '--freeu-version',
      '1',
      '--freeu-start',
      '0',
      '--freeu-end',
      '1',
      '--b1',
      '1,1.2',
      '--b2',
      '1.4',
      '--s1',
      '0.5,0.9,1',
      '--s2',
      '0.2',
    ]);
    expect((JSON.parse(r.stdout) as { sweep: unknown[] }).sweep).toHaveLength(6);
  });

  it('verify on a case whose kind is not implemented exits 1 and says so', async () => {
    const r = await run(['verify', '--golden', 'test/fixtures/cli/unknown-kind']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kind no-such-kind is not implemented yet');
  });

  it('models list and info', async () => {
    const hub = mkdtempSync(join(tmpdir(), 't2v-hub-'));
    const list = await run(['models', 'list', '--json'], fakeDeps(), { HF_HUB_CACHE: hub });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveProperty('models');
    const info = await run(['models', 'info', TINY]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('defaults  4 frames, 32x32, 3 steps ddim, guidance 9, 8 fps');
  });

  it('doctor reports each check', async () => {
    const r = await run(['doctor', '--json']);
    const json = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; optional?: boolean }[] };
    expect(json.checks.map((c) => c.name)).toEqual(['t2v', 'node', 'onnxruntime-node', 'webgpu adapter', 'device', 'ffmpeg', 'default model', 'cache', 'hf cache']);
    // 1 only when a required check fails (here possibly the embedded model, which another folder provides)
    expect(r.code).toBe(json.checks.some((c) => !c.ok && !c.optional) ? 1 : 0);
  });
});

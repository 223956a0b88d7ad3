// The exit status rule as a table: usage and argument problems 2 (flags, outputs, models, commands), runtime 1, done 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
const DIR = mkdtempSync(join(tmpdir(), 't2v-exit-'));
const EXISTING = join(DIR, 'taken.mp4');
writeFileSync(EXISTING, 'not ours');
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', HF_HUB_CACHE: '/nonexistent-t2v-hf', NO_COLOR: '1' };

function t2v(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: DIR, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const run = ['a red circle', '--model', TINY, '--steps', '1', '--seed', '1', '--device', 'cpu'];

describe('exit codes', () => {
  it.each([
    ['an unknown flag', ['--foo'], 2, "unknown option '--foo'"],
    ['a bad flag value', ['a cat', '--steps', '0'], 2, '--steps 0: invalid value'],
    ['a mistyped command', ['swep'], 2, 'did you mean t2v sweep?'],
    ['help for no such command', ['help', 'nope'], 2, 'help nope: no such command'],
    ['an unknown shell', ['completion', 'tcsh'], 2, 'completion tcsh: unknown shell'],
    ['a folder that is not a model', ['a cat', '--model', tmpdir()], 2, 'is not a diffusers pipeline folder'],
    ['a Hub id not in the cache', ['a cat', '--model', 'nope/x'], 2, 'is not in the Hugging Face cache'],
    ['an output that exists', [...run, '-o', EXISTING], 2, 'exists; pass --overwrite'],
    ['an unknown output type', [...run, '-o', 'x.avi'], 2, 'unknown output type .avi'],
    ['one file too many for info', ['info', 'a.mp4', 'b.mp4'], 2, "too many arguments for 'info'"],
    ['info on a file that is not a video', ['info', join(ROOT, 'package.json')], 1, ''],
    ['version', ['version'], 0, ''],
    ['help of a command', ['help', 'sweep'], 0, ''],
    ['completion', ['completion', 'fish'], 0, ''],
  ])('%s: %j -> %i', (_what, args, code, message) => {
    const r = t2v(args);
    expect(r.code).toBe(code);
    if (message) expect(r.stderr).toContain(message);
    if (code !== 0) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each([
    ['a video', 'missing/sub/clip.mp4'],
    ['PNG frames in a folder', 'gone/deeper/frames/'],
  ])(
    '-o into missing folders makes them (mkdir -p), for %s',
    (_what, out) => {
      const r = t2v([...run, '-o', out]);
      expect(r.code).toBe(0);
      expect(existsSync(join(DIR, out))).toBe(true);
    },
    60_000,
  );

  it('--json: the error is one JSON object on stdout too', () => {
    const r = t2v(['a cat', '--steps', 'x', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: '--steps x: invalid value; use a whole number from 1 to 10000', exitCode: 2, kind: 'usage', flag: '--steps' } });
  });
});

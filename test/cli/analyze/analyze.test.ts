// `t2v analyze` through the real CLI on the tiny model: every figure as a PNG of the stated size, the data as JSON; bad input refused whole.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
let cache: string;
let root: string;

function t2v(args: string[]) {
  const env = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', NO_COLOR: '1', T2V_CACHE: cache };
  const r = spawnSync(process.execPath, [BIN, 'analyze', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const SMALL = ['--model', TINY, '--steps', '3', '--frames', '2', '-W', '32', '-H', '32', '--seed', '5', '--device', 'cpu', '--threads', '2'];

/** A PNG's signature, and the width and height of its IHDR chunk, read here independently of the product. */
function pngHeader(file: string): { signature: boolean; width: number; height: number } {
  const b = readFileSync(file);
  return { signature: b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])) && b.toString('latin1', 12, 16) === 'IHDR', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

interface Report {
  figures: { png: string; json: string; width: number; height: number; title: string }[];
  runs: { label: string; freeu: { b1: number } | null }[];
  sweepB1: number[];
  spectrumSteps: number[];
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 't2v-analyze-'));
  cache = join(root, 'cache');
});
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(root, { recursive: true, force: true });
});

describe('t2v analyze', () => {
  it('writes every figure (PNG of the stated size) and its JSON, with the b1 sweep', () => {
    const out = join(root, 'report');
    const r = t2v(['a red circle moving left', ...SMALL, '--freeu', '--sweep-b1', '1,1.4', '-o', out, '--json']);
    expect(r.stderr).not.toMatch(/Error|at .*\.js:/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ report: out });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.figures.map((f) => f.png).sort()).toEqual(
      ['fig13-spectrum-off-on.png', 'fig14-feature-maps.png', 'fig2-denoising-low-high.png', 'fig6-b1-sweep.png', 'fig7-backbone-skip.png'].sort(),
    );
    expect(report.runs.map((x) => x.freeu?.b1 ?? null)).toEqual([null, 1.2, 1, 1.4]);
    for (const f of report.figures) {
      const h = pngHeader(join(out, f.png));
      expect(h, f.png).toEqual({ signature: true, width: f.width, height: f.height });
      expect(f.width * f.height).toBeGreaterThan(100 * 100);
      const data = JSON.parse(readFileSync(join(out, f.json), 'utf8')) as { title: string };
      expect(data.title).toBe(f.title);
    }
    expect(readdirSync(out).sort()).toEqual([...report.figures.flatMap((f) => [f.png, f.json]), 'report.json'].sort());
    // the spectra JSON holds a curve per run, stage and step, off and on
    const spectra = JSON.parse(readFileSync(join(out, 'fig13-spectrum-off-on.json'), 'utf8')) as { axes: { y: string }; points: { series: string; column: string; row: string; frequency: number }[] };
    expect(spectra.axes.y).toBe('Relative log amplitude');
    expect(new Set(spectra.points.map((p) => p.series))).toEqual(new Set(['FreeU off', 'FreeU on']));
    expect(new Set(spectra.points.map((p) => p.column))).toEqual(new Set(report.spectrumSteps.map((s) => `step ${s}/3`)));
    expect(new Set(spectra.points.map((p) => p.row)).size).toBe(2);
    expect(spectra.points.every((p) => p.frequency >= 0 && p.frequency <= 1)).toBe(true);
    const sweep = JSON.parse(readFileSync(join(out, 'fig6-b1-sweep.json'), 'utf8')) as { points: { series: string }[] };
    expect(new Set(sweep.points.map((p) => p.series))).toEqual(new Set(['b1 = 1', 'b1 = 1.4']));
    const fig2 = JSON.parse(readFileSync(join(out, 'fig2-denoising-low-high.json'), 'utf8')) as { highShare: Record<string, number[]>; steps: number[]; cutoff: number };
    expect(fig2.cutoff).toBe(0.25);
    expect(Object.keys(fig2.highShare)).toEqual(['off', 'on']);
    expect(fig2.highShare.off).toHaveLength(fig2.steps.length);
    expect(fig2.highShare.off!.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('without --sweep-b1 there is no Fig. 6; --overwrite replaces a report whole', () => {
    const out = join(root, 'again');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    expect(t2v(['a blue square', ...SMALL, '-o', out, '-q']).code).toBe(2);
    const r = t2v(['a blue square', ...SMALL, '-o', out, '-q', '--overwrite']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(join(out, 'old.txt'))).toBe(false);
    expect(existsSync(join(out, 'fig6-b1-sweep.png'))).toBe(false);
    expect(existsSync(join(out, 'fig13-spectrum-off-on.png'))).toBe(true);
  });
});

describe('t2v analyze: bad input is one line, exit 2, nothing written', () => {
  const full = (name: string): string => join(root, 'bad', name);
  it.each([
    ['a letter in --sweep-b1', ['--sweep-b1', '1,x'], /--sweep-b1 1,x: b1 x: expected/],
    ['an empty value in --sweep-b1', ['--sweep-b1', '1,,2'], /--sweep-b1 1,,2: an empty value/],
    ['one value in --sweep-b1', ['--sweep-b1', '1.2'], /give 2 to 8 backbone factors/],
    ['a repeated value', ['--sweep-b1', '1,1.2,1'], /repeated/],
    ['b1 out of range', ['--sweep-b1', '1,9'], /--sweep-b1 1,9: b1 9: expected/],
    ['no -o', [], /analyze needs -o DIR/],
    ['-o is a file', ['-o', 'FILE'], /is a file; give a folder/],
    ['-o not empty', ['-o', 'FULL'], /exists and is not empty; pass --overwrite/],
    ['DeepCache is not an analyze flag', ['--deep-cache', '3'], /unknown option '--deep-cache'/],
  ])('%s', (_name, extra, message) => {
    mkdirSync(full('full'), { recursive: true });
    writeFileSync(full('file'), 'x');
    writeFileSync(join(full('full'), 'keep.txt'), 'x');
    const args = extra.map((a) => (a === 'FILE' ? full('file') : a === 'FULL' ? full('full') : a));
    const out = args.includes('-o') ? [] : extra.length === 0 ? [] : ['-o', full('new')];
    const r = t2v(['a red circle', ...SMALL, ...args, ...out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(full('')).sort()).toEqual(['file', 'full']);
    expect(readdirSync(full('full'))).toEqual(['keep.txt']);
  });
});

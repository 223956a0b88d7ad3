// Sweep grids (rows and columns from the lists) and verify's output (one line per run, kinds not implemented, folders of cases).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepPanels } from '../../cli/commands/sweep.js';
import { caseDirs, verifyAction, type VerifyCase } from '../../cli/commands/verify.js';
import { checkGiven, completeSettings } from '../../cli/settings.js';
import type { Context } from '../../cli/context.js';
import { TINY_DEFAULTS, memoryIo, fakeDeps } from './fakes.js';

const settings = completeSettings(checkGiven({}, 'a cat'), TINY_DEFAULTS, () => 1n);

describe('sweep layout', () => {
  it.each([
    [{ b1: [1, 1.2] }, 2, [], ['b1 1', 'b1 1.2']],
    [{ b1: [1, 1.2], s1: [0.5, 0.9, 1] }, 3, ['b1 1', 'b1 1.2'], ['s1 0.5', 's1 0.9', 's1 1']],
    [{ b1: [1, 1.2], b2: [1.4, 1.6], s2: [0.2, 0.5] }, 2, ['b1 1 b2 1.4', 'b1 1 b2 1.6', 'b1 1.2 b2 1.4', 'b1 1.2 b2 1.6'], ['s2 0.2', 's2 0.5']],
    [{ b1: [1.3] }, 1, [], ['b1 1.3']],
  ])('%j', (lists, columns, rowLabels, columnLabels) => {
    const none = { b1: undefined, b2: undefined, s1: undefined, s2: undefined };
    const { panels, layout } = sweepPanels(settings, { ...none, ...lists });
    expect(layout).toMatchObject({ kind: 'grid', columns, rowLabels, columnLabels });
    // the command info gives to remake the grid: every factor's list (a fixed one as its single value)
    const command = layout.kind === 'grid' ? (layout.command ?? []) : [];
    for (const [k, l] of Object.entries(lists)) expect(command[command.indexOf(`--${k}`) + 1]).toBe(l.join(','));
    expect(command[0]).toBe('sweep');
    expect(panels.length).toBe(Object.values(lists).reduce((n, l) => n * l.length, 1));
    expect(panels.every((p) => p.settings.freeu !== null && p.settings.seed === 1n)).toBe(true);
  });

  it('refuses more than 64 combinations', () => {
    const many = [1, 1.1, 1.2, 1.3, 1.4];
    expect(() => sweepPanels(settings, { b1: many, b2: many, s1: many, s2: undefined })).toThrow('sweep of 125 combinations is too many');
  });
});

function ctx(): Context & { io: ReturnType<typeof memoryIo> } {
  return { io: memoryIo(), deps: async () => fakeDeps(), signal: new AbortController().signal, interrupt: () => undefined };
}

function goldenTree(): string {
  const root = mkdtempSync(join(tmpdir(), 't2v-golden-'));
  for (const name of ['b-scheduler', 'a-rng', 'c-new']) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'case.json'), '{}');
  }
  mkdirSync(join(root, 'not-a-case'));
  return root;
}

const fakeVerify: VerifyCase = async (dir) => {
  if (dir.endsWith('a-rng')) return { dir, kind: 'rng', implemented: true, pass: true, runs: [{ name: 'randn_0', metric: 'max-abs', error: 0, bound: 1e-5, pass: true }] };
  if (dir.endsWith('b-scheduler')) return { dir, kind: 'scheduler', implemented: true, pass: false, runs: [{ name: 'ddim_x1', metric: 'relative', error: 3.2e-4, bound: 1e-5, pass: false }] };
  return { dir, kind: 'new', implemented: false, pass: false, runs: [] };
};

describe('verify', () => {
  it('finds the case folders of a tree, or the one case', async () => {
    const root = goldenTree();
    expect((await caseDirs(root)).map((d) => d.slice(root.length + 1))).toEqual(['a-rng', 'b-scheduler', 'c-new']);
    expect(await caseDirs(join(root, 'a-rng'))).toEqual([join(root, 'a-rng')]);
    await expect(caseDirs(join(root, 'not-a-case'))).rejects.toThrow('no case.json in it or in its subfolders');
  });

  it('one line per run with PASS/FAIL; a failing run or an unimplemented kind exits 1', async () => {
    const c = ctx();
    const code = await verifyAction({ golden: goldenTree(), device: 'cpu' }, c, fakeVerify);
    expect(code).toBe(1);
    expect(c.io.stdout.text).toBe(
      [
        'a-rng (rng, cpu)',
        '  randn_0  max-abs  error 0  bound 1.000e-5  PASS',
        'b-scheduler (scheduler, cpu)',
        '  ddim_x1  relative  error 3.200e-4  bound 1.000e-5  FAIL',
        'c-new (new, cpu)',
        '  kind new is not implemented yet  FAIL',
        '2 of 3 case(s) failed',
        '',
      ].join('\n'),
    );
  });

  it('all passing exits 0; --json prints one object', async () => {
    const c = ctx();
    const code = await verifyAction({ golden: join(goldenTree(), 'a-rng'), json: true }, c, fakeVerify);
    expect(code).toBe(0);
    expect(JSON.parse(c.io.stdout.text)).toMatchObject({ device: 'cpu', pass: true, cases: [{ kind: 'rng', runs: [{ name: 'randn_0' }] }] });
  });

  it('a case that throws is reported and the others still run', async () => {
    const c = ctx();
    const code = await verifyAction({ golden: goldenTree() }, c, async (dir, device, precision) => {
      if (dir.endsWith('b-scheduler')) throw new Error('tensors.safetensors is missing');
      return fakeVerify(dir, device, precision);
    });
    expect(code).toBe(1);
    expect(c.io.stdout.text).toContain('b-scheduler: error: tensors.safetensors is missing  FAIL\n');
    expect(c.io.stdout.text).toContain('  randn_0  max-abs');
  });
});

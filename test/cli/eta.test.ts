// DDIM's eta through every surface: flag, T2V_ETA, config.json, ranges, the request, metadata, --json, reproduce, wizard.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { reproduceCommand } from '../../cli/reproduce.js';
import { checkGiven } from '../../cli/settings.js';
import { answersToSettings, wizardFields } from '../../cli/ui/wizard-fields.js';
import { fakeDeps, memoryIo, TINY_DEFAULTS } from './fakes.js';

const TINY = 'test/fixtures/golden/pipeline-tiny/model';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const deps = fakeDeps();
  const io = memoryIo(env);
  const o = join(mkdtempSync(join(tmpdir(), 't2v-eta-')), 'v.mp4');
  const code = await main([...argv, '--model', TINY, '--seed', '4', '--json', '-q', '-o', o], io, { deps: async () => deps });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, deps };
}

function configHome(settings: Record<string, unknown>): string {
  const home = mkdtempSync(join(tmpdir(), 't2v-eta-config-'));
  mkdirSync(join(home, 't2v'));
  writeFileSync(join(home, 't2v', 'config.json'), JSON.stringify(settings));
  return home;
}

describe('--eta', () => {
  it.each([
    ['the flag', ['a cat', '--eta', '0.5'], {}],
    ['T2V_ETA', ['a cat'], { T2V_ETA: '0.5' }],
    ['config.json', ['a cat'], { XDG_CONFIG_HOME: configHome({ eta: 0.5 }) }],
  ])('from %s: the request, the metadata, --json and the reproduce command carry it', async (_from, argv, env) => {
    const r = await run(argv, env);
    expect(r.code).toBe(0);
    expect(r.deps.requests[0]).toMatchObject({ scheduler: 'ddim', eta: 0.5 });
    const meta = r.deps.writes[0]!.options.metadata;
    expect(meta.eta).toBe(0.5);
    expect(JSON.parse(r.stdout)).toMatchObject({ eta: 0.5, scheduler: 'ddim' });
    expect(reproduceCommand(meta)).toContain('--scheduler ddim --eta 0.5 ');
  });

  it('absent: 0, as diffusers', async () => {
    const r = await run(['a cat']);
    expect(r.deps.requests[0]!.eta).toBe(0);
    expect(r.deps.writes[0]!.options.metadata.eta).toBe(0);
  });

  it.each([
    [['a cat', '--eta', '1.5'], {}, 't2v: --eta 1.5: invalid value; use a number >= 0 and <= 1\n'],
    [['a cat', '--eta', 'x'], {}, 't2v: --eta x: invalid value; use a number >= 0 and <= 1\n'],
    [['a cat'], { T2V_ETA: '-1' }, 't2v: T2V_ETA -1: invalid value; use a number >= 0 and <= 1\n'],
    [['a cat', '--eta', '0.3', '--scheduler', 'euler'], {}, 't2v: --eta 0.3: eta applies to the ddim scheduler only, not euler; use --scheduler ddim or --eta 0\n'],
    [['a cat', '--scheduler', 'dpmpp2m'], { T2V_ETA: '0.3' }, 't2v: T2V_ETA 0.3: eta applies to the ddim scheduler only, not dpmpp2m; use --scheduler ddim or --eta 0\n'],
  ])('%j %j: one line, exit 2, nothing generated', async (argv, env, line) => {
    const r = await run(argv, env);
    expect([r.code, r.stderr]).toEqual([2, line]);
    expect(r.deps.requests).toHaveLength(0);
  });

  it('the wizard: "ddim with eta" asks for eta; the other answers give 0', () => {
    const given = checkGiven({});
    const { fields, drawnSeed } = wizardFields(given, TINY_DEFAULTS, { modelDefaults: async () => TINY_DEFAULTS, checkOutput: async () => undefined });
    const eta = fields.find((f) => f.key === 'eta')!;
    // asked in the wizard's advanced group, after the scheduler
    expect(eta.when?.({ advanced: 'yes', scheduler: 'ddim-eta' })).toBe(true);
    expect(eta.when?.({ advanced: 'yes', scheduler: 'ddim' })).toBe(false);
    expect(eta.when?.({ advanced: 'no', scheduler: 'ddim-eta' })).toBe(false);
    expect(eta.check?.('2', {})).toBe('eta 2: invalid value; use a number >= 0 and <= 1');
    const base = { prompt: 'a cat', seed: String(drawnSeed) };
    expect(answersToSettings({ ...base, scheduler: 'ddim-eta', eta: '0.7' }, given, TINY_DEFAULTS, drawnSeed)).toMatchObject({ scheduler: 'ddim', eta: 0.7 });
    expect(answersToSettings({ ...base, scheduler: 'euler' }, given, TINY_DEFAULTS, drawnSeed)).toMatchObject({ scheduler: 'euler', eta: 0 });
  });
});

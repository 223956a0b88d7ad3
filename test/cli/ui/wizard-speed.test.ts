// The wizard's sampling-speed questions: when they are asked, what they check, and the settings their answers give.
import { describe, expect, it } from 'vitest';
import { fromFlags, layer } from '../../../cli/config.js';
import { checkGiven } from '../../../cli/settings.js';
import { answersToSettings, wizardFields, type Answers } from '../../../cli/ui/wizard-fields.js';
import { describePreset } from '../../../cli/ui/wizard-speed.js';
import { TINY_DEFAULTS } from '../fakes.js';

type RawFlags = Record<string, string | boolean>;

function made(flags: RawFlags = {}) {
  const given = checkGiven(layer(fromFlags(flags), { XDG_CONFIG_HOME: '/nonexistent-t2v-test' }));
  const m = wizardFields(given, TINY_DEFAULTS, { modelDefaults: async () => TINY_DEFAULTS, checkOutput: async () => undefined });
  const field = (key: string) => m.fields.find((f) => f.key === key)!;
  const settings = (a: Answers) => answersToSettings({ prompt: 'a cat', seed: String(m.drawnSeed), ...a }, given, TINY_DEFAULTS, m.drawnSeed);
  return { field, settings };
}

const OPEN = { advanced: 'yes' } as const;

describe('the wizard asks for the sampling speed', () => {
  it('in the advanced group; the interval questions only for "custom"', () => {
    const { field } = made();
    expect(field('speed').when?.(OPEN)).toBe(true);
    expect(field('speed').when?.({ advanced: 'no' })).toBe(false);
    for (const key of ['deepCache', 'guidanceInterval']) {
      expect(field(key).when?.({ ...OPEN, speed: 'custom' })).toBe(true);
      expect(field(key).when?.({ ...OPEN, speed: 'fast' })).toBe(false);
      expect(field(key).when?.({ advanced: 'no', speed: 'custom' })).toBe(false);
    }
    expect(
      field('speed')
        .choices?.({})
        .map((c) => c.value),
    ).toEqual(['off', 'fast', 'custom']);
    expect(field('speed').choices?.({})[1]!.label).toContain('dpmpp2m, 2 steps, DeepCache every 3 steps, guidance on 0,0.5 of the steps');
  });

  it.each([
    ['deepCache', '0', '--deep-cache 0: invalid value; use a whole number from 1 to 1000'],
    ['deepCache', 'x', '--deep-cache x: invalid value; use a whole number from 1 to 1000'],
    ['guidanceInterval', '0.5,0.2', 'guidance interval 0.5,0.2: expected A,B with 0 <= A < B <= 1 (fractions of the steps with guidance), e.g. 0,0.5'],
    ['guidanceInterval', '0.1', 'guidance interval 0.1: expected A,B with 0 <= A < B <= 1 (fractions of the steps with guidance), e.g. 0,0.5'],
  ])('%s %j: the field says what is wrong', (key, raw, line) => {
    expect(made().field(key).check?.(raw, {})).toBe(line);
  });

  it.each<[string, RawFlags, Answers, Record<string, unknown>]>([
    ['group closed: off', {}, { advanced: 'no' }, { fast: false, deepCache: null, guidanceInterval: null, steps: 3, scheduler: 'ddim' }],
    ['group closed: the flags stand', { deepCache: '2' }, { advanced: 'no' }, { deepCache: { interval: 2, branch: 0, schedule: 'uniform' } }],
    ['off over the flags', { fast: true }, { ...OPEN, speed: 'off' }, { fast: false, deepCache: null, guidanceInterval: null, steps: 3 }],
    // the steps and scheduler answers left at the model's defaults: the preset's apply, as with --fast alone
    [
      'fast',
      {},
      { ...OPEN, speed: 'fast', steps: '3', scheduler: 'ddim' },
      { fast: true, deepCache: { interval: 3, branch: 0, schedule: 'uniform' }, guidanceInterval: [0, 0.5], steps: 2, scheduler: 'dpmpp2m' },
    ],
    ['fast, steps changed: they win', {}, { ...OPEN, speed: 'fast', steps: '7' }, { fast: true, steps: 7, scheduler: 'dpmpp2m' }],
    ['fast, --steps given: it wins', { steps: '3' }, { ...OPEN, speed: 'fast', steps: '3' }, { fast: true, steps: 3 }],
    [
      'custom',
      {},
      { ...OPEN, speed: 'custom', deepCache: '2', guidanceInterval: '0,0.4' },
      { fast: false, deepCache: { interval: 2, branch: 0, schedule: 'uniform' }, guidanceInterval: [0, 0.4], steps: 3 },
    ],
    ['custom, every step: off', {}, { ...OPEN, speed: 'custom', deepCache: '1', guidanceInterval: '0,1' }, { deepCache: null, guidanceInterval: null }],
    [
      'custom keeps --deep-cache-branch',
      { deepCacheBranch: '1' },
      { ...OPEN, speed: 'custom', deepCache: '3', guidanceInterval: '0,1' },
      { deepCache: { interval: 3, branch: 1, schedule: 'uniform' } },
    ],
  ])('%s', (_name, flags, answers, want) => {
    expect(made(flags).settings(answers)).toMatchObject(want);
  });

  it('the initial choice follows the flags', () => {
    expect(made().field('speed').initial({})).toBe('off');
    expect(made({ fast: true }).field('speed').initial({})).toBe('fast');
    expect(made({ guidanceInterval: '0,0.5' }).field('speed').initial({})).toBe('custom');
    expect(made({ guidanceInterval: '0,0.5' }).field('guidanceInterval').initial({})).toBe('0,0.5');
  });

  it('describePreset names what --fast changes', () => {
    expect(describePreset({ deepCache: { interval: 1, branch: 0, schedule: 'uniform' }, guidanceInterval: null })).toBe('no change');
  });
});

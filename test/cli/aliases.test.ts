// Other tools' names for our flags (hidden aliases), dpm++2m, and --seed -1 as "draw one".
import { describe, expect, it } from 'vitest';
import { fromFlags } from '../../cli/config.js';
import { checkGiven } from '../../cli/settings.js';

describe('aliases', () => {
  it.each([
    [{ numFrames: '12' }, { frames: 12 }],
    [{ videoFrames: '10' }, { frames: 10 }],
    [{ numInferenceSteps: '30' }, { steps: 30 }],
    [{ guidanceScale: '7.5' }, { guidanceScale: 7.5 }],
    [{ samplingMethod: 'dpm++2m' }, { scheduler: 'dpmpp2m' }],
    [{ scheduler: 'DPM++2M' }, { scheduler: 'dpmpp2m' }],
    [{ frames: '4', numFrames: '12' }, { frames: 4 }],
  ])('%j', (opts, want) => expect(checkGiven(fromFlags(opts), 'a cat')).toMatchObject(want));

  it.each(['-1', 'random', 'RANDOM'])('--seed %s draws a seed', (seed) => {
    expect(checkGiven(fromFlags({ seed }), 'a cat').seed).toBeUndefined();
  });

  it('errors name the alias that was typed', () => {
    expect(() => checkGiven(fromFlags({ numInferenceSteps: 'x' }), 'a cat')).toThrow(/^--num-inference-steps x: invalid value/);
    expect(() => checkGiven(fromFlags({ seed: '-2' }), 'a cat')).toThrow(/^--seed -2: invalid value/);
  });
});

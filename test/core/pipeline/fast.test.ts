// t2v.json `fast` presets: parsed with the generic preset's values for what a model leaves out; bad values refused in one line.
import { describe, expect, it } from 'vitest';
import { GENERIC_FAST, parseFastPreset } from '../../../core/pipeline/fast.js';

describe('fast presets', () => {
  it('an empty preset is the generic one', () => {
    expect(parseFastPreset({}, 't2v.json')).toEqual(GENERIC_FAST);
  });
  it('takes every key', () => {
    expect(
      parseFastPreset({ deep_cache: 2, deep_cache_branch: 0, deep_cache_schedule: 'non-uniform', deep_cache_last_full: 2, guidance_interval: [0, 0.5], steps: 12, scheduler: 'dpmpp2m' }, 't2v.json'),
    ).toEqual({
      deepCache: { interval: 2, branch: 0, schedule: 'non-uniform', lastFull: 2 },
      guidanceInterval: [0, 0.5],
      steps: 12,
      scheduler: 'dpmpp2m',
    });
  });
  it.each([
    [{ deep_cache: 0 }, /^t2v.json: fast.deep_cache must be a whole number >= 1$/],
    [{ deep_cache_branch: -1 }, /fast.deep_cache_branch must be a whole number >= 0/],
    [{ deep_cache_schedule: 'quadratic' }, /fast.deep_cache_schedule must be uniform or non-uniform/],
    [{ deep_cache_last_full: -1 }, /^t2v.json: fast.deep_cache_last_full must be a whole number >= 0$/],
    [{ deep_cache_last_full: '3' }, /fast.deep_cache_last_full must be a whole number >= 0/],
    [{ guidance_interval: [0.5, 0.5] }, /fast.guidance_interval must be null or \[a, b\] with 0 <= a < b <= 1/],
    [{ guidance_interval: [0, 2] }, /fast.guidance_interval/],
    [{ guidance_interval: '0,1' }, /fast.guidance_interval/],
    [{ steps: 2.5 }, /fast.steps must be a whole number >= 1/],
    [{ scheduler: 'pndm' }, /fast.scheduler must be ddim, dpmpp2m or euler/],
    [[], /fast/],
  ])('refuses %o', (raw, pattern) => {
    expect(() => parseFastPreset(raw, 't2v.json')).toThrow(pattern);
  });
});

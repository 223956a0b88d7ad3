// From flags, T2V_* and config.json to checked settings: precedence, FreeU implication, model defaults.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromFlags, layer, readConfig, readEnv } from '../../cli/config.js';
import { checkGiven, completeSettings, defaultOutput, withRevision } from '../../cli/settings.js';
import { TINY_DEFAULTS } from './fakes.js';

const NO_CONFIG = { XDG_CONFIG_HOME: '/nonexistent-t2v-test' };

function settingsOf(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = NO_CONFIG, prompt = 'a cat') {
  return completeSettings(checkGiven(layer(fromFlags(flags), env), prompt), TINY_DEFAULTS, () => 7n);
}

function configDir(config: unknown): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 't2v-config-'));
  mkdirSync(join(dir, 't2v'));
  writeFileSync(join(dir, 't2v', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return { XDG_CONFIG_HOME: dir };
}

describe('settings', () => {
  it('fills everything from the model defaults and draws a seed', () => {
    const s = settingsOf({});
    expect(s).toMatchObject({ prompt: 'a cat', steps: 3, frames: 4, width: 32, height: 32, guidanceScale: 9, fps: 8, scheduler: 'ddim', freeu: null, device: 'auto', seed: 7n, seedDrawn: true });
  });

  it.each([
    [{ steps: '25' }, { steps: 25 }],
    [{ guidance: '7.5' }, { guidanceScale: 7.5 }],
    [{ cfgScale: '6' }, { guidanceScale: 6 }],
    [
      { frames: '8', width: '64', height: '48' },
      { frames: 8, width: 64, height: 48 },
    ],
    [
      { scheduler: 'euler', device: 'cpu', threads: '1' },
      { scheduler: 'euler', device: 'cpu', threads: 1 },
    ],
    [{ seed: '42' }, { seed: 42n, seedDrawn: false }],
    [
      { negativePrompt: 'blurry', fps: '12' },
      { negativePrompt: 'blurry', fps: 12 },
    ],
  ])('flags %j', (flags, want) => {
    expect(settingsOf(flags)).toMatchObject(want);
  });

  it.each([
    [{ freeu: true }, { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, version: 1, start: 0, end: 1 }],
    [{ b1: '1.5' }, { b1: 1.5, b2: 1.4, s1: 0.9, s2: 0.2 }],
    [{ freeuPreset: 'sd15' }, { b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 }],
    [
      { freeuPreset: 'sd21', s2: '0.5' },
      { b1: 1.4, b2: 1.6, s2: 0.5 },
    ],
    [{ freeuVersion: '2' }, { version: 2 }],
    [
      { freeuStart: '0.2', freeuEnd: '0.6' },
      { start: 0.2, end: 0.6 },
    ],
  ])('FreeU flags %j turn it on', (flags, want) => {
    expect(settingsOf(flags).freeu).toMatchObject(want);
  });

  it('--no-freeu wins over other FreeU flags and the environment', () => {
    expect(settingsOf({ freeu: false, b1: '1.5' }, { ...NO_CONFIG, T2V_FREEU: '1' }).freeu).toBeNull();
  });

  it('a FreeU factor from T2V_* sets the factor without turning FreeU on', () => {
    const s = settingsOf({}, { ...NO_CONFIG, T2V_B1: '1.6' });
    expect(s.freeu).toBeNull();
    expect(s.freeuOn.b1).toBe(1.6);
    expect(settingsOf({}, { ...NO_CONFIG, T2V_B1: '1.6', T2V_FREEU: 'yes' }).freeu?.b1).toBe(1.6);
  });

  it('precedence: flag over environment over config file', () => {
    const env = { ...configDir({ steps: 10, guidance: 5, 'negative-prompt': 'ugly', device: 'cpu' }), T2V_STEPS: '20', T2V_GUIDANCE: '6' };
    expect(settingsOf({ steps: '30' }, env)).toMatchObject({ steps: 30, guidanceScale: 6, negativePrompt: 'ugly', device: 'cpu' });
    expect(settingsOf({}, env)).toMatchObject({ steps: 20 });
  });

  it.each([
    [{ steps: '0' }, NO_CONFIG, '--steps 0: invalid value; use a whole number from 1 to 10000'],
    [{ frames: '-1' }, NO_CONFIG, '--frames -1: invalid value; use a whole number from 1 to 1024'],
    [{ guidance: 'x' }, NO_CONFIG, '--guidance x: invalid value; use a number >= 1'],
    [{ scheduler: 'foo' }, NO_CONFIG, '--scheduler foo: invalid value; use one of ddim, dpmpp2m, euler'],
    [{ device: 'tpu' }, NO_CONFIG, '--device tpu: invalid value; use one of auto, cpu, webgpu'],
    [{ freeuPreset: 'sd3' }, NO_CONFIG, '--freeu-preset sd3: unknown FreeU preset; allowed: modelscope, zeroscope, sd14, sd15, sd21, sdxl'],
    [{ freeuStart: '0.5', freeuEnd: '0.5' }, NO_CONFIG, '--freeu-start 0.5 must be below --freeu-end 0.5'],
    [{ s1: '-1' }, NO_CONFIG, '--s1 -1: expected a number in [0, 5]'],
    [{ freeuVersion: '3' }, NO_CONFIG, '--freeu-version 3: expected 1 or 2'],
    [{}, { ...NO_CONFIG, T2V_B2: '9' }, 'T2V_B2 9: expected a number in [0, 5]'],
    [{}, { ...NO_CONFIG, T2V_STEPS: 'many' }, 'T2V_STEPS many: invalid value; use a whole number'],
    [{ deepCache: '0' }, NO_CONFIG, '--deep-cache 0: invalid value; use a whole number from 1 to 1000'],
    [{ deepCacheBranch: '-1' }, NO_CONFIG, '--deep-cache-branch -1: invalid value; use a whole number from 0 to 100'],
    [{ deepCacheSchedule: 'quadratic' }, NO_CONFIG, '--deep-cache-schedule quadratic: invalid value; use one of uniform, non-uniform'],
    [{ deepCacheLastFull: 'two' }, NO_CONFIG, '--deep-cache-last-full two: invalid value; use a whole number from 0 to 1000'],
    [{ guidanceInterval: '0.5,0.5' }, NO_CONFIG, '--guidance-interval 0.5,0.5: expected A,B with 0 <= A < B <= 1'],
    [{ guidanceInterval: '0.5' }, NO_CONFIG, '--guidance-interval 0.5: expected A,B with 0 <= A < B <= 1'],
    [{ guidanceInterval: '0,2' }, NO_CONFIG, '--guidance-interval 0,2: expected A,B with 0 <= A < B <= 1'],
    [{}, { ...NO_CONFIG, T2V_DEEP_CACHE: 'x' }, 'T2V_DEEP_CACHE x: invalid value; use a whole number'],
  ])('rejects %j', (flags, env, message) => {
    expect(() => settingsOf(flags, env)).toThrow(message);
  });

  it.each([
    [{}, { fast: false, deepCache: null, guidanceInterval: null, steps: 3, scheduler: 'ddim' }],
    [{ fast: true }, { fast: true, deepCache: { interval: 3, branch: 0, schedule: 'uniform' }, guidanceInterval: [0, 0.5], steps: 2, scheduler: 'dpmpp2m' }],
    [
      { fast: true, deepCache: '1', steps: '9', guidanceInterval: '0,1' },
      { fast: true, deepCache: null, guidanceInterval: null, steps: 9, scheduler: 'dpmpp2m' },
    ],
    [
      { deepCache: '4', deepCacheSchedule: 'non-uniform' },
      { fast: false, deepCache: { interval: 4, branch: 0, schedule: 'non-uniform' }, guidanceInterval: null, steps: 3 },
    ],
    [{ guidanceInterval: '0.25,0.75' }, { deepCache: null, guidanceInterval: [0.25, 0.75] }],
    [{ deepCache: '3', deepCacheLastFull: '2' }, { deepCache: { interval: 3, branch: 0, schedule: 'uniform', lastFull: 2 } }],
  ])('speed flags %j: --fast is the model preset under the flags given', (flags, want) => {
    expect(settingsOf(flags)).toMatchObject(want);
  });
  it('--deep-cache-last-full 0 is stored as absent, so the metadata of a run without it is unchanged', () => {
    expect(settingsOf({ deepCache: '3', deepCacheLastFull: '0' }).deepCache).toEqual({ interval: 3, branch: 0, schedule: 'uniform' });
  });

  it('config file problems name the file and the fix', () => {
    expect(() => readConfig(configDir('{ nope'))).toThrow(/config\.json: not valid JSON .*; fix or remove the file/);
    expect(() => readConfig(configDir({ stepz: 3 }))).toThrow(/unknown setting "stepz"; allowed: negativePrompt, model/);
    expect(() => settingsOf({}, configDir({ steps: 0 }))).toThrow(/config\.json "steps" 0: invalid value; use a whole number/);
  });

  it('reads every configurable flag from T2V_*', () => {
    expect(Object.keys(readEnv({ T2V_NEGATIVE_PROMPT: 'x', T2V_FREEU_PRESET: 'sd14', T2V_CACHE: '/c', T2V_JSON: '1' }))).toEqual(['negativePrompt', 'freeuPreset', 'json']);
  });

  it('prompt: argument or -p, not two different ones, not empty', () => {
    expect(checkGiven(layer(fromFlags({ prompt: 'a dog' }), NO_CONFIG)).prompt).toBe('a dog');
    expect(() => checkGiven(layer(fromFlags({ prompt: 'a dog' }), NO_CONFIG), 'a cat')).toThrow('two prompts given');
    expect(() => checkGiven(layer(fromFlags({}), NO_CONFIG), '  ')).toThrow('the prompt is empty');
    expect(() => completeSettings(checkGiven(layer(fromFlags({}), NO_CONFIG)), TINY_DEFAULTS)).toThrow(/^no prompt/);
  });

  it.each([
    ['damo-vilab/text-to-video-ms-1.7b', 'abc', 'damo-vilab/text-to-video-ms-1.7b@abc'],
    ['default', 'abc', 'default'],
    ['./my/model', 'abc', './my/model'],
    ['org/name', '', 'org/name'],
  ])('withRevision(%s, %s)', (model, rev, want) => expect(withRevision(model, rev)).toBe(want));

  it('default output name', () => {
    expect(defaultOutput('A corgi, running on the BEACH!', 42n)).toBe('t2v-a-corgi-running-on-the-beach-42.mp4');
    expect(defaultOutput('日本', 1n, '-compare')).toBe('t2v-video-compare-1.mp4');
  });
});

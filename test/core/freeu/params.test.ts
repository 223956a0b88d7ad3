import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { checkFreeU, FREEU_OFF, freeuFactorsForStep, freeuPreset, parseFreeUValue, presetNames, type FreeUParam } from '../../../core/freeu/index.js';
import type { FreeUSettings } from '../../../core/pipeline/types.js';

const ON: FreeUSettings = { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, version: 1, start: 0, end: 1 };

describe('parseFreeUValue', () => {
  it.each<{ param: FreeUParam; raw: string | number; value: number }>([
    { param: 'b1', raw: '1.2', value: 1.2 },
    { param: 'b2', raw: ' 1.6 ', value: 1.6 },
    { param: 's1', raw: 0, value: 0 },
    { param: 's2', raw: '5', value: 5 },
    { param: 'threshold', raw: '2', value: 2 },
    { param: 'version', raw: '2', value: 2 },
    { param: 'start', raw: '.25', value: 0.25 },
    { param: 'end', raw: '1e0', value: 1 },
  ])('$param $raw -> $value', ({ param, raw, value }) => {
    expect(parseFreeUValue(param, raw)).toBe(value);
  });

  it.each<{ param: FreeUParam; raw: string | number; label?: string; message: string }>([
    { param: 'b1', raw: 'abc', message: 'freeu.b1 abc: expected a number in [0, 5]' },
    { param: 'b2', raw: '', message: 'freeu.b2 : expected a number in [0, 5]' },
    { param: 's1', raw: '-0.1', message: 'freeu.s1 -0.1: expected a number in [0, 5]' },
    { param: 's2', raw: '0x10', message: 'freeu.s2 0x10: expected a number in [0, 5]' },
    { param: 'b1', raw: 'Infinity', label: 'T2V_B1', message: 'T2V_B1 Infinity: expected a number in [0, 5]' },
    { param: 'threshold', raw: '-1', message: 'freeu.threshold -1: expected a whole number >= 1' },
    { param: 'threshold', raw: '1.5', message: 'freeu.threshold 1.5: expected a whole number >= 1' },
    { param: 'version', raw: '3', message: 'freeu.version 3: expected 1 or 2' },
    { param: 'start', raw: '1.5', message: 'freeu.start 1.5: expected a fraction in [0, 1]' },
    { param: 'end', raw: NaN, message: 'freeu.end NaN: expected a fraction in [0, 1]' },
  ])('$param $raw is refused', ({ param, raw, label, message }) => {
    expect(() => parseFreeUValue(param, raw, label)).toThrow(UsageError);
    expect(() => parseFreeUValue(param, raw, label)).toThrow(message);
  });
});

describe('checkFreeU', () => {
  it('accepts the modelscope defaults', () => {
    expect(checkFreeU(ON)).toBe(ON);
  });
  it.each([
    { s: { ...ON, start: 0.6, end: 0.4 }, message: 'freeu.start 0.6 must be below freeu.end 0.4' },
    { s: { ...ON, start: 0.5, end: 0.5 }, message: 'freeu.start 0.5 must be below freeu.end 0.5' },
    { s: { ...ON, b1: 7 }, message: 'freeu.b1 7: expected a number in [0, 5]' },
  ])('refuses $s', ({ s, message }) => {
    expect(() => checkFreeU(s)).toThrow(UsageError);
    expect(() => checkFreeU(s)).toThrow(message);
  });
  it('names the label the value came from', () => {
    expect(() => checkFreeU({ ...ON, s1: -1 }, { s1: 'config.json s1' })).toThrow('config.json s1 -1: expected');
  });
});

describe('presets', () => {
  it.each([
    { name: 'modelscope', f: [1.2, 1.4, 0.9, 0.2] },
    { name: 'zeroscope', f: [1.2, 1.4, 0.9, 0.2] },
    { name: 'sd14', f: [1.3, 1.4, 0.9, 0.2] },
    { name: 'sd15', f: [1.5, 1.6, 0.9, 0.2] },
    { name: 'sd21', f: [1.4, 1.6, 0.9, 0.2] },
    { name: 'SDXL ', f: [1.3, 1.4, 0.9, 0.2] },
  ])('$name', ({ name, f }) => {
    const p = freeuPreset(name);
    expect([p.b1, p.b2, p.s1, p.s2]).toEqual(f);
  });
  it('unknown preset lists the names', () => {
    expect(() => freeuPreset('sd3')).toThrow(UsageError);
    expect(() => freeuPreset('sd3')).toThrow(`freeu.preset sd3: unknown FreeU preset; allowed: ${presetNames().join(', ')}`);
    expect(() => freeuPreset('toString')).toThrow(UsageError);
  });
});

describe('freeuFactorsForStep', () => {
  const half: FreeUSettings = { ...ON, version: 2, start: 0.2, end: 0.6 };
  it.each([
    { settings: null, i: 0, n: 10, on: false },
    { settings: undefined, i: 3, n: 10, on: false },
    { settings: ON, i: 0, n: 10, on: true },
    { settings: ON, i: 9, n: 10, on: true },
    { settings: half, i: 1, n: 10, on: false },
    { settings: half, i: 2, n: 10, on: true },
    { settings: half, i: 5, n: 10, on: true },
    { settings: half, i: 6, n: 10, on: false },
    { settings: half, i: 0, n: 1, on: false },
  ])('step $i of $n', ({ settings, i, n, on }) => {
    const f = freeuFactorsForStep(settings, i, n);
    if (on && settings) expect(f).toEqual({ b1: settings.b1, b2: settings.b2, s1: settings.s1, s2: settings.s2, version: settings.version });
    else expect(f).toBe(FREEU_OFF);
  });
});

// FreeU declared once: the flag rows carry core's ranges, the reproduce words and the short form's defaults follow the rows.
import { describe, expect, it } from 'vitest';
import { FREEU_RANGES } from '../../core/freeu/params.js';
import { envName, GENERATION_FLAGS } from '../../cli/flags.js';
import { FREEU_FIELD_FLAGS, FREEU_FLAGS, freeuDefaultWords, freeuWords, parseFactors, parseGivenFreeU } from '../../cli/freeu-setting.js';

describe('the FreeU declaration', () => {
  it('every FreeU row is in the flag table once, in its place', () => {
    const keys = GENERATION_FLAGS.map((s) => s.key);
    const at = keys.indexOf('freeu');
    expect(keys.slice(at, at + FREEU_FLAGS.length)).toEqual(FREEU_FLAGS.map((s) => s.key));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(['b1', 'b2', 's1', 's2', 'start', 'end'] as const)('the help of %s states its range', (f) => {
    expect(FREEU_FIELD_FLAGS[f].description).toContain(`${FREEU_RANGES[f].min}..${FREEU_RANGES[f].max}`);
  });

  it('spells every field by its flag, version first', () => {
    expect(freeuWords({ b1: 1.1, b2: 1.2, s1: 0.5, s2: 0.3, version: 2, start: 0.2, end: 0.8 })).toEqual([
      '--freeu-version',
      '2',
      '--b1',
      '1.1',
      '--b2',
      '1.2',
      '--s1',
      '0.5',
      '--s2',
      '0.3',
      '--freeu-start',
      '0.2',
      '--freeu-end',
      '0.8',
    ]);
    expect(freeuDefaultWords({ b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 })).toEqual({
      '--freeu-version': '1',
      '--b1': '1.2',
      '--b2': '1.4',
      '--s1': '0.9',
      '--s2': '0.2',
      '--freeu-start': '0',
      '--freeu-end': '1',
    });
  });

  it.each([
    [{ b1: { value: '1.5', label: 'T2V_B1' } }, { b1: 1.5, labels: { b1: 'T2V_B1' } }],
    [{ freeuPreset: { value: 'sd15', label: '--freeu-preset' } }, { enabled: true, presetName: 'sd15', preset: { b1: 1.5 } }],
    [{ freeuVersion: { value: '2', label: 'config.json "freeuVersion"' } }, { version: 2 }],
  ])('parses %j', (layered, want) => expect(parseGivenFreeU(layered)).toMatchObject(want));

  it('a value from T2V_* sets the factor without turning FreeU on', () => {
    expect(parseGivenFreeU({ b1: { value: '1.5', label: envName(FREEU_FIELD_FLAGS.b1) } }).enabled).toBeUndefined();
  });

  it.each([
    ['1.1 1.2 0.5 0.3', { b1: 1.1, b2: 1.2, s1: 0.5, s2: 0.3 }],
    ['1,1,1,1', { b1: 1, b2: 1, s1: 1, s2: 1 }],
  ])("the wizard's factors %s", (raw, want) => expect(parseFactors(raw)).toEqual(want));

  it.each([
    ['1 2 3', /give four numbers/],
    ['1 2 3 9', /^s2 9: expected a number in \[0, 5\]$/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseFactors(raw)).toThrow(message);
  });
});

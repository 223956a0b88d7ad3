// Flag value parsing: each accepted and rejected form, and the one-line message naming the flag.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { parseBoolean, parseChoice, parseInteger, parseNumber, parseNumberList, parseSeed } from '../../cli/parse.js';

describe('parse', () => {
  it.each([
    ['--steps', '25', 1, undefined, 25],
    ['--steps', ' 7 ', 1, undefined, 7],
    ['--frames', '1024', 1, 1024, 1024],
  ] as const)('parseInteger %s %j', (flag, raw, min, max, want) => {
    expect(parseInteger(flag, raw, min, max)).toBe(want);
  });

  it.each([
    ['--steps', '0', 1, undefined, '--steps 0: invalid value; use a whole number >= 1'],
    ['--frames', '-1', 1, 1024, '--frames -1: invalid value; use a whole number from 1 to 1024'],
    ['--steps', '2.5', 1, undefined, '--steps 2.5: invalid value; use a whole number >= 1'],
    ['--steps', 'abc', 1, undefined, '--steps abc: invalid value; use a whole number >= 1'],
    ['--steps', '', 1, undefined, '--steps : invalid value; use a whole number >= 1'],
  ] as const)('parseInteger rejects %s %j', (flag, raw, min, max, message) => {
    expect(() => parseInteger(flag, raw, min, max)).toThrow(new UsageError(message));
  });

  it.each([
    ['1.5', {}, 1.5],
    ['0', { min: 0 }, 0],
    ['1e-1', { min: 0, max: 1 }, 0.1],
  ] as const)('parseNumber %j', (raw, opts, want) => {
    expect(parseNumber('--x', raw, opts)).toBe(want);
  });

  it.each([
    ['x', { min: 1 }, '--x x: invalid value; use a number >= 1'],
    ['0', { min: 0, minExclusive: true }, '--x 0: invalid value; use a number > 0'],
    ['2', { min: 0, max: 1 }, '--x 2: invalid value; use a number >= 0 and <= 1'],
    ['Infinity', {}, '--x Infinity: invalid value; use a number'],
    ['', {}, '--x : invalid value; use a number'],
  ] as const)('parseNumber rejects %j', (raw, opts, message) => {
    expect(() => parseNumber('--x', raw, opts)).toThrow(message);
  });

  it('parseChoice names the allowed values', () => {
    expect(parseChoice('--scheduler', 'euler', ['ddim', 'dpmpp2m', 'euler'])).toBe('euler');
    expect(() => parseChoice('--scheduler', 'foo', ['ddim', 'dpmpp2m', 'euler'])).toThrow('--scheduler foo: invalid value; use one of ddim, dpmpp2m, euler');
  });

  it.each([
    ['0', 0n],
    ['42', 42n],
    ['18446744073709551615', 18446744073709551615n],
  ] as const)('parseSeed %s', (raw, want) => expect(parseSeed('--seed', raw)).toBe(want));

  it.each(['-1', '18446744073709551616', '1.5', 'x'])('parseSeed rejects %s', (raw) => {
    expect(() => parseSeed('--seed', raw)).toThrow(/invalid value; use a whole number from 0 to 18446744073709551615/);
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['ON', true],
    [true, true],
    ['0', false],
    ['false', false],
    ['off', false],
    [false, false],
  ] as const)('parseBoolean %j', (raw, want) => expect(parseBoolean('T2V_FREEU', raw)).toBe(want));

  it('parseBoolean rejects other words', () => {
    expect(() => parseBoolean('T2V_FREEU', 'maybe')).toThrow('T2V_FREEU maybe: invalid value; use true or false');
  });

  it('parseNumberList', () => {
    expect(parseNumberList('--b1', '1,1.1, 1.2')).toEqual([1, 1.1, 1.2]);
    expect(() => parseNumberList('--b1', '1,,2')).toThrow('--b1 1,,2: invalid value; use a comma list of numbers');
    expect(() => parseNumberList('--b1', '1,0', { min: 0, minExclusive: true })).toThrow('--b1 0: invalid value; use a number > 0');
  });
});

// A benchmark's error line spells core's setting names as its own --kebab-case flags.
import { describe, expect, it } from 'vitest';
import { benchMessage } from '../../bench/fail.js';
import { settingRef, T2vError, UsageError } from '../../core/errors.js';

describe('benchMessage', () => {
  it.each([
    [new T2vError(`${settingRef('precision')} fp16: no shader-f16; use ${settingRef('precision')} fp32`), '--precision fp16: no shader-f16; use --precision fp32'],
    [new UsageError(`pass ${settingRef('maxMemory')} 0`), 'pass --max-memory 0'],
    [new UsageError(`${settingRef('deepCache.branch')} 3: too deep`), '--deep-cache-branch 3: too deep'],
    [new Error('plain'), 'plain'],
    ['a string', 'a string'],
  ] as const)('%s -> %s', (e, line) => expect(benchMessage(e)).toBe(line));
});

// Core names settings; the CLI spells each as its flag, in one place: every name core uses has a flag, and the line reads as before.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { settingRef, UsageError } from '../../core/errors.js';
import { validateRequest } from '../../core/pipeline/validate.js';
import type { GenerateRequest } from '../../core/pipeline/types.js';
import { flagOfSetting, inFlagTerms } from '../../cli/setting-flags.js';

const BASE: GenerateRequest = { prompt: 'p', steps: 3, guidanceScale: 6, frames: 4, width: 32, height: 32, scheduler: 'ddim' };

describe('core settings in flag terms', () => {
  it.each([
    ['steps', undefined, '--steps'],
    ['guidanceScale', undefined, '--guidance'],
    ['width', 'short', '-W'],
    ['height', undefined, '--height'],
    ['eta', undefined, '--eta'],
    ['seed', undefined, '--seed'],
    ['device', undefined, '--device'],
    ['maxMemory', undefined, '--max-memory'],
    ['deepCache.interval', undefined, '--deep-cache'],
    ['deepCache.branch', undefined, '--deep-cache-branch'],
    ['deepCache.schedule', undefined, '--deep-cache-schedule'],
    ['guidanceInterval', undefined, '--guidance-interval'],
    ['freeu.b1', undefined, '--b1'],
    ['freeu.start', undefined, '--freeu-start'],
    ['freeu.preset', undefined, '--freeu-preset'],
  ] as const)('%s (%s) is %s', (setting, form, flag) => expect(flagOfSetting(setting, form)).toBe(flag));

  it('every setting core, models and video name has a flag', () => {
    const files = execSync("git ls-files 'core/*.ts' 'models/*.ts' 'video/*.ts'", { encoding: 'utf8' }).trim().split('\n');
    const names = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/settingRef\('([\w.]+)'/g)].map((m) => m[1]!));
    expect(names.length).toBeGreaterThan(10);
    for (const n of new Set(names)) expect(flagOfSetting(n), n).toMatch(/^--?[a-z]/i);
  });

  it.each([
    [{ steps: 0 }, '--steps 0: expected a whole number >= 1'],
    [{ guidanceScale: 0.5 }, '--guidance 0.5: expected a number >= 1 (1 turns guidance off)'],
    [{ eta: 0.5, scheduler: 'euler' }, '--eta 0.5: eta applies to the ddim scheduler only; use --scheduler ddim or drop --eta'],
    [{ deepCache: { interval: 2, branch: -1, schedule: 'uniform' } }, '--deep-cache-branch -1: expected a whole number >= 0 (0 = the shallowest skip)'],
  ] as const)('core says %j with setting names, the CLI with flags', (change, line) => {
    let caught: unknown;
    try {
      validateRequest({ ...BASE, ...change } as GenerateRequest, 8);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).not.toContain('--');
    expect((inFlagTerms(caught) as Error).message).toBe(line);
  });

  it('a label given by the caller stays as it is', () => {
    expect(inFlagTerms(new UsageError(`T2V_STEPS 0: bad; use ${settingRef('steps')} 1`)).message).toBe('T2V_STEPS 0: bad; use --steps 1');
  });
});

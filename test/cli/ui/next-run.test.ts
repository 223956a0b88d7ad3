// The wizard's memory and the answers for another run: last.json round trip, flags win, free output names.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeName, lastAnswersPath, nextAnswers, readLastAnswers, rememberedFields, writeLastAnswers } from '../../../cli/ui/next-run.js';
import type { WizardField } from '../../../cli/ui/wizard-fields.js';
import { defaultOutput } from '../../../cli/settings.js';
import { withTempDir } from '../../helpers.js';

describe('last answers', () => {
  it('round trip without the seed and the output; a broken file is no memory', async () => {
    await withTempDir(async (dir) => {
      const env = { XDG_CONFIG_HOME: dir };
      writeLastAnswers(env, { prompt: 'a cat', steps: '5', seed: '7', output: 'x.mp4' });
      expect(lastAnswersPath(env)).toBe(join(dir, 't2v', 'last.json'));
      expect(readLastAnswers(env)).toEqual({ prompt: 'a cat', steps: '5' });
      writeFileSync(lastAnswersPath(env), '[1, 2');
      expect(readLastAnswers(env)).toEqual({});
    });
  });

  it('become the grey defaults, except for fields a flag answered and choices that no longer exist', () => {
    const fields: WizardField[] = [
      { key: 'prompt', label: 'Prompt', initial: () => '' },
      { key: 'steps', label: 'Steps', initial: () => '25' },
      { key: 'scheduler', label: 'Scheduler', initial: () => 'ddim', choices: () => [{ value: 'ddim', label: 'ddim' }] },
    ];
    const out = rememberedFields(fields, { prompt: 'a cat', steps: '5', scheduler: 'gone' }, new Set(['steps']));
    expect(out.map((f) => f.initial({}))).toEqual(['a cat', '25', 'ddim']);
  });
});

describe('another run', () => {
  it('a new seed renames a default output; a taken custom name gets -2', async () => {
    await withTempDir(async (dir) => {
      const a = { prompt: 'a cat', seed: '7', output: defaultOutput('a cat', 7n) };
      const again = nextAnswers(a, true);
      expect(again.seed).not.toBe('7');
      expect(again.output).toBe(defaultOutput('a cat', BigInt(again.seed!)));
      const custom = join(dir, 'clip.mp4');
      writeFileSync(custom, 'x');
      expect(nextAnswers({ prompt: 'a cat', seed: '7', output: custom }, false)).toMatchObject({ seed: '7', output: join(dir, 'clip-2.mp4') });
      expect(freeName(join(dir, 'frames/'))).toBe(join(dir, 'frames/'));
    });
  });
});

// Batch input parsing, job expansion (seeds, FreeU A/B), names and plans, as tables.
import { describe, expect, it } from 'vitest';
import { expandJobs, parseBatch } from '../../../cli/batch/jobs.js';
import { checkTemplate, renderName } from '../../../cli/batch/names.js';
import { slugOf } from '../../../cli/settings.js';
import { Manifest } from '../../../cli/batch/manifest.js';
import { planBatch } from '../../../cli/batch/plan.js';
import type { Layered } from '../../../cli/config.js';

const NO_DEFAULTS: Layered = {};

describe('parseBatch', () => {
  it.each([
    [
      'txt',
      'a red circle\n\n# note\n  a blue square  \n',
      [
        [1, 'a red circle'],
        [4, 'a blue square'],
      ],
      [],
    ],
    [
      'jsonl',
      '{"prompt": "a", "seed": 3}\n{"prompt": "b", "steps": 4, "b1": 1.2}\n',
      [
        [1, 'a'],
        [2, 'b'],
      ],
      [],
    ],
    [
      'jsonl',
      '{"prompt": "a"}\nnot json\n{"prompt": "c"}\n',
      [
        [1, 'a'],
        [3, 'c'],
      ],
      [[2, 'b.jsonl:2: not valid JSON']],
    ],
    [
      'jsonl',
      '{"steps": 3}\n[1]\n{"prompt": "x", "colour": 1}\n{"prompt": "y", "output": "z.mp4"}\n{"prompt": "z", "seed": null}\n',
      [],
      [
        [1, 'b.jsonl:1: no "prompt"; every line needs one'],
        [2, 'b.jsonl:2: expected one JSON object of settings'],
        [3, 'b.jsonl:3: unknown setting "colour"'],
        [4, 'b.jsonl:4: unknown setting "output"'],
        [5, 'b.jsonl:5: "seed" has a value of type null'],
      ],
    ],
  ] as const)('%s %j', (kind, text, lines, problems) => {
    const r = parseBatch(text, kind, `b.${kind}`);
    expect(r.lines.map((l) => [l.lineNo, l.values.prompt?.value])).toEqual(lines);
    expect(r.problems.length).toBe(problems.length);
    problems.forEach(([lineNo, msg], i) => {
      expect(r.problems[i]!.lineNo).toBe(lineNo);
      expect(r.problems[i]!.message).toContain(msg);
    });
  });
});

describe('expandJobs', () => {
  const lines = parseBatch('{"prompt": "a", "seed": 10}\n{"prompt": "b"}\n{"prompt": "c", "steps": "x"}\n{"prompt": "a", "seed": 10}\n', 'jsonl', 'b.jsonl').lines;

  it('seeds count up from the given seed; a bad value is a problem of its line; a repeated line is its own jobs', () => {
    const { jobs, problems } = expandJobs(lines, NO_DEFAULTS, { seeds: 2, ab: false });
    expect(jobs.map((j) => [j.index, j.lineNo, j.given.seed])).toEqual([
      [1, 1, 10n],
      [2, 1, 11n],
      [3, 2, undefined],
      [4, 2, undefined],
      [5, 4, 10n],
      [6, 4, 11n],
    ]);
    expect(problems).toEqual([{ lineNo: 3, message: expect.stringContaining('b.jsonl:3 "steps" x: invalid value') }]);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(6);
  });

  it('--ab freeu: an off and an on job per seed, sharing the pair key; FreeU flags in the defaults do not turn the off side on', () => {
    const defaults: Layered = { b1: { value: '1.3', label: '--b1' } };
    const { jobs } = expandJobs(lines.slice(0, 1), defaults, { seeds: 1, ab: true });
    expect(jobs.map((j) => [j.variant, j.given.freeu.enabled, j.given.freeu.b1])).toEqual([
      ['off', false, 1.3],
      ['on', true, 1.3],
    ]);
    expect(jobs[0]!.pairKey).toBe(jobs[1]!.pairKey);
    expect(jobs[0]!.key).not.toBe(jobs[1]!.key);
  });

  it('keys are stable across reruns and do not depend on line numbers', () => {
    const a = expandJobs(parseBatch('{"prompt": "a"}\n', 'jsonl', 'x').lines, NO_DEFAULTS, { seeds: 1, ab: false });
    const b = expandJobs(parseBatch('\n# moved down\n{"prompt": "a"}\n', 'jsonl', 'x').lines, NO_DEFAULTS, { seeds: 1, ab: false });
    expect(b.jobs[0]!.key).toBe(a.jobs[0]!.key);
  });
});

describe('names', () => {
  it.each([
    ['{index}-{slug}-{seed}{ab}.mp4', { index: 3, count: 120, lineNo: 9, seed: 7n, prompt: 'A Red  Circle!', variant: 'on' as const }, '003-a-red-circle-7-freeu-on.mp4'],
    ['{line}.gif', { index: 1, count: 1, lineNo: 9, seed: 7n, prompt: 'x' }, '9.gif'],
  ])('%s', (template, fields, name) => {
    checkTemplate(template);
    expect(renderName(template, fields)).toBe(name);
  });

  it.each([
    ['{nope}.mp4', 'unknown field {nope}'],
    ['sub/{index}.mp4', 'a file name, not a path'],
    ['{index}.png', 'end it in .mp4, .webm, .gif'],
  ])('refuses %s', (template, msg) => expect(() => checkTemplate(template)).toThrow(msg));

  it('slugs', () => expect(slugOf('!!!')).toBe('video'));
});

describe('planBatch', () => {
  it('draws one seed per A/B pair and refuses two jobs writing one file', async () => {
    const m = await Manifest.open('/nonexistent-dir-t2v');
    const plan = planBatch('a\nb\n', 'txt', 'p.txt', NO_DEFAULTS, m, { seeds: 1, ab: true, template: '{index}-{seed}{ab}.mp4' });
    expect(plan.jobs[0]!.seed).toBe(plan.jobs[1]!.seed);
    expect(plan.jobs.every((j) => j.seedDrawn)).toBe(true);
    expect(() => planBatch('a\na\n', 'txt', 'p.txt', { seed: { value: '1', label: '--seed' } }, m, { seeds: 1, ab: false, template: '{slug}-{seed}.mp4' })).toThrow(
      'jobs 1 and 2 would both write a-1.mp4; add {index}',
    );
  });
});

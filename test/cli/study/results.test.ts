// Study aggregation: the Wilson interval against known values, last-answer-wins, and refusals of foreign votes files.
import { describe, expect, it } from 'vitest';
import { aggregate, parseVotes, wilson } from '../../../cli/study/results.js';
import type { StudyData } from '../../../cli/study/page.js';
import { studyPage } from '../../../cli/study/page.js';

const STUDY: StudyData = {
  id: 's1',
  title: 't',
  pairs: [
    { id: 'p1', prompt: 'a', seed: '1', off: 'a.webm', on: 'b.webm' },
    { id: 'p2', prompt: 'b', seed: '1', off: 'c.webm', on: 'd.webm' },
  ],
};

describe('wilson', () => {
  // reference values: Wilson (1927) score interval, z = 1.96, as statsmodels' proportion_confint(method='wilson') gives them
  it.each([
    [8, 10, 0.4901, 0.9433],
    [0, 10, 0, 0.2775],
    [50, 100, 0.4038, 0.5962],
  ])('%i of %i', (k, n, low, high) => {
    const ci = wilson(k, n);
    expect(ci.low).toBeCloseTo(low, 3);
    expect(ci.high).toBeCloseTo(high, 3);
  });
});

describe('votes', () => {
  const file = (votes: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ study: 's1', rater: 'r1', votes, ...extra });

  it('the last answer per rater, pair and question counts; raters are counted', () => {
    const a = parseVotes(
      file([
        { pair: 'p1', question: 'quality', choice: 'base' },
        { pair: 'p1', question: 'quality', choice: 'freeu' },
        { pair: 'p2', question: 'quality', choice: 'same' },
      ]),
      'a.json',
      STUDY,
    );
    const b = parseVotes(file([{ pair: 'p1', question: 'quality', choice: 'freeu' }], { rater: 'r2' }), 'b.json', STUDY);
    const r = aggregate(STUDY, [...a, ...b]);
    expect(r.raters).toBe(2);
    expect(r.overall.quality).toMatchObject({ freeu: 2, base: 0, same: 1, preferred: 1, raters: 2 });
    expect(r.overall.alignment).toMatchObject({ freeu: 0, base: 0, preferred: null });
    expect(r.perPrompt.map((p) => [p.prompt, p.byQuestion.quality!.freeu])).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
  });

  it.each([
    ['nope', 'not a votes file (not JSON)'],
    [JSON.stringify({ study: 'other', rater: 'r', votes: [] }), 'votes of another study (other)'],
    [file([{ pair: 'p9', question: 'quality', choice: 'freeu' }]), 'vote 1 is not one of this study'],
    [file([{ pair: 'p1', question: 'quality', choice: 'rm -rf' }]), 'vote 1 is not one of this study'],
  ])('refuses %s', (text, msg) => expect(() => parseVotes(text, 'v.json', STUDY)).toThrow(msg));

  it('the page embeds the study so no text closes its script element', () => {
    const html = studyPage({ ...STUDY, pairs: [{ ...STUDY.pairs[0]!, prompt: '</script><script>alert(1)</script>' }] });
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('\\u003c/script>');
  });
});

// The study's results chart (drawn to PNG by ../chart-png.ts).
import type { TopLevelSpec } from 'vega-lite';
export { renderChart } from '../chart-png.js';
import type { StudyResults } from './results.js';

/** Preference for FreeU per question with its 95% interval, and the 50% line. */
export function resultsSpec(r: StudyResults): TopLevelSpec {
  const values = Object.entries(r.overall).map(([question, p]) => ({ question, preferred: p.preferred ?? 0, low: p.low ?? 0, high: p.high ?? 1, n: p.freeu + p.base }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Preference for FreeU', subtitle: `${r.raters} rater${r.raters === 1 ? '' : 's'}; bars: share of decided votes; whiskers: Wilson 95% interval` },
    width: 320,
    height: 220,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color: '#3a7' },
        encoding: {
          x: { field: 'question', type: 'nominal', title: null, axis: { labelAngle: 0 } },
          y: { field: 'preferred', type: 'quantitative', title: 'prefer FreeU', scale: { domain: [0, 1] }, axis: { format: '%' } },
        },
      },
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'question', type: 'nominal' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      { mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { datum: 0.5 } } },
    ],
  };
}

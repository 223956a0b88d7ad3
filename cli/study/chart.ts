// Charts as PNG files: a Vega-Lite spec compiled by vega-lite, drawn to SVG by vega (headless), rasterised by resvg.
import type { TopLevelSpec } from 'vega-lite';
import type { StudyResults } from './results.js';

/** Renders a Vega-Lite spec to PNG bytes; no browser, no network (fonts from the system: DejaVu on Debian). */
export async function renderChart(spec: TopLevelSpec, scale = 2): Promise<Buffer> {
  const [{ compile }, vega, { Resvg }] = await Promise.all([import('vega-lite'), import('vega'), import('@resvg/resvg-js')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
  return Buffer.from(png);
}

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
      { mark: { type: 'bar', color: '#3a7' }, encoding: { x: { field: 'question', type: 'nominal', title: null, axis: { labelAngle: 0 } }, y: { field: 'preferred', type: 'quantitative', title: 'prefer FreeU', scale: { domain: [0, 1] }, axis: { format: '%' } } } },
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'question', type: 'nominal' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      { mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { datum: 0.5 } } },
    ],
  };
}

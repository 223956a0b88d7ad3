// Vega-Lite specs of the FreeU paper's spectrum plots: relative log amplitude against frequency, 0.0π .. 1.0π, one line per series.
import type { TopLevelSpec } from 'vega-lite';
import type { Curve } from './reduce.js';

/** One plotted point; `row` / `column` pick the small multiple (stage, step), `series` the line. */
export interface SpectrumPoint {
  readonly row: string;
  readonly column: string;
  readonly series: string;
  readonly frequency: number;
  readonly value: number | null;
}

export interface SpectrumChart {
  readonly title: string;
  readonly subtitle: string;
  /** Legend title (what the series are). */
  readonly legend: string;
  readonly points: readonly SpectrumPoint[];
  /** Series in legend order, with their colours. */
  readonly series: readonly { readonly name: string; readonly color: string }[];
}

/** A curve's points (empty bins, e.g. above DC on a 1 x 1 map, are left out). */
export function curvePoints(c: Curve, row: string, column: string, series: string): SpectrumPoint[] {
  return c.frequency.map((frequency, i) => ({ row, column, series, frequency, value: c.value[i] ?? null })).filter((p) => p.value !== null);
}

export const PANEL = { width: 200, height: 150 } as const;

export function spectrumSpec(c: SpectrumChart): TopLevelSpec {
  const rows = [...new Set(c.points.map((p) => p.row))];
  const columns = [...new Set(c.points.map((p) => p.column))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: c.title, subtitle: c.subtitle, anchor: 'middle' },
    data: { values: c.points.map((p) => ({ ...p })) },
    facet: {
      row: { field: 'row', type: 'nominal', title: null, sort: rows, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } },
      column: { field: 'column', type: 'nominal', title: null, sort: columns, header: { labelFontSize: 12 } },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: PANEL.width,
      height: PANEL.height,
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'frequency',
          type: 'quantitative',
          title: 'Frequency',
          scale: { domain: [0, 1] },
          axis: { values: [0, 0.5, 1], labelExpr: "format(datum.value, '.1f') + 'π'" },
        },
        y: { field: 'value', type: 'quantitative', title: 'Relative log amplitude', scale: { zero: false }, axis: { format: '.1f' } },
        color: {
          field: 'series',
          type: 'nominal',
          title: c.legend,
          sort: c.series.map((s) => s.name),
          scale: { domain: c.series.map((s) => s.name), range: c.series.map((s) => s.color) },
          legend: { orient: 'bottom' },
        },
      },
    },
  };
}

/** Colours of a sequence (the b1 sweep): light to dark blue, as the paper's Fig. 6 shades its b values. */
export function ramp(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const t = n === 1 ? 1 : i / (n - 1);
    const mix = (a: number, b: number): number => Math.round(a + (b - a) * t);
    return `rgb(${mix(150, 8)}, ${mix(190, 48)}, ${mix(230, 107)})`;
  });
}

export const OFF_ON = [
  { name: 'FreeU off', color: '#888888' },
  { name: 'FreeU on', color: '#d62728' },
] as const;
export const BACKBONE_SKIP = [
  { name: 'backbone', color: '#1f77b4' },
  { name: 'skip', color: '#ff7f0e' },
] as const;

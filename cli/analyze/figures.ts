// The report's figures from the reduced runs: each a PNG and the data drawn in it, named after the FreeU paper's figures.
import { renderChart } from '../chart-png.js';
import { encodePng } from '../../video/png.js';
import { BACKBONE_SKIP, curvePoints, OFF_ON, ramp, spectrumSpec, type SpectrumChart, type SpectrumPoint } from './charts.js';
import { denoisingFigure, featureMapFigure, splitImage, type Image01, type MapRow } from './images.js';
import type { StageStep } from './reduce.js';
import type { AnalyzedRun } from './runs.js';
import type { RecordedKind } from '../../models/networks/unet3d.js';

export interface Figure {
  /** File stem: `<name>.png` and `<name>.json`. */
  readonly name: string;
  readonly title: string;
  /** How to read it, one sentence. */
  readonly read: string;
  readonly png: Buffer;
  readonly data: unknown;
}

export interface FigureInput {
  readonly off: AnalyzedRun;
  readonly on: AnalyzedRun;
  /** The --sweep-b1 runs, in the given order (empty: no Fig. 6). */
  readonly sweep: readonly AnalyzedRun[];
  /** Steps of the spectrum panels (0-based) and the total. */
  readonly shown: readonly number[];
  readonly total: number;
  /** Radial low-pass cut-off of Fig. 2, as a fraction of pi. */
  readonly cutoff: number;
  /** Prompt and seed, for the subtitles. */
  readonly caption: string;
}

const stageLabel = (s: StageStep): string => `up_blocks[${s.stage}] ${s.height}x${s.width}`;
const stepLabel = (step: number, total: number): string => `step ${step + 1}/${total}`;

function stagesAt(run: AnalyzedRun, step: number): readonly StageStep[] {
  return run.reduction.steps.find((s) => s.step === step)?.stages ?? [];
}

/** Points of `kind` for each (run, series name) at the shown steps, one panel per stage and step. */
function spectrumPoints(input: FigureInput, lines: readonly { run: AnalyzedRun; series: string; kind: RecordedKind }[]): SpectrumPoint[] {
  const points: SpectrumPoint[] = [];
  for (const step of input.shown) {
    for (const { run, series, kind } of lines) {
      for (const s of stagesAt(run, step)) points.push(...curvePoints(s.spectra[kind], stageLabel(s), stepLabel(step, input.total), series));
    }
  }
  return points;
}

async function chartFigure(name: string, read: string, chart: SpectrumChart): Promise<Figure> {
  return {
    name,
    title: chart.title,
    read,
    png: await renderChart(spectrumSpec(chart)),
    data: { title: chart.title, subtitle: chart.subtitle, axes: { x: 'Frequency (x pi)', y: 'Relative log amplitude' }, points: chart.points },
  };
}

export async function buildFigures(input: FigureInput): Promise<Figure[]> {
  const { off, on } = input;
  const figures: Figure[] = [];
  figures.push(
    await chartFigure(
      'fig13-spectrum-off-on',
      'One panel per FreeU stage (row) and step (column); each curve is relative to its DC bin, so lower at the right means relatively less high-frequency content. The paper finds FreeU on lower there.',
      {
        title: "Relative log amplitude of the FreeU stages' output, FreeU off vs on (Fig. 13)",
        subtitle: `output of up_blocks[0] and [1] (before the upsampler); ${input.caption}`,
        legend: 'FreeU',
        series: OFF_ON,
        points: spectrumPoints(input, [
          { run: off, series: OFF_ON[0].name, kind: 'block_output' },
          { run: on, series: OFF_ON[1].name, kind: 'block_output' },
        ]),
      },
    ),
  );
  figures.push(
    await chartFigure(
      'fig7-backbone-skip',
      'Skip above backbone at the right means the skip features carry relatively more high-frequency content; the paper finds that (its Fig. 7), check whether this model does.',
      {
        title: 'Relative log amplitude of backbone vs skip features (Fig. 7)',
        subtitle: `FreeU off, before the concatenation; ${input.caption}`,
        legend: 'features',
        series: BACKBONE_SKIP,
        points: spectrumPoints(input, [
          { run: off, series: BACKBONE_SKIP[0].name, kind: 'backbone_before' },
          { run: off, series: BACKBONE_SKIP[1].name, kind: 'skip_before' },
        ]),
      },
    ),
  );
  if (input.sweep.length > 0) {
    const colors = ramp(input.sweep.length);
    const series = input.sweep.map((r, i) => ({ name: `b1 = ${r.freeu?.b1 ?? 1}`, color: colors[i]! }));
    figures.push(
      await chartFigure('fig6-b1-sweep', 'Darker lines are larger b1; the paper (Fig. 6) finds the high-frequency end falling as b grows.', {
        title: 'Relative log amplitude for a sweep of the backbone factor b1 (Fig. 6)',
        subtitle: `output of up_blocks[0] and [1]; b2, s1, s2 as FreeU on; ${input.caption}`,
        legend: 'backbone factor',
        series,
        points: spectrumPoints(
          input,
          input.sweep.map((run, i) => ({ run, series: series[i]!.name, kind: 'block_output' as const })),
        ),
      }),
    );
  }
  figures.push(denoising(input));
  figures.push(featureMaps(input));
  return figures;
}

function highShare(img: Image01, cutoff: number): number {
  const { high } = splitImage(img, cutoff);
  const mean = img.rgb.reduce((a, v) => a + v, 0) / img.rgb.length;
  const total = img.rgb.reduce((a, v) => a + (v - mean) ** 2, 0);
  return total > 0 ? Number((high.rgb.reduce((a, v) => a + v * v, 0) / total).toFixed(4)) : 0;
}

function denoising(input: FigureInput): Figure {
  const steps = [...input.off.x0.keys()].sort((a, b) => a - b);
  const runs = [input.off, input.on].map((r) => ({ label: r === input.off ? 'off' : 'on', x0: steps.map((s) => r.x0.get(s)!) }));
  const first = runs[0]!.x0[0]!;
  const scale = Math.max(1, Math.floor(128 / Math.max(first.width, first.height)));
  const img = denoisingFigure(
    runs,
    steps.map((s) => stepLabel(s, input.total)),
    input.cutoff,
    scale,
  );
  return {
    name: 'fig2-denoising-low-high',
    title: `Clean-image estimate x0 over the steps, low and high frequencies (Fig. 2)`,
    read: `Columns are steps; per run the rows are x0 (middle frame, decoded by the VAE), its low part (radial frequency <= ${input.cutoff} pi) and its high part (shown as 0.5 + high): low frequencies settle early, high frequencies keep changing.`,
    png: encodePng(img.width, img.height, img.data, [['t2v-figure', 'fig2']]),
    data: {
      cutoff: input.cutoff,
      frame: 'middle',
      steps: steps.map((s) => s + 1),
      highShownAs: '0.5 + high, clamped to [0, 1]',
      // the share of x0's variance (about its mean) in the high part, per step: how much detail there is yet
      highShare: Object.fromEntries(runs.map((r) => [r.label, r.x0.map((img) => highShare(img, input.cutoff))])),
    },
  };
}

function featureMaps(input: FigureInput): Figure {
  const step = input.shown[input.shown.length - 1]!;
  const rows: MapRow[] = [];
  for (const [i, s] of stagesAt(input.off, step).entries()) {
    for (const run of [input.off, input.on]) {
      const at = stagesAt(run, step)[i]!;
      if (!at.channelMeans) continue;
      rows.push({ label: `${stageLabel(at)} ${run === input.off ? 'off' : 'on'}`, height: at.channelMeans.height, width: at.channelMeans.width, frames: at.channelMeans.frames, group: s.stage });
    }
  }
  const [h, w] = [rows[0]!.height, rows[0]!.width];
  const cellW = Math.round((96 * w) / Math.max(h, w));
  const cellH = Math.round((96 * h) / Math.max(h, w));
  const img = featureMapFigure(rows, cellW, cellH);
  return {
    name: 'fig14-feature-maps',
    title: `Channel-mean output feature maps of the FreeU stages at ${stepLabel(step, input.total)}, FreeU off vs on (Fig. 14)`,
    read: 'One row per FreeU stage and run, one column per frame; viridis colours (dark low, yellow high) over one range per stage, so off and on are comparable.',
    png: encodePng(img.width, img.height, img.data, [['t2v-figure', 'fig14']]),
    data: { step: step + 1, colour: 'viridis, min..max per stage over off and on', rows: rows.map((r) => ({ label: r.label, height: r.height, width: r.width, frames: r.frames })) },
  };
}
